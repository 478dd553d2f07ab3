"""The OutboxStore port on the database: undelivered messages survive restarts and are retried."""

from __future__ import annotations

import asyncio
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
# Sent replies are marked in one transaction this long after the first of them (few commits under load; a kill -9
# within it may repeat those replies).
SENT_WRITE_DELAY = 0.5
SENT_FLUSH_WAIT = 5.0  # seconds a stopping process waits for that
SENT_WRITE_TRIES = 10  # about five minutes of retrying while the database is away


class StorageOutbox:
    """Failed deliveries kept in the ``outbox`` table."""

    def __init__(self, uow: Callable[[], UnitOfWork], now: Callable[[], datetime]) -> None:
        self._uow = uow
        self._now = now
        self._held: set[int] = set()  # claimed by this worker's last round and not sent
        self._sent: list[int] = []  # queued replies that went out, not yet written down
        self._writing: asyncio.Task[None] | None = None

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

    async def sent(self, outbox_id: int) -> None:
        """Note that a queued reply went out; written down with others a moment later (one transaction)."""
        self._sent.append(outbox_id)
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write_sent())

    async def _write_sent(self) -> None:
        await asyncio.sleep(SENT_WRITE_DELAY)
        failures = 0
        while self._sent:
            ids, self._sent = self._sent, []
            try:
                async with self._uow() as uow:
                    await uow.chats.outbox_sent_many(ids, self._now())
                    await uow.commit()
                failures = 0
            except (
                Exception
            ) as exc:  # the database is away: try again; unwritten, they may repeat, never lost
                failures += 1
                self._sent[:0] = ids
                if failures > SENT_WRITE_TRIES:
                    _log.warning("gave up marking %d sent outbox row(s): they may be sent again", len(ids))
                    self._sent.clear()
                    return
                _log.warning(
                    "could not mark %d sent outbox row(s) (%s); trying again", len(ids), type(exc).__name__
                )
                await asyncio.sleep(min(30.0, 2.0 ** (failures - 1)))

    async def flush(self) -> None:
        """Write down the replies noted as sent."""
        task = self._writing
        if task is not None:  # bounded: a stop while the database is away must not hang
            await asyncio.wait([task], timeout=SENT_FLUSH_WAIT)
            if not task.done():
                task.cancel()
                _log.warning("%d sent outbox row(s) not marked: they may be sent again", len(self._sent))
                self._sent.clear()
                return
        if self._sent:
            self._writing = None
            await self._write_sent()

    async def release(self, outbox_ids: list[int]) -> None:
        """Give queued replies this process will not send to the next retry round, here or in another process."""
        if not outbox_ids:
            return
        async with self._uow() as uow:
            await uow.chats.release_outbox(sorted(outbox_ids))
            await uow.commit()
