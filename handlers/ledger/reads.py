"""What compiling a ledger reads: the ledger's items and units and the submissions of its periods.

A protocol rather than the whole unit of work, so the ledger can be compiled from any source of submissions —
the database now, or the database as it stood a week ago (``handlers.jobs.as_of``).
"""

from __future__ import annotations

from typing import Protocol

from storage.schemas import ItemInfo, SubmissionInfo, UnitInfo


class ItemReads(Protocol):
    """The ledger structure compile reads."""

    async def items(self, ledger_id: int, *, unit: str | None = None) -> list[ItemInfo]: ...

    async def units(self, ledger_id: int | None = None) -> list[UnitInfo]: ...


class SubmissionReads(Protocol):
    """The submissions compile reads."""

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]: ...

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]: ...


class LedgerReads(Protocol):
    """A read-only view of one ledger's structure and submissions."""

    @property
    def ledgers(self) -> ItemReads: ...

    @property
    def submissions(self) -> SubmissionReads: ...
