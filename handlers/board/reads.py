"""The ledger reads a board page compiles from: one bulk read per period instead of one query per item.

``compile_ledger`` asks ``previous`` once per item without a report this period (3,300 queries for a large
ledger just opened). Here those answers come from each earlier period's latest revisions, read once; the one
case that bulk read cannot settle exactly (an item whose newest revisions in a period were all skipped) is
asked of the repository as before, so the compiled ledger is the same.
"""

from __future__ import annotations

from storage.ledger_repo import LedgerRepository
from storage.schemas import PeriodInfo, SubmissionInfo
from storage.uow import UnitOfWork


class PrefetchedReads:
    """``LedgerReads`` over a unit of work, answering ``latest`` and ``previous`` from per-period bulk reads."""

    def __init__(self, uow: UnitOfWork, ledger_id: int, periods: list[PeriodInfo]) -> None:
        self._uow, self._ledger_id = uow, ledger_id
        self._periods = sorted(periods, key=lambda p: p.code, reverse=True)
        self._latest: dict[int, list[SubmissionInfo]] = {}
        self._by_item: dict[int, dict[int, list[SubmissionInfo]]] = {}

    @property
    def ledgers(self) -> LedgerRepository:
        """Return the ledger repository (structure reads are cached already)."""
        return self._uow.ledgers

    @property
    def submissions(self) -> PrefetchedReads:
        """Return the submission reads (this object)."""
        return self

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        """Return the latest revisions of a period (the whole period read once)."""
        if item_id is not None or unit is not None:
            return await self._uow.submissions.latest(period_id, item_id=item_id, unit=unit)
        if period_id not in self._latest:
            self._latest[period_id] = await self._uow.submissions.latest(period_id)
        return self._latest[period_id]

    async def _items_of(self, period: PeriodInfo) -> dict[int, list[SubmissionInfo]]:
        if period.id not in self._by_item:
            by_item: dict[int, list[SubmissionInfo]] = {}
            for sub in await self.latest(period.id):
                by_item.setdefault(sub.item_id, []).append(
                    sub.model_copy(update={"period_code": period.code})
                )
            self._by_item[period.id] = by_item
        return self._by_item[period.id]

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        """Return an item's newest revisions in the latest earlier period that has a report of it."""
        if ledger_id != self._ledger_id:
            return await self._uow.submissions.previous(ledger_id, before_code, item_id)
        for period in self._periods:
            if period.code >= before_code:
                continue
            rows = (await self._items_of(period)).get(item_id)
            if not rows:
                continue
            if any(not r.skipped for r in rows):
                return rows
            # Newest revisions all skipped: an older revision may still count there; the repository knows.
            return await self._uow.submissions.previous(ledger_id, before_code, item_id)
        return []
