"""Helpers for transcript-style dialogue tests."""

from __future__ import annotations

import re
from datetime import datetime

from bot.core.clock import SHANGHAI
from bot.operations import cli_invite, cli_open_period
from tests.transcript import expect


async def open_april(app, deadline: str = "2025-04-25 17:00") -> str:
    """Open the 2025-04 period from the CLI operation; return its message."""
    ok, message = await cli_open_period(app, "2025-04", deadline)
    assert ok, message
    return message


async def invite_code(app, unit: str) -> str:
    """Create an invite for ``unit`` and return the code (the last line of the CLI output)."""
    ok, message = await cli_invite(app, unit, "contact")
    assert ok, message
    code = message.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z0-9]{9}", code)
    return code


async def bind(app, chat, user: str, unit: str) -> None:
    """Bind console ``user`` to ``unit`` through the chat."""
    code = await invite_code(app, unit)
    chat.switch(user)
    expect(await chat.say(f"绑定 {code}"), "绑定成功")


async def inbox_texts(app) -> list[str]:
    """Return every stored raw message text."""
    async with app.uow() as uow:
        return [e.text for e in await uow.chats.inbox()]


def at(*args) -> datetime:
    """Return an Asia/Shanghai time."""
    return datetime(*args, tzinfo=SHANGHAI)
