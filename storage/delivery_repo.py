"""Outgoing posts: the dispatch log (one posting per job and fire time) and the outbox of failed sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert as sa_insert
from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DispatchRow, OutboxRow
from storage.sql import affected, dialect_name, insert


class DeliveryRepository:
    """Claim scheduled postings once, and keep undelivered messages for a retry."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # dispatch log
    async def claim_dispatch(self, job: str, fire_time: str, now: datetime) -> bool:
        """Claim a (job, fire time) posting; False when it was already done or claimed."""
        stmt = (
            insert(self.s, DispatchRow)
            .values(job=job, fire_time=fire_time, posted=0, created_at=now)
            .on_conflict_do_nothing(index_elements=["job", "fire_time"])
            .returning(DispatchRow.id)
        )
        return (await self.s.execute(stmt)).scalar_one_or_none() is not None

    async def set_dispatch_count(self, job: str, fire_time: str, posted: int) -> None:
        """Record how many messages a claimed posting sent."""
        await self.s.execute(
            update(DispatchRow)
            .where(DispatchRow.job == job, DispatchRow.fire_time == fire_time)
            .values(posted=posted)
        )

    async def dispatches(self, job: str | None = None) -> list[tuple[str, str, int]]:
        """Return (job, fire time, posted) rows."""
        q = select(DispatchRow.job, DispatchRow.fire_time, DispatchRow.posted).order_by(DispatchRow.id)
        if job:
            q = q.where(DispatchRow.job == job)
        return [(name, fire_time, posted) for name, fire_time, posted in (await self.s.execute(q)).all()]

    # outbox
    async def add_outbox(self, platform: str, chat_id: str, payload: dict, error: str, now: datetime) -> int:
        """Keep an undelivered message for a later retry."""
        row = OutboxRow(
            platform=platform, chat_id=chat_id, payload=payload, error=error[:2000], created_at=now
        )
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def add_pending_outbox(
        self, rows: list[tuple[str, str, dict]], now: datetime, held_until: datetime
    ) -> list[int]:
        """Queue replies (platform, chat id, payload) about to be sent, held by their writer until ``held_until``.

        Written in the transaction that handled their messages; the writer marks them sent, or releases them
        when it stops, and a retry round takes them over once the hold runs out (the writer died).
        """
        if not rows:
            return []
        values = [
            {
                "platform": platform,
                "chat_id": chat_id,
                "payload": payload,
                "error": "",
                "attempts": 0,
                "created_at": now,
                "claimed_until": held_until,
            }
            for platform, chat_id, payload in rows
        ]
        # One cached INSERT … RETURNING run over the rows (SQLAlchemy's "insertmanyvalues": a multi-row VALUES per
        # batch, no ORM objects, not compiled anew per call): this runs in every batch's transaction.
        if dialect_name(self.s) == "sqlite":
            # SQLAlchemy keeps the parameters' order of a batched RETURNING on SQLite only by inserting row by row
            # (one statement per reply). SQLite gives each new row of one INSERT max(rowid) + 1 in turn, under its
            # one writer, so the ids in ascending order are the rows in the order given.
            stmt = sa_insert(OutboxRow).returning(OutboxRow.id)
            return sorted((await self.s.execute(stmt, values)).scalars())
        stmt = sa_insert(OutboxRow).returning(OutboxRow.id, sort_by_parameter_order=True)
        return list((await self.s.execute(stmt, values)).scalars())

    async def outbox_sent_many(self, ids: list[int], now: datetime) -> None:
        """Mark several outbox messages delivered."""
        if ids:
            await self.s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(sent_at=now))

    async def keep_outbox(self, outbox_id: int, payload: dict, error: str) -> None:
        """A queued reply failed: keep what is left of it for the retry rounds (no longer held)."""
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(payload=payload, error=error[:2000], claimed_until=None)
        )

    async def due_outbox(self, platform: str, limit: int = 50) -> list[tuple[int, dict]]:
        """Return undelivered messages of a platform, oldest first (read only; see claim_outbox)."""
        rows = (
            await self.s.execute(
                select(OutboxRow)
                .where(
                    OutboxRow.platform == platform, OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_(None)
                )
                .order_by(OutboxRow.id)
                .limit(limit)
            )
        ).scalars()
        return [(r.id, r.payload) for r in rows]

    async def claim_outbox(
        self, platform: str, now: datetime, *, lease: timedelta, max_attempts: int, limit: int = 50
    ) -> tuple[list[tuple[int, dict]], list[int]]:
        """Claim due messages for one retry round; return (claimed rows, ids given up after max_attempts)."""
        free = or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now)
        candidates = (
            await self.s.execute(
                select(OutboxRow.id, OutboxRow.attempts, OutboxRow.payload)
                .where(
                    OutboxRow.platform == platform,
                    OutboxRow.sent_at.is_(None),
                    OutboxRow.dead_at.is_(None),
                    free,
                )
                .order_by(OutboxRow.id)
                .limit(limit)
            )
        ).all()
        claimed, dead = [], []
        for oid, attempts, payload in candidates:
            if attempts >= max_attempts:
                await self.s.execute(update(OutboxRow).where(OutboxRow.id == oid).values(dead_at=now))
                dead.append(oid)
                continue
            res = await self.s.execute(
                update(OutboxRow)
                .where(OutboxRow.id == oid, free, OutboxRow.sent_at.is_(None))
                .values(claimed_until=now + lease, attempts=OutboxRow.attempts + 1)
            )
            if affected(res):
                claimed.append((oid, payload))
        return claimed, dead

    async def release_outbox(self, ids: list[int]) -> None:
        """Let other workers retry rows this worker claimed but could not send."""
        await self.s.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.sent_at.is_(None))
            .values(claimed_until=None)
        )

    async def outbox_sent(self, outbox_id: int, now: datetime) -> None:
        """Mark an outbox message delivered."""
        await self.s.execute(update(OutboxRow).where(OutboxRow.id == outbox_id).values(sent_at=now))

    # send rate shared by processes (PostgreSQL)
    async def take_send_slot(self, name: str, interval: float, tolerance: float = 0.0) -> float:
        """Take the next send slot of ``name`` (slots ``interval`` s apart); return it, in epoch seconds.

        ``next_at`` is when the next slot falls due; a slot may come up to ``tolerance`` seconds before that
        (a burst of ``tolerance / interval + 1`` sends). One row per name, updated under its row lock with the
        server's clock, so every process on the database draws from the same sequence of slots. PostgreSQL only.
        """
        now = "extract(epoch from clock_timestamp())"
        slot = await self.s.execute(
            text(
                f"INSERT INTO send_rates (name, next_at) VALUES (:name, {now} + :interval) "
                f"ON CONFLICT (name) DO UPDATE SET next_at = GREATEST(send_rates.next_at, {now}) + :interval "
                f"RETURNING GREATEST(next_at - :interval - :tolerance, {now})"
            ),
            {"name": name, "interval": interval, "tolerance": tolerance},
        )
        return float(slot.scalar_one())
