"""Ledger files sent to be imported: kept with their bytes, so an import can be confirmed and undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ImportRow, SubmissionRow
from storage.schemas import ImportInfo


class ImportRepository:
    """Keep uploaded ledger files and what became of each."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, filename: str, data: bytes, author: str, now: datetime) -> int:
        """Keep a file waiting for confirmation; return its id."""
        row = ImportRow(filename=filename, data=data, author=author, state="pending", created_at=now)
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def get(self, import_id: int) -> ImportInfo | None:
        """Return one kept file."""
        row = await self.s.get(ImportRow, import_id)
        return ImportInfo.model_validate(row) if row else None

    async def applied(
        self,
        import_id: int,
        ledger: str,
        period: str,
        submission_ids: list[int],
        now: datetime,
        before: dict | None = None,
    ) -> None:
        """Record that a kept file was imported into ``ledger``, which revisions it added, what was before."""
        row = await self.s.get(ImportRow, import_id)
        assert row is not None  # the caller has just read or added it
        row.before = before
        row.state, row.ledger, row.period, row.submission_ids, row.applied_at = (
            "applied",
            ledger,
            period,
            submission_ids,
            now,
        )

    async def set_state(self, import_id: int, state: str) -> None:
        """Mark a kept file cancelled or undone."""
        row = await self.s.get(ImportRow, import_id)
        if row is not None:
            row.state = state

    async def last_applied(self, ledger: str | None = None, before: int | None = None) -> ImportInfo | None:
        """Return the latest applied import (of ``ledger``, before the import ``before``), or None."""
        q = select(ImportRow).where(ImportRow.state == "applied")
        if ledger is not None:
            q = q.where(ImportRow.ledger == ledger)
        if before is not None:
            q = q.where(ImportRow.id < before)
        row = (await self.s.execute(q.order_by(ImportRow.id.desc()).limit(1))).scalar_one_or_none()
        return ImportInfo.model_validate(row) if row else None

    async def delete_submissions(self, ids: list[int]) -> int:
        """Delete the revisions an undone import added; return how many."""
        if not ids:
            return 0
        result = await self.s.execute(delete(SubmissionRow).where(SubmissionRow.id.in_(ids)))
        return int(getattr(result, "rowcount", 0) or 0)
