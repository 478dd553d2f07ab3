"""Link the achieved quantities of a progress text to the targets they measure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from nlp.clauses import mask_markers
from nlp.doubts import bare_doubts, other_measure, share_doubts, two_figures
from nlp.link_rules import by_period, names_target_task, restate_pick, restated, unmatched
from nlp.measures import convert, is_count_unit
from nlp.mentions import ACHIEVE, BLOCK_POST, BLOCK_PRE, Mention, find_mentions, inherit
from nlp.numerals import normalize
from nlp.phrases import last_noun
from nlp.status import claims_done, reached, status_from_figures
from nlp.targets import TargetInfo, infos_for, similarity, target_infos, with_words
from nlp.types import Ambiguity, Basis, Link, ParseResult, Status, Target

HEADS = r"(?:项目|工程|任务|事项|资金|金额|标段|批次)$"
SHARE = (
    r"(?:全年|年度|目标|总|全部|计划)?(?:任务|目标|计划|任务量|工程量)(?:量)?的?$|(?:目标|任务)(?:进度)?$"
    # 完成年度计划投资的78% / 占总投资的43.6%: a share of a named plan, target or total
    r"|(?:完成|占|达到?)[^，,。；;\d]{0,4}?(?:全年|年度|目标|总|计划|任务)[^，,。；;\d]{0,8}的$"
    r"|完成(?:率|比例|进度)(?:为|达到?)?$"  # 完成率70%
)


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


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
    if m.q.unit != "%" or not _share_allowed(m, infos):
        return None
    counts = [i for i, inf in enumerate(infos) if inf.target.unit != "%"]
    if not counts or any(c[0] >= 1 and infos[c[1]].target.unit == "%" for c in _candidates(m, infos)):
        return None  # 在园幼儿占比达到51.2% / 覆盖率达到62% names a percent target: the rate itself
    hedge = r"\s*(?:大概|大约|约|近|将近|差不多|接近)\s*$"
    pre = _re(hedge).sub("", m.pre).rstrip()
    if not pre.strip():  # chat: "充电设施 完成 大概八成" spreads one clause over spaces
        pre = _re(hedge).sub("", _re(r"\s+").sub("", m.sent_pre)[-16:])
    noun = m.noun or last_noun(_re(r"(?:完成|达到?)了?$").sub("", pre))
    named = [(similarity(noun, infos[i], pre), i) for i in counts]
    best = max(named)
    if (
        best[0] < 1
    ):  # 驿站已建成运营，完成全年任务的65% / 新建城乡公厕完成率70%: the sentence names the target
        said = _re(r"\s+").sub("", m.sent_pre)
        named = [(similarity(said, infos[i]), i) for i in counts]
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
    value = infos[idx].target.value * m.q.value / 100
    return idx, float(round(value)) if is_count_unit(infos[idx].target.unit) else round(value, 6)


def _share_allowed(m: Mention, infos: Sequence[TargetInfo]) -> bool:
    """No doubt but the share's own plan words: 完成年度计划投资的78% of the target 年度计划投资."""
    blocks = m.blocks - {"no_cue"}
    if (
        "progress" in blocks
        and not _re(r"工程量|形象进度|工程进度|施工进度").search(m.pre)
        and _re(r"(?:占|完成)[^，,。；;\d]{0,4}?(?:全年|年度|总|计划|目标|任务)[^，,。；;\d]{0,8}的$").search(
            m.pre
        )
    ):
        blocks = blocks - {"progress"}  # 绿道建设进度占年度计划的45%: a share of the plan, not 形象进度
    if blocks == {"prep"}:
        words = {w.group(0) for w in _re(BLOCK_PRE["prep"]).finditer(m.pre)}
        return all(any(w in i.target.name for i in infos) for w in words)
    return not blocks


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
    if len(cands) > 1 and cands[0][0] == cands[1][0]:
        cands = by_period(m, infos, cands)
    top = cands[0]
    heads = _re(HEADS).search(m.noun)
    money = infos[top[1]].target.unit == "元"  # 项目累计完成投资6.8亿元: an amount of money is the project's
    if (
        heads
        and heads.group(0) not in infos[top[1]].target.name
        and not money
        and not names_target_task(m, heads, infos[top[1]])
    ):
        return None  # 实施项目77个 counts projects, not the target's 片区; 危桥改造任务22座 names it
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


