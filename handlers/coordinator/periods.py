"""Coordinator commands in chat: open and close periods, move deadlines, invite contacts and viewers."""

from __future__ import annotations

import re

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.manage.roles import find_unit
from handlers.commands import parse_command
from handlers.common import COORDINATOR_ROLES, current_ledger, has_role, open_period as current_open, refuse, \
    roles_of, say
from handlers.deps import Deps
from handlers.manage.periods import PeriodError, close_period, open_period, parse_code, parse_deadline, set_deadline
from handlers.manage.prompts import deadline_text, period_prompts
from handlers.account.binding import create_invite

_CODE = re.compile(r"\d{4}\s*(?:-|年|/|\.)\s*\d{1,2}\s*月?")
_ROLE_WORDS = {"查阅": "viewer", "领导": "viewer", "viewer": "viewer", "督查室": "coordinator", "coordinator": "coordinator"}


async def _guard(msg: IncomingMessage, state: ConversationState, deps: Deps, command: str) -> Turn | None:
    if not has_role(await roles_of(deps, msg), *COORDINATOR_ROLES):
        return refuse(msg, command, "coordinator", state)
    return None


async def open_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """开启报送 2025-04 截止 4月25日17:00: open a period and prompt every bound contact."""
    if refusal := await _guard(msg, state, deps, "开启报送"):
        return refusal
    cmd = parse_command(msg.text)
    args = cmd.args if cmd else ""
    m = _CODE.search(args)
    ledger = await current_ledger(deps)
    if not m or ledger is None:
        return say(texts.OPEN_USAGE if ledger else texts.NO_LEDGER, state)
    try:
        code = parse_code(m.group(0))
        rest = (args[:m.start()] + args[m.end():]).replace("截止", " ").replace("时间", " ").strip()
        deadline = parse_deadline(rest, code) if rest else None
        period = await open_period(deps.uow, ledger, code, deadline, deps.now())
    except PeriodError as exc:
        return say(str(exc), state)
    prompts = await period_prompts(deps.uow, ledger, period)
    text = texts.PERIOD_OPENED.format(code=code, deadline=deadline_text(period), count=len(prompts))
    return Turn(replies=(say(text).replies[0],), state=state, outbound=tuple(prompts))


async def close_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """关闭报送 2025-04."""
    if refusal := await _guard(msg, state, deps, "关闭报送"):
        return refusal
    cmd = parse_command(msg.text)
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    try:
        period = await close_period(deps.uow, ledger, parse_code(cmd.args if cmd else ""), deps.now())
    except PeriodError as exc:
        return say(str(exc), state)
    return say(texts.PERIOD_CLOSED.format(code=period.code), state)


async def deadline_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """截止 [2025-04] 4月28日17:00: move a period's deadline."""
    if refusal := await _guard(msg, state, deps, "截止"):
        return refusal
    cmd = parse_command(msg.text)
    args = cmd.args if cmd else ""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    m = _CODE.search(args)
    try:
        if m:
            code, rest = parse_code(m.group(0)), args[m.end():]
        else:
            period = await current_open(deps, ledger)
            if period is None:
                return say(texts.DEADLINE_USAGE, state)
            code, rest = period.code, args
        if not rest.strip():
            return say(texts.DEADLINE_USAGE, state)
        period = await set_deadline(deps.uow, ledger, code, parse_deadline(rest.strip(), code), deps.now())
    except PeriodError as exc:
        return say(str(exc), state)
    return say(texts.DEADLINE_SET.format(code=code, deadline=deadline_text(period).replace("，截止", "")), state)


async def invite_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """邀请 单位 / 邀请 查阅 / 邀请 督查室: a one-time binding code."""
    if refusal := await _guard(msg, state, deps, "邀请"):
        return refusal
    cmd = parse_command(msg.text)
    name = (cmd.args if cmd else "").strip()
    if not name:
        return say(texts.INVITE_USAGE, state)
    hours = deps.config.invite_hours
    by = f"{msg.chat.platform}:{msg.user_id}"
    role = _ROLE_WORDS.get(name)
    if role:
        if role == "coordinator" and not has_role(await roles_of(deps, msg), "admin"):
            return refuse(msg, "邀请督查室", "admin", state)
        code = await create_invite(deps.uow, "", deps.now(), hours, by, role)
        return say(texts.INVITE_ROLE_CREATED.format(role=texts.ROLE_NAMES[role], hours=hours, code=code), state)
    ledger = await current_ledger(deps)
    unit, units = await find_unit(deps.uow, name, ledger.id if ledger else None)
    if unit is None:
        return say(texts.UNKNOWN_UNIT.format(name=name, units="、".join(u.name for u in units) or "无"), state)
    code = await create_invite(deps.uow, unit.name, deps.now(), hours, by)
    return say(texts.INVITE_CREATED.format(unit=unit.name, hours=hours, code=code), state)
