"""Ports the adapters and the engine talk through; fakes and real backends implement them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from bot.core.conversation import ConversationState
from bot.core.lines import Follow
from bot.core.messages import IncomingMessage
from bot.core.replies import Outbound


class MessageHandler(Protocol):
    """The engine as adapters see it: one message in, the committed replies out."""

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        """Record, route and answer one message; return what to send (already committed)."""
        ...

    async def handle_many(
        self, msgs: list[IncomingMessage], *, busy: Collection[str] = ..., follow: Follow | None = None
    ) -> list[tuple[Outbound, ...]]:
        """Record, route and answer messages in order; return what to send for each (already committed).

        ``follow``: later work, and the messages of its conversation (or of a line in ``busy``) behind it,
        is handed on as parts of the conversation's line instead of awaited (``Engine.handle_many``).
        """
        ...


class Clock(Protocol):
    """Where time comes from; tests move it instead of sleeping."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware."""
        ...


class OutboxStore(Protocol):
    """Outbound messages that failed to send, kept so they are retried, not lost."""

    async def record_failed(self, outbound: Outbound, error: str) -> int:
        """Store a failed delivery and return its id."""
        ...

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Outbound]]:
        """Return failed deliveries of a platform to try again."""
        ...

    async def mark_sent(self, outbox_id: int) -> None:
        """Forget a delivery that has now gone out."""
        ...

    async def sent(self, outbox_id: int) -> None:
        """Note that a queued reply went out (it may be written down a moment later; see ``flush``)."""
        ...

    async def flush(self) -> None:
        """Write down the replies noted as sent."""
        ...

    async def release(self, outbox_ids: list[int]) -> None:
        """Give queued replies this process will not send to the next retry round (at once, not after a hold)."""
        ...


class Sender(Protocol):
    """An adapter's way to deliver replies to a chat on its platform."""

    async def send(self, outbound: Outbound) -> None:
        """Deliver all replies of ``outbound``; raise on a failure that should be retried later."""
        ...


class Transaction(Protocol):
    """One database transaction as the engine needs it; ``deps`` is handed to handlers untouched."""

    @property
    def deps(self) -> object:
        """What the handlers get (read-only here, so an implementation may narrow its type)."""
        ...

    async def __aenter__(self) -> Transaction: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def record_inbox(self, msg: IncomingMessage) -> tuple[int, str]:
        """Store the raw message once; return its id and state ('new', 'received', 'failed', 'handled', 'later')."""
        ...

    async def record_inbox_many(self, msgs: list[IncomingMessage]) -> list[tuple[int, str]]:
        """Store several raw messages once each; return each one's id and state, in order."""
        ...

    async def lane_keys(self, msgs: list[IncomingMessage]) -> list[str]:
        """Return a key per message; messages with one key must be handled in one lane, in order."""
        ...

    async def claim_inbox(self, inbox_id: int) -> bool:
        """Mark the message handled unless another worker already did."""
        ...

    async def claim_inbox_many(self, inbox_ids: list[int]) -> set[int]:
        """Mark several messages handled unless another worker did; return the ids claimed here."""
        ...

    async def load_states(
        self, msgs: list[IncomingMessage]
    ) -> dict[tuple[str, str, str], tuple[ConversationState, int | None]]:
        """Return {(platform, chat id, user id): (state, version)} for the messages' chats that have one."""
        ...

    async def defer_inbox(self, inbox_id: int) -> None:
        """Mark a claimed message "later": its step committed, its later work (``Later``) has not."""
        ...

    async def resume_inbox(self, inbox_id: int) -> bool:
        """Claim a message left "later" by a stop, to route it again, unless another worker already did."""
        ...

    async def finish_inbox(self, inbox_id: int) -> None:
        """Mark a "later" message handled: its later work is recorded."""
        ...

    async def fail_inbox(self, inbox_id: int, error: str) -> None:
        """Note that handling failed (the raw text stays)."""
        ...

    async def queue_outbox(self, outbound: list[Outbound]) -> list[int]:
        """Queue replies in the outbox with this transaction, held by this process to send; return their ids."""
        ...

    async def load_state(self, msg: IncomingMessage) -> tuple[ConversationState, int | None]:
        """Return the conversation state of the message's chat and user, and its version."""
        ...

    async def save_states(self, saves: list[tuple[IncomingMessage, ConversationState, int | None]]) -> bool:
        """Save several chats' last states (as read by load_states in this transaction); False on a conflict."""
        ...

    async def save_state(self, msg: IncomingMessage, state: ConversationState, version: int | None) -> bool:
        """Save the state if its version is unchanged; False when another worker won."""
        ...

    async def commit(self) -> None: ...
