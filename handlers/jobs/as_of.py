"""The ledger as it stood at a past moment: submissions created up to a cutoff (the weekly "what changed")."""

from __future__ import annotations

from datetime import datetime

from handlers.ledger.reads import ItemReads
from storage.schemas import LedgerInfo, SubmissionInfo
from storage.uow import UnitOfWork


class SubmissionsAsOf:
    """The reads ``compile_ledger`` makes, answered from each item's full history cut at ``cutoff``."""

    def __init__(self, uow: UnitOfWork, ledger: LedgerInfo, cutoff: datetime) -> None:
        self._uow, self._ledger, self._cutoff = uow, ledger, cutoff
        self._history: dict[int, list[SubmissionInfo]] = {}

    async def _item(self, item_id: int) -> list[SubmissionInfo]:
        if item_id not in self._history:
            self._history[item_id] = [
                s for s in await self._uow.submissions.history(item_id) if s.created_at <= self._cutoff
            ]
        return self._history[item_id]

    @staticmethod
    def _newest(subs: list[SubmissionInfo]) -> list[SubmissionInfo]:
        best: dict[tuple[int, str], SubmissionInfo] = {}
        for s in subs:
            k = (s.item_id, s.unit)
            if k not in best or s.revision > best[k].revision:
                best[k] = s
        return [best[k] for k in sorted(best)]

    async def latest(
        self, period_id: int, *, item_id: int | None = None, unit: str | None = None
    ) -> list[SubmissionInfo]:
        """Return the latest revision per item and unit of a period as of the cutoff."""
        ids = (
            [item_id]
            if item_id is not None
            else [i.id for i in await self._uow.ledgers.items(self._ledger.id)]
        )
        subs = [
            s
            for i in ids
            for s in await self._item(i)
            if s.period_id == period_id and (unit is None or s.unit == unit)
        ]
        return self._newest(subs)

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        """Return the item's latest revisions in the most recent earlier period with any, as of the cutoff."""
        subs = [s for s in await self._item(item_id) if s.period_code < before_code]
        codes = [s.period_code for s in subs if not s.skipped]
        if not codes:
            return []
        code = max(codes)
        return self._newest([s for s in subs if s.period_code == code])


class LedgerAsOf:
    """A read-only view of the ledger with only the submissions created up to ``cutoff``."""

    def __init__(self, uow: UnitOfWork, ledger: LedgerInfo, cutoff: datetime) -> None:
        self._ledgers = uow.ledgers
        self._submissions = SubmissionsAsOf(uow, ledger, cutoff)

    @property
    def ledgers(self) -> ItemReads:
        """The ledger structure, as it is now (items retired since still show as they are now)."""
        return self._ledgers

    @property
    def submissions(self) -> SubmissionsAsOf:
        """The submissions up to the cutoff."""
        return self._submissions
