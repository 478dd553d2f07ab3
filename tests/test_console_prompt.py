"""The console reads like the README: who speaks before ">", the bot's lines indented, and no log line in the chat."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.adapters.console import ConsoleChat, labelled, width
from bot.cli import app as cli
from bot.core.clock import SHANGHAI
from bot.core.messages import IncomingMessage
from bot.core.replies import Outbound, TextReply
from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parents[1]


class EchoEngine:
    """A fake engine: answers every message with its text on two lines."""

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        return (Outbound(chat=msg.chat, replies=(TextReply(text=f"收到：{msg.text}\n第二行"),)),)


def _chat(out: io.StringIO, tmp_path: Path) -> ConsoleChat:
    async def who(user: str) -> str:
        return {"admin": "督查室"}.get(user, user)

    return ConsoleChat(
        EchoEngine(),
        out,
        files_dir=tmp_path / "files",
        outbox_dir=tmp_path / "outbox",
        now=lambda: datetime(2025, 4, 1, tzinfo=SHANGHAI),
        who=who,
        bot_label="机器人",
    )


def test_continuation_lines_are_indented_under_the_first_by_its_width_on_a_terminal():
    assert width("机器人> ") == 8 and width("fgw> ") == 5
    assert labelled("机器人", "一\n二\n\n  1. 确认") == "机器人> 一\n        二\n\n          1. 确认"


async def test_piped_input_is_echoed_after_the_current_users_prompt(tmp_path):
    out = io.StringIO()
    await _chat(out, tmp_path).run(io.StringIO("台账\n/as fgw\n两行\\\n消息\n"))
    assert out.getvalue() == (
        "督查室> 台账\n机器人> 收到：台账\n        第二行\n"
        "督查室> /as fgw\n（当前用户：fgw）\n"
        "fgw> 两行\n     消息\n机器人> 收到：两行\n        消息\n        第二行\n"
    )


async def test_on_a_terminal_the_prompt_comes_before_the_line_and_nothing_is_echoed(tmp_path):
    out = io.StringIO()
    await _chat(out, tmp_path).run(io.StringIO("台账\n一\\\n二\n"), interactive=True)
    assert out.getvalue() == (
        "督查室> 机器人> 收到：台账\n        第二行\n"  # the terminal shows the typed line after "督查室> "
        "督查室>         机器人> 收到：一\n        二\n        第二行\n督查室> \n"
    )


def _console(tmp_path: Path, script: str, *, stderr: int) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot console` in ``tmp_path`` with ``script`` piped in; stdout captured as the chat."""
    env = {
        **os.environ,
        "LEDGERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input=script,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        timeout=120,
        check=False,
    )


def _contact_script(tmp_path: Path) -> str:
    """A ledger, an invite for 发改局, and a script in which the bound contact asks for a coordinator's export."""
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert CliRunner().invoke(cli, ["--db", db, "import", str(seed_path())]).exit_code == 0
    code = CliRunner().invoke(cli, ["--db", db, "invite", "发改局"]).output.strip().splitlines()[-1]
    return f"/as fgw\n绑定 {code}\n导出 word\n"  # refused: logged as a WARNING during the turn


def test_a_warning_logged_during_a_turn_goes_to_the_log_file_when_stderr_is_the_chat(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = _contact_script(tmp_path)
    run = _console(tmp_path, script, stderr=subprocess.STDOUT)  # 2>&1: one stream, as on a terminal
    assert run.returncode == 0, run.stdout
    chat = run.stdout
    assert "fgw> 绑定" in chat and "联络员（发改局）> 导出 word\n机器人> " in chat
    assert "需要" in chat.split("导出 word", 1)[1]  # the refusal is in the chat …
    assert "WARNING" not in chat and "refused" not in chat  # … the log line is not
    logged = (tmp_path / "ledgerbot.log").read_text(encoding="utf-8")
    assert "WARNING" in logged and "refused" in logged


def test_when_stderr_is_elsewhere_the_logs_go_there_and_no_log_file_is_made(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = _contact_script(tmp_path)
    run = _console(tmp_path, script, stderr=subprocess.PIPE)
    assert run.returncode == 0, run.stderr
    assert "联络员（发改局）> 导出 word" in run.stdout and "WARNING" not in run.stdout
    assert "WARNING" in run.stderr and "refused" in run.stderr
    assert not (tmp_path / "ledgerbot.log").exists()
