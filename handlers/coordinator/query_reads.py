"""What answering a question reads: the compiled ledger in a fixed number of statements, or just some items.

``compile_ledger`` asks ``previous`` once per item it has no filing for; here the earlier periods are read
for all items in one statement first (``uow.reports.previous_all``) and served from memory, so 概况 and
the lagging list cost the same few statements at 33 or 3,300 items. The result (``Compiled``) is kept per
item: after a filing, ``refresh_period`` compiles again only the items filed since (a handful of
statements and rows), not the whole ledger. A question about one item compiles that item alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from handlers.deps import Deps
from handlers.ledger.compile import assemble, item_inputs
from reports.ledger import Ledger
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo


@dataclass(frozen=True)
class Compiled:
    """A period's compiled ledger and what answers read beside it, per item (so one filing changes one)."""

    ledger: Ledger
    earlier: dict[int, list[SubmissionInfo]]  # per item: its filing of the latest earlier period with one
    reported: dict[int, frozenset[str]]  # per item: the units that filed it in the period
    flags: dict[int, str | None] = field(default_factory=dict)  # per item: the plan not mentioned, once asked


@dataclass
class _Earlier:
    """Submission reads with ``previous`` served from what was read for many items at once."""

    inner: object
    earlier: dict[int, list[SubmissionInfo]]

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        return await self.inner.latest(period_id, item_id=item_id, unit=unit)  # type: ignore[attr-defined]

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        return self.earlier.get(item_id, [])


@dataclass
class _Reads:
    ledgers: object
    submissions: _Earlier


async def _compile(
    deps: Deps,
    ledger: LedgerInfo,
    period: PeriodInfo,
    items: Sequence[ItemInfo],
    latest: list[SubmissionInfo],
    earlier: dict[int, list[SubmissionInfo]],
    reported: dict[int, frozenset[str]],
) -> tuple[Ledger, dict[int, frozenset[str]]]:
    """Compile ``items``; the ledger's reported units are theirs and ``reported``'s (of the other items)."""
    reads = _Reads(deps.uow.ledgers, _Earlier(deps.uow.submissions, earlier))
    inputs = await item_inputs(reads, ledger, period, list(items), latest)  # type: ignore[arg-type]
    reported = reported | {i.item_id: by for i, by in inputs}
    everyone: set[str] = set()
    for by in reported.values():
        everyone |= by
    units = await deps.uow.ledgers.units(ledger.id)
    compiled = assemble(ledger, period, [i for i, _ in inputs], units, everyone, deps.config.thresholds)
    return compiled, reported


async def compile_period(deps: Deps, ledger: LedgerInfo, period: PeriodInfo) -> Compiled:
    """Compile the whole ledger of ``period`` with set-based reads (what ``compile_ledger`` returns)."""
    earlier = await deps.uow.reports.previous_all(ledger.id, period.code)
    items = await deps.uow.ledgers.items(ledger.id)
    latest = await deps.uow.submissions.latest(period.id)
    compiled, reported = await _compile(deps, ledger, period, items, latest, earlier, {})
    return Compiled(compiled, earlier, reported)


async def refresh_period(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo, kept: Compiled, changed: frozenset[int]
) -> Compiled:
    """Return ``kept`` brought up to date after filings about the ``changed`` items (nothing else changed).

    Those items' rows, earlier filings and reporting units are read and compiled again; every other row
    is kept as it was.
    """
    every = await deps.uow.ledgers.items(ledger.id)
    items = [i for i in every if i.id in changed]
    if not items:
        return kept
    ids = [i.id for i in items]
    fresh = await deps.uow.reports.previous_of(ledger.id, period.code, ids)
    earlier = {k: v for k, v in kept.earlier.items() if k not in changed} | fresh
    latest = await deps.uow.reports.latest_of(period.id, ids)
    part, reported = await _compile(deps, ledger, period, items, latest, earlier, kept.reported)
    rows = {r.item_id: r for r in part.rows}
    # Units that filed only part of their items are counted over every item, not the refreshed few.
    left = unfiled(every, reported)
    partly = tuple(u for u in part.reported_units if u in left)
    whole = part.model_copy(
        update={"rows": tuple(rows.get(r.item_id, r) for r in kept.ledger.rows), "partly_units": partly}
    )
    flags = {k: v for k, v in kept.flags.items() if k not in changed}
    return Compiled(whole, earlier, reported, flags)


def unfiled(items: Sequence[ItemInfo], reported: dict[int, frozenset[str]]) -> dict[str, list[int]]:
    """Return, per unit, the numbers of its items it has not filed (``reported``: who filed each item)."""
    out: dict[str, list[int]] = {}
    for item in items:
        by = reported.get(item.id, frozenset())
        for unit in item.units:
            if unit not in by:
                out.setdefault(unit, []).append(item.number)
    return out


async def compile_items(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo, items: Sequence[ItemInfo]
) -> Ledger:
    """Compile only ``items`` (a question about one or a few items reads those items only)."""
    ids = [i.id for i in items]
    earlier = await deps.uow.reports.previous_of(ledger.id, period.code, ids)
    latest = await deps.uow.reports.latest_of(period.id, ids)
    compiled, _ = await _compile(deps, ledger, period, items, latest, earlier, {})
    return compiled
