"""The inbox: every raw message stored once, so a re-delivery is dropped and a failure can be retried."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import statements
from storage.models import InboxRow
from storage.schemas import InboxEntry
from storage.sql import affected, dialect_name


class InboxRepository:
    """Record, claim and fail raw incoming messages."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # inbox
    async def record_inbox(
        self,
        platform: str,
        message_id: str,
        chat_id: str,
        user_id: str,
        kind: str,
        text: str,
        sent_at: datetime,
        now: datetime,
        attachment: tuple[str, str, bytes | None] | None = None,
    ) -> tuple[int, str]:
        """Store a raw message once, with its file as (name, media type, bytes or None); return its id and
        state ('new' when just stored)."""
        stmt = statements.insert_inbox(dialect_name(self.s))
        new_id = (
            await self.s.execute(
                stmt,
                {
                    "p_platform": platform,
                    "p_message_id": message_id,
                    "p_chat_id": chat_id,
                    "p_user_id": user_id,
                    "p_kind": kind,
                    "p_text": text,
                    "p_sent_at": sent_at,
                    "p_received_at": now,
                    **_attachment_params(attachment),
                },
            )
        ).scalar_one_or_none()
        if new_id is not None:
            return new_id, "new"
        row = (
            await self.s.execute(
                statements.inbox_state(), {"p_platform": platform, "p_message_id": message_id}
            )
        ).one()
        return row.id, row.state

    async def record_inbox_many(self, rows: list[dict]) -> dict[tuple[str, str], tuple[int, str]]:
        """Store raw messages once each (keys as record_inbox's arguments, ``received_at`` for ``now``,
        ``attachment`` optional); return {(platform, message id): (id, state)}."""
        if not rows:
            return {}
        await self.s.execute(
            statements.insert_inbox_quiet(dialect_name(self.s)),
            [
                {f"p_{k}": v for k, v in row.items() if k != "attachment"}
                | _attachment_params(row.get("attachment"))
                for row in rows
            ],
        )
        out: dict[tuple[str, str], tuple[int, str]] = {}
        for platform in {row["platform"] for row in rows}:
            ids = sorted({row["message_id"] for row in rows if row["platform"] == platform})
            for r in await self.s.execute(
                statements.inbox_states(), {"p_platform": platform, "p_message_ids": ids}
            ):
                out[(platform, r.message_id)] = (r.id, r.state)
        return out

    async def claim_inbox_many(self, inbox_ids: list[int]) -> set[int]:
        """Mark received messages handled unless another worker did; return the ids this call claimed."""
        if not inbox_ids:
            return set()
        rows = await self.s.execute(statements.claim_inbox_many(), {"p_ids": sorted(set(inbox_ids))})
        return {r.id for r in rows}

    async def claim_inbox(self, inbox_id: int) -> bool:
        """Mark a received message handled, only if nobody else did (one winner among workers)."""
        res = await self.s.execute(statements.claim_inbox(), {"p_id": inbox_id})
        return bool(affected(res))

    async def defer_inbox(self, inbox_id: int) -> None:
        """Mark a claimed message "later": its step is committed, its later work not yet."""
        await self.s.execute(update(InboxRow).where(InboxRow.id == inbox_id).values(state="later"))

    async def resume_inbox(self, inbox_id: int) -> bool:
        """Claim a message a stop left "later", to handle it again; False when another worker did."""
        res = await self.s.execute(
            update(InboxRow)
            .where(InboxRow.id == inbox_id, InboxRow.state == "later")
            .values(state="handled", error="")
        )
        return bool(affected(res))

    async def finish_inbox(self, inbox_id: int) -> None:
        """Mark a "later" message handled: its later work is recorded."""
        await self.s.execute(
            update(InboxRow).where(InboxRow.id == inbox_id, InboxRow.state == "later").values(state="handled")
        )

    async def fail_inbox(self, inbox_id: int, error: str) -> None:
        """Note why handling a message failed (it stays for a retry)."""
        await self.s.execute(
            update(InboxRow).where(InboxRow.id == inbox_id).values(state="failed", error=error[:2000])
        )

    async def inbox(
        self, *, platform: str | None = None, state: str | None = None, limit: int = 1000
    ) -> list[InboxEntry]:
        """Return stored raw messages, oldest first."""
        q = select(InboxRow).order_by(InboxRow.id).limit(limit)
        if platform:
            q = q.where(InboxRow.platform == platform)
        if state:
            q = q.where(InboxRow.state == state)
        return [
            InboxEntry.model_validate(r, from_attributes=True) for r in (await self.s.execute(q)).scalars()
        ]


def _attachment_params(attachment: tuple[str, str, bytes | None] | None) -> dict[str, object]:
    name, media_type, data = attachment if attachment is not None else (None, None, None)
    return {"p_attachment_name": name, "p_attachment_type": media_type, "p_attachment_data": data}
