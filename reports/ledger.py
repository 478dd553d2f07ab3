"""The compiled ledger: pure data built from plain inputs, the one thing every renderer reads."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reports.columns import DEFAULT_LAYOUT, LedgerLayout
from reports.lights import Light, Thresholds, item_light, schedule_share

Status = Literal["not_started", "preparing", "in_progress", "completed"]
TargetKind = Literal["increment", "total", "percent"]
STATUS_LABELS: dict[str, str] = {
    "not_started": "未启动",
    "preparing": "前期准备",
    "in_progress": "推进中",
    "completed": "已完成",
}


class TargetInput(BaseModel):
    """A target of an item with the value achieved so far (None when unknown)."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float
    unit: str
    kind: TargetKind = "increment"
    achieved: float | None = None


class UnitPart(BaseModel):
    """One responsible unit's report on an item for the period (unit '' for a joint, imported text)."""

    model_config = ConfigDict(frozen=True)

    unit: str = ""
    progress: str = ""
    problems: str = ""
    plan: str = ""
    status: Status | None = None


class ItemInput(BaseModel):
    """An item of the ledger with its parts for one period."""

    model_config = ConfigDict(frozen=True)

    item_id: int = 0
    number: int = 0  # the item's number as a coordinator types it (退回 24); 0: its place in ledger order
    seq: int
    category: str
    content: str
    units: tuple[str, ...]
    targets: tuple[TargetInput, ...] = ()
    parts: tuple[UnitPart, ...] = ()
    status: Status | None = None  # the status when no part says it (carried from an earlier period's filing)
    span_start: date | None = None
    span_end: date | None = None
    extra: dict[str, str] = Field(default_factory=dict)  # cells of the layout's non-core columns, by key


class TargetCell(BaseModel):
    """A target as shown in the compiled ledger."""

    model_config = ConfigDict(frozen=True)

    name: str
    value: float
    unit: str
    kind: str
    achieved: float | None
    completion: float | None


class LedgerRow(BaseModel):
    """One compiled row: the layout's columns (core ones as fields, others in extra) plus status and light."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    number: int  # shown as item_ref(number), "[24]", in every output
    seq: int
    category: str
    content: str
    units: tuple[str, ...]
    progress: str
    problems: str
    plan: str
    status: Status
    targets: tuple[TargetCell, ...]
    completion: float | None
    schedule: float
    gap: float | None
    light: Light
    reported: bool
    # Some filing stands behind the row (this period's parts, or a status carried from an earlier period);
    # False: its status and completion are the defaults of an item nobody has filed on yet.
    revised: bool = True
    extra: dict[str, str] = Field(default_factory=dict)

    @property
    def status_label(self) -> str:
        """Return the Chinese status label."""
        return STATUS_LABELS[self.status]


class Ledger(BaseModel):
    """The compiled ledger of one period."""

    model_config = ConfigDict(frozen=True)

    title: str
    period: str
    plan_month: int
    header: tuple[str, ...]
    rows: tuple[LedgerRow, ...]
    schedule: float
    reported_units: tuple[str, ...] = ()  # units that filed something: all their items, or part of them
    missing_units: tuple[str, ...] = ()  # units that filed nothing
    partly_units: tuple[str, ...] = ()  # reported units with items still not filed
    layout: LedgerLayout = DEFAULT_LAYOUT

    @property
    def filed_units(self) -> tuple[str, ...]:
        """Return the units that filed every item of theirs (filed + partly + missing = every unit)."""
        partly = set(self.partly_units)
        return tuple(u for u in self.reported_units if u not in partly)

    def categories(self) -> list[tuple[int, str, list[LedgerRow]]]:
        """Return rows grouped by category in ledger order."""
        groups: list[tuple[int, str, list[LedgerRow]]] = []
        for row in self.rows:
            if not groups or groups[-1][0] != row.seq or groups[-1][1] != row.category:
                groups.append((row.seq, row.category, []))
            groups[-1][2].append(row)
        return groups


def period_title(year: int, month: int, subject: str = "民生实事") -> str:
    """Return a title such as '2025年一季度民生实事工作进展情况台账' for a quarter end, else by month."""
    if month % 3 == 0:
        quarter = "一二三四"[month // 3 - 1]
        return f"{year}年{quarter}季度{subject}工作进展情况台账"
    return f"{year}年{month}月份{subject}工作进展情况台账"


def plan_month_of(month: int) -> int:
    """Return the month whose plan is filed with a period's report."""
    return month % 12 + 1


