"""What answering a question reads: the compiled ledger in a fixed number of statements, or just some items.

``compile_ledger`` asks ``previous`` once per item it has no filing for; here the earlier periods are read
for all items in one statement first (``uow.reports.previous_all``) and served from memory, so 概况 and
the lagging list cost the same few statements at 33 or 3,300 items. A question about one item compiles
that item alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.deps import Deps
from handlers.ledger.compile import compile_ledger
from reports.ledger import Ledger
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo, UnitInfo


@dataclass
class _Items:
    inner: object
    only: Sequence[ItemInfo] | None

    async def items(self, ledger_id: int, *, unit: str | None = None) -> list[ItemInfo]:
        if self.only is not None:
            return list(self.only)
        return await self.inner.items(ledger_id, unit=unit)  # type: ignore[attr-defined]

    async def units(self, ledger_id: int | None = None) -> list[UnitInfo]:
        return await self.inner.units(ledger_id)  # type: ignore[attr-defined]


@dataclass
class _Submissions:
    inner: object
    earlier: dict[int, list[SubmissionInfo]] | None
    only: Sequence[ItemInfo] | None

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        read = self.inner.latest  # type: ignore[attr-defined]
        if self.only is None or item_id is not None:
            return await read(period_id, item_id=item_id, unit=unit)
        out: list[SubmissionInfo] = []
        for item in self.only:
            out.extend(await read(period_id, item_id=item.id, unit=unit))
        return out

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        if self.earlier is not None:
            return self.earlier.get(item_id, [])
        return await self.inner.previous(ledger_id, before_code, item_id)  # type: ignore[attr-defined]


@dataclass
class _Reads:
    ledgers: _Items
    submissions: _Submissions


async def earlier_filings(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo
) -> dict[int, list[SubmissionInfo]]:
    """Return every item's filing of the latest earlier period that has one (one statement)."""
    return await deps.uow.reports.previous_all(ledger.id, period.code)


async def compile_all(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo, earlier: dict[int, list[SubmissionInfo]] | None = None
) -> Ledger:
    """Compile the whole ledger of ``period`` with set-based reads."""
    earlier = earlier if earlier is not None else await earlier_filings(deps, ledger, period)
    reads = _Reads(_Items(deps.uow.ledgers, None), _Submissions(deps.uow.submissions, earlier, None))
    return await compile_ledger(reads, ledger, period, deps.config.thresholds)


async def compile_items(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo, items: Sequence[ItemInfo]
) -> Ledger:
    """Compile only ``items`` (a question about one or a few items reads those items only)."""
    reads = _Reads(_Items(deps.uow.ledgers, items), _Submissions(deps.uow.submissions, None, items))
    return await compile_ledger(reads, ledger, period, deps.config.thresholds)
