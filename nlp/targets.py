"""Targets of a ledger item: the quantities in its content that size a deliverable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from nlp.numerals import normalize
from nlp.quantities import (
    CLAUSE_END,
    Quantity,
    clause_span,
    find_quantities,
    mask_markers,
    span_at,
    stop_positions,
)
from nlp.segment import default_segmenter
from nlp.types import Kind, Target

MAX_TARGETS = 64  # an item never sizes more deliverables; the cap keeps hostile input linear
# Verbs and qualifiers that open or close a noun phrase but are not part of what is counted.
LEAD_WORDS = (
    "全面做好",
    "全力",
    "全面",
    "做好",
    "持续",
    "积极",
    "加快",
    "稳步",
    "力争",
    "确保",
    "推进",
    "推动",
    "新增",
    "新建",
    "扩增",
    "扩建",
    "改扩建",
    "改造提升",
    "提升改造",
    "升级改造",
    "改造",
    "提升",
    "建设",
    "建成",
    "打造",
    "实施",
    "完成",
    "安排",
    "举办",
    "开展",
    "组织",
    "发放",
    "更新",
    "安装",
    "培育",
    "培训",
    "建立",
    "创建",
    "新开工",
    "开工",
    "启动",
    "增加",
    "增设",
    "配备",
    "配送",
    "引进",
    "招引",
    "落实",
    "提供",
    "帮助",
    "帮扶",
    "救助",
    "服务",
    "惠及",
    "吸纳",
    "带动",
    "累计",
    "年内",
    "全年",
    "全区",
    "全市",
    "全县",
    "全镇",
    "实现",
    "为",
    "对",
    "向",
    "在",
    "共",
    "已",
    "约",
    "近",
    "超过",
    "不少于",
    "不低于",
    "至少",
    "达到",
    "达",
    "覆盖",
)
TAIL_WORDS = (
    "总数达到",
    "总量达到",
    "保有量达到",
    "累计达到",
    "提高至",
    "提高到",
    "提升至",
    "提升到",
    "达到",
    "超过",
    "不少于",
    "不低于",
    "控制在",
    "保持在",
    "稳定在",
    "总数",
    "总量",
    "总计",
    "共计",
    "累计",
    "合计",
    "规模",
    "数量",
    "已完成",
    "完成了",
    "完成",
    "以上",
    "了",
    "至",
    "到",
    "达",
    "共",
    "约",
    "近",
    "为",
    "等",
    "计",
)
AFTER_STOP = (
    r"[，,。；;、：:（(\s]|配送|实现|提供|开展|进行|达到|覆盖|惠及|以上|以内|左右|以下|以及|(?<=.)[及与]|的"
)
BEFORE_CUT = r"配送|实现|提供|开展|进行|覆盖|惠及|为|对|向"
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


def _strip(phrase: str) -> str:
    phrase = re.sub(r"[“”\"'‘’「」《》()（）]", "", phrase).strip(" 、，,:：")
    changed = True
    while changed and phrase:
        changed = False
        for w in LEAD_WORDS:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase, changed = phrase[len(w) :], True
        for w in TAIL_WORDS:
            if phrase.endswith(w) and len(phrase) > len(w):
                phrase, changed = phrase[: -len(w)], True
    return phrase.strip(" 、，,")


@cache
def _after_re() -> re.Pattern[str]:
    return re.compile(AFTER_STOP)


# Words that end a noun phrase: aspect and adverbs, achievement verbs, chat verbs with 了.
NON_NOUN = (
    r"已经|已|了|又|再|都|均|全部|共计|(?<![公])共(?![享同建性])|累计|总计|合计|总共|一共|本月|本期|当月|这个月|这月|目前|截至|截止|"
    r"新增|完成|建成|完工|竣工|实现|达到|开工|正在|并(?![网购联入表])|现有|其中|另有|另|其余|剩余|还有|还剩|应该是|应为|是|不是|"
    r"更正|[装铺建修改弄搞做干开换]好|[弄做干换装]完|[装铺建修改弄搞做干开换新办]了|刚才|[说写搞打弄记报填]错|一季度|上半年|[1-4一二三四]季度|"
    r"到了|达到|到(?!位)|达|至|之前|此前|以前|之后|现在|上月|上个月|前期|今年|去年|年初|以来|一下|"
    r"吧|呢|啊|呀|嘛|大概|大约|差不多|左右|将近|\d+-\d+月|\d+月份?|[一二三四五六七八九十]+月份?|截至\d*月底?|同比|增长|为|的"
)
VERB_ONLY = frozenset(
    [
        "培训",
        "救助",
        "改造",
        "提升",
        "建设",
        "举办",
        "开展",
        "发放",
        "安装",
        "铺设",
        "服务",
        "接种",
        "入库",
        "开设",
        "上线",
        "认定",
        "组织",
        "帮扶",
        "惠及",
        "投资",
        "完成",
        "新建",
        "改建",
        "实施",
        "打造",
        "治理",
        "整治",
        "植树",
        "造林",
        "开发",
        "培育",
        "招聘",
        "提供",
        "办理",
        "接待",
        "走访",
        "筛查",
        "体检",
        "装",
        "铺",
        "建",
        "修",
        "投用",
        "投运",
        "运营",
        "运行",
        "使用",
        "开放",
        "营业",
        "通车",
        "验收",
        "交付",
        "办",
        "弄",
        "搞",
        "做",
        "干",
    ]
)


@cache
def _non_noun_re() -> re.Pattern[str]:
    return re.compile(NON_NOUN)


def _clean(piece: str, keep_verbs: bool = False) -> str:
    piece = _strip(piece)
    return "" if piece in VERB_ONLY and not keep_verbs else piece


def last_noun(phrase: str) -> str:
    """Return the last noun-like piece of a phrase once verbs, adverbs and chat words are cut away."""
    parts = [c for c in (_clean(p) for p in _non_noun_re().split(phrase)) if c.strip(" 、，,")]
    return parts[-1] if parts else ""


def noun_phrase(
    text: str, q: Quantity, floor: int = 0, keep_verbs: bool = False, span: tuple[int, int] | None = None
) -> str:
    """Return the noun phrase a quantity counts: the words after its unit, else those before it."""
    start, end = span or clause_span(text, q.start, CLAUSE_END)
    start, end = max(start, q.start - 60), min(end, q.end + 60)
    tail = text[q.end : end]
    tail = re.sub(r"^(以上|左右|余|多)", "", tail)
    stop = _after_re().search(tail)
    after = tail[: stop.start()] if stop else tail
    after = _clean(_non_noun_re().split(after)[0], keep_verbs)
    short_ok = len(after) == 1 and (stop is None or tail[stop.start() : stop.start() + 1] in "、，,。；;")
    if (len(after) >= 2 or short_ok) and not after.startswith(("以", "的", "了", "均", "全部", "正", "在")):
        return after
    before = text[max(start, floor) : q.start]
    pieces = [p for p in re.split(BEFORE_CUT, before) if p.strip(" 、，,")]
    before = pieces[-1] if pieces else before
    parts = [c for c in (_clean(p, keep_verbs) for p in _non_noun_re().split(before)) if c.strip(" 、，,")]
    return parts[-1] if parts else ""


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
        if _per_unit(text, q):
            continue
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


def infos_for(targets: tuple[Target, ...]) -> tuple[TargetInfo, ...]:
    """Wrap caller-supplied targets so the linker can treat them like extracted ones."""
    return tuple(TargetInfo(t, frozenset(), _bigrams(t.name), frozenset(), i) for i, t in enumerate(targets))


def extract_targets(content: str) -> list[Target]:
    """Return every quantity in ``content`` that sizes something to deliver."""
    return [info.target for info in target_infos(content)]
