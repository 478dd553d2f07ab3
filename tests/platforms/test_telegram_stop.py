"""SIGTERM under load: `ledgerbot run telegram` stops taking updates, sends what it can within the grace period,
and the next process sends the rest on start — every message gets its reply, once (issue 18)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter

from bot.app import build_app
from bot.settings import Settings
from tests.conftest import import_seed
from tests.fakes.fake_telegram import FakeTelegram
from tests.platforms.test_telegram_process import ROOT, start_bot

CHATS = 120
FIRST = 700_000


def replies_per_chat(fake: FakeTelegram) -> Counter[int]:
    return Counter(c.params["chat_id"] for c in fake.calls_of("sendMessage") if "绑定码" in c.params["text"])


async def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return await asyncio.to_thread(proc.wait, 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


async def test_replies_left_at_sigterm_are_sent_by_the_next_process(tmp_path, segmenter):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    app = await build_app(
        Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None), segmenter=segmenter
    )
    try:
        await import_seed(app)
    finally:
        await app.close()
    async with FakeTelegram() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_TELEGRAM__TOKEN=fake.token,
            LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
            LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
            LEDGERBOT_DATABASE_URL=url,
            LEDGERBOT_FILES_DIR=str(tmp_path / "files"),
            LEDGERBOT_SHUTDOWN_GRACE="0.5",
            PYTHONPATH=str(ROOT),
        )
        first_log, second_log = tmp_path / "first.txt", tmp_path / "second.txt"
        proc = start_bot(tmp_path, env, first_log)
        try:
            await fake.wait_for(lambda: bool(fake.calls_of("getUpdates")) or proc.poll() is not None, 60)
            assert proc.poll() is None, first_log.read_text()
            for i in range(CHATS):
                fake.push_text(FIRST + i, FIRST + i, "/start")
            # Paced at 30/s the 120 replies take four seconds: stop after the first twenty.
            await fake.wait_for(
                lambda: sum(replies_per_chat(fake).values()) >= 20 or proc.poll() is not None, 60
            )
        finally:
            code = await stop(proc)
        assert code == 0, first_log.read_text(errors="replace")
        sent_before = sum(replies_per_chat(fake).values())
        assert sent_before < CHATS, "the stop came too late to leave replies behind"
        assert "left in the outbox for the next start" in first_log.read_text(errors="replace")

        proc = start_bot(tmp_path, env, second_log)
        try:
            await fake.wait_for(lambda: len(replies_per_chat(fake)) >= CHATS or proc.poll() is not None, 60)
            await asyncio.sleep(1.0)  # a repeated reply would show by now
        finally:
            code = await stop(proc)
        assert code == 0, second_log.read_text(errors="replace")
    per_chat = replies_per_chat(fake)
    assert sorted(per_chat) == [FIRST + i for i in range(CHATS)]  # 0 lost
    assert set(per_chat.values()) == {1}  # and none twice after a clean stop
