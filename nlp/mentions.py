"""The numbers of a progress reply, each with what its wording says: cumulative or new, corrected, blocked."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from nlp.clauses import SENTENCE_END, span_at, stop_positions
from nlp.phrases import last_noun, noun_phrase
from nlp.quantities import Quantity, find_quantities
from nlp.status import PLAN

CUMULATIVE = r"累计|总计|共计|合计|总共|一共|(?<![公一])共(?![享同建性])|已达|总数|截至|截止|目前已|现已|现有|到目前|至今"
INCREMENT = r"本月|本期|当月|这个月|这月|本周|这周|今天|今日|新增|又|再|增加了|多了"
CORRECTION = r"更正|纠正|修正|订正|说错|写错|搞错|打错|应为|应该是|改为|更改为|改成|准确的是|实际是|以此为准"
NEGATED = r"(?:不是|而非|并非|而不是|非)\s*$"
ACHIEVE = (
    r"完成|建成|已|累计|共|新增|实现|达到|达|发放|举办|开展|培训|安装|装了|铺设|完工|竣工|惠及|新建|改造|提供|办理|招聘|"
    r"吸纳|带动|投入|上线|接入|覆盖|开通|了|又|再|本月|目前|截至|现有|总计|合计|落地|交付|验收|服务|救助|帮扶|就业|建设|"
    r"修|装|建|搞|弄|弄好|做|办|投资|到位|更正|应为|应该是|改为|认定|入库|培育|开设|接种|增长|接待|(?:为|是)$"
)
DONE_AFTER = r"^\s*[^，,。；;]{0,15}?(?:已经|已|均已|全部|都)?[^，,。；;]{0,3}?(?:完成|建成|完工|竣工|投入使用|到位|开放|弄完|装完|了|啦)"
DONE_BEFORE = r"(?:完成|建成|完工|竣工|[做弄搞干装建修]完|[做弄搞装建修]好)了?\s*$"
SCOPE = r"全(?:省|市|区|县|镇|乡|街道?|村|州|旗)|各(?:镇街?|乡镇|村|区|县)"
MAX_MENTIONS = 400  # more numbers than any real reply holds; keeps hostile input linear
WINDOW = 60  # characters of a clause looked at on each side of a number
# Reasons a number is not an achieved value of the target, looked for in its clause.
BLOCK_PRE = {
    "remain": r"剩余|剩下|还剩|剩|尚余|尚有|仍有|还有|其余|未完成|尚未|(?<![接期招对款])待|未|缺口|差(?!异)",
    "start": r"(?:开工|启动|动工|开始)(?!以来|至今)|进场|在建|开建|着手",  # 开工以来 dates a total
    "list": r"名单|确定|遴选|筛选|摸排|摸底|排查|报名|申报|申请|提交|审核|初审|梳理|清单|发现|交办",
    "prep": r"合同|签订|签约|招标|投标|采购|预算|评审|评估|审批|立项|可研|设计|方案|规划|编制|谋划|金额|批复|论证|选址|勘察|中标|"
    r"总投资|计划投资|概算|估算",
    "phase": r"路基|路面|土建|基础|主体|电气|桩基|土方|钢结构|装修|装饰|二次结构|抹灰|管线迁改",
    "progress": r"形象进度|工程进度|施工进度|进度|总工程量|工程量",
    "ongoing": r"正在|在施|施工中",
    "compare": r"同比|环比|较上年|较去年|比上年|比去年",
    "induced": r"带动|拉动|撬动",
}
OWN_STAGE = frozenset(["start", "list", "prep"])  # blocks read only after the previous number
BLOCK_POST = {
    "start": r"^[^，,。]{0,12}?(?:开工|启动|动工|开始|进场|在建|开建)",
    "plan": r"^[^，,。]{0,8}?(?:下月|下个月|下一步|计划|预计|准备|将于|月底前|年底前)",
    "ongoing": r"正在|正加快|正积极|正稳步|推进中|施工中|建设中|进行中|加快推进|有序推进|稳步推进|正推进|(?<![接期招对款])待|尚未|未",
    "list": r"名单|摸底|摸排|报名|申报|申请",
    "prep": r"合同|签订|招标|投标|采购|预算|评审|评估|设计|方案|规划|编制|前期|征收|征迁|选址|立项|可研|批复|备案|环评|审批",
    "scope": r"^[^，,。]{0,15}?中(?:的|有|已|，)",
    "phase": r"路基|土建|基础|电气|主体|桩基|土方",
}


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass
class Mention:
    """One number in the progress text with what its wording says about it."""

    q: Quantity
    pre: str
    post: str
    sent_pre: str
    sentence: int
    noun: str
    basis: str = "unknown"
    blocks: set[str] = field(default_factory=set)
    sub: bool = False
    inherited: bool = False  # the noun was borrowed from the number before


def find_mentions(text: str) -> list[Mention]:
    """Return the numbers of a progress text with their nouns, basis and reasons to doubt them."""
    out: list[Mention] = []
    qs = find_quantities(text, bare=True)[:MAX_MENTIONS]
    clauses, sentences = stop_positions(text), stop_positions(text, SENTENCE_END)
    prev_end = 0
    for i, q in enumerate(qs):
        c_start, c_end = span_at(clauses, len(text), q.start)
        c_start, c_end = max(c_start, q.start - WINDOW), min(c_end, q.end + WINDOW)
        s_start, _ = span_at(sentences, len(text), q.start)
        pre, post = text[c_start : q.start], text[q.end : c_end]
        sent_pre = text[max(s_start, q.start - 3 * WINDOW) : q.start]
        floor = max(c_start, prev_end)
        noun = noun_phrase(text, q, floor, span=(c_start, c_end))
        if not noun and c_start > s_start + 1:
            # chat puts the topic in its own phrase: "停车位 又新增了20个"
            p_start, p_end = span_at(clauses, len(text), c_start - 1)
            topic = text[max(p_start, p_end - 12) : p_end].strip()
            if topic and not _re(r"\d|已|完成|累计|达到|实现").search(topic) and p_start >= prev_end:
                noun = last_noun(_strip_topic(topic))
        prev_end = q.end
        if _re(SCOPE).fullmatch(noun):
            noun = ""  # 全市累计建成7480个: a scope names no metric
        m = Mention(q, pre, post, sent_pre, s_start, noun)
        if _re(CORRECTION).search(sent_pre):
            m.basis = "correction"
        elif _re(CUMULATIVE).search(pre):
            m.basis = "cumulative"
        elif _re(INCREMENT).search(pre):
            m.basis = "increment"
        if _re(NEGATED).search(pre):
            m.blocks.add("negated")
        # 已开工50个、已完工31个: a stage word before an earlier number is that number's, not this one's
        own_pre = text[max(c_start, qs[i - 1].end) : q.start] if i else pre
        for name, pattern in BLOCK_PRE.items():
            if _re(pattern).search(own_pre if name in OWN_STAGE else pre):
                m.blocks.add(name)
        hard = _re(r"[，,。；;!！?？\n]|剩下|剩余|其余|其他|另外|还有|另有").search(
            text, q.end, q.end + WINDOW
        )
        post_hard = text[q.end : hard.start() if hard else q.end + WINDOW]  # chat spaces do not end a thought
        if _re(DONE_BEFORE).search(pre):
            # "公园做完3处 绿道还在设计": after a done verb the next chat phrase is another topic
            post_hard = _re(r"\s+(?=[^\x00-\x7f\d])").split(post_hard, maxsplit=1)[0]
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        if nxt is not None and nxt.start <= q.end + len(post_hard):
            # 已完工3座、在建5座: words after the 、 are the next number's, not this one's
            sep = text.find("、", q.end, nxt.start)
            if sep >= 0:
                post_hard = post_hard[: sep - q.end] + post_hard[nxt.end - q.end :]
        for name, pattern in BLOCK_POST.items():
            if _re(pattern).search(post_hard):
                m.blocks.add(name)
        plan = list(_re(PLAN).finditer(sent_pre))
        if plan and not _re(r"已|目前|累计|实际|截至|现").search(sent_pre[plan[-1].end() :]):
            m.blocks.add("plan")
        m.sub = "其中" in sent_pre
        gap = text[q.end : nxt.start] if nxt is not None else ""
        # "停车位 680 充电桩 120" / "12个小区 2400户": a chat space ends the first number's phrase
        chat_list = (not q.unit and _re(r"^[ \t]+[^\x00-\x7f]").match(gap)) or _re(
            r"^[^\s，,]*[^\x00-\x7f][ \t]+$"
        ).match(gap)
        if (
            nxt is not None
            and nxt.start < c_end
            and not chat_list
            and not _re(r"^[^，,]{0,12}?(?:[、和及与]|不是|而非)").search(gap)
        ):
            m.blocks.add("topic")  # 3个片区实施项目77个: the first number is the subject
        achieved = _re(ACHIEVE).search(pre) or _re(DONE_AFTER).search(post)
        bare_clause = len((pre + post).strip()) <= 8 and not any(
            x.start < c_end and x is not q and x.start > c_start for x in qs
        )
        if not (achieved or bare_clause or m.basis != "unknown"):
            m.blocks.add("no_cue")
        out.append(m)
    return out


def _strip_topic(topic: str) -> str:
    words = _re(r"^(?:那个|这个|关于|咱们|我们)?(.*?)(?:这块|这边|方面|的话|呢|吧|啊)?$").match(topic)
    return words.group(1) if words else topic


def inherit(mentions: list[Mention]) -> None:
    """Give nounless and unitless numbers the noun and unit of the number before them in the sentence."""
    for prev, m in itertools.pairwise(mentions):
        if prev.sentence != m.sentence:
            continue
        if not m.noun and prev.noun:
            m.noun, m.inherited = prev.noun, True
        if m.basis == "unknown" and prev.basis == "cumulative" and not m.sub:
            m.basis = "cumulative"  # 累计举办区级活动3场，镇街活动4场: 累计 covers both parts
        if not m.q.unit and prev.q.unit:
            m.q = m.q.model_copy(update={"unit": prev.q.unit})
