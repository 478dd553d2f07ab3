"""Compile a period's ledger from storage into the pure report model."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from handlers.ledger.reads import LedgerReads
from reports.columns import DEFAULT_LAYOUT, own_layout
from reports.ledger import ItemInput, Ledger, TargetInput, UnitPart, build_ledger, period_title
from reports.lights import Thresholds
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo, UnitInfo

if TYPE_CHECKING:
    # Storage keeps kinds and statuses as plain strings; the report models validate them on construction.
    from reports.ledger import Status, TargetKind


def combine_achieved(parts: list[SubmissionInfo]) -> dict[int, float]:
    """Return per-target achieved values of an item from its units' latest parts.

    Units of a shared item report the same cumulative figure, so the highest is taken, never the sum.
    """
    out: dict[int, float] = {}
    for part in parts:
        if part.skipped:
            continue
        for idx, value in part.achieved.items():
            out[idx] = max(out.get(idx, value), value)
    return out


async def achieved_before(uow: LedgerReads, ledger_id: int, code: str, item_id: int) -> dict[int, float]:
    """Return an item's cumulative achieved values as of the latest earlier period."""
    return combine_achieved(await uow.submissions.previous(ledger_id, code, item_id))


async def compile_ledger(
    uow: LedgerReads, ledger: LedgerInfo, period: PeriodInfo, thresholds: Thresholds | None = None
) -> Ledger:
    """Build the compiled ledger of ``period``: this period's parts, values carried from earlier periods."""
    items = await uow.ledgers.items(ledger.id)
    inputs = await item_inputs(uow, ledger, period, items, await uow.submissions.latest(period.id))
    units = await uow.ledgers.units(ledger.id)
    reported: set[str] = set()
    for _, by in inputs:
        reported |= by
    return assemble(ledger, period, [i for i, _ in inputs], units, reported, thresholds)


async def item_inputs(
    uow: LedgerReads,
    ledger: LedgerInfo,
    period: PeriodInfo,
    items: list[ItemInfo],
    latest: list[SubmissionInfo],
) -> list[tuple[ItemInput, frozenset[str]]]:
    """Return each item's input to the compiled ledger and the units that reported it in ``period``.

    ``latest`` is the period's newest revisions (of these items at least); values an item lacks this
    period are carried from the latest earlier period that has them.
    """
    by_item: dict[int, list[SubmissionInfo]] = {}
    for sub in latest:
        by_item.setdefault(sub.item_id, []).append(sub)
    out = []
    for item in items:
        parts = [p for p in by_item.get(item.id, []) if not p.skipped]
        achieved = combine_achieved(parts)
        status = None
        if not parts:
            previous = await uow.submissions.previous(ledger.id, period.code, item.id)
            carried = combine_achieved(previous)
            achieved = carried
            status = _carried_status(previous)
        else:
            missing = [t.idx for t in item.targets if t.idx not in achieved]
            if missing:
                carried = await achieved_before(uow, ledger.id, period.code, item.id)
                achieved.update({i: carried[i] for i in missing if i in carried})
        out.append((_item_input(item, parts, achieved, status), reporting_units(item, parts)))
    return out


def reporting_units(item: ItemInfo, parts: list[SubmissionInfo]) -> frozenset[str]:
    """Return the units that have filed ``item`` in its (not skipped) ``parts``: a joint text counts for all."""
    out: set[str] = set()
    for p in parts:
        if p.skipped:
            continue
        if p.unit:
            out.add(p.unit)
        else:
            out.update(item.units)
    return frozenset(out)


def assemble(
    ledger: LedgerInfo,
    period: PeriodInfo,
    inputs: list[ItemInput],
    units: list[UnitInfo],
    reported: set[str],
    thresholds: Thresholds | None = None,
) -> Ledger:
    """Return the compiled ledger of ``inputs``, ``reported`` being the units that filed any item."""
    return build_ledger(
        period.year,
        period.month,
        inputs,
        title=_title(ledger, period),
        all_units=tuple(u.name for u in units),
        reported_units=tuple(u.name for u in units if u.name in reported),
        thresholds=thresholds,
        layout=own_layout(ledger.columns) if ledger.columns else DEFAULT_LAYOUT,
    )


def _carried_status(previous: list[SubmissionInfo]) -> str | None:
    statuses = {p.status for p in previous}
    if not statuses:
        return None
    for s in ("in_progress", "preparing", "not_started"):
        if s in statuses:
            return s
    return "completed"


def _title(ledger: LedgerInfo, period: PeriodInfo) -> str:
    return period_title(period.year, period.month, ledger.subject)


def _item_input(
    item: ItemInfo, parts: list[SubmissionInfo], achieved: dict[int, float], status: str | None
) -> ItemInput:
    return ItemInput(
        item_id=item.id,
        number=item.number,
        seq=item.seq,
        category=item.category,
        content=item.content,
        units=item.units,
        targets=tuple(
            TargetInput(
                name=t.name,
                value=t.value,
                unit=t.unit,
                kind=cast("TargetKind", t.kind),
                achieved=achieved.get(t.idx),
            )
            for t in item.targets
        ),
        parts=tuple(
            UnitPart(
                unit=p.unit,
                progress=p.progress,
                problems=p.problems,
                plan=p.plan,
                status=cast("Status", p.status),
            )
            for p in parts
        ),
        status=cast("Status | None", status),
        span_start=item.span_start,
        span_end=item.span_end,
        extra=item.extra,
    )
