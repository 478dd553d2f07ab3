"""Answers that list or count: lagging, red, yellow, completed, not started, problems, who has (not) filed."""

from __future__ import annotations

from handlers import texts
from handlers.coordinator.query_blocks import Question, pct
from handlers.manage.prompts import deadline_text
from reports.figures import item_ref, points
from reports.ledger import LedgerRow
from reports.lights import LIGHT_EMOJI

MAX_LINES = 15


def _rows(q: Question, rows: list[LedgerRow]) -> list[LedgerRow]:
    unit = q.query.unit
    return [r for r in rows if unit is None or unit in r.units]


def _more(lines: list[str], count: int) -> list[str]:
    if count > MAX_LINES:
        lines.append(texts.LAGGING_MORE.format(count=count - MAX_LINES))
    return lines


async def answer_lagging(q: Question) -> str:
    """哪些项目滞后 (of one unit when named): the items behind 序时进度, worst first."""
    compiled = await q.whole()
    rows = sorted(_rows(q, [r for r in compiled.rows if r.light != "green"]), key=lambda r: -(r.gap or 0))
    code, schedule, unit = q.period.code, pct(compiled.schedule), q.query.unit
    if not rows:
        if unit:
            return texts.UNIT_LAGGING_NONE.format(code=code, unit=unit, schedule=schedule)
        return texts.LAGGING_NONE.format(code=code, schedule=schedule)
    if unit:
        head = texts.UNIT_LAGGING_HEAD.format(code=code, unit=unit, schedule=schedule, count=len(rows))
    else:
        head = texts.LAGGING_HEAD.format(code=code, schedule=schedule, count=len(rows))
    lines = [head]
    for r in rows[:MAX_LINES]:
        lines.append(
            texts.LAGGING_LINE.format(
                emoji=LIGHT_EMOJI[r.light],
                ref=item_ref(q.by_id[r.item_id].number),
                content=r.content,
                units="、".join(r.units),
                completion=pct(r.completion),
                gap=points(r.gap or 0.0),
                status=texts.STATUS_LABELS[r.status],
            )
        )
    return "\n".join(_more(lines, len(rows)))


_FILTERS = {
    "red": lambda r: r.light == "red",
    "yellow": lambda r: r.light == "yellow",
    "completed": lambda r: r.status == "completed",
    "not_started": lambda r: r.status == "not_started",
}


async def answer_filtered(q: Question) -> str:
    """只看红灯 / 黄灯 / 已完成 / 未启动: the count and the list."""
    kind = q.query.kind
    compiled = await q.whole()
    rows = _rows(q, [r for r in compiled.rows if _FILTERS[kind](r)])
    unit = texts.LIST_OF_UNIT.format(unit=q.query.unit) if q.query.unit else ""
    if not rows:
        return texts.LIST_NONE[kind].format(code=q.period.code, unit=unit)
    lines = [texts.LIST_HEAD[kind].format(code=q.period.code, count=len(rows), unit=unit)]
    for r in rows[:MAX_LINES]:
        lines.append(
            texts.LIST_LINE.format(
                emoji=LIGHT_EMOJI[r.light],
                ref=item_ref(q.by_id[r.item_id].number),
                content=r.content,
                units="、".join(r.units),
                completion=pct(r.completion),
                status=texts.STATUS_LABELS[r.status],
            )
        )
    return "\n".join(_more(lines, len(rows)))


async def answer_unit_problems(q: Question) -> str:
    """卫健局有什么问题: the problems a unit (or every unit) reported in the period."""
    compiled = await q.whole()
    rows = [
        r
        for r in _rows(q, list(compiled.rows))
        if r.problems and r.problems.strip() not in ("无", "无。", "—")
    ]
    code, unit = q.period.code, q.query.unit
    if not rows:
        return texts.UNIT_PROBLEMS_NONE.format(code=code, unit=unit or "各单位")
    if unit:
        head = texts.UNIT_PROBLEMS_HEAD.format(code=code, unit=unit, count=len(rows))
    else:
        head = texts.ALL_PROBLEMS_HEAD.format(code=code, count=len(rows))
    lines = [head]
    for r in rows[:MAX_LINES]:
        lines.append(
            texts.UNIT_PROBLEMS_LINE.format(
                ref=item_ref(q.by_id[r.item_id].number), content=r.content, problems=r.problems
            )
        )
    return "\n".join(_more(lines, len(rows)))


async def _filing(q: Question) -> tuple[list[str], dict[str, list[int]], list[str]]:
    """Return (every unit, unit → numbers not filed, units that filed at least one item)."""
    compiled = await q.whole()
    missing = await q.missing()
    every = list(compiled.reported_units) + list(compiled.missing_units)
    return every, missing, list(compiled.reported_units)


async def answer_missing(q: Question) -> str:
    """谁还没报: the units with items not filed in the period."""
    missing = await q.missing()
    if not missing:
        return texts.MISSING_NONE.format(code=q.period.code)
    lines = [
        texts.MISSING_HEAD.format(
            code=q.period.code, count=len(missing), deadline=deadline_text(q.period, q.deps.now())
        )
    ]
    lines += [
        texts.MISSING_LINE.format(unit=u, numbers="、".join(item_ref(n) for n in nums))
        for u, nums in missing.items()
    ]
    return "\n".join(lines)


async def answer_filed(q: Question) -> str:
    """哪些单位已经报了: units that filed, those that filed only part marked."""
    every, missing, filed = await _filing(q)
    if not filed:
        return texts.FILED_NONE.format(code=q.period.code)
    lines = [texts.FILED_HEAD.format(code=q.period.code, count=len(filed), total=len(every))]
    for unit in filed:
        partly = missing.get(unit)
        numbers = "、".join(item_ref(n) for n in partly) if partly else ""
        lines.append(
            texts.FILED_LINE.format(
                unit=unit, partly=texts.FILED_PARTLY.format(numbers=numbers) if partly else ""
            )
        )
    return "\n".join(lines)


def _names(names: list[str]) -> str:
    return texts.COUNT_NAMES.format(names="、".join(names)) if names else ""


async def answer_count_missing(q: Question) -> str:
    """几家没报: how many units have items not filed, and which."""
    every, missing, filed = await _filing(q)
    partly = [u for u in filed if u in missing]
    return texts.COUNT_MISSING.format(
        code=q.period.code,
        count=len(missing),
        total=len(every),
        partly=len(partly),
        names=_names(list(missing)),
    )


async def answer_count_filed(q: Question) -> str:
    """报了多少家: how many units filed (partly filed counted once), and which."""
    every, missing, filed = await _filing(q)
    partly = [u for u in filed if u in missing]
    return texts.COUNT_FILED.format(
        code=q.period.code, count=len(filed), total=len(every), partly=len(partly), names=_names(filed)
    )


async def answer_count_lagging(q: Question) -> str:
    """多少项滞后: how many items are behind 序时进度 (of one unit when named), and which."""
    compiled = await q.whole()
    rows = _rows(q, [r for r in compiled.rows if r.light != "green"])
    names = [item_ref(q.by_id[r.item_id].number) + r.content[:12] for r in rows[:MAX_LINES]]
    return texts.COUNT_LAGGING.format(
        code=q.period.code,
        schedule=pct(compiled.schedule),
        count=len(rows),
        red=sum(1 for r in rows if r.light == "red"),
        yellow=sum(1 for r in rows if r.light == "yellow"),
        names=_names(names),
    )
