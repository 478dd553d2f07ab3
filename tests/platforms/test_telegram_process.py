"""`ledgerbot run telegram` as a real process against the fake Bot API on 127.0.0.1: /start to a filed update."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.app import build_app
from bot.operations import cli_open_period
from bot.settings import Settings
from tests.conftest import import_seed
from tests.fakes.fake_telegram import FakeTelegram
from tests.handlers.dialogue_helpers import invite_code

ROOT = Path(__file__).resolve().parents[2]
CONTACT = 31337


def start_bot(cwd: Path, env: dict[str, str], stderr_path: Path) -> subprocess.Popen[bytes]:
    """Start `ledgerbot run telegram` as a child process, its stderr kept in a file."""
    with stderr_path.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "telegram"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


async def prepare_database(url: str, tmp_path: Path, segmenter) -> str:
    """Import the seed, open this month's period (deadline in ten days) and return an invite code."""
    app = await build_app(
        Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None), segmenter=segmenter
    )  # the real clock: the process under test uses it too
    try:
        await import_seed(app)
        now = app.clock.now().astimezone(app.tz)
        deadline = (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
        ok, message = await cli_open_period(app, now.strftime("%Y-%m"), deadline)
        assert ok, message
        return await invite_code(app, "区发改局")
    finally:
        await app.close()


def bot_texts(fake: FakeTelegram) -> list[str]:
    return [m.get("text", "") for m in fake.bot_messages(CONTACT)]


async def say(
    fake: FakeTelegram, proc: subprocess.Popen, words: str, expect: str, timeout: float = 30.0
) -> str:
    """Send ``words`` as the contact and wait for a reply containing ``expect``; return the new replies."""
    before = len(bot_texts(fake))
    fake.push_text(CONTACT, CONTACT, words)
    try:
        await fake.wait_for(
            lambda: any(expect in t for t in bot_texts(fake)[before:]) or proc.poll() is not None, timeout
        )
    except TimeoutError:
        raise AssertionError(
            f"no reply with {expect!r} to {words!r}; got {bot_texts(fake)[before:]}"
        ) from None
    assert proc.poll() is None, f"the bot exited with {proc.returncode}"
    return "\n".join(bot_texts(fake)[before:])


async def test_ledgerbot_run_telegram_serves_a_contact_from_start_to_a_filed_update(tmp_path, segmenter):
    db_file = tmp_path / "ledger.db"
    url = f"sqlite:///{db_file}"
    code = await prepare_database(url, tmp_path, segmenter)
    async with FakeTelegram() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_TELEGRAM__TOKEN=fake.token,
            LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
            LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
            LEDGERBOT_DATABASE_URL=url,
            LEDGERBOT_FILES_DIR=str(tmp_path / "files"),
            PYTHONPATH=str(ROOT),
        )
        stderr_path = tmp_path / "stderr.txt"
        proc = start_bot(tmp_path, env, stderr_path)
        try:
            await fake.wait_for(lambda: bool(fake.calls_of("getUpdates")) or proc.poll() is not None, 60)
            assert proc.poll() is None, stderr_path.read_text()
            assert fake.calls_of("getMe") and fake.calls_of("deleteWebhook")
            assert "绑定码" in await say(fake, proc, "/start", "绑定码")
            assert "【区发改局】的联络员" in await say(fake, proc, f"绑定 {code}", "绑定成功")
            assert "新增停车泊位256个" in await say(fake, proc, "填报", "请回复")
            assert "400/400个" in await say(
                fake, proc, "停车位又新增了20个，充电桩累计建成400个", "400/400个"
            )
            await say(fake, proc, "确认", "存在什么问题")
            await say(fake, proc, "无", "计划")
            assert "已记录 [24]" in await say(fake, proc, "推进体育公园停车场建设", "本次填报结束")
            sent = fake.calls_of("sendMessage")
            assert all(c.params["chat_id"] == CONTACT and c.params["parse_mode"] == "HTML" for c in sent)
            assert len(sent) >= 7
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                returncode = await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    log = stderr_path.read_text(errors="replace")
    assert returncode == 0, log
    assert "Traceback" not in log, log
    assert fake.token not in log  # the token never reaches the log
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(f"sqlite+aiosqlite:///{db_file}")
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT progress, problems, plan, author FROM submissions WHERE source = 'chat'")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("停车位又新增了20个，充电桩累计建成400个", "无", "推进体育公园停车场建设", f"telegram:{CONTACT}")
    ]
