"""Understand a coordinator's question in plain Chinese: which kind, which unit, which items, which month.

A question is read in steps: its month (nlp/periods.py), the unit it names (nlp/units.py), an item
number or code, then the words that ask a kind (滞后, 红灯, 没报, 几家 …). What is left names items
(nlp/item_match.py). A follow-up ("那卫健局呢", "第二个", "它的历史") is read against the question
before it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from nlp.item_match import ItemWords, best_items, closest, find_code, find_numbers, score_items
from nlp.periods import find_period, is_span
from nlp.segment import Segmenter
from nlp.units import find_unit

QueryKind = Literal[
    "overview",
    "unit",
    "item",
    "lagging",
    "missing",
    "history",
    "red",
    "yellow",
    "completed",
    "not_started",
    "filed",
    "count_missing",
    "count_lagging",
    "count_filed",
    "unit_lagging",
    "unit_problems",
    "ledger",
]
# Kinds about the whole ledger that a named unit narrows, and kinds that name items.
ITEM_KINDS = ("item", "history")
_COUNTED = {"missing": "count_missing", "filed": "count_filed", "lagging": "count_lagging"}
_LISTED = {v: k for k, v in _COUNTED.items()}


class Query(BaseModel):
    """A recognised question: its kind, unit, items (ids, best first), period (None = the current one)."""

    model_config = ConfigDict(frozen=True)

    kind: QueryKind
    unit: str | None = None
    keyword: str | None = None
    items: tuple[int, ...] = ()
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the ledger itself knows: unit names with their aliases, its items' words, its own synonyms."""

    units: tuple[tuple[str, tuple[str, ...]], ...] = ()
    items: tuple[ItemWords, ...] = ()
    synonyms: tuple[tuple[str, str], ...] = ()
    unit_synonyms: tuple[tuple[str, str], ...] = ()

    def words(self) -> list[str]:
        """Return the words a segmenter should know (unit names, aliases)."""
        out = []
        for name, aliases in self.units:
            out.append(name)
            out.extend(aliases)
        return out

    def by_number(self, number: int) -> ItemWords | None:
        """Return the item with this number, or None."""
        return next((i for i in self.items if i.number == number), None)


_LEDGER = r"台账|全表|总表|导出|整张表|(?i:excel|word)"
_FILING = r"(进展|问题|计划)\s*:"  # labelled fields (进展：…… 问题：……) are a filing, not a question
_MISSING = (
    r"(没|未|尚未|还没|没有|漏|缺|还差).{0,4}(报|交|填|提交)|未报送|未上报|还差(谁|哪)|"
    r"(谁|哪些?|哪几个?|几个|几家|多少).{0,6}(还)?(没|未)"
)
_FILED = r"(已|已经).{0,4}(报|交|提交|填报)|(报|交|提交|填报|报送|上报)了|报上来|交上来"
_FILED_WHO = r"谁|单位|部门|家|几个|多少"
_COUNT = r"(?<!哪)几(家|个|项|件)|多少(家|个|项|件|单位)?|一共|总共|数量|总数"
_RED = r"红灯|红色|严重滞后|严重落后|特别落后|亮红"
_YELLOW = r"黄灯|黄色|轻微滞后|稍微.{0,3}滞后|略微滞后|稍有滞后|亮黄"
_LAGGING = (
    r"滞后|滞候|落后|拖后腿|跟不上|不达标|达不到|没达到|未达到|未达|低于序时|[序叙时]{2}进度|进度慢|"
    r"进度偏慢|慢了|偏慢|亮灯|预警|不理想"
)
_PROBLEMS = r"问题|困难|难处|难点|堵点|卡点|需要协调|瓶颈"
_COMPLETED = (
    r"已完成|已经完成|完成了|干完|做完|办结|已完工|完工了|已建成|全部完成|完成的|"
    r"(?:弄|搞|办)完(?:了|的)|搞定(?:了|的)|做好了的|已经弄好"
)
_NOT_STARTED = r"没开工|未开工|未启动|没启动|还没动|没动|没开始|未开始|尚未开展|没有开展|没干|还没弄"
_HISTORY = (
    r"历史|历次|往期|以往|每个?月|各月|变化|趋势|记录|沿革|以前|之前|前几个月|前两个月|前三个月|"
    r"这几个月|这两个月|几个月来|对比|动过|变的"
)
_OVERVIEW = r"概况|总体|整体|全局|汇总|总览|全貌|大盘|大概|总的|全面情况|简要|总结"
_FILLER = (
    r"请问|麻烦|帮我|给我|发我|发下|发一下|看下|看一下|看看|查一下|查下|查查|查询|一下|现在|目前|最新|"
    r"到哪一步|到哪了|到哪|哪一步|咋样|怎么样|怎样|如何|啥情况|什么情况|什么进度|啥进度|情况|进展|进度|推进|"
    r"弄完|弄好|完成|多少|几个|几|吗|呢|啊|呀|吧|那个|这个|那项|这项|那事|项目|事项|实事|工作|没有|"
    r"什么|哪些|哪|建得|搞了|搞得|开展得|了|的|没|有|是|都|啥|能不能|能|年内|目前|还|已经|已|那边"
)


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _has(pattern: str, text: str) -> bool:
    return bool(_re(pattern).search(text))


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s?？!！。.,，、~～:：\"“”'‘’（）()【】]+", " ", text).strip()


