"""The engine's Transaction port on top of the storage unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.conversation import IDLE, ConversationState
from bot.core.messages import IncomingMessage
from handlers.deps import Deps
from storage.uow import UnitOfWork


class StorageTransaction:
    """One unit of work seen through the engine's eyes."""

    def __init__(self, uow: UnitOfWork, make_deps: Callable[[UnitOfWork], Deps], now: Callable[[], datetime]):
        self._uow = uow
        self._make_deps = make_deps
        self._now = now
        self.deps: Deps | None = None

    async def __aenter__(self) -> "StorageTransaction":
        await self._uow.__aenter__()
        self.deps = self._make_deps(self._uow)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._uow.__aexit__(*exc)

    async def record_inbox(self, msg: IncomingMessage) -> tuple[int, str]:
        """Store the raw message once; return its id and state."""
        return await self._uow.chats.record_inbox(
            msg.chat.platform, msg.message_id, msg.chat.chat_id, msg.user_id, msg.kind, msg.text,
            msg.sent_at, self._now())

    async def claim_inbox(self, inbox_id: int) -> bool:
        """Mark the message handled unless another worker did."""
        return await self._uow.chats.claim_inbox(inbox_id)

    async def fail_inbox(self, inbox_id: int, error: str) -> None:
        """Note a failure; the raw text stays."""
        await self._uow.chats.fail_inbox(inbox_id, error)

    async def load_state(self, msg: IncomingMessage) -> tuple[ConversationState, int | None]:
        """Return the chat's state and version."""
        row = await self._uow.chats.load_conversation(msg.chat.platform, msg.chat.chat_id, msg.user_id)
        if row is None:
            return IDLE, None
        return ConversationState(flow=row.flow, step=row.step, data=row.data, expires_at=row.expires_at), row.version

    async def save_state(self, msg: IncomingMessage, state: ConversationState, version: int | None) -> bool:
        """Save the state with a version check."""
        return await self._uow.chats.save_conversation(
            msg.chat.platform, msg.chat.chat_id, msg.user_id, flow=state.flow, step=state.step,
            data=state.data, expires_at=state.expires_at, expected_version=version, now=self._now())

    async def commit(self) -> None:
        """Commit the unit of work."""
        await self._uow.commit()
