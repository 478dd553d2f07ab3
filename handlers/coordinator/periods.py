"""Coordinator commands in chat: open and close periods, move deadlines."""

from __future__ import annotations

import re

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.commands import parse_command
from handlers.current import current_ledger
from handlers.current import open_period as current_open
from handlers.deps import Deps
from handlers.manage.periods import (
    PeriodError,
    close_period,
    open_period,
    parse_code,
    parse_deadline,
    set_deadline,
)
from handlers.manage.prompts import deadline_text, period_prompts
from handlers.turns import say

_CODE = re.compile(r"\d{4}\s*(?:-|年|/|\.)\s*\d{1,2}\s*月?")


async def open_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """开启报送 2025-04 截止 4月25日17:00: open a period and prompt every bound contact."""
    cmd = parse_command(msg.text)
    args = cmd.args if cmd else ""
    m = _CODE.search(args)
    ledger = await current_ledger(deps)
    if not m or ledger is None:
        return say(texts.OPEN_USAGE if ledger else texts.NO_LEDGER, state)
    try:
        code = parse_code(m.group(0))
        rest = (args[: m.start()] + args[m.end() :]).replace("截止", " ").replace("时间", " ").strip()
        deadline = parse_deadline(rest, code) if rest else None
        period = await open_period(deps.uow, ledger, code, deadline, deps.now(), by=_who(msg))
    except PeriodError as exc:
        return say(str(exc), state)
    prompts = await period_prompts(deps.uow, ledger, period)
    text = texts.PERIOD_OPENED.format(code=code, deadline=deadline_text(period), count=len(prompts))
    return Turn(replies=(say(text).replies[0],), state=state, outbound=tuple(prompts))


async def close_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """关闭报送 2025-04."""
    cmd = parse_command(msg.text)
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    try:
        period = await close_period(
            deps.uow, ledger, parse_code(cmd.args if cmd else ""), deps.now(), by=_who(msg)
        )
    except PeriodError as exc:
        return say(str(exc), state)
    return say(texts.PERIOD_CLOSED.format(code=period.code), state)


async def deadline_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """截止 [2025-04] 4月28日17:00: move a period's deadline."""
    cmd = parse_command(msg.text)
    args = cmd.args if cmd else ""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    m = _CODE.search(args)
    try:
        if m:
            code, rest = parse_code(m.group(0)), args[m.end() :]
        else:
            period = await current_open(deps, ledger)
            if period is None:
                return say(texts.DEADLINE_USAGE, state)
            code, rest = period.code, args
        if not rest.strip():
            return say(texts.DEADLINE_USAGE, state)
        period = await set_deadline(
            deps.uow, ledger, code, parse_deadline(rest.strip(), code), deps.now(), by=_who(msg)
        )
    except PeriodError as exc:
        return say(str(exc), state)
    return say(
        texts.DEADLINE_SET.format(code=code, deadline=deadline_text(period).replace("，截止", "")), state
    )


def _who(msg: IncomingMessage) -> str:
    return f"{msg.chat.platform}:{msg.user_id}"
