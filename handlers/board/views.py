"""The view models the dashboard's pages show: frozen, plain, built from the compiled ledger (no SQL here)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class UnitLink(_View):
    """A unit as a page links to it (by id: no ledger text in URLs)."""

    id: int
    name: str


class Count(_View):
    """One tile of the board's counts: a light or a status, its label and how many items."""

    key: str
    label: str
    count: int


class ItemLine(_View):
    """One item as the board lists it."""

    item_id: int
    number: int
    category: str
    content: str
    units: tuple[UnitLink, ...]
    completion: float | None  # 0..1 (capped at 1), None when the item has no number
    schedule: float  # 序时进度, 0..1
    gap: float | None  # points behind 序时进度
    light: str
    light_label: str
    status: str
    status_label: str
    reported: bool
    updated: str  # when its latest revision of the period was filed ("" when none)


class Page(_View):
    """What every page has: the ledger's title, the period shown and the periods to pick from."""

    title: str
    period: str
    periods: tuple[str, ...]
    schedule: float
    viewer: str  # the person the link names


class BoardView(Page):
    """The board: counts by light and by status, and every item."""

    lights: tuple[Count, ...]
    statuses: tuple[Count, ...]
    items: tuple[ItemLine, ...]
    missing: int
    units: int


class UnitView(Page):
    """A unit's page: its items and whether it has reported this period."""

    unit: UnitLink
    lights: tuple[Count, ...]
    items: tuple[ItemLine, ...]
    reported: bool


class TargetLine(_View):
    """A target of an item with what is achieved so far."""

    name: str
    value: float
    unit: str
    kind_label: str
    achieved: float | None
    completion: float | None


class Revision(_View):
    """One filed revision of the item: who, when, what."""

    period: str
    unit: str
    revision: int
    author: str
    when: str
    status_label: str
    progress: str
    problems: str
    plan: str
    review_label: str


class ChartPoint(_View):
    """The item's completion against 序时进度 at the end of one period."""

    period: str
    completion: float | None
    schedule: float


class ItemView(Page):
    """An item's page: its line, texts of the period, targets, revisions and the chart over months."""

    item: ItemLine
    progress: str
    problems: str
    plan: str
    plan_month: int
    targets: tuple[TargetLine, ...]
    revisions: tuple[Revision, ...]
    chart: tuple[ChartPoint, ...]


class MissingView(Page):
    """The units that have not reported in the period, and those that have."""

    missing: tuple[UnitLink, ...]
    reported: tuple[UnitLink, ...]
