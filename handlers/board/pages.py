"""Use cases behind the dashboard's pages: each reads the compiled ledger and returns a view model.

The routes (bot/board_web.py) call these with a unit of work; nothing here knows about HTTP or templates.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI
from handlers import texts
from handlers.board import page_texts
from handlers.ledger.compile import compile_ledger
from handlers.ledger.reads import LedgerReads
from handlers.ledger.renderers import render
from reports.ledger import Ledger, LedgerRow
from reports.lights import LIGHT_LABELS, Thresholds
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo, UnitInfo
from storage.uow import UnitOfWork

from .reads import PrefetchedReads
from .views import (
    BoardView,
    ChartPoint,
    Count,
    ItemLine,
    ItemView,
    MissingView,
    Revision,
    TargetLine,
    UnitLink,
    UnitView,
)

LIGHTS = ("red", "yellow", "green")
DOWNLOADS = ("docx", "xlsx")


class NotFoundError(LookupError):
    """No ledger, no such period, unit or item: the page answers 404 with ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def show_time(when: datetime | None, now: datetime) -> str:
    """Return a time as users read it in Shanghai; the year is shown unless it is the current one."""
    if when is None:
        return ""
    local, today = when.astimezone(SHANGHAI), now.astimezone(SHANGHAI)
    fmt = page_texts.BOARD_TIME if local.year == today.year else page_texts.BOARD_TIME_YEAR
    return fmt.format(y=local.year, m=local.month, d=local.day, hh=local.hour, mm=local.minute)


class _Context:
    """The ledger, the chosen period and the ledger's structure, read once per page."""

    def __init__(
        self,
        ledger: LedgerInfo,
        period: PeriodInfo,
        periods: list[PeriodInfo],
        items: list[ItemInfo],
        units: list[UnitInfo],
    ) -> None:
        self.ledger, self.period, self.periods = ledger, period, periods
        self.items = {i.id: i for i in items}
        self.unit_ids = {u.name: u.id for u in units}
        self.unit_links = {u.name: UnitLink(id=u.id, name=u.name) for u in units}

    def reads(self, uow: UnitOfWork) -> PrefetchedReads:
        """Return the reads to compile from: each period's revisions read once, not once per item."""
        return PrefetchedReads(uow, self.ledger.id, self.periods)

    def links(self, names: tuple[str, ...]) -> tuple[UnitLink, ...]:
        return tuple(self.unit_links[n] for n in names if n in self.unit_links)

    def page(self, compiled: Ledger | None, viewer: str) -> dict:
        return {
            "title": compiled.title if compiled else self.ledger.title,
            "period": self.period.code,
            "periods": tuple(p.code for p in reversed(self.periods)),
            "schedule": compiled.schedule if compiled else 0.0,
            "viewer": viewer,
        }


async def _context(uow: UnitOfWork, period_code: str | None) -> _Context:
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise NotFoundError(page_texts.BOARD_NO_LEDGER)
    periods = await uow.ledgers.periods(ledger.id)
    if period_code:
        chosen = [p for p in periods if p.code == period_code]
    else:
        chosen = [p for p in periods if p.state == "open"] or periods
    if not chosen:
        raise NotFoundError(page_texts.BOARD_NO_PERIOD)
    items = await uow.ledgers.items(ledger.id)
    units = await uow.ledgers.units(ledger.id)
    return _Context(ledger, chosen[-1], periods, items, units)


def _line(ctx: _Context, row: LedgerRow, updated: datetime | None, now: datetime) -> ItemLine:
    item = ctx.items.get(row.item_id)
    # model_construct: every value comes from the validated compiled row (validating 3,300 again costs ~0.2 s).
    return ItemLine.model_construct(
        item_id=row.item_id,
        number=item.number if item else row.seq,
        category=row.category,
        content=row.content,
        units=ctx.links(row.units),
        completion=row.completion,
        schedule=row.schedule,
        gap=row.gap,
        light=row.light,
        light_label=LIGHT_LABELS[row.light],
        status=row.status,
        status_label=row.status_label,
        reported=row.reported,
        updated=show_time(updated, now),
    )


def _light_counts(lines: list[ItemLine]) -> tuple[Count, ...]:
    return tuple(
        Count(key=k, label=LIGHT_LABELS[k], count=sum(1 for i in lines if i.light == k)) for k in LIGHTS
    )


async def _compiled(uow: UnitOfWork, ctx: _Context, thresholds: Thresholds) -> tuple[Ledger, dict]:
    reads = ctx.reads(uow)
    compiled = await compile_ledger(reads, ctx.ledger, ctx.period, thresholds)
    updated: dict[int, datetime] = {}
    for sub in await reads.submissions.latest(ctx.period.id):
        if sub.item_id not in updated or sub.created_at > updated[sub.item_id]:
            updated[sub.item_id] = sub.created_at
    return compiled, updated


async def board_page(
    uow: UnitOfWork, period_code: str | None, thresholds: Thresholds, now: datetime, viewer: str = ""
) -> BoardView:
    """Return the board of a period (default: the open one, else the latest)."""
    ctx = await _context(uow, period_code)
    compiled, updated = await _compiled(uow, ctx, thresholds)
    lines = [_line(ctx, r, updated.get(r.item_id), now) for r in compiled.rows]
    statuses = tuple(
        Count(key=k, label=label, count=sum(1 for i in lines if i.status == k))
        for k, label in texts.STATUS_LABELS.items()
    )
    return BoardView(
        **ctx.page(compiled, viewer),
        lights=_light_counts(lines),
        statuses=statuses,
        items=tuple(lines),
        missing=len(compiled.missing_units),
        units=len(ctx.unit_ids),
    )


