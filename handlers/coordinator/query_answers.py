"""The answer to each kind of coordinator question, in one table: ``ANSWERS[kind](question) -> text``.

Adding a question: teach ``nlp/intents.py`` its kind and wording, write its answer here and add it to
``ANSWERS``, and put its Chinese texts in ``handlers/texts.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.clock import SHANGHAI
from handlers import texts
from handlers.deps import Deps
from handlers.filing.view import num, pair
from handlers.manage.prompts import deadline_text
from nlp.intents import Query, QueryKind, Vocabulary, match_items, plan_terms
from reports.ledger import Ledger, LedgerRow
from reports.lights import LIGHT_EMOJI
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo

MAX_LINES = 15


@dataclass(frozen=True)
class Question:
    """One recognised question and what answering it may read: the ledger compiled for its period."""

    query: Query
    deps: Deps
    ledger: LedgerInfo
    period: PeriodInfo
    compiled: Ledger
    vocab: Vocabulary
    by_id: dict[int, ItemInfo]


Answer = Callable[[Question], Awaitable[str]]


async def answer_overview(q: Question) -> str:
    """概况: the period's counts by status and light, who has not filed, plans not followed."""
    return await _overview(q.deps, q.ledger, q.period, q.compiled, q.by_id)


async def answer_lagging(q: Question) -> str:
    """哪些项目滞后: the items behind 序时进度, worst first (of one unit when named)."""
    return _lagging(q.compiled, q.by_id, q.query.unit)


async def answer_missing(q: Question) -> str:
    """谁还没报: the units with items not filed in the period."""
    return await _missing(q.deps, q.period, q.by_id)


async def answer_unit(q: Question) -> str:
    """卫健局怎么样: every item of one unit."""
    if not q.query.unit:
        return texts.QUERY_HELP
    return await _unit(q.deps, q.ledger, q.period, q.compiled, q.by_id, q.query.unit)


async def _matched(q: Question) -> list[int] | str:
    """Return the ids of the items the keyword names, or the text that says none or too many match."""
    ids = match_items(q.query.keyword or "", q.vocab, q.deps.segmenter)
    if not ids:
        return texts.ITEM_NOT_FOUND.format(keyword=q.query.keyword)
    if len(ids) > 5:
        listing = "\n".join(f"[{q.by_id[i].number}] {q.by_id[i].content}" for i in ids[:MAX_LINES])
        return texts.ITEM_TOO_MANY.format(keyword=q.query.keyword, count=len(ids), items=listing)
    return ids


async def answer_item(q: Question) -> str:
    """充电桩进展: the items the keyword names, with targets, progress and plan."""
    ids = await _matched(q)
    if isinstance(ids, str):
        return ids
    rows = {r.item_id: r for r in q.compiled.rows}
    return "\n\n".join(
        [await _item_block(q.deps, q.ledger, q.period, q.compiled, rows[i], q.by_id[i]) for i in ids]
    )


async def answer_history(q: Question) -> str:
    """充电桩历史: every revision of the items the keyword names."""
    ids = await _matched(q)
    if isinstance(ids, str):
        return ids
    return "\n\n".join([await _history(q.deps, q.by_id[i]) for i in ids])


