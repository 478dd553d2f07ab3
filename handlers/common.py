"""Small helpers shared by handler steps: replies, roles and the current ledger and period."""

from __future__ import annotations

import logging

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.replies import Reply, TextReply
from handlers import texts
from handlers.deps import Deps
from storage.schemas import ContactInfo, LedgerInfo, PeriodInfo

_log = logging.getLogger(__name__)
COORDINATOR_ROLES = ("admin", "coordinator")
QUERY_ROLES = ("admin", "coordinator", "viewer")


def say(text: str, state: ConversationState = IDLE, choices: tuple[str, ...] | list[str] = ()) -> Turn:
    """Return a turn with one text reply."""
    return Turn(replies=(TextReply(text=text, choices=tuple(choices)),), state=state)


def turn(*replies: Reply, state: ConversationState = IDLE) -> Turn:
    """Return a turn with several replies."""
    return Turn(replies=tuple(replies), state=state)


async def roles_of(deps: Deps, msg: IncomingMessage) -> list[ContactInfo]:
    """Return the roles the sender holds (asked once per message)."""
    key = ("roles", msg.chat.platform, msg.user_id)
    if key not in deps.memo:
        deps.memo[key] = await deps.uow.chats.roles(msg.chat.platform, msg.user_id)
    return deps.memo[key]


def has_role(roles: list[ContactInfo], *wanted: str) -> bool:
    """Return True when any role is wanted (an admin is also a coordinator)."""
    names = {r.role for r in roles}
    if "admin" in names:
        names.add("coordinator")
    return bool(names & set(wanted))


def contact_units(roles: list[ContactInfo]) -> list[str]:
    """Return the units a person is contact for, in binding order."""
    return [r.unit for r in roles if r.role == "contact" and r.unit]


def refuse(msg: IncomingMessage, command: str, needed: str, state: ConversationState = IDLE) -> Turn:
    """Return the refusal for a command the sender may not run, and log it."""
    _log.warning("refused %s for %s:%s (needs %s)", command, msg.chat.platform, msg.user_id, needed)
    return say(texts.REFUSED.format(command=command, role=texts.ROLE_NAMES.get(needed, needed)), state)


async def current_ledger(deps: Deps) -> LedgerInfo | None:
    """Return the ledger the bot serves (the most recently updated one; asked once per message)."""
    if "ledger" not in deps.memo:
        deps.memo["ledger"] = await deps.uow.ledgers.get()
    return deps.memo["ledger"]


async def open_period(deps: Deps, ledger: LedgerInfo) -> PeriodInfo | None:
    """Return the open period (the latest one if several are open)."""
    periods = [p for p in await deps.uow.ledgers.periods(ledger.id) if p.state == "open"]
    return periods[-1] if periods else None


async def latest_period(deps: Deps, ledger: LedgerInfo) -> PeriodInfo | None:
    """Return the open period, else the most recent one."""
    periods = await deps.uow.ledgers.periods(ledger.id)
    open_ = [p for p in periods if p.state == "open"]
    return (open_ or periods or [None])[-1]
