"""Set-based reads for answering questions: one statement for all items, never one per item.

``previous_all`` is ``SubmissionRepository.previous`` for every item of a ledger at once: per item, the
newest revisions (per unit) in the latest earlier period in which it has a filed (not skipped) revision.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PeriodRow, SubmissionRow
from storage.schemas import SubmissionInfo
from storage.sql import table_of
from storage.submission_repo import _info

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


class ReportReads:
    """Reads over a whole ledger in a fixed number of statements."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def previous_all(self, ledger_id: int, before_code: str) -> dict[int, list[SubmissionInfo]]:
        """Return, per item id, what ``previous(ledger_id, before_code, item_id)`` returns, in one statement."""
        rows = await self.s.execute(_previous_all(), {"p_ledger_id": ledger_id, "p_before": before_code})
        out: dict[int, list[SubmissionInfo]] = {}
        for r in rows:
            out.setdefault(r.item_id, []).append(_info(r, r.period_code))
        return out