def _residual(text: str) -> str:
    for pattern in (
        _RED,
        _YELLOW,
        _LAGGING,
        _HISTORY,
        _OVERVIEW,
        _PROBLEMS,
        _COMPLETED,
        _NOT_STARTED,
        _FILLER,
    ):
        text = _re(pattern).sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _items_in(words: str, vocab: Vocabulary, unit: str | None) -> list[int]:
    if not words:
        return []
    scored = score_items(words, vocab.items, vocab.synonyms)
    if unit:  # a named unit narrows the items to its own (when it has any that fit)
        own = {i.id for i in vocab.items if unit in i.units}
        scored = [s for s in scored if s[1] in own] or scored
    return best_items(scored)


def suggest(text: str, vocab: Vocabulary, limit: int = 3) -> list[int]:
    """Return the ids of the items closest to a question nothing fitted (for "您是不是想问")."""
    words = _residual(_clean(text))
    ids = [item_id for _score, item_id in score_items(words, vocab.items, vocab.synonyms)][:limit]
    return ids or closest(words, vocab.items, limit)


def parse_query(
    text: str, vocab: Vocabulary, today: date | None = None, context: Query | None = None
) -> Query | None:
    """Return the question asked (read against ``context``, the question before), or None."""
    clean = _clean(text)
    if not clean or _has(_FILING, unicodedata.normalize("NFKC", text)):
        return None
    span = is_span(clean)
    period, rest = find_period(clean, today or date.today())
    found = find_unit(rest, vocab.units, vocab.unit_synonyms)
    unit = found[0] if found else None
    if found:
        rest = rest.replace(found[1], " ", 1)
    numbers, rest = find_numbers(rest.strip())
    number = numbers[0] if numbers else None
    code = find_code(rest, vocab.items)
    named = [i.id for n in numbers if (i := vocab.by_number(n)) is not None]
    ids = named or ([code] if code else [])
    query = _classify(rest, vocab, unit, ids, span)
    if context is not None:
        query = _follow(query, clean, context, unit, period, number)
    if query is None:
        return None
    return query.model_copy(update={"period": period or query.period})


def _classify(rest: str, vocab: Vocabulary, unit: str | None, ids: list[int], span: bool) -> Query | None:
    count = _has(_COUNT, rest)
    if _has(_LEDGER, rest):
        return Query(kind="ledger")
    reached = _has(r"(?:没|未)达|达不到|不达标", rest)  # 没达到序时: lagging, not "who has not filed"
    if _has(_MISSING, rest) and not _has(_NOT_STARTED, rest) and not reached:
        return Query(kind="count_missing" if count and not _has("哪", rest) else "missing")
    words = _residual(rest)
    if _has(_FILED, rest) and (_has(_FILED_WHO, rest) or not _items_in(words, vocab, unit)):
        return Query(kind="count_filed" if count else "filed")
    red, yellow, lagging = _has(_RED, rest), _has(_YELLOW, rest), _has(_LAGGING, rest)
    if red or yellow or lagging:
        if count and not ids:
            return Query(kind="count_lagging", unit=unit)
        if red != yellow:
            return Query(kind="red" if red else "yellow", unit=unit)
        return Query(kind="unit_lagging" if unit else "lagging", unit=unit)
    matched = _items_in(words, vocab, unit)
    if _has(_PROBLEMS, rest) and (unit or not (ids or matched)):
        return Query(kind="unit_problems", unit=unit)
    if _has(_HISTORY, rest) or span:
        ids = ids or matched
        return Query(kind="history", unit=unit, keyword=words or None, items=tuple(ids))
    if ids:
        return Query(kind="item", unit=unit, items=tuple(ids))
    for pattern, kind in ((_COMPLETED, "completed"), (_NOT_STARTED, "not_started")):
        if _has(pattern, rest) and not matched:
            return Query(kind=kind, unit=unit)  # type: ignore[arg-type]
    if _has(_OVERVIEW, rest):
        return Query(kind="unit", unit=unit) if unit else Query(kind="overview")
    if unit and not (matched and words):
        return Query(kind="unit", unit=unit)
    if matched:
        return Query(kind="item", unit=unit, keyword=words, items=tuple(matched))
    return None


