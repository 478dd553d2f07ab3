"""Submissions (填报): every revision kept, the latest one per unit and item counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import statements
from storage.ledger_repo import LedgerRepository
from storage.models import PeriodRow, SubmissionRow
from storage.schemas import NewSubmission, SubmissionInfo
from storage.sql import dialect_name


def _info(row: SubmissionRow | Row[Any], code: str = "") -> SubmissionInfo:
    """Return a revision from an ORM row or a Core row of the submissions table."""
    return SubmissionInfo(
        id=row.id,
        period_id=row.period_id,
        period_code=code,
        item_id=row.item_id,
        unit=row.unit_key,
        revision=row.revision,
        progress=row.progress,
        problems=row.problems,
        plan=row.plan,
        status=row.status,
        achieved={int(k): float(v) for k, v in (row.achieved or {}).items()},
        skipped=row.skipped,
        source=row.source,
        author=row.author,
        inbox_id=row.inbox_id,
        review=row.review,
        review_reason=row.review_reason,
        reviewed_by=row.reviewed_by,
        created_at=row.created_at,
    )


# Concurrent writers (two contacts of a unit, two workers) may take the same revision number; try again.
_NUMBERING_TRIES = 5


class SubmissionRepository:
    """File and read submissions."""

    def __init__(self, session: AsyncSession, ledgers: LedgerRepository) -> None:
        self.s = session
        self._ledgers = ledgers  # for unit and period ids, read through its cache

    async def add(self, new: NewSubmission, now: datetime) -> SubmissionInfo:
        """File a new revision (never overwriting an earlier one) and return it."""
        unit_id = await self._ledgers.unit_id(new.unit) if new.unit else None
        values = {
            "period_id": new.period_id,
            "item_id": new.item_id,
            "unit_id": unit_id,
            "unit_key": new.unit,
            "progress": new.progress,
            "problems": new.problems,
            "plan": new.plan,
            "status": new.status,
            "achieved": {str(k): v for k, v in new.achieved.items()},
            "skipped": new.skipped,
            "source": new.source,
            "author": new.author,
            "inbox_id": new.inbox_id,
            "review": "submitted",
            "created_at": now,
        }
        stmt = statements.insert_revision(dialect_name(self.s))
        for _ in range(_NUMBERING_TRIES):
            row = (await self.s.execute(stmt, {f"p_{k}": v for k, v in values.items()})).one_or_none()
            if row is not None:
                break
        else:
            raise RuntimeError(
                f"could not number a revision of item {new.item_id} ({new.unit}) after "
                f"{_NUMBERING_TRIES} tries"
            )
        return SubmissionInfo(
            id=row.id,
            period_id=new.period_id,
            item_id=new.item_id,
            unit=new.unit,
            revision=row.revision,
            progress=new.progress,
            problems=new.problems,
            plan=new.plan,
            status=new.status,
            achieved=dict(new.achieved),
            skipped=new.skipped,
            source=new.source,
            author=new.author,
            inbox_id=new.inbox_id,
            review="submitted",
            created_at=now,
        )

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        """Return the latest revision per item and unit of a period."""
        rows = await self.s.execute(
            statements.latest(item_id is not None, unit is not None),
            {"p_period_id": period_id, "p_item_id": item_id, "p_unit": unit},
        )
        return [_info(r) for r in rows]

    async def get(self, submission_id: int) -> SubmissionInfo | None:
        """Return one revision by id."""
        row = await self.s.get(SubmissionRow, submission_id)
        return _info(row) if row else None

    async def history(self, item_id: int, unit: str | None = None) -> list[SubmissionInfo]:
        """Return every revision of an item across periods, oldest first."""
        q = (
            select(SubmissionRow, PeriodRow.code)
            .join(PeriodRow, PeriodRow.id == SubmissionRow.period_id)
            .where(SubmissionRow.item_id == item_id)
        )
        if unit is not None:
            q = q.where(SubmissionRow.unit_key == unit)
        rows = (await self.s.execute(q.order_by(PeriodRow.code, SubmissionRow.id))).all()
        return [_info(r, code) for r, code in rows]

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        """Return the latest revisions of an item in the most recent earlier period that has any."""
        rows = await self.s.execute(
            statements.previous(), {"p_ledger_id": ledger_id, "p_before": before_code, "p_item_id": item_id}
        )
        return [_info(r, r.period_code) for r in rows]

    async def set_review(
        self, submission_id: int, review: str, reason: str, by: str
    ) -> SubmissionInfo | None:
        """Accept or return a revision."""
        row = await self.s.get(SubmissionRow, submission_id)
        if row is None:
            return None
        row.review, row.review_reason, row.reviewed_by = review, reason, by
        await self.s.flush()
        return _info(row)
