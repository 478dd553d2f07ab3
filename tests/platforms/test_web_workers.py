"""`ledgerbot web --workers 2`: two worker processes answer Telegram webhooks on one port and stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections import Counter

import psutil

from bot.app import build_app
from bot.settings import Settings
from tests.conftest import import_seed
from tests.fakes.fake_telegram import FakeTelegram
from tests.platforms.test_telegram_process import ROOT

SECRET = "webhook-secret_0123456789"
CHATS = 40
FIRST = 800_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_web(cwd, env: dict[str, str], log_path, port: int) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "web", "--workers", "2", "--port", str(port)],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def test_two_web_workers_answer_webhooks_on_one_port_and_stop_on_sigterm(tmp_path, segmenter):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    app = await build_app(
        Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None), segmenter=segmenter
    )
    try:
        await import_seed(app)  # migrated here, not by two workers at once
    finally:
        await app.close()
    port = free_port()
    async with FakeTelegram() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_TELEGRAM__TOKEN=fake.token,
            LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
            LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
            LEDGERBOT_TELEGRAM__WEBHOOK_SECRET=SECRET,
            LEDGERBOT_TELEGRAM__WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
            LEDGERBOT_DATABASE_URL=url,
            LEDGERBOT_FILES_DIR=str(tmp_path / "files"),
            PYTHONPATH=str(ROOT),
        )
        log_path = tmp_path / "web.txt"
        proc = start_web(tmp_path, env, log_path, port)
        try:
            await fake.wait_for(lambda: bool(fake.webhook_url) or proc.poll() is not None, 60)
            assert proc.poll() is None, log_path.read_text(errors="replace")
            workers = [  # the spawned workers (multiprocessing's resource tracker is a child too)
                w
                for w in psutil.Process(proc.pid).children()
                if "resource_tracker" not in " ".join(w.cmdline())
            ]
            assert len(workers) == 2, workers
            for i in range(CHATS):
                fake.push_text(FIRST + i, FIRST + i, "/start")

            def answered() -> Counter[int]:
                return Counter(
                    c.params["chat_id"] for c in fake.calls_of("sendMessage") if "绑定码" in c.params["text"]
                )

            await fake.wait_for(lambda: len(answered()) >= CHATS or proc.poll() is not None, 60)
            assert sorted(answered()) == [FIRST + i for i in range(CHATS)]
            assert set(answered().values()) == {1}
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    assert code == 0, log_path.read_text(errors="replace")
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    assert "Traceback" not in log_path.read_text(errors="replace")
