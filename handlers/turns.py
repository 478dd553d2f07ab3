"""Build the Turn a handler step returns: its replies and the chat's next state."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.replies import Reply, TextReply


def say(text: str, state: ConversationState = IDLE, choices: Sequence[str] = ()) -> Turn:
    """Return a turn with one text reply."""
    return Turn(replies=(TextReply(text=text, choices=tuple(choices)),), state=state)


def turn(*replies: Reply, state: ConversationState = IDLE) -> Turn:
    """Return a turn with several replies."""
    return Turn(replies=tuple(replies), state=state)
