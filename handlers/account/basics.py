"""Answers for every chat whatever its flow: bad input, 取消, a greeting, people not bound, and the fallback."""

from __future__ import annotations

import unicodedata

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.access import roles_of
from handlers.commands import normalize
from handlers.deps import Deps
from handlers.turns import say

MAX_TEXT = 3000


def bad_input_text(msg: IncomingMessage) -> str | None:
    """Return the explanation for a message that cannot be handled as text, or None when it is fine."""
    if msg.kind == "unsupported":
        return texts.UNSUPPORTED
    if msg.kind in ("event", "file"):
        return None
    text = normalize(msg.text)
    if not text:
        return texts.EMPTY_MESSAGE
    if len(text) > MAX_TEXT:
        return texts.TOO_LONG.format(length=len(text), limit=MAX_TEXT)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return texts.EMOJI_ONLY
    return None


async def bad_input_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Explain why a message could not be used; the flow stays where it was."""
    return say(bad_input_text(msg) or texts.UNKNOWN_COMMAND, state)


async def cancel_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Leave any flow."""
    return say(texts.NOTHING_TO_CANCEL if state.idle else texts.CANCELLED, IDLE)


async def event_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Greet a person who opened the app or followed it."""
    return say(texts.EVENT_GREETING, state)


async def unbound_guard(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn | None:
    """Answer people with no role at all with how to bind, and nothing else."""
    if msg.kind == "event" or await roles_of(deps, msg):
        return None
    return say(texts.HELP_UNBOUND, IDLE)


async def fallback_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Answer what nothing else did: unbound people learn how to bind, others get the help."""
    if not await roles_of(deps, msg):
        return say(texts.HELP_UNBOUND, state)
    return say(texts.UNKNOWN_COMMAND, state)
