"""看板 in chat and `ledgerbot dashboard link`: a personal, signed link that opens the board."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.core.clock import SHANGHAI
from bot.operations import cli_add_role
from handlers.board.tokens import verify
from tests.board.conftest import SECRET
from tests.handlers.dialogue_helpers import bind
from tests.transcript import expect

LINK = re.compile(r"https://board\.example\.test/dashboard\?t=([\w.-]+)")


async def test_a_coordinator_gets_a_personal_link_that_opens_the_board(seeded_app, chat, client):
    text = expect(await chat.say("看板"), "您的看板链接（24小时内有效")
    token = LINK.search(text).group(1)
    grant = verify(token, SECRET, seeded_app.clock.now())
    assert (grant.platform, grant.user_id, grant.role) == ("console", "admin", "coordinator")
    r = await client.get(f"/dashboard?t={token}")
    assert r.status_code == 303
    assert (await client.get("/dashboard")).status_code == 200


async def test_a_viewer_gets_a_viewer_link_and_slash_forms_work(seeded_app, chat):
    assert (await cli_add_role(seeded_app, "console:leader", "viewer"))[0]
    chat.switch("leader")
    text = expect(await chat.say("/dashboard"), "看板链接")
    assert verify(LINK.search(text).group(1), SECRET, seeded_app.clock.now()).role == "viewer"
    expect(await chat.say("/看板"), "看板链接")


async def test_a_contact_gets_no_link(seeded_app, chat):
    await bind(seeded_app, chat, "lisi", "区卫健局")
    text = expect(await chat.say("看板"), "查阅")
    assert "dashboard" not in text


async def test_no_link_is_posted_in_a_group(seeded_app, chat):
    text = expect(await chat.say("看板", group="leaders"), "请私聊我")
    assert "dashboard" not in text


@pytest.mark.parametrize("hours", [2])
def test_the_cli_prints_a_link_on_its_last_line(monkeypatch, tmp_path, hours):
    monkeypatch.setenv("LEDGERBOT_WEB__SECRET", SECRET)
    monkeypatch.setenv("LEDGERBOT_WEB__BASE_URL", "https://board.example.test")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["dashboard", "link", "--role", "viewer", "--hours", str(hours)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    grant = verify(LINK.fullmatch(last).group(1), SECRET, datetime.now(SHANGHAI))
    assert grant.role == "viewer" and grant.platform == "cli"
    assert grant.expires - datetime.now(SHANGHAI).timestamp() == pytest.approx(hours * 3600, abs=60)


def test_the_cli_refuses_without_a_secret_or_with_a_bad_role(monkeypatch, tmp_path):
    monkeypatch.delenv("LEDGERBOT_WEB__SECRET", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["dashboard", "link"])
    assert result.exit_code == 1 and "LEDGERBOT_WEB__SECRET" in result.output
    monkeypatch.setenv("LEDGERBOT_WEB__SECRET", SECRET)
    result = CliRunner().invoke(cli, ["dashboard", "link", "--role", "contact"])
    assert result.exit_code == 1 and "coordinator | viewer" in result.output
    result = CliRunner().invoke(cli, ["dashboard", "link", "--hours", "0"])
    assert result.exit_code == 1


async def test_without_a_secret_the_bot_says_the_board_is_off(tmp_path, clock, segmenter):
    from bot.app import build_app
    from bot.settings import Settings
    from tests.conftest import import_seed

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'off.db'}", files_dir=tmp_path / "f", _env_file=None
    )
    application = await build_app(settings, clock=clock, segmenter=segmenter)
    try:
        await import_seed(application)
        import io

        from bot.adapters.console import ConsoleChat

        chat = ConsoleChat(
            application.engine,
            io.StringIO(),
            files_dir=tmp_path / "f",
            outbox_dir=tmp_path / "o",
            now=clock.now,
        )
        expect(await chat.say("看板"), "看板尚未开启", "LEDGERBOT_WEB__SECRET")
    finally:
        await application.close()
