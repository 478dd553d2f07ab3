"""The noun phrase a number counts (新增停车泊位256个 → 停车泊位): lead, tail and non-noun words cut away."""

from __future__ import annotations

import re
from functools import cache

from nlp.clauses import CLAUSE_END, clause_span
from nlp.quantities import Quantity

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
