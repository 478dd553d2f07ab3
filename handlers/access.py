"""Who may do what: the sender's roles, the role groups routes are registered with, and refusals."""

from __future__ import annotations

import logging

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.deps import Deps
from handlers.turns import say
from storage.schemas import ContactInfo

_log = logging.getLogger(__name__)

# Role groups a route is registered with; an admin is also a coordinator.
COORDINATORS: frozenset[str] = frozenset({"admin", "coordinator"})
ADMINS: frozenset[str] = frozenset({"admin"})
READERS: frozenset[str] = frozenset({"admin", "coordinator", "viewer"})
# The role named in a refusal ("需要{role}权限") for each group.
_NEEDED = {COORDINATORS: "coordinator", ADMINS: "admin", READERS: "viewer"}


async def roles_of(deps: Deps, msg: IncomingMessage) -> list[ContactInfo]:
    """Return the roles the sender holds (asked once per message)."""
    key = ("roles", msg.chat.platform, msg.user_id)
    if key not in deps.memo:
        deps.memo[key] = await deps.uow.chats.roles(msg.chat.platform, msg.user_id)
    roles: list[ContactInfo] = deps.memo[key]
    return roles


def has_role(roles: list[ContactInfo], *wanted: str) -> bool:
    """Return True when any role is wanted (an admin is also a coordinator)."""
    names = {r.role for r in roles}
    if "admin" in names:
        names.add("coordinator")
    return bool(names & set(wanted))


def contact_units(roles: list[ContactInfo]) -> list[str]:
    """Return the units a person is contact for, in binding order."""
    return [r.unit for r in roles if r.role == "contact" and r.unit]


def refuse(msg: IncomingMessage, command: str, needed: str, state: ConversationState) -> Turn:
    """Return the refusal for a command the sender may not run, and log it."""
    _log.warning("refused %s for %s:%s (needs %s)", command, msg.chat.platform, msg.user_id, needed)
    return say(texts.REFUSED.format(command=command, role=texts.ROLE_NAMES.get(needed, needed)), state)


async def authorize(
    msg: IncomingMessage,
    state: ConversationState,
    deps: Deps,
    allowed: frozenset[str],
    command: str,
    refusal: str | None = None,
) -> Turn | None:
    """Return the refusal when the sender holds none of the ``allowed`` roles (the router asks before a step)."""
    if has_role(await roles_of(deps, msg), *allowed):
        return None
    if refusal is not None:
        _log.warning("refused %s for %s:%s", command, msg.chat.platform, msg.user_id)
        return say(refusal, state)
    return refuse(msg, command, _NEEDED.get(allowed, "coordinator"), state)
