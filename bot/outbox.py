"""The OutboxStore port on the database: undelivered messages survive restarts and are retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.replies import Outbound
from storage.uow import UnitOfWork


class StorageOutbox:
    """Failed deliveries kept in the ``outbox`` table."""

    def __init__(self, uow: Callable[[], UnitOfWork], now: Callable[[], datetime]) -> None:
        self._uow = uow
        self._now = now

    async def record_failed(self, outbound: Outbound, error: str) -> int:
        """Store a failed delivery and return its id."""
        async with self._uow() as uow:
            oid = await uow.chats.add_outbox(outbound.chat.platform, outbound.chat.chat_id,
                                             outbound.to_payload(), error, self._now())
            await uow.commit()
        return oid

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Outbound]]:
        """Return failed deliveries of a platform to try again."""
        async with self._uow() as uow:
            rows = await uow.chats.due_outbox(platform, limit)
        return [(oid, Outbound.from_payload(payload)) for oid, payload in rows]

    async def mark_sent(self, outbox_id: int) -> None:
        """Forget a delivery that has now gone out."""
        async with self._uow() as uow:
            await uow.chats.outbox_sent(outbox_id, self._now())
            await uow.commit()
