"""Targets of a ledger item: the quantities in its content that size a deliverable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.clauses import mask_markers, span_at, stop_positions
from nlp.numerals import normalize
from nlp.phrases import noun_phrase
from nlp.quantities import Quantity, find_quantities
from nlp.segment import default_segmenter
from nlp.types import Kind, Target

MAX_TARGETS = 64  # an item never sizes more deliverables; the cap keeps hostile input linear
TOTAL_CUES = ("总数", "总量", "保有量", "累计达到", "达到", "总计", "总规模", "累计")
# Words too common in ledgers to tell two targets apart.
GENERIC = frozenset(
    [
        "工程",
        "项目",
        "建设",
        "改造",
        "提升",
        "工作",
        "完成",
        "实施",
        "推进",
        "全区",
        "全市",
        "全县",
        "新增",
        "累计",
        "年度",
        "任务",
        "目标",
        "开展",
        "推动",
        "进行",
        "实现",
        "等",
        "的",
        "和",
        "及",
        "与",
        "个",
        "处",
        "家",
        "户",
        "人",
        "已",
        "了",
        "在",
        "为",
        "共",
        "新建",
        "情况",
        "相关",
        "各类",
        "全面",
        "数量",
        "总数",
        "达到",
    ]
)

GENERIC_BIGRAMS = frozenset(
    [
        "完成",
        "建设",
        "工程",
        "项目",
        "全区",
        "实施",
        "推进",
        "改造",
        "提升",
        "新增",
        "以上",
        "年度",
        "全年",
        "开展",
        "工作",
    ]
)
GENERIC_CHARS = frozenset("的等个和及与已了工程项目建设改造提升完成新增累计全区市县年度任务处家户人")


@dataclass(frozen=True)
class TargetInfo:
    """A target plus what the progress linker needs to know about its wording."""

    target: Target
    words: frozenset[str]
    bigrams: frozenset[str]
    stage: frozenset[str]  # stage verbs the target itself is measured by (开工建设12个 → 开工)
    start: int
    context: frozenset[str] = frozenset()  # bigrams of the target's whole clause


def _kind(unit: str, before: str) -> Kind:
    if unit == "%":
        return "percent"
    if any(c in before for c in TOTAL_CUES) and not any(c in before for c in ("新增", "新建")):
        return "total"
    return "increment"


def _per_unit(text: str, q: Quantity) -> bool:
    """True for rates and qualifiers such as 每村1名 / 前3名 / 3岁以下 that size nothing."""
    before = text[max(0, q.start - 4) : q.start]
    return "每" in before or before.endswith(
        ("前", "后", "近", "第", "单", "满", "超", "年均", "人均", "户均")
    )


@lru_cache(maxsize=256)
def _bigrams(name: str) -> frozenset[str]:
    return frozenset(name[i : i + 2] for i in range(len(name) - 1))


@lru_cache(maxsize=2048)
def name_words(name: str) -> frozenset[str]:
    """Return the meaningful words of a name (jieba words minus ledger boilerplate)."""
    if not name:
        return frozenset()
    return frozenset(w for w in default_segmenter().cut(name) if w not in GENERIC and not w.isdigit())


def similarity(phrase: str, info: TargetInfo, context: str = "") -> float:
    """Score how well a noun phrase (and its clause) from the progress names a target (0 = unrelated)."""
    ctx = 0.5 * len(_bigrams(context) & info.context) if context and info.context else 0.0
    return _name_similarity(phrase, info) + ctx


def _name_similarity(phrase: str, info: TargetInfo) -> float:
    if not phrase:
        return 0.0
    if len(phrase) == 1:
        return 1.0 if phrase in info.target.name and phrase not in GENERIC else 0.0
    shared_chars = 0.5 * len((set(phrase) - GENERIC_CHARS) & set(info.target.name))
    shared_bi = len(_bigrams(phrase) & info.bigrams)
    if not shared_bi:
        return shared_chars
    shared_words = sum(len(w) for w in name_words(phrase) & info.words) if info.words else 0
    return 2 * shared_bi + shared_words + shared_chars


@lru_cache(maxsize=1024)
def target_infos(content: str) -> tuple[TargetInfo, ...]:
    """Extract the targets of an item's content with their wording (cached per content)."""
    text = mask_markers(normalize(content or ""))
    out: list[TargetInfo] = []
    prev_end = 0
    bounds = stop_positions(text)
    for q in find_quantities(text)[:MAX_TARGETS]:
        if _per_unit(text, q) or (q.value == 0 and q.unit != "%"):
            continue  # 零部件 reads as 0部: zero of a thing sizes nothing
        c_start, c_end = span_at(bounds, len(text), q.start)
        c_start, c_end = max(c_start, q.start - 80), min(c_end, q.end + 80)
        floor = max(c_start, prev_end)
        name = noun_phrase(text, q, floor, keep_verbs=True, span=(c_start, c_end)) or q.unit
        before = text[c_start : q.start]
        clause = text[c_start:c_end]
        stage = frozenset(w for w in ("开工", "启动", "招标", "签约") if w in clause)
        target = Target(name=name, value=q.value, unit=q.unit, kind=_kind(q.unit, before))
        context = _bigrams(re.sub(r"[\d.]+", "", clause)) - GENERIC_BIGRAMS
        out.append(TargetInfo(target, frozenset(), _bigrams(name), stage, q.start, context))
        prev_end = q.end
    return tuple(out)


def with_words(info: TargetInfo) -> TargetInfo:
    """Return ``info`` with its jieba words filled in (done lazily: jieba costs time to load)."""
    if info.words:
        return info
    return TargetInfo(
        info.target, name_words(info.target.name), info.bigrams, info.stage, info.start, info.context
    )


def infos_for(targets: tuple[Target, ...], content: str = "") -> tuple[TargetInfo, ...]:
    """Wrap caller-supplied targets (stored ones) so the linker treats them like the ones it extracts from
    ``content``: a target found there (same value and unit, its name preferred) keeps the words around it
    and the stage it is counted at; one the content does not size gets its name alone."""
    found = list(target_infos(content)) if content else []
    out = []
    for i, t in enumerate(targets):
        same = [f for f in found if f.target.value == t.value and f.target.unit == t.unit]
        match = next((f for f in same if f.target.name == t.name), same[0] if same else None)
        if match is None:
            out.append(TargetInfo(t, frozenset(), _bigrams(t.name), frozenset(), i))
            continue
        found.remove(match)
        out.append(TargetInfo(t, frozenset(), _bigrams(t.name), match.stage, match.start, match.context))
    return tuple(out)


def extract_targets(content: str) -> list[Target]:
    """Return every quantity in ``content`` that sizes something to deliver."""
    return [info.target for info in target_infos(content)]
