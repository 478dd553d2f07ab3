"""Set-based reads for answering questions: one statement for all items, never one per item.

``previous_all`` is ``SubmissionRepository.previous`` for every item of a ledger at once: per item, the
newest revisions (per unit) in the latest earlier period in which it has a filed (not skipped) revision;
``previous_of`` and ``latest_of`` read the same for a few items. ``memo`` keeps what is built from them in
the process, and brings it up to date after a filing by asking ``refresh`` about the items filed since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import statements
from storage.models import PeriodRow, StampRow, SubmissionRow
from storage.schemas import SubmissionInfo
from storage.sql import table_of
from storage.structure_cache import STRUCTURE, StructureCache
from storage.submission_repo import _info

T = TypeVar("T")
Refresh = Callable[[T, frozenset[int]], Awaitable[T | None]]

# More revisions than this since a value was built: build it again rather than bring it up to date.
MAX_REFRESH = 200

_submissions = table_of(SubmissionRow)
_periods = table_of(PeriodRow)


@cache
def _previous_all(among: bool = False):
    """SELECT, per item, the newest revisions per unit of the latest earlier period that has a filed one.

    ``among``: only of the items whose ids are bound as the list ``p_item_ids``.
    """
    p, c = _periods.c, _submissions.c
    grouped = (
        select(c.item_id, func.max(p.code).label("code"))
        .select_from(_submissions.join(_periods, c.period_id == p.id))
        .where(p.ledger_id == bindparam("p_ledger_id"), p.code < bindparam("p_before"), c.skipped.is_(False))
        .group_by(c.item_id)
    )
    if among:
        grouped = grouped.where(c.item_id.in_(bindparam("p_item_ids", expanding=True)))
    last = grouped.subquery()
    newest = (
        select(c.item_id, c.unit_key, p.code, func.max(c.revision).label("rev"))
        .select_from(
            _submissions.join(_periods, c.period_id == p.id).join(
                last, (last.c.item_id == c.item_id) & (last.c.code == p.code)
            )
        )
        .where(p.ledger_id == bindparam("p_ledger_id"))
        .group_by(c.item_id, c.unit_key, p.code)
        .subquery()
    )
    return (
        select(_submissions, p.code.label("period_code"))
        .select_from(
            _submissions.join(_periods, c.period_id == p.id).join(
                newest,
                (newest.c.item_id == c.item_id)
                & (newest.c.unit_key == c.unit_key)
                & (newest.c.code == p.code)
                & (newest.c.rev == c.revision),
            )
        )
        .where(p.ledger_id == bindparam("p_ledger_id"))
        .order_by(c.item_id, c.unit_key)
    )


@cache
def _stamps():
    """SELECT the structure stamp and the newest submission id and count of a ledger (one statement)."""
    p, c = _periods.c, _submissions.c
    structure = select(StampRow.value).where(StampRow.name == STRUCTURE).scalar_subquery()
    filed = (
        select(func.max(c.id), func.count(c.id))
        .select_from(_submissions.join(_periods, c.period_id == p.id))
        .where(p.ledger_id == bindparam("p_ledger_id"))
        .subquery()
    )
    return select(structure.label("structure"), *filed.c)


@cache
def _added():
    """SELECT the item of every submission of a ledger newer than a given id."""
    p, c = _periods.c, _submissions.c
    return (
        select(c.item_id)
        .select_from(_submissions.join(_periods, c.period_id == p.id))
        .where(p.ledger_id == bindparam("p_ledger_id"), c.id > bindparam("p_after"))
    )


class ReportReads:
    """Reads over a whole ledger in a fixed number of statements, and a memo of what is built from them."""

    def __init__(self, session: AsyncSession, cache: StructureCache | None = None) -> None:
        self.s = session
        self._cache = cache

    async def memo(
        self,
        ledger_id: int,
        key: tuple[Any, ...],
        load: Callable[[], Awaitable[T]],
        refresh: Refresh[T] | None = None,
    ) -> T:
        """Return ``load()``, kept in the process while the ledger's structure and submissions are unchanged.

        Submissions are only ever added (a new revision is a new row), so the newest id and the count of a
        ledger's submissions change whenever what compiling reads changes; the structure stamp covers
        items, units and periods. When the structure is unchanged and revisions were only added since the
        kept value was built, ``refresh(kept, ids of the items they are about)`` brings it up to date (None:
        build it again). Only the newest value of each key is kept. For reads only: a unit of work that
        wrote must not call it.
        """
        if self._cache is None:
            return await load()
        row = (await self.s.execute(_stamps(), {"p_ledger_id": ledger_id})).one()
        if row[0] is None:
            return await load()
        store = self._cache.values_for(row[0])
        slot = ("report_reads", ledger_id, *key)
        stamp = (row[1], row[2])
        kept = cast("tuple[tuple[int | None, int], T] | None", store.get(slot))
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value: T | None = None
        if kept is not None and refresh is not None:
            items = await self._added_items(ledger_id, kept[0], stamp)
            if items is not None:
                value = await refresh(kept[1], items)
        if value is None:
            value = await load()
        store[slot] = (stamp, value)
        return value

    async def _added_items(
        self, ledger_id: int, before: tuple[int | None, int], now: tuple[int | None, int]
    ) -> frozenset[int] | None:
        """Return the items of the revisions added between two stamps; None when any was taken away."""
        added = now[1] - before[1]
        if added <= 0 or added > MAX_REFRESH:
            return None
        rows = await self.s.execute(_added(), {"p_ledger_id": ledger_id, "p_after": before[0] or 0})
        items = [r[0] for r in rows]
        return frozenset(items) if len(items) == added else None

    async def previous_all(self, ledger_id: int, before_code: str) -> dict[int, list[SubmissionInfo]]:
        """Return, per item id, what ``previous(ledger_id, before_code, item_id)`` returns, in one statement."""
        rows = await self.s.execute(_previous_all(), {"p_ledger_id": ledger_id, "p_before": before_code})
        out: dict[int, list[SubmissionInfo]] = {}
        for r in rows:
            out.setdefault(r.item_id, []).append(_info(r, r.period_code))
        return out

    async def previous_of(
        self, ledger_id: int, before_code: str, item_ids: list[int]
    ) -> dict[int, list[SubmissionInfo]]:
        """Return ``previous_all(ledger_id, before_code)`` for some items only, in one statement."""
        if not item_ids:
            return {}
        params = {"p_ledger_id": ledger_id, "p_before": before_code, "p_item_ids": item_ids}
        out: dict[int, list[SubmissionInfo]] = {}
        for r in await self.s.execute(_previous_all(True), params):
            out.setdefault(r.item_id, []).append(_info(r, r.period_code))
        return out

    async def latest_of(self, period_id: int, item_ids: list[int]) -> list[SubmissionInfo]:
        """Return what ``SubmissionRepository.latest(period_id)`` returns for some items only, in one statement."""
        if not item_ids:
            return []
        params = {"p_period_id": period_id, "p_item_ids": item_ids, "p_item_id": None, "p_unit": None}
        return [_info(r) for r in await self.s.execute(statements.latest(False, False, True), params)]
