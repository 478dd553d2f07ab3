"""A rejected Telegram token: one clear line, the token never printed (issue 17, case 6)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.fakes.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "987654321:AAH-rejected-SECRET-token_xyz0123456789abcd"


async def _cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def rejecting_telegram():
    fake = await FakeTelegram().start()  # knows only its own token: every other one gets 401
    yield fake
    await fake.close()


@pytest.mark.parametrize("verbose", [False, True])
async def test_a_rejected_token_is_one_line_without_the_token(tmp_path, rejecting_telegram, verbose):
    db = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {
        "LEDGERBOT_TELEGRAM__TOKEN": TOKEN,
        "LEDGERBOT_TELEGRAM__BASE_URL": rejecting_telegram.base_url,
        "LEDGERBOT_TELEGRAM__BASE_FILE_URL": rejecting_telegram.base_file_url,
    }
    code, _, _ = await _cli("--db", db, "db", "upgrade", env=env)
    assert code == 0
    flags = ["--verbose"] if verbose else []
    code, out, err = await _cli(*flags, "--db", db, "run", "telegram", "--no-scheduler", env=env)
    assert code != 0
    both = out + err
    secret_part = TOKEN.split(":", 1)[1]
    assert secret_part not in both and secret_part[:12] not in both
    errors = [line for line in err.splitlines() if line.startswith("错误")]
    assert len(errors) == 1 and "Telegram" in errors[0], err[-2000:]
    if not verbose:
        assert "Traceback" not in both
        assert len(err.splitlines()) <= 5, err  # the error line and a few INFO lines, no traceback
    else:
        assert "Traceback" in err
