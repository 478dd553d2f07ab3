"""`ledgerbot run dingtalk` as a real process in Stream mode against the fake gateway on 127.0.0.1:
bind, 填报, progress, confirm, problems, plan; then SIGTERM ends it cleanly."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, FakeDingTalk
from tests.platforms.test_telegram_process import prepare_database

ROOT = Path(__file__).resolve().parents[2]
STAFF = "staff-zhangsan"
_ids = itertools.count(1)


def message(fake: FakeDingTalk, content: str) -> dict:
    """A 1:1 robot message on the real clock (the process under test uses it)."""
    now_ms = int(time.time() * 1000)
    return {
        "msgId": f"proc{next(_ids)}",
        "msgtype": "text",
        "text": {"content": content},
        "conversationType": "1",
        "conversationId": f"cid{STAFF}",
        "senderStaffId": STAFF,
        "createAt": now_ms,
        "sessionWebhook": fake.webhook_for(STAFF),
        "sessionWebhookExpiredTime": now_ms + 90 * 60 * 1000,
    }


def start_bot(cwd: Path, env: dict[str, str], stderr_path: Path) -> subprocess.Popen[bytes]:
    """Start `ledgerbot run dingtalk` as a child process, its stderr kept in a file."""
    with stderr_path.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "dingtalk"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


async def say(
    fake: FakeDingTalk, proc: subprocess.Popen, words: str, expect: str, timeout: float = 30.0
) -> str:
    """Push ``words`` over the stream, check the ACK, and wait for a reply containing ``expect``."""
    before = len(fake.texts_to(STAFF))
    frame = await fake.push(message(fake, words))
    assert (await fake.wait_ack(frame, timeout))["code"] == 200
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(expect in t for t in fake.texts_to(STAFF)[before:]):
        assert proc.poll() is None, f"the bot exited with {proc.returncode}"
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"no reply with {expect!r} to {words!r}; got {fake.texts_to(STAFF)[before:]}"
            )
        await asyncio.sleep(0.05)
    return "\n".join(fake.texts_to(STAFF)[before:])


async def test_ledgerbot_run_dingtalk_files_an_update_over_the_stream(tmp_path, segmenter):
    db_file = tmp_path / "ledger.db"
    url = f"sqlite:///{db_file}"
    code = await prepare_database(url, tmp_path, segmenter)
    async with FakeDingTalk() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_DINGTALK__CLIENT_ID=CLIENT_ID,
            LEDGERBOT_DINGTALK__CLIENT_SECRET=CLIENT_SECRET,
            LEDGERBOT_DINGTALK__API_BASE=fake.base_url,
            LEDGERBOT_DINGTALK__OAPI_BASE=fake.base_url,
            LEDGERBOT_DATABASE_URL=url,
            LEDGERBOT_FILES_DIR=str(tmp_path / "files"),
            PYTHONPATH=str(ROOT),
        )
        stderr_path = tmp_path / "stderr.txt"
        proc = start_bot(tmp_path, env, stderr_path)
        try:
            async with asyncio.timeout(60):
                while not fake.connected.is_set():
                    assert proc.poll() is None, stderr_path.read_text()
                    await asyncio.sleep(0.05)
            assert "绑定码" in await say(fake, proc, "你好", "绑定码")
            assert "【区发改局】的联络员" in await say(fake, proc, f"绑定 {code}", "绑定成功")
            assert "新增停车泊位256个" in await say(fake, proc, "填报", "请回复")
            answer = await say(fake, proc, "停车位又新增了20个，充电桩累计建成400个", "400/400个")
            assert "55/256个" in answer
            await say(fake, proc, "确认", "存在什么问题")
            await say(fake, proc, "无", "计划")
            assert "已记录 [24]" in await say(fake, proc, "推进体育公园停车场建设", "本次填报结束")
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
    assert CLIENT_SECRET not in log and "tok1" not in log  # no secret or token in the log
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
        ("停车位又新增了20个，充电桩累计建成400个", "无", "推进体育公园停车场建设", f"dingtalk:{STAFF}")
    ]