_LAGGING_KINDS = ("lagging", "red", "yellow")


def _follow(
    query: Query | None, rest: str, context: Query, unit: str | None, period: str | None, number: int | None
) -> Query | None:
    """Read a short question against the one before: 那卫健局呢, 上个月呢, 第二个, 它的历史, 都是哪几家."""
    if number and len(context.items) > 1 and _has(r"第.{1,3}个", rest):
        ids = context.items
        return Query(kind="item", items=(ids[number - 1],)) if number <= len(ids) else query
    if query is not None and query.kind in ("history", "unit_problems", "item", "unit"):
        if query.kind == "history" and not query.items and context.items:
            return query.model_copy(update={"items": context.items})
        if query.kind == "unit_problems" and not query.unit and context.unit:
            return query.model_copy(update={"unit": context.unit})
        if query.kind == "unit" and context.kind in ("unit", "unit_lagging", "unit_problems"):
            return context.model_copy(update={"unit": query.unit, "period": None})
        if query.kind != "item" or query.items:
            return query
    short = _has(r"呢$|^那", rest)  # a follow-up's form; a whole new question is not narrowed
    if query is not None and query.kind in _LAGGING_KINDS and not query.unit and context.unit and short:
        # 卫健局怎么样 → 滞后的呢: the lagging items of the unit just asked about
        kind = "unit_lagging" if query.kind == "lagging" else query.kind
        return query.model_copy(update={"kind": kind, "unit": context.unit})
    if query is not None and query.kind in _LISTED and context.kind == _LISTED[query.kind]:
        return query
    if context.kind in _COUNTED and _has(_COUNT, rest) and not _has("哪", rest):
        return Query(kind=_COUNTED[context.kind], unit=context.unit)  # type: ignore[arg-type]
    if context.kind in _LISTED and _has(r"哪|名单|列|都有谁|是谁", rest):
        return Query(kind=_LISTED[context.kind], unit=context.unit)  # type: ignore[arg-type]
    if query is not None:
        return query
    if period or _has(r"呢$|它|那个|这个", rest):
        return context.model_copy(update={"period": None, "unit": unit or context.unit})
    return None


def vocabulary_from_rows(
    rows: Sequence[tuple[int, str, str, tuple[str, ...], str]], codes: Sequence[str] = ()
) -> Vocabulary:
    """Build a vocabulary from (id = number, category, content, units, progress) rows."""
    from nlp.units import short_name

    units: dict[str, None] = {}
    for row in rows:
        units.update(dict.fromkeys(row[3]))
    return Vocabulary(
        units=tuple((u, tuple(a for a in (short_name(u),) if a)) for u in units),
        items=tuple(
            ItemWords(
                id=n,
                number=n,
                category=cat,
                content=content,
                units=us,
                progress=prog,
                code=codes[k] if k < len(codes) else "",
            )
            for k, (n, cat, content, us, prog) in enumerate(rows)
        ),
    )


def plan_terms(plan: str, segmenter: Segmenter, stop: Sequence[str] = ()) -> list[str]:
    """Return the concrete terms of a plan (名词 such as 体育公园停车场), not its verbs of effort."""
    generic = set(stop) | {
        "加快",
        "推进",
        "完成",
        "做好",
        "工作",
        "进一步",
        "持续",
        "积极",
        "确保",
        "按照",
        "按期",
        "继续",
        "全力",
        "加强",
        "开展",
        "落实",
        "计划",
        "任务",
        "进度",
        "建设",
        "项目",
        "实施",
        "相关",
        "有关",
        "组织",
        "全面",
        "力争",
        "争取",
        "提高",
        "提升",
        "抓好",
        "推动",
        "协调",
        "配合",
        "及时",
        "认真",
        "有序",
        "稳步",
        "深入",
        "既定",
        "时限",
        "要求",
        "工作要求",
        "里程碑",
        "方案",
        "资金",
        "施工",
    }
    terms = [
        w
        for w in segmenter.cut(plan)
        if len(w) >= 2 and w not in generic and not re.fullmatch(r"[\d.%％]+|\d+[年月日]", w)
    ]
    return list(dict.fromkeys(terms))
