"""The weekly summary: who reported, lights, the most lagging items and what changed since last week."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from reports.figures import points_between
from reports.ledger import Ledger, LedgerRow, Status
from reports.lights import Light

LIGHT_ORDER: tuple[Light, ...] = ("red", "yellow", "green")
# Completion differences below this (a twentieth of a point) are rounding, not progress.
COMPLETION_EPSILON = 0.0005


class LaggingItem(BaseModel):
    """An item behind 序时进度, with its gap in percentage points."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    number: int
    seq: int
    category: str
    content: str
    units: tuple[str, ...]
    status: Status
    completion: float | None
    schedule: float
    gap: float
    light: Light


class ItemChange(BaseModel):
    """How one item moved since the previous week (kind 'added'/'removed' when it exists in one week only)."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    number: int
    content: str
    kind: str = "changed"
    completion_before: float | None = None
    completion_after: float | None = None
    status_before: Status | None = None
    status_after: Status | None = None
    light_before: Light | None = None
    light_after: Light | None = None

    @property
    def delta_points(self) -> float | None:
        """Return the completion change in percentage points, when both weeks have a number."""
        if self.completion_before is None or self.completion_after is None:
            return None
        return points_between(self.completion_after, self.completion_before)


class WeeklySummary(BaseModel):
    """Everything the weekly summary message says, computed once for every chat flavour."""

    model_config = ConfigDict(frozen=True)

    title: str
    period: str
    schedule: float
    item_count: int
    reported_units: tuple[str, ...]
    missing_units: tuple[str, ...]
    partly_units: tuple[str, ...]
    light_counts: tuple[tuple[Light, int], ...]
    lagging: tuple[LaggingItem, ...]
    compared: bool
    changes: tuple[ItemChange, ...]
    more_changes: int = 0
    first_filed: int = 0  # items with no filing a week before and one now: new, not changed


def _lagging(row: LedgerRow) -> LaggingItem:
    return LaggingItem(
        item_id=row.item_id,
        number=row.number,
        seq=row.seq,
        category=row.category,
        content=row.content,
        units=row.units,
        status=row.status,
        completion=row.completion,
        schedule=row.schedule,
        gap=row.gap or 0.0,
        light=row.light,
    )


def _changes(ledger: Ledger, previous: Ledger) -> list[ItemChange]:
    before = {r.item_id: r for r in previous.rows}
    now = {r.item_id: r for r in ledger.rows}
    out: list[ItemChange] = []
    for row in ledger.rows:
        old = before.get(row.item_id)
        if old is None:
            out.append(
                ItemChange(
                    item_id=row.item_id,
                    number=row.number,
                    content=row.content,
                    kind="added",
                    completion_after=row.completion,
                    status_after=row.status,
                    light_after=row.light,
                )
            )
            continue
        if not old.revised:
            continue  # nothing was filed on it a week before: its "before" is a default, not a state
        moved = (old.completion is None) != (row.completion is None) or (
            old.completion is not None
            and row.completion is not None
            and abs(old.completion - row.completion) > COMPLETION_EPSILON
        )
        if moved or old.status != row.status or old.light != row.light:
            out.append(
                ItemChange(
                    item_id=row.item_id,
                    number=row.number,
                    content=row.content,
                    completion_before=old.completion,
                    completion_after=row.completion,
                    status_before=old.status,
                    status_after=row.status,
                    light_before=old.light,
                    light_after=row.light,
                )
            )
    out.extend(
        ItemChange(
            item_id=r.item_id,
            number=r.number,
            content=r.content,
            kind="removed",
            completion_before=r.completion,
            status_before=r.status,
            light_before=r.light,
        )
        for r in previous.rows
        if r.item_id not in now
    )
    return out


def build_summary(
    ledger: Ledger, previous: Ledger | None = None, *, top: int = 5, max_changes: int = 30
) -> WeeklySummary:
    """Summarise the ledger for the week, comparing completion and status per item_id with last week's."""
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for row in ledger.rows:
        counts[row.light] += 1
    behind = [r for r in ledger.rows if r.light != "green" and r.status != "completed"]
    behind.sort(key=lambda r: (-(r.gap or 0.0), r.seq, r.item_id))
    changes = _changes(ledger, previous) if previous is not None else []
    first_filed = 0
    if previous is not None:
        before = {r.item_id: r.revised for r in previous.rows}
        first_filed = sum(1 for r in ledger.rows if r.revised and before.get(r.item_id) is False)
    # The biggest moves first, so a long list cut at max_changes keeps what matters.
    kinds = {"changed": 0, "added": 1, "removed": 2}
    changes.sort(key=lambda c: (kinds[c.kind], -abs(c.delta_points or 0.0), c.item_id))
    return WeeklySummary(
        title=ledger.title,
        period=ledger.period,
        schedule=ledger.schedule,
        item_count=len(ledger.rows),
        reported_units=ledger.reported_units,
        missing_units=ledger.missing_units,
        partly_units=ledger.partly_units,
        light_counts=tuple(counts.items()),
        lagging=tuple(_lagging(r) for r in behind[:top]),
        compared=previous is not None,
        changes=tuple(changes[:max_changes]),
        more_changes=max(0, len(changes) - max_changes),
        first_filed=first_filed,
    )
