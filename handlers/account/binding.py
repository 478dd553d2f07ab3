"""Help, binding with invite codes, unbinding, and the answer to people who are not bound."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.access import contact_units, has_role, roles_of
from handlers.commands import parse_command
from handlers.dates import examples
from handlers.deps import Deps
from handlers.flows import UnbindStep, unbind_at
from handlers.turns import say
from reports.figures import item_ref

_log = logging.getLogger(__name__)

# Guessing codes: this many wrong ones within the window lock the user and the chat for LOCK_TIME.
MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = timedelta(hours=1)
LOCK_TIME = timedelta(minutes=15)


async def _locked_until(deps: Deps, msg: IncomingMessage):
    """Return when the sender's (or the chat's) lock ends, or None when not locked."""
    now = deps.now()
    recent = await deps.uow.admin.recent_bind_failures(
        msg.chat.platform, msg.user_id, msg.chat.chat_id, now - WRONG_CODE_WINDOW - LOCK_TIME
    )
    if len(recent) < MAX_WRONG_CODES:
        return None
    latest = recent[0]
    # Locked when the latest wrong code made MAX_WRONG_CODES within one window; attempts while locked
    # are not recorded, so the latest one is the one that set the lock.
    if recent[MAX_WRONG_CODES - 1] >= latest - WRONG_CODE_WINDOW and now < latest + LOCK_TIME:
        return latest + LOCK_TIME
    return None


async def help_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Answer 帮助 with what this person may do."""
    roles = await roles_of(deps, msg)
    parts = []
    if has_role(roles, "coordinator"):
        example = examples(deps.now(), deps.config.deadline_time)  # valid today, as the help is read
        parts.append(texts.HELP_COORDINATOR.format(**example) + texts.HELP_COORDINATOR_ADMIN)
    if contact_units(roles):
        parts.append(texts.HELP_CONTACT)
    if has_role(roles, "viewer") and not has_role(roles, "coordinator"):
        parts.append(texts.HELP_VIEWER)
    return say("\n\n".join(parts) if parts else texts.HELP_UNBOUND, state)


async def bind_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Bind the sender to the unit (or role) of a one-time code."""
    if msg.chat.is_group:
        return say(texts.BIND_IN_GROUP, state)
    cmd = parse_command(msg.text)
    code = re.sub(r"[\s-]", "", (cmd.args if cmd else "")).upper()[:40]
    if not code:
        return say(texts.BIND_USAGE, state)
    who = f"{msg.chat.platform}:{msg.user_id}"
    if await _locked_until(deps, msg) is not None:
        return say(texts.BIND_LOCKED.format(minutes=int(LOCK_TIME.total_seconds() // 60)), state)
    result, invite = await deps.uow.chats.use_invite(code, deps.now(), who)
    if result != "ok" or invite is None:
        # One answer for unknown, used and expired codes: the reply tells a guesser nothing.
        await deps.uow.admin.add_bind_failure(msg.chat.platform, msg.user_id, msg.chat.chat_id, deps.now())
        if await _locked_until(deps, msg) is not None:
            _log.warning(
                "binding locked for %s (chat %s): %d wrong codes within %s",
                who,
                msg.chat.chat_id,
                MAX_WRONG_CODES,
                WRONG_CODE_WINDOW,
            )
        return say(texts.BIND_REFUSED.format(code=code), state)
    await deps.uow.admin.audit(deps.now(), who, "bind", f"{invite.role} {invite.unit}".strip())
    _, created = await deps.uow.chats.add_role(
        msg.chat.platform,
        msg.user_id,
        invite.role,
        deps.now(),
        unit=invite.unit,
        display_name=msg.user_name,
        chat_id=msg.chat.chat_id,
    )
    if invite.role != "contact":
        return say(texts.BOUND_ROLE.format(role=texts.ROLE_NAMES.get(invite.role, invite.role)), state)
    if not created:
        return say(texts.ALREADY_BOUND.format(unit=invite.unit), state)
    ledger = await deps.uow.ledgers.get()
    items = await deps.uow.ledgers.items(ledger.id, unit=invite.unit) if ledger else []
    listing = "\n".join(f"{item_ref(i.number)} {i.content}" for i in items) or "（暂无）"
    return say(texts.BOUND_CONTACT.format(unit=invite.unit, count=len(items), items=listing), state)


async def unbind_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Remove the sender's binding to a unit (the named one, or the only one)."""
    roles = await roles_of(deps, msg)
    units = contact_units(roles)
    cmd = parse_command(msg.text)
    wanted = (cmd.args if cmd else "").strip()
    if not units:
        return say(texts.NOT_BOUND, state)
    if wanted:
        matches = [u for u in units if wanted in u]
        if not matches:
            return say(texts.UNKNOWN_UNIT.format(name=wanted, units="、".join(units)), state)
        units = matches[:1]
    if len(units) > 1:
        return say(texts.CHOOSE_UNIT, unbind_at(UnbindStep.CHOOSE_UNIT, {"units": units}), choices=units)
    await deps.uow.chats.remove_role(msg.chat.platform, msg.user_id, "contact", units[0])
    await deps.uow.admin.audit(deps.now(), f"{msg.chat.platform}:{msg.user_id}", "unbind", units[0])
    return say(texts.UNBOUND.format(unit=units[0]))


async def unbind_choose_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Finish unbinding once the person chose a unit."""
    units = state.data.get("units", [])
    choice = msg.text.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(units):
        choice = units[int(choice) - 1]
    if choice not in units:
        return say(texts.CHOOSE_UNIT, state, choices=units)
    await deps.uow.chats.remove_role(msg.chat.platform, msg.user_id, "contact", choice)
    await deps.uow.admin.audit(deps.now(), f"{msg.chat.platform}:{msg.user_id}", "unbind", choice)
    return say(texts.UNBOUND.format(unit=choice))
