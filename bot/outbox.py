"""The OutboxStore port on the database: undelivered messages survive restarts and are retried."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.replies import Outbound
from bot.logs import redact
from storage.uow import UnitOfWork

_log = logging.getLogger(__name__)
# A retry round holds its rows this long, so another worker's round skips them.
LEASE = timedelta(minutes=5)
# With a retry every minute, about a day of trying before a message is given up.
MAX_ATTEMPTS = 1440


class StorageOutbox:
    """Failed deliveries kept in the ``outbox`` table."""

    def __init__(self, uow: Callable[[], UnitOfWork], now: Callable[[], datetime]) -> None:
        self._uow = uow
        self._now = now
        self._held: set[int] = set()  # claimed by this worker's last round and not sent

    async def record_failed(self, outbound: Outbound, error: str) -> int:
        """Store a failed delivery and return its id."""
        async with self._uow() as uow:
            oid = await uow.chats.add_outbox(
                outbound.chat.platform,
                outbound.chat.chat_id,
                outbound.to_payload(),
                redact(error),
                self._now(),
            )
            await uow.commit()
        return oid

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Outbound]]:
        """Claim failed deliveries of a platform for one retry; rows past MAX_ATTEMPTS are given up, loudly."""
        async with self._uow() as uow:
            if self._held:  # what this worker failed to send last round is free for the next one
                await uow.chats.release_outbox(sorted(self._held))
                self._held.clear()
            rows, dead = await uow.chats.claim_outbox(
                platform, self._now(), lease=LEASE, max_attempts=MAX_ATTEMPTS, limit=limit
            )
            await uow.commit()
        self._held.update(oid for oid, _ in rows)
        for oid in dead:
            _log.error("outbox #%s for %s given up after %d attempts", oid, platform, MAX_ATTEMPTS)
        return [(oid, Outbound.from_payload(payload)) for oid, payload in rows]

    async def mark_sent(self, outbox_id: int) -> None:
        """Forget a delivery that has now gone out."""
        self._held.discard(outbox_id)
        async with self._uow() as uow:
            await uow.chats.outbox_sent(outbox_id, self._now())
            await uow.commit()
