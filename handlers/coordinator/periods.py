"""Coordinator commands in chat: open and close periods, move deadlines."""

from __future__ import annotations

import re
from datetime import datetime

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.commands import parse_command
from handlers.current import current_ledger
from handlers.current import open_period as current_open
from handlers.dates import Deadline, examples, moment_text
from handlers.deps import Deps
from handlers.flows import OpenPeriodStep, open_period_at
from handlers.manage.periods import (
    OtherPeriodOpenError,
    PeriodError,
    close_period,
    open_period,
    parse_code,
    parse_deadline,
    set_deadline,
)
from handlers.manage.prompts import deadline_text, period_prompts
from handlers.turns import say

# A period code (2025-04, 2025年4月) that is not the start of a date (2025-04-25, 2025年4月25日).
_CODE = re.compile(
    r"(?<!\d)\d{4}\s*(?:-|年|/|\.)\s*\d{1,2}(?!\d|\s*[-/.]\s*\d|\s*月?\s*\d{1,2}\s*[日号])(?:\s*月)?"
)
_NOISE = re.compile(r"截止时间|截止|时间")


def split_code(args: str) -> tuple[str | None, str]:
    """Split a command's arguments into the period code as written (None if there is none) and the rest."""
    m = _CODE.search(args)
    rest = args if m is None else args[: m.start()] + " " + args[m.end() :]
    return (m.group(0) if m else None), " ".join(_NOISE.sub(" ", rest).split())


async def open_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """开启报送 2025-04 截止 4月25日17:00: open a period and prompt every bound contact."""
    cmd = parse_command(msg.text)
    written, rest = split_code(cmd.args if cmd else "")
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    if written is None:
        return say(texts.OPEN_USAGE.format(**examples(deps.now(), deps.config.deadline_time)), state)
    try:
        code = parse_code(written, deps.now())
        due = parse_deadline(rest, code, deps.now(), deps.config.deadline_time) if rest else None
    except PeriodError as exc:
        return say(str(exc), state)
    return await _open(msg, state, deps, code, due, force=False)


async def open_confirm_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """确认 opens the period asked about although another is open; 取消 leaves it; anything else asks again."""
    code = str(state.data.get("code", ""))
    answer = msg.text.strip()
    if answer in texts.I14_NO_WORDS:
        return say(texts.OPEN_CANCELLED.format(code=code), IDLE)
    if answer not in texts.I14_YES_WORDS:
        return say(texts.OPEN_CONFIRM_AGAIN.format(code=code), state, choices=texts.I14_CHOICES)
    at = state.data.get("deadline")
    due = (
        Deadline(at=datetime.fromisoformat(at), default_time=bool(state.data.get("default_time")))
        if at
        else None
    )
    return await _open(msg, IDLE, deps, code, due, force=True)


async def _open(
    msg: IncomingMessage,
    state: ConversationState,
    deps: Deps,
    code: str,
    due: Deadline | None,
    *,
    force: bool,
) -> Turn:
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, IDLE)
    now = deps.now()
    try:
        period = await open_period(
            deps.uow, ledger, code, due.at if due else None, now, by=_who(msg), force=force
        )
    except OtherPeriodOpenError as other:
        data = {
            "code": code,
            "deadline": due.at.isoformat() if due else None,
            "default_time": bool(due and due.default_time),
        }
        asked = texts.OPEN_OTHER_OPEN.format(
            others="、".join(other.others),
            code=code,
            deadline=texts.DEADLINE_PART.format(deadline=moment_text(due.at, now)) if due else "",
        )
        return say(asked, open_period_at(OpenPeriodStep.CONFIRM, data), choices=texts.I14_CHOICES)
    except PeriodError as exc:
        return say(str(exc), IDLE)
    prompts = await period_prompts(deps.uow, ledger, period, now)
    deadline = deadline_text(period, now) + _default_note(due, deps)
    text = texts.PERIOD_OPENED.format(code=code, deadline=deadline, count=len(prompts))
    return Turn(replies=(say(text).replies[0],), state=state, outbound=tuple(prompts))


async def close_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """关闭报送 2025-04."""
    cmd = parse_command(msg.text)
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    try:
        code = parse_code(cmd.args if cmd else "", deps.now())
        period = await close_period(deps.uow, ledger, code, deps.now(), by=_who(msg))
    except PeriodError as exc:
        return say(str(exc), state)
    return say(texts.PERIOD_CLOSED.format(code=period.code), state)


async def deadline_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """截止 [2025-04] 4月28日17:00: move a period's deadline."""
    cmd = parse_command(msg.text)
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    written, rest = split_code(cmd.args if cmd else "")
    now = deps.now()
    usage = texts.DEADLINE_USAGE.format(**examples(now, deps.config.deadline_time))
    try:
        if written is not None:
            code = parse_code(written, now)
        else:
            period = await current_open(deps, ledger)
            if period is None:
                return say(usage, state)
            code = period.code
        if not rest:
            return say(usage, state)
        due = parse_deadline(rest, code, now, deps.config.deadline_time)
        period = await set_deadline(deps.uow, ledger, code, due.at, now, by=_who(msg))
    except PeriodError as exc:
        return say(str(exc), state)
    assert period.deadline is not None  # just set
    deadline = moment_text(period.deadline, now) + _default_note(due, deps)
    return say(texts.DEADLINE_SET.format(code=code, deadline=deadline), state)


def _default_note(due: Deadline | None, deps: Deps) -> str:
    """Say which time was taken when the deadline was written without one."""
    return (
        texts.DEADLINE_DEFAULT_TIME.format(time=deps.config.deadline_time) if due and due.default_time else ""
    )


def _who(msg: IncomingMessage) -> str:
    return f"{msg.chat.platform}:{msg.user_id}"
