"""邀请: a coordinator asks for a one-time binding code for a unit's contact, a viewer or (admins) a coordinator."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.commands import parse_command
from handlers.current import current_ledger
from handlers.deps import Deps
from handlers.manage.invites import create_invite
from handlers.manage.roles import find_unit
from handlers.turns import say

# Words after 邀请 that name a role instead of a unit.
ROLE_WORDS = {
    "查阅": "viewer",
    "领导": "viewer",
    "viewer": "viewer",
    "督查室": "coordinator",
    "coordinator": "coordinator",
}


def invited_role(text: str) -> str | None:
    """Return the role a 邀请 command asks a code for, or None for a unit's contact."""
    cmd = parse_command(text)
    return ROLE_WORDS.get((cmd.args if cmd else "").strip())


async def invite_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """邀请 单位 / 邀请 查阅 / 邀请 督查室: a one-time binding code."""
    cmd = parse_command(msg.text)
    name = (cmd.args if cmd else "").strip()
    if not name:
        return say(texts.INVITE_USAGE, state)
    hours = deps.config.invite_hours
    by = f"{msg.chat.platform}:{msg.user_id}"
    role = ROLE_WORDS.get(name)
    if role:
        code = await create_invite(deps.uow, "", deps.now(), hours, by, role)
        return say(
            texts.INVITE_ROLE_CREATED.format(role=texts.ROLE_NAMES[role], hours=hours, code=code), state
        )
    ledger = await current_ledger(deps)
    unit, units = await find_unit(deps.uow, name, ledger.id if ledger else None)
    if unit is None:
        return say(
            texts.UNKNOWN_UNIT.format(name=name, units="、".join(u.name for u in units) or "无"), state
        )
    code = await create_invite(deps.uow, unit.name, deps.now(), hours, by)
    return say(texts.INVITE_CREATED.format(unit=unit.name, hours=hours, code=code), state)