def _join_parts(parts: tuple[UnitPart, ...], field: str, units: tuple[str, ...]) -> str:
    order = {u: i for i, u in enumerate(units)}
    chosen = sorted(
        (p for p in parts if getattr(p, field).strip()), key=lambda p: order.get(p.unit, len(order))
    )
    if len(chosen) <= 1:
        return getattr(chosen[0], field).strip() if chosen else ""
    return "\n".join(
        f"{p.unit}：{getattr(p, field).strip()}" if p.unit else getattr(p, field).strip() for p in chosen
    )


def _item_status(item: ItemInput) -> Status:
    if item.status:
        return item.status
    statuses = [p.status for p in item.parts if p.status]
    if not statuses:
        return "not_started"
    if all(s == "completed" for s in statuses):
        return "completed"
    rank = {"not_started": 0, "preparing": 1, "in_progress": 2, "completed": 3}
    best = max(statuses, key=rank.__getitem__)
    return "in_progress" if best == "completed" else best


def build_ledger(
    year: int,
    month: int,
    items: list[ItemInput],
    *,
    title: str | None = None,
    all_units: tuple[str, ...] = (),
    reported_units: tuple[str, ...] = (),
    thresholds: Thresholds | None = None,
    layout: LedgerLayout = DEFAULT_LAYOUT,
) -> Ledger:
    """Compile the ledger rows of one period in the ledger's order, with completion and lights."""
    thresholds = thresholds or Thresholds()
    plan_month = plan_month_of(month)
    rows: list[LedgerRow] = []
    for place, item in enumerate(sorted(items, key=lambda i: (i.seq, i.item_id)), 1):
        share = schedule_share(year, month, item.span_start, item.span_end)
        cells = tuple(
            TargetCell(
                name=t.name,
                value=t.value,
                unit=t.unit,
                kind=t.kind,
                achieved=t.achieved,
                completion=(t.achieved / t.value) if (t.achieved is not None and t.value) else None,
            )
            for t in item.targets
        )
        status = _item_status(item)
        known = [min(c.completion, 1.0) for c in cells if c.completion is not None]
        if not known and cells and status in ("not_started", "preparing"):
            known = [0.0]  # nothing delivered yet: 0 of the target, not "unknown"
        completion = sum(known) / len(known) if known else None
        light, gap = item_light(status, completion, share, thresholds)
        rows.append(
            LedgerRow(
                item_id=item.item_id,
                number=item.number or place,
                seq=item.seq,
                category=item.category,
                content=item.content,
                units=item.units,
                progress=_join_parts(item.parts, "progress", item.units),
                problems=_join_parts(item.parts, "problems", item.units),
                plan=_join_parts(item.parts, "plan", item.units),
                status=status,
                targets=cells,
                completion=completion,
                schedule=share,
                gap=gap,
                light=light,
                reported=any(p.progress.strip() for p in item.parts),
                revised=bool(item.parts) or item.status is not None,
                extra={k: v for k, v in item.extra.items() if k in layout.extra_keys},
            )
        )
    missing = tuple(u for u in all_units if u not in set(reported_units))
    # A part without a unit (imported, or filed by the coordinator) counts for every unit of its item.
    unfiled = {u for item in items for u in item.units if not ({u, ""} & {p.unit for p in item.parts})}
    return Ledger(
        title=title or period_title(year, month),
        period=f"{year:04d}-{month:02d}",
        plan_month=plan_month,
        header=layout.headers(plan_month),
        rows=tuple(rows),
        schedule=schedule_share(year, month, None, None),
        reported_units=tuple(reported_units),
        missing_units=missing,
        partly_units=tuple(u for u in reported_units if u in unfiled),
        layout=layout,
    )