def _combine(ms: list[tuple[Mention, float]]) -> tuple[float, Basis, str, tuple[float, ...]]:
    """Pick one value per target: correction > cumulative > summed parts > single; with the figures summed."""
    corrections = [x for x in ms if x[0].basis == "correction"]
    if corrections:
        m, v = corrections[-1]
        return v, "cumulative", m.q.text, (v,)
    cumulative = [x for x in ms if x[0].basis == "cumulative" and not x[0].sub]
    if cumulative:
        last = [x for x in cumulative if x[0].sentence == cumulative[-1][0].sentence]
        parts = tuple(v for _, v in last)
        return sum(parts), "cumulative", "；".join(m.q.text for m, _ in last), parts
    main = [x for x in ms if not x[0].sub] or ms
    parts = tuple(v for _, v in main)
    basis: Basis = "increment" if any(m.basis == "increment" for m, _ in main) else "unknown"
    return sum(parts), basis, "；".join(m.q.text for m, _ in main), parts


def parse_progress(
    content: str,
    progress: str,
    *,
    targets: Sequence[Target] | None = None,
    previous: Mapping[int, float] | None = None,
    previous_status: Status | None = None,
) -> ParseResult:
    """Link the achieved values in ``progress`` to the targets of ``content`` and classify the status
    (a reply with no news keeps ``previous_status``)."""
    infos = infos_for(tuple(targets), content or "") if targets is not None else target_infos(content or "")
    text = mask_markers(normalize(progress or ""))
    mentions = find_mentions(text) if infos else []
    inherit(mentions)
    amb: list[Ambiguity] = []
    per_target: dict[int, list[tuple[Mention, float, float]]] = {}
    shares: dict[int, tuple[Mention, float]] = {}
    last: tuple[Mention, int] | None = None
    topic: tuple[Mention, int] | None = None
    unplaced: list[Mention] = []
    for m in mentions:
        if "negated" in m.blocks:
            continue
        share = _share(m, infos)
        if share is not None:
            shares.setdefault(share[0], (m, share[1]))
            continue
        asked = len(amb)
        if "topic" in m.blocks:
            topic = restated(m, infos) or topic
            continue
        picked = restate_pick(m, infos, topic) or _choose(m, infos, amb)
        if picked is None and last is not None:
            picked = _part(m, last, infos)
        if picked is not None:
            per_target.setdefault(picked[0], []).append((m, picked[1], picked[2]))
            last = (m, picked[0])
        elif len(amb) == asked:
            unplaced.append(m)
    links: list[Link] = []
    summed: dict[
        int, tuple[float, ...]
    ] = {}  # a link summed from several figures: each is offered in a check
    for idx in range(len(infos)):
        if idx in per_target:
            named = _named(per_target[idx])
            value, basis, evidence, parts = _combine(named)
            summed.update({idx: parts} if len(parts) > 1 else {})
            amb.extend(a for a in [two_figures(idx, named, infos)] if a is not None)
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
                amb.append(
                    Ambiguity(
                        kind="decrease",
                        target=idx,
                        value=value,
                        evidence=evidence,
                        options=summed.get(idx, ()),
                    )
                )
        links.append(Link(target=idx, value=value, basis=basis, evidence=evidence))
    amb.extend(bare_doubts(links, {i: [m for m, _, _ in ms] for i, ms in per_target.items()}))
    amb.extend([*other_measure(unplaced, infos, links), *share_doubts(text, infos, links, unplaced)])
    result = _finish(infos, links, amb, progress, content, previous_status, summed)
    if not unplaced or len(links) == len(infos):
        return result
    return result.model_copy(update={"unmatched": unmatched(unplaced, infos, links)})


def _finish(
    infos: Sequence[TargetInfo],
    links: list[Link],
    amb: list[Ambiguity],
    progress: str,
    content: str | None,
    previous_status: Status | None,
    summed: Mapping[int, tuple[float, ...]],
) -> ParseResult:
    targets = tuple(i.target for i in infos)
    amb.extend(
        _check("over_target", ln, summed)
        for ln in links
        if ln.value > 1.5 * infos[ln.target].target.value > 0
    )
    achieved = {ln.target: ln.value for ln in links}
    content = "".join(t.name for t in targets) if content is None else content
    status = status_from_figures(progress, targets, achieved, content=content, previous=previous_status)
    done = reached(targets, achieved)
    if links and len(done) < len(targets) and claims_done(progress):
        amb.extend(_check("claim_below_target", ln, summed) for ln in links if ln.target not in done)
    return ParseResult(targets=targets, links=tuple(links), status=status, ambiguities=tuple(amb))


def _check(kind: str, ln: Link, summed: Mapping[int, tuple[float, ...]]) -> Ambiguity:
    """A check on a linked figure, offering each figure a sum was made of (41+12+38: which one?)."""
    return Ambiguity(
        kind=kind,  # type: ignore[arg-type]
        target=ln.target,
        value=ln.value,
        evidence=ln.evidence,
        options=summed.get(ln.target, ()),
    )