ANSWERS: dict[QueryKind, Answer] = {
    "overview": answer_overview,
    "lagging": answer_lagging,
    "missing": answer_missing,
    "unit": answer_unit,
    "item": answer_item,
    "history": answer_history,
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


async def _overview(deps: Deps, ledger: LedgerInfo, period: PeriodInfo, compiled: Ledger, by_id) -> str:
    counts = dict.fromkeys(texts.STATUS_LABELS, 0)
    lights = {"green": 0, "yellow": 0, "red": 0}
    for row in compiled.rows:
        counts[row.status] += 1
        lights[row.light] += 1
    missing = await _missing_units(deps, period, by_id)
    flags = 0
    for row in compiled.rows:
        if await _plan_not_mentioned(deps, ledger, period, row):
            flags += 1
    return texts.OVERVIEW.format(
        title=compiled.title,
        code=period.code,
        state=texts.PERIOD_STATES.get(period.state, period.state),
        schedule=_pct(compiled.schedule),
        units=len(compiled.reported_units) + len(compiled.missing_units),
        reported=len(compiled.reported_units),
        missing=len(missing),
        missing_names=("：" + "、".join(missing)) if missing else "",
        items=len(compiled.rows),
        completed=counts["completed"],
        in_progress=counts["in_progress"],
        preparing=counts["preparing"],
        not_started=counts["not_started"],
        green=lights["green"],
        yellow=lights["yellow"],
        red=lights["red"],
        plan_flags=texts.OVERVIEW_PLAN_FLAGS.format(count=flags) if flags else "",
    )


def _lagging(compiled: Ledger, by_id, unit: str | None) -> str:
    rows = [r for r in compiled.rows if r.light != "green" and (unit is None or unit in r.units)]
    rows.sort(key=lambda r: -(r.gap or 0))
    if not rows:
        return texts.LAGGING_NONE.format(code=compiled.period, schedule=_pct(compiled.schedule))
    lines = [
        texts.LAGGING_HEAD.format(code=compiled.period, schedule=_pct(compiled.schedule), count=len(rows))
    ]
    for r in rows[:MAX_LINES]:
        lines.append(
            texts.LAGGING_LINE.format(
                emoji=LIGHT_EMOJI[r.light],
                number=by_id[r.item_id].number,
                content=r.content,
                units="、".join(r.units),
                completion=_pct(r.completion),
                gap=num(round(r.gap or 0)),
                status=texts.STATUS_LABELS[r.status],
            )
        )
    if len(rows) > MAX_LINES:
        lines.append(texts.LAGGING_MORE.format(count=len(rows) - MAX_LINES))
    return "\n".join(lines)


async def missing_by_unit(deps: Deps, period: PeriodInfo, items: list[ItemInfo]) -> dict[str, list[int]]:
    """Return, per unit, the numbers of its items it has not filed in ``period`` (a joint text counts for all)."""
    latest = await deps.uow.submissions.latest(period.id)
    filed = {(s.item_id, s.unit) for s in latest if not s.skipped}
    out: dict[str, list[int]] = {}
    for item in items:
        if (item.id, "") in filed:
            continue
        for unit in item.units:
            if (item.id, unit) not in filed:
                out.setdefault(unit, []).append(item.number)
    return out


async def _missing_units(deps: Deps, period: PeriodInfo, by_id) -> list[str]:
    return list(await missing_by_unit(deps, period, list(by_id.values())))


async def _missing(deps: Deps, period: PeriodInfo, by_id) -> str:
    missing = await missing_by_unit(deps, period, list(by_id.values()))
    if not missing:
        return texts.MISSING_NONE.format(code=period.code)
    lines = [texts.MISSING_HEAD.format(code=period.code, count=len(missing), deadline=deadline_text(period))]
    lines += [
        texts.MISSING_LINE.format(unit=u, numbers="、".join(f"[{n}]" for n in nums))
        for u, nums in missing.items()
    ]
    return "\n".join(lines)


async def _unit(deps: Deps, ledger, period, compiled: Ledger, by_id, unit: str) -> str:
    rows = [r for r in compiled.rows if unit in r.units]
    lines = [texts.UNIT_HEAD.format(unit=unit, code=period.code, count=len(rows))]
    for r in rows:
        lines.append(await _item_block(deps, ledger, period, compiled, r, by_id[r.item_id]))
    return "\n".join(lines)


def _targets(row: LedgerRow) -> str:
    if not row.targets:
        return "—"
    return "；".join(f"{t.name}{pair(t.achieved, t.value, t.unit)}" for t in row.targets)


async def _item_block(deps: Deps, ledger, period, compiled: Ledger, row: LedgerRow, item: ItemInfo) -> str:
    text = texts.ITEM_BLOCK.format(
        emoji=LIGHT_EMOJI[row.light],
        number=item.number,
        content=row.content,
        units="、".join(row.units),
        status=texts.STATUS_LABELS[row.status],
        completion=_pct(row.completion),
        schedule=_pct(row.schedule),
        targets=_targets(row),
        progress=row.progress or texts.NOT_REPORTED,
        problems=row.problems or "—",
        plan_month=compiled.plan_month,
        plan=row.plan or "—",
    )
    plan = await _plan_not_mentioned(deps, ledger, period, row)
    if plan:
        text += "\n" + texts.ITEM_PLAN_FLAG.format(plan=plan)
    return text


async def _plan_not_mentioned(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo, row: LedgerRow
) -> str | None:
    """Return last period's plan when this period's progress mentions none of its concrete terms."""
    if not row.progress:
        return None
    previous = await deps.uow.submissions.previous(ledger.id, period.code, row.item_id)
    plan = "；".join(p.plan for p in previous if p.plan and p.plan != "无")
    if not plan:
        return None
    terms = plan_terms(plan, deps.segmenter)
    if not terms or any(t in row.progress for t in terms):
        return None
    return plan


async def _history(deps: Deps, item: ItemInfo) -> str:
    revisions = await deps.uow.submissions.history(item.id)
    if not revisions:
        return texts.HISTORY_NONE.format(number=item.number)
    lines = [texts.HISTORY_HEAD.format(number=item.number, content=item.content)]
    for s in revisions:
        who = texts.IMPORTED if s.source == "import" else (s.unit or s.author)
        review = texts.REVIEW_LABELS.get(s.review, "").format(reason=s.review_reason)
        lines.append(
            texts.HISTORY_LINE.format(
                code=s.period_code,
                revision=s.revision,
                who=who,
                when=f"{s.created_at.astimezone(SHANGHAI):%m-%d %H:%M}",
                status=texts.STATUS_LABELS.get(s.status, s.status),
                review=review,
                progress=s.progress or "—",
            )
        )
    return "\n".join(lines)
