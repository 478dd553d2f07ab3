"""The answer to each kind of coordinator question, in one table: ``ANSWERS[kind](question) -> text``.

Adding a question: teach ``nlp/intents.py`` its kind and wording, write its answer here (or in
``query_lists.py``) and add it to ``ANSWERS``, and put its Chinese texts in ``handlers/texts.py``.
Every answer's first line names the period it is about. Answers read what they need: the whole ledger
with set-based reads (``query_reads.compile_period``, kept and updated per item), or only the items asked about.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import texts
from handlers.coordinator.query_blocks import Question, history_text, item_block, pct
from handlers.coordinator.query_lists import (
    answer_count_filed,
    answer_count_lagging,
    answer_count_missing,
    answer_filed,
    answer_filtered,
    answer_lagging,
    answer_missing,
    answer_unit_problems,
)
from handlers.coordinator.query_reads import compile_items
from nlp.intents import QueryKind
from reports.figures import item_ref

MAX_BLOCKS = 5  # more items than this fit a question: list them and let the number answer
Answer = Callable[[Question], Awaitable[str]]
__all__ = ["ANSWERS", "Question"]


async def answer_overview(q: Question) -> str:
    """概况: the period's counts by status and light, who has filed (fully or partly) and who has not."""
    compiled = await q.whole()
    counts = dict.fromkeys(texts.STATUS_LABELS, 0)
    lights = {"green": 0, "yellow": 0, "red": 0}
    for row in compiled.rows:
        counts[row.status] += 1
        lights[row.light] += 1
    flags = await q.plan_flags()
    # Each unit counted once: filed everything, filed part, or filed nothing.
    filed, partly, not_filed = compiled.filed_units, compiled.partly_units, compiled.missing_units
    return texts.OVERVIEW_UNITS.format(
        title=compiled.title,
        code=q.period.code,
        state=texts.PERIOD_STATES.get(q.period.state, q.period.state),
        schedule=pct(compiled.schedule),
        units=len(filed) + len(partly) + len(not_filed),
        filed=len(filed),
        partly=len(partly),
        missing=len(not_filed),
        missing_names=("：" + "、".join(not_filed)) if not_filed else "",
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


async def answer_unit(q: Question) -> str:
    """卫健局怎么样: every item of one unit."""
    if not q.query.unit:
        return texts.QUERY_HELP
    compiled, earlier = await q.whole(), await q.earlier()
    rows = [r for r in compiled.rows if q.query.unit in r.units]
    lines = [texts.UNIT_HEAD.format(unit=q.query.unit, code=q.period.code, count=len(rows))]
    for row in rows:
        lines.append(await item_block(q, compiled, row, earlier.get(row.item_id, [])))
    return "\n".join(lines)


async def answer_item(q: Question) -> str:
    """充电桩进展 / 第5项: the items asked about, with targets, progress and plan (those items only)."""
    items = [q.by_id[i] for i in q.query.items if i in q.by_id]
    head = texts.QUERY_PERIOD_HEAD.format(code=q.period.code)
    if len(items) > 1:
        listing = "\n".join(f"  {n}. {item_ref(i.number)} {i.content}" for n, i in enumerate(items, start=1))
        head += texts.QUERY_CHOOSE.format(count=len(items), items=listing)
    if len(items) > MAX_BLOCKS:  # too many to show whole: the list, and the number answers
        return head
    compiled = await compile_items(q.deps, q.ledger, q.period, items)
    blocks = [await item_block(q, compiled, row) for row in compiled.rows]
    return "\n".join([head, *blocks])


async def answer_history(q: Question) -> str:
    """充电桩历史: every revision of the items asked about."""
    items = [q.by_id[i] for i in q.query.items if i in q.by_id]
    head = texts.QUERY_PERIOD_HEAD.format(code=q.period.code)
    return "\n\n".join(
        [
            head + (await history_text(q.deps, items[0]) if items else ""),
            *[await history_text(q.deps, i) for i in items[1:]],
        ]
    )


ANSWERS: dict[QueryKind, Answer] = {
    "overview": answer_overview,
    "lagging": answer_lagging,
    "unit_lagging": answer_lagging,
    "missing": answer_missing,
    "unit": answer_unit,
    "item": answer_item,
    "history": answer_history,
    "red": answer_filtered,
    "yellow": answer_filtered,
    "completed": answer_filtered,
    "not_started": answer_filtered,
    "filed": answer_filed,
    "count_missing": answer_count_missing,
    "count_filed": answer_count_filed,
    "count_lagging": answer_count_lagging,
    "unit_problems": answer_unit_problems,
}
