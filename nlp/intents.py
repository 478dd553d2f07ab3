"""Understand a coordinator's question in plain Chinese: overview, a unit, an item, lagging, missing, history."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from nlp.segment import Segmenter
from nlp.units import core_name

QueryKind = Literal["overview", "unit", "item", "lagging", "missing", "history"]


class Query(BaseModel):
    """A recognised question."""

    model_config = ConfigDict(frozen=True)

    kind: QueryKind
    unit: str | None = None
    keyword: str | None = None


class Vocabulary(BaseModel):
    """What the ledger itself knows: unit names with their aliases, and item texts by id."""

    model_config = ConfigDict(frozen=True)

    units: tuple[tuple[str, tuple[str, ...]], ...] = ()
    items: tuple[tuple[int, str], ...] = ()

    def words(self) -> list[str]:
        """Return the words a segmenter should know (unit names, aliases, target nouns)."""
        out = []
        for name, aliases in self.units:
            out.append(name)
            out.extend(aliases)
        return out


_MISSING = r"(谁|哪些?单位|哪几个单位|哪家|还有).{0,6}(没|未|尚未|还没)(有)?(报|填|交|上报|报送|填报)|未报送|没报|未填报|漏报|缺报|未提交"
_LAGGING = r"滞后|落后|拖后腿|进度慢|慢了|偏慢|红灯|黄灯|亮灯|没达到序时|未达序时|低于序时|达不到序时|进度不理想|预警"
_HISTORY = r"历史|历次|往期|以往|每月|各月|变化|趋势|记录|沿革|以前"
_OVERVIEW = r"概况|总体|整体|全局|汇总|总览|全貌|大盘|总的|情况如何$|怎么样了?$|总体情况"
_FILLER = (
    r"(请问|帮我|给我|看看|看一下|查一下|查查|查询|一下|的|了|吗|呢|啊|呀|吧|现在|目前|最新|本月|这个月|"
    r"进展|进度|情况|怎么样|咋样|如何|怎样|完成|多少|历史|历次|往期|变化|趋势|记录|项目|工作)"
)


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s?？!！。.,，、~～:：\"“”'‘’（）()【】\[\]]+", "", text)


def _find_unit(text: str, vocab: Vocabulary) -> str | None:
    best: tuple[int, str] | None = None
    for name, aliases in vocab.units:
        for candidate in (name, *aliases):
            if candidate and candidate in text and (best is None or len(candidate) > best[0]):
                best = (len(candidate), name)
    if best:
        return best[1]
    # A short form people type: "卫健" for 区卫健局, "发改" for 区发改局.
    for name, _aliases in vocab.units:
        core = core_name(name)
        if len(core) >= 2 and core in text:
            return name
    return None


def _keyword(text: str) -> str:
    return _re(_FILLER).sub("", text)


def parse_query(text: str, vocab: Vocabulary) -> Query | None:
    """Return the question asked, or None when the text is not a question we answer."""
    clean = _clean(text)
    if not clean:
        return None
    if _re(_MISSING).search(clean):
        return Query(kind="missing")
    if _re(_LAGGING).search(clean):
        return Query(kind="lagging", unit=_find_unit(clean, vocab))
    unit = _find_unit(clean, vocab)
    history = bool(_re(_HISTORY).search(clean))
    if unit and not history:
        return Query(kind="unit", unit=unit)
    keyword = _keyword(clean)
    if history and keyword:
        return Query(kind="history", keyword=keyword, unit=unit)
    if _re(_OVERVIEW).search(clean) and len(keyword) <= 2:
        return Query(kind="overview")
    if keyword and len(keyword) >= 2 and re.search(r"进展|进度|情况|怎么样|咋样|如何|完成|多少", clean):
        return Query(kind="item", keyword=keyword)
    return None


def match_items(keyword: str, vocab: Vocabulary, segmenter: Segmenter | None = None) -> list[int]:
    """Return ids of items whose text contains the keyword, or else shares its words, best first."""
    direct = [item_id for item_id, content in vocab.items if keyword in content]
    if direct:
        return direct
    for words in (_meaningful(segmenter.cut(keyword)) if segmenter else [], _meaningful(_bigrams(keyword))):
        found = _score(words, vocab)
        if found:
            return found
    return []


def _score(words: list[str], vocab: Vocabulary) -> list[int]:
    if not words:
        return []
    scored = []
    for item_id, content in vocab.items:
        hits = sum(1 for w in words if w in content)
        if hits:
            scored.append((-hits / len(words), item_id))
    scored.sort()
    best = scored[0][0] if scored else 0
    return [item_id for score, item_id in scored if score == best and score <= -0.5]


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]


def _meaningful(words: Iterable[str]) -> list[str]:
    return [w for w in words if len(w) >= 2 and not _re(_FILLER).fullmatch(w)]


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
