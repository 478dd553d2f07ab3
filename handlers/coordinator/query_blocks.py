"""The pieces answers are made of: the question with what it may read, an item's block, its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers import texts
from handlers.coordinator.query_reads import Compiled, compile_period, refresh_period, unfiled
from handlers.dates import moment_text
from handlers.deps import Deps
from handlers.filing.view import pair
from nlp.intents import Query, Vocabulary, plan_terms
from reports.figures import item_ref, pct
from reports.ledger import Ledger, LedgerRow
from reports.lights import LIGHT_EMOJI
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo


@dataclass
class Question:
    """One recognised question and what answering it may read (read once, when first needed)."""

    query: Query
    deps: Deps
    ledger: LedgerInfo
    period: PeriodInfo
    vocab: Vocabulary
    by_id: dict[int, ItemInfo]
    _compiled: Compiled | None = field(default=None, repr=False)

    async def compiled(self) -> Compiled:
        """Return the period's compiled ledger and what goes with it (kept while unchanged, updated per item)."""
        if self._compiled is None:
            deps, ledger, period = self.deps, self.ledger, self.period

            async def load() -> Compiled:
                return await compile_period(deps, ledger, period)

            async def refresh(kept: Compiled, changed: frozenset[int]) -> Compiled:
                return await refresh_period(deps, ledger, period, kept, changed)

            key = ("compiled", period.id, repr(deps.config.thresholds))
            self._compiled = await deps.uow.reports.memo(ledger.id, key, load, refresh)
        return self._compiled

    async def earlier(self) -> dict[int, list[SubmissionInfo]]:
        """Return every item's filing of the latest earlier period that has one (one statement)."""
        return (await self.compiled()).earlier

    async def whole(self) -> Ledger:
        """Return the whole ledger compiled for the question's period (set-based reads, kept while unchanged)."""
        return (await self.compiled()).ledger

    async def missing(self) -> dict[str, list[int]]:
        """Return, per unit, the numbers of its items it has not filed in the period (a joint text counts for all)."""
        return unfiled(list(self.by_id.values()), (await self.compiled()).reported)

    async def plan_flags(self) -> int:
        """Return how many items' progress mentions nothing of last period's plan (each item checked once)."""
        compiled = await self.compiled()
        flags, earlier = compiled.flags, compiled.earlier
        for row in compiled.ledger.rows:
            if row.item_id not in flags:
                flags[row.item_id] = plan_not_mentioned(self.deps, row, earlier.get(row.item_id, []))
        return sum(1 for f in flags.values() if f)


def _targets(row: LedgerRow) -> str:
    if not row.targets:
        return "—"
    return "；".join(f"{t.name}{pair(t.achieved, t.value, t.unit)}" for t in row.targets)


def plan_not_mentioned(deps: Deps, row: LedgerRow, previous: list[SubmissionInfo]) -> str | None:
    """Return last period's plan when this period's progress mentions none of its concrete terms."""
    if not row.progress:
        return None
    plan = "；".join(p.plan for p in previous if p.plan and p.plan != "无")
    if not plan:
        return None
    terms = plan_terms(plan, deps.segmenter)
    if not terms or any(t in row.progress for t in terms):
        return None
    return plan


async def item_block(
    q: Question, compiled: Ledger, row: LedgerRow, previous: list[SubmissionInfo] | None = None
) -> str:
    """Return one item's block: light, units, status, completion, targets, progress, problems, plan.

    ``previous`` is the item's earlier filing when the caller has read it for many items at once.
    """
    item = q.by_id[row.item_id]
    text = texts.ITEM_BLOCK.format(
        emoji=LIGHT_EMOJI[row.light],
        ref=item_ref(item.number),
        content=row.content,
        units="、".join(row.units),
        status=texts.STATUS_LABELS[row.status],
        completion=pct(row.completion),
        schedule=pct(row.schedule),
        targets=_targets(row),
        progress=row.progress or texts.NOT_REPORTED,
        problems=row.problems or "—",
        plan_month=compiled.plan_month,
        plan=row.plan or "—",
    )
    if previous is None:
        previous = await q.deps.uow.submissions.previous(q.ledger.id, q.period.code, row.item_id)
    plan = plan_not_mentioned(q.deps, row, previous)
    if plan:
        text += "\n" + texts.ITEM_PLAN_FLAG.format(plan=plan)
    return text


async def history_text(deps: Deps, item: ItemInfo) -> str:
    """Return every revision of an item across periods."""
    revisions = await deps.uow.submissions.history(item.id)
    if not revisions:
        return texts.HISTORY_NONE.format(ref=item_ref(item.number))
    lines = [texts.HISTORY_HEAD.format(ref=item_ref(item.number), content=item.content)]
    for s in revisions:
        who = texts.IMPORTED if s.source == "import" else (s.unit or s.author)
        review = texts.REVIEW_LABELS.get(s.review, "").format(reason=s.review_reason)
        lines.append(
            texts.HISTORY_LINE.format(
                code=s.period_code,
                revision=s.revision,
                who=who,
                when=moment_text(s.created_at, deps.now()),
                status=texts.STATUS_LABELS.get(s.status, s.status),
                review=review,
                progress=s.progress or "—",
            )
        )
    return "\n".join(lines)
