"""Set-based reads for answering questions: one statement for all items, never one per item.

``previous_all`` is ``SubmissionRepository.previous`` for every item of a ledger at once: per item, the
newest revisions (per unit) in the latest earlier period in which it has a filed (not skipped) revision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PeriodRow, StampRow, SubmissionRow
from storage.schemas import SubmissionInfo
from storage.sql import table_of
from storage.structure_cache import STRUCTURE, StructureCache
from storage.submission_repo import _info

T = TypeVar("T")

_submissions = table_of(SubmissionRow)
_periods = table_of(PeriodRow)


@cache
def _previous_all():
    """SELECT, per item, the newest revisions per unit of the latest earlier period that has a filed one."""
    p, c = _periods.c, _submissions.c
    last = (
        select(c.item_id, func.max(p.code).label("code"))
        .select_from(_submissions.join(_periods, c.period_id == p.id))
        .where(p.ledger_id == bindparam("p_ledger_id"), p.code < bindparam("p_before"), c.skipped.is_(False))
        .group_by(c.item_id)
        .subquery()
    )
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


class ReportReads:
    """Reads over a whole ledger in a fixed number of statements, and a memo of what is built from them."""

    def __init__(self, session: AsyncSession, cache: StructureCache | None = None) -> None:
        self.s = session
        self._cache = cache

    async def memo(self, ledger_id: int, key: tuple[Any, ...], load: Callable[[], Awaitable[T]]) -> T:
        """Return ``load()``, kept in the process while the ledger's structure and submissions are unchanged.

        Submissions are only ever added (a new revision is a new row), so the newest id and the count of a
        ledger's submissions change whenever what compiling reads changes; the structure stamp covers
        items, units and periods. For reads only: a unit of work that wrote must not call it.
        """
        if self._cache is None:
            return await load()
        row = (await self.s.execute(_stamps(), {"p_ledger_id": ledger_id})).one()
        if row[0] is None:
            return await load()
        store = self._cache.values_for(row[0])
        full = ("report_reads", ledger_id, row[1], row[2], *key)
        if full not in store:
            store[full] = await load()
        return store[full]  # type: ignore[return-value]

    async def previous_all(self, ledger_id: int, before_code: str) -> dict[int, list[SubmissionInfo]]:
        """Return, per item id, what ``previous(ledger_id, before_code, item_id)`` returns, in one statement."""
        rows = await self.s.execute(_previous_all(), {"p_ledger_id": ledger_id, "p_before": before_code})
        out: dict[int, list[SubmissionInfo]] = {}
        for r in rows:
            out.setdefault(r.item_id, []).append(_info(r, r.period_code))
        return out
