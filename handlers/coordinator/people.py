"""人员 / 移除 / 有效绑定码 / 作废: coordinators see who holds a role and which codes still bind, and take them back.

A coordinator may unbind a unit's contact and remove viewers; only an admin removes a coordinator or admin.
"""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.access import has_role, roles_of
from handlers.commands import parse_command
from handlers.deps import Deps
from handlers.manage.admin import (
    invite_line,
    live_invites,
    people,
    person_line,
    remove_person,
    revoke_invite,
    unbind_unit,
)
from handlers.manage.roles import RoleError, split_who
from handlers.turns import say

_HIGH = ("admin", "coordinator")  # roles only an admin may take away


def _who(msg: IncomingMessage) -> str:
    return f"{msg.chat.platform}:{msg.user_id}"


def _args(msg: IncomingMessage) -> str:
    cmd = parse_command(msg.text)
    return (cmd.args if cmd else "").strip()


async def people_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """人员: everyone with a role, one per line, with the PLATFORM:USER_ID that 移除 takes."""
    lines = [person_line(c) for c in await people(deps.uow)]
    if not lines:
        return say(texts.ADMIN_LIST_EMPTY, state)
    return say("\n".join([texts.PEOPLE_HEAD.format(count=len(lines)), *lines, texts.PEOPLE_TAIL]), state)


async def remove_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """移除 PLATFORM:USER_ID (their roles) or 移除 单位 (unbind the unit's contacts)."""
    target = _args(msg)
    if not target:
        return say(texts.REMOVE_USAGE, state)
    by = _who(msg)
    try:
        if split_who(target) is None:
            unit, unbound = await unbind_unit(deps.uow, target, deps.now(), by)
            if not unbound:
                return say(texts.UNIT_NO_CONTACT.format(unit=unit), state)
            return say(
                texts.UNIT_UNBOUND.format(unit=unit, who="、".join(person_line(c) for c in unbound)), state
            )
        platform_user = split_who(target)
        mine = [
            c
            for c in await deps.uow.chats.contacts()
            if platform_user is not None and (c.platform, c.user_id) == platform_user
        ]
        if any(c.role in _HIGH for c in mine) and not has_role(await roles_of(deps, msg), "admin"):
            return say(texts.REMOVE_NOT_ALLOWED, state)
        removed = await remove_person(deps.uow, target, deps.now(), by)
    except RoleError as exc:
        return say(str(exc), state)
    return say(texts.ADMIN_REMOVED.format(what="；".join(person_line(c) for c in removed)), state)


async def invites_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """有效绑定码: the codes that can still bind someone."""
    now = deps.now()
    codes = await live_invites(deps.uow, now)
    if not codes:
        return say(texts.INVITE_LIST_EMPTY, state)
    return say(
        "\n".join([texts.INVITES_HEAD.format(count=len(codes)), *(invite_line(i, now) for i in codes)]), state
    )


async def revoke_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """作废 CODE: a leaked or unneeded code stops binding."""
    code = _args(msg).upper()
    if not code:
        return say(texts.REVOKE_USAGE, state)
    if await revoke_invite(deps.uow, code, deps.now(), _who(msg)):
        return say(texts.INVITE_REVOKED.format(code=code), state)
    return say(texts.INVITE_NOT_LIVE.format(code=code), state)
