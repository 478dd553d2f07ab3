"""Link the achieved quantities of a progress text to the targets they measure."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from nlp.clauses import SENTENCE_END, mask_markers, span_at, stop_positions
from nlp.measures import convert
from nlp.numerals import normalize
from nlp.phrases import last_noun, noun_phrase
from nlp.quantities import Quantity, find_quantities
from nlp.status import PLAN, claims_done, classify_status
from nlp.targets import TargetInfo, infos_for, similarity, target_infos, with_words
from nlp.types import Ambiguity, Basis, Link, ParseResult, Target

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
HEADS = r"(?:项目|工程|任务|事项|资金|金额|标段|批次)$"
MAX_MENTIONS = 400  # more numbers than any real reply holds; keeps hostile input linear
WINDOW = 60  # characters of a clause looked at on each side of a number
# Reasons a number is not an achieved value of the target, looked for in its clause.
BLOCK_PRE = {
    "remain": r"剩余|剩下|还剩|剩|尚余|尚有|仍有|还有|其余|未完成|尚未|(?<![接期招对款])待|未|缺口|差(?!异)",
    "start": r"开工|启动|动工|开始|进场|在建|开建|着手",
    "list": r"名单|确定|遴选|筛选|摸排|摸底|排查|报名|申报|申请|提交|审核|初审|梳理|清单|发现|交办",
    "prep": r"合同|签订|签约|招标|投标|采购|预算|评审|评估|审批|立项|可研|设计|方案|规划|编制|谋划|金额|批复|论证|选址|勘察|中标|"
    r"总投资|计划投资|概算|估算",
    "phase": r"路基|路面|土建|基础|主体|电气|桩基|土方|钢结构|装修|装饰|二次结构|抹灰|管线迁改",
    "progress": r"形象进度|工程进度|施工进度|进度|总工程量|工程量",
    "ongoing": r"正在|在施|施工中",
    "compare": r"同比|环比|较上年|较去年|比上年|比去年",
    "induced": r"带动|拉动|撬动",
}
BLOCK_POST = {
    "start": r"^[^，,。]{0,12}?(?:开工|启动|动工|开始|进场|在建|开建)",
    "plan": r"^[^，,。]{0,8}?(?:下月|下个月|下一步|计划|预计|准备|将于|月底前|年底前)",
    "ongoing": r"正在|正加快|正积极|正稳步|推进中|施工中|建设中|进行中|加快推进|有序推进|稳步推进|正推进|(?<![接期招对款])待|尚未|未",
    "list": r"名单|摸底|摸排|报名|申报|申请",
    "prep": r"合同|签订|招标|投标|采购|预算|评审|评估|设计|方案|规划|编制|前期|征收|征迁|选址",
    "scope": r"^[^，,。]{0,15}?中(?:的|有|已|，)",
    "phase": r"路基|土建|基础|电气|主体|桩基|土方",
}
SHARE = r"(?:全年|年度|目标|总|全部|计划)?(?:任务|目标|计划|任务量|工程量)(?:量)?的?$|(?:目标|任务)(?:进度)?$"


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


def _mentions(text: str) -> list[Mention]:
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
        for name, pattern in BLOCK_PRE.items():
            if _re(pattern).search(pre):
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


def _inherit(mentions: list[Mention]) -> None:
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


def _allowed(m: Mention, info: TargetInfo, score: float) -> bool:
    blocks = m.blocks - {"start"} if "开工" in info.stage or "启动" in info.stage else m.blocks
    if (
        "compare" in blocks
        and info.target.unit == "%"
        and (
            {"增长", "增速", "增幅", "下降", "降低"} & info.context
            or _re(r"增长|增速|增幅|下降|降低").search(info.target.name)
        )
    ):
        blocks = blocks - {"compare"}  # 增长6% is itself measured year on year
    for name in ("start", "prep", "list", "induced"):
        # 新签约项目20个 / 签约项目9个: when the target itself is counted at that stage, the stage is the metric
        words = {w.group(0) for w in _re(BLOCK_PRE[name]).finditer(m.pre)} if name in blocks else set()
        if (
            words
            and all(_names_stage(w, info, name) for w in words)
            and not _re(BLOCK_POST.get(name, r"(?!)")).search(m.post)
        ):
            blocks = blocks - {name}
    if "phase" in blocks and any(w in info.target.name for w in ("路面", "管网", "主体", "基础", "土建")):
        blocks = blocks - {"phase"}
    if "no_cue" in blocks and score >= 2:
        blocks = blocks - {"no_cue"}  # 专精特新企业6家: the target's own name is cue enough
    return not blocks


def _names_stage(word: str, info: TargetInfo, block: str) -> bool:
    """True when the target itself is counted with ``word`` (签约项目20个; 带动就业3000人 for 带动就业2891人)."""
    if word in info.target.name:
        return True
    return block == "induced" and bool(info.context) and _bigram_set(word) <= info.context


def _bigram_set(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


def _candidates(m: Mention, infos: Sequence[TargetInfo]) -> list[tuple[float, int, float]]:
    """Return (score, target index, value in the target's unit) for every target the number fits."""
    out = []
    unit = m.q.unit
    if (not unit and m.basis != "unknown") or (not unit and _re(ACHIEVE).search(m.pre[-4:])):
        plain = [i for i in infos if i.target.unit != "%"]
        unit = plain[0].target.unit if len({i.target.unit for i in plain}) == 1 else ""
    named = not unit and m.noun and not m.inherited and m.pre.rstrip().endswith(m.noun)
    for idx, info in enumerate(infos):
        t = info.target
        score = similarity(m.noun, info, m.pre + m.noun)
        own = t.unit if named and score >= 2 and t.unit != "%" else unit  # chat: "停车位 680 充电桩 120"
        if not own or (own == "%") != (t.unit == "%"):
            continue
        value = convert(m.q.value, own, t.unit)
        if value is None:
            continue
        if _allowed(m, info, score):
            out.append((score, idx, value))
    return out


def _share(m: Mention, infos: Sequence[TargetInfo]) -> tuple[int, float] | None:
    """Read 完成全年任务的40% / 充电桩完成八成 as a share of one count target."""
    if m.q.unit != "%" or m.blocks - {"no_cue"}:
        return None
    counts = [i for i, inf in enumerate(infos) if inf.target.unit != "%"]
    if not counts:
        return None
    hedge = r"\s*(?:大概|大约|约|近|将近|差不多|接近)\s*$"
    pre = _re(hedge).sub("", m.pre).rstrip()
    if not pre.strip():  # chat: "充电设施 完成 大概八成" spreads one clause over spaces
        pre = _re(hedge).sub("", _re(r"\s+").sub("", m.sent_pre)[-16:])
    noun = m.noun or last_noun(_re(r"(?:完成|达到?)了?$").sub("", pre))
    named = [(similarity(noun, infos[i], pre), i) for i in counts]
    best = max(named)
    if _re(SHARE).search(pre):
        if best[0] >= 1 and sum(1 for s, _ in named if s == best[0]) == 1:
            idx = best[1]
        elif len(counts) == 1:
            idx = counts[0]
        else:
            return None
    elif _re(r"完成(?:了)?$|达到$|达$").search(pre) and not _re(BLOCK_PRE["phase"]).search(pre):
        if best[0] < 2:
            return None  # 已完成80% without naming the target is overall progress, not a share
        idx = best[1]
    else:
        return None
    return idx, infos[idx].target.value * m.q.value / 100


def _choose(m: Mention, infos: Sequence[TargetInfo], amb: list[Ambiguity]) -> tuple[int, float, float] | None:
    cands = _candidates(m, infos)
    if not cands:
        return None
    cands.sort(key=lambda c: -c[0])
    if len(cands) > 1 and cands[0][0] == cands[1][0] and cands[0][0] < 50:
        infos2 = [with_words(i) for i in infos]  # jieba words break the tie
        cands = sorted(
            ((similarity(m.noun, infos2[i], m.pre + m.noun), i, v) for _, i, v in cands), key=lambda c: -c[0]
        )
    top = cands[0]
    heads = _re(HEADS).search(m.noun)
    money = infos[top[1]].target.unit == "元" and heads is not None and heads.group(0) in ("资金", "金额")
    if heads and heads.group(0) not in infos[top[1]].target.name and not money:
        return None  # 实施项目77个 counts projects, not the target's 片区
    if len(m.noun) >= 2 and top[0] <= 0 and not m.inherited:
        return None  # the number counts something else
    if len(cands) > 1 and cands[1][0] == top[0]:
        amb.append(
            Ambiguity(
                kind="which_target",
                target=None,
                value=m.q.value,
                candidates=tuple(c[1] for c in cands if c[0] == top[0]),
                evidence=m.q.text,
            )
        )
        return None
    return top[1], top[2], top[0]


def _part(
    m: Mention, last: tuple[Mention, int], infos: Sequence[TargetInfo]
) -> tuple[int, float, float] | None:
    """Read 招聘会搞了3场，线上的2场 / 区级赛事3场，镇街4场: a short qualifier plus a number right after a linked
    number of the same unit in the same sentence is another part of that metric."""
    prev, idx = last
    if (
        m.sentence != prev.sentence
        or m.q.unit in ("", "%")
        or m.q.unit != prev.q.unit
        or m.blocks
        or m.sub
        or not 1 <= len(m.noun) <= 3
        or m.inherited
    ):
        return None
    if any(similarity(m.noun, info) > 0 for info in infos):
        return None  # it names a target (or part of one) itself
    value = convert(m.q.value, m.q.unit, infos[idx].target.unit)
    return None if value is None else (idx, value, PART_SCORE)


PART_SCORE = 1.0  # a qualifier-only part (镇街4场) counts as named


def _named(ms: list[tuple[Mention, float, float]]) -> list[tuple[Mention, float]]:
    """Drop numbers that share only a character with the target when another number names it:
    扶持创业1236人，带动就业2891人 for 带动就业3000人 is not a sum of parts."""
    best = max(score for _, _, score in ms)
    return [(m, v) for m, v, score in ms if score >= 1 or best < 2 or len(m.noun) < 2 or m.inherited]


def _combine(ms: list[tuple[Mention, float]]) -> tuple[float, Basis, str]:
    """Pick one value per target: correction > cumulative > summed parts > single."""
    corrections = [x for x in ms if x[0].basis == "correction"]
    if corrections:
        m, v = corrections[-1]
        return v, "cumulative", m.q.text
    cumulative = [x for x in ms if x[0].basis == "cumulative" and not x[0].sub]
    if cumulative:
        last = [x for x in cumulative if x[0].sentence == cumulative[-1][0].sentence]
        return sum(v for _, v in last), "cumulative", "；".join(m.q.text for m, _ in last)
    main = [x for x in ms if not x[0].sub] or ms
    value = sum(v for _, v in main)
    basis: Basis = "increment" if any(m.basis == "increment" for m, _ in main) else "unknown"
    return value, basis, "；".join(m.q.text for m, _ in main)


def parse_progress(
    content: str,
    progress: str,
    *,
    targets: Sequence[Target] | None = None,
    previous: Mapping[int, float] | None = None,
) -> ParseResult:
    """Link the achieved values in ``progress`` to the targets of ``content`` and classify the status."""
    infos = infos_for(tuple(targets)) if targets is not None else target_infos(content or "")
    text = mask_markers(normalize(progress or ""))
    mentions = _mentions(text) if infos else []
    _inherit(mentions)
    amb: list[Ambiguity] = []
    per_target: dict[int, list[tuple[Mention, float, float]]] = {}
    shares: dict[int, tuple[Mention, float]] = {}
    last: tuple[Mention, int] | None = None
    for m in mentions:
        if "negated" in m.blocks:
            continue
        share = _share(m, infos)
        if share is not None:
            shares.setdefault(share[0], (m, share[1]))
            continue
        picked = _choose(m, infos, amb)
        if picked is None and last is not None:
            picked = _part(m, last, infos)
        if picked is not None:
            per_target.setdefault(picked[0], []).append((m, picked[1], picked[2]))
            last = (m, picked[0])
    links: list[Link] = []
    for idx in range(len(infos)):
        if idx in per_target:
            value, basis, evidence = _combine(_named(per_target[idx]))
        elif idx in shares:
            value, basis, evidence = shares[idx][1], "share", shares[idx][0].q.text
        else:
            continue
        prev = (previous or {}).get(idx)
        if prev is not None:
            if basis == "increment":
                value = prev + value
            elif basis == "unknown":
                amb.append(Ambiguity(kind="increment_or_total", target=idx, value=value, evidence=evidence))
            if basis != "increment" and value < prev:
                amb.append(Ambiguity(kind="decrease", target=idx, value=value, evidence=evidence))
        links.append(Link(target=idx, value=value, basis=basis, evidence=evidence))
    return _finish(infos, links, amb, progress)


def _finish(
    infos: Sequence[TargetInfo], links: list[Link], amb: list[Ambiguity], progress: str
) -> ParseResult:
    reached = {ln.target for ln in links if ln.value >= infos[ln.target].target.value * 0.9999}
    amb.extend(
        Ambiguity(kind="over_target", target=ln.target, value=ln.value, evidence=ln.evidence)
        for ln in links
        if ln.value > 1.5 * infos[ln.target].target.value > 0
    )
    links_complete = None if not links else len(reached) == len(infos)
    status = classify_status(progress, links_complete)
    if links and links_complete is False and claims_done(progress):
        amb.extend(
            Ambiguity(kind="claim_below_target", target=ln.target, value=ln.value, evidence=ln.evidence)
            for ln in links
            if ln.target not in reached
        )
    targets = tuple(i.target for i in infos)
    return ParseResult(targets=targets, links=tuple(links), status=status, ambiguities=tuple(amb))