async def unit_page(
    uow: UnitOfWork,
    unit_id: int,
    period_code: str | None,
    thresholds: Thresholds,
    now: datetime,
    viewer: str = "",
) -> UnitView:
    """Return a unit's page: its items in the period."""
    ctx = await _context(uow, period_code)
    names = {v: k for k, v in ctx.unit_ids.items()}
    if unit_id not in names:
        raise NotFoundError(page_texts.BOARD_NO_UNIT)
    name = names[unit_id]
    compiled, updated = await _compiled(uow, ctx, thresholds)
    lines = [_line(ctx, r, updated.get(r.item_id), now) for r in compiled.rows if name in r.units]
    return UnitView(
        **ctx.page(compiled, viewer),
        unit=UnitLink(id=unit_id, name=name),
        lights=_light_counts(lines),
        items=tuple(lines),
        reported=name in compiled.reported_units,
    )


class _OneItem:
    """The ledger reads of one item only, so an item's history compiles one item per period, not the ledger."""

    def __init__(self, uow: UnitOfWork, item: ItemInfo) -> None:
        self._uow, self._item = uow, item

    @property
    def ledgers(self) -> _OneItem:
        return self

    @property
    def submissions(self) -> _OneItem:
        return self

    async def items(self, ledger_id: int, *, unit: str | None = None) -> list[ItemInfo]:
        return [self._item]

    async def units(self, ledger_id: int | None = None) -> list[UnitInfo]:
        return []

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        return await self._uow.submissions.latest(period_id, item_id=self._item.id)

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        return await self._uow.submissions.previous(ledger_id, before_code, item_id)


async def item_page(
    uow: UnitOfWork,
    item_id: int,
    period_code: str | None,
    thresholds: Thresholds,
    now: datetime,
    viewer: str = "",
) -> ItemView:
    """Return an item's page: its targets and texts in the period, every revision, completion over months."""
    ctx = await _context(uow, period_code)
    item = ctx.items.get(item_id)
    if item is None:
        raise NotFoundError(page_texts.BOARD_NO_ITEM)
    reads: LedgerReads = _OneItem(uow, item)
    chart: list[ChartPoint] = []
    row: LedgerRow | None = None
    compiled: Ledger | None = None
    for period in ctx.periods:
        if period.code > ctx.period.code:
            break
        one = await compile_ledger(reads, ctx.ledger, period, thresholds)
        chart.append(
            ChartPoint(period=period.code, completion=one.rows[0].completion, schedule=one.rows[0].schedule)
        )
        compiled, row = one, one.rows[0]
    if row is None or compiled is None:  # the chosen period is among the periods: never reached
        raise NotFoundError(page_texts.BOARD_NO_PERIOD)
    history = await uow.submissions.history(item.id)
    updated = max((s.created_at for s in history if s.period_id == ctx.period.id), default=None)
    revisions = tuple(
        Revision(
            period=s.period_code,
            unit=s.unit or "、".join(item.units),
            revision=s.revision,
            author=page_texts.BOARD_IMPORTED if s.source == "import" or not s.author else s.author,
            when=show_time(s.created_at, now),
            status_label=texts.STATUS_LABELS.get(s.status, s.status),
            progress=page_texts.BOARD_SKIPPED if s.skipped else s.progress,
            problems=s.problems,
            plan=s.plan,
            review_label=page_texts.BOARD_REVIEWS.get(s.review, s.review),
        )
        for s in reversed(history)
    )
    targets = tuple(
        TargetLine(
            name=t.name,
            value=t.value,
            unit=t.unit,
            kind_label=texts.KIND_LABELS.get(t.kind, t.kind),
            achieved=t.achieved,
            completion=t.completion,
        )
        for t in row.targets
    )
    page = ctx.page(compiled, viewer)
    return ItemView(
        **page,
        item=_line(ctx, row, updated, now),
        progress=row.progress,
        problems=row.problems,
        plan=row.plan,
        plan_month=compiled.plan_month,
        targets=targets,
        revisions=revisions,
        chart=tuple(chart),
    )


async def missing_page(
    uow: UnitOfWork, period_code: str | None, thresholds: Thresholds, viewer: str = ""
) -> MissingView:
    """Return the units that have not reported in the period."""
    ctx = await _context(uow, period_code)
    compiled = await compile_ledger(ctx.reads(uow), ctx.ledger, ctx.period, thresholds)
    return MissingView(
        **ctx.page(compiled, viewer),
        missing=ctx.links(compiled.missing_units),
        reported=ctx.links(compiled.reported_units),
    )


async def ledger_download(
    uow: UnitOfWork, fmt: str, period_code: str | None, thresholds: Thresholds
) -> tuple[bytes, str]:
    """Return the period's ledger as a Word or Excel file and its name."""
    if fmt not in DOWNLOADS:
        raise NotFoundError(page_texts.BOARD_NO_FORMAT)
    ctx = await _context(uow, period_code)
    compiled = await compile_ledger(ctx.reads(uow), ctx.ledger, ctx.period, thresholds)
    data, filename = render(compiled, fmt)
    return (data if isinstance(data, bytes) else data.encode("utf-8")), filename
