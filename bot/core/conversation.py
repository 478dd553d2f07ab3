"""Conversation state that survives restarts, and the result of one handler step (with its later work)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.core.replies import Outbound, Reply


class ConversationState(BaseModel):
    """Where a chat stands in a flow; step names are stable strings (they are stored)."""

    model_config = ConfigDict(frozen=True)

    flow: str = ""
    step: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    expires_at: datetime | None = None

    @property
    def idle(self) -> bool:
        """Return True when no flow is active."""
        return not self.flow


IDLE = ConversationState()


class Later:
    """The long part of a step (``work``) and the short step that records its result (``then``).

    A step that must wait for something slow (reading a ledger file in the worker process) does not wait
    inside its message's transaction, where it would hold the database (SQLite's one writer lock) and keep
    every other chat waiting. It records what it was given, moves the chat to a step that says "still
    working", and returns ``Turn(later=Later(work, then))``. The engine commits that turn, awaits ``work()``
    with no transaction open, then runs ``then(result, state, deps)`` in a second short transaction as if it
    were a step: it gets the chat's state as it is by then and returns the Turn to keep and send.

    ``work`` must not touch the database; ``then`` must check that the state is still the one the step left
    (it may have moved on) and may not hand back later work again. If the process stops between the two
    transactions, the message stays marked "later" in the inbox and is handed to the chat's queue again on
    start; the chat's "still working" step then does the work again from what the first step recorded.

    A caller that handles a batch (Telegram polling) has the engine return after the first transaction
    instead (``Engine.handle_many(..., follow=...)``): the rest runs in the conversation's line
    (bot/core/lines.py), and the chat's next messages wait behind it there.

    A plain class, not a model or a dataclass: a Turn holds it as an opaque value.
    """

    __slots__ = ("then", "work")

    def __init__(
        self,
        work: Callable[[], Awaitable[Any]],
        then: Callable[[Any, ConversationState, Any], Awaitable[Turn]],
    ) -> None:
        self.work = work
        self.then = then


class Turn(BaseModel):
    """What a handler step returns: replies for this chat, the next state, and messages for others.

    ``later``: long work to run after this turn commits, outside any transaction (``Later``).
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    replies: tuple[Reply, ...] = ()
    state: ConversationState = IDLE
    outbound: tuple[Outbound, ...] = ()
    later: Later | None = None
