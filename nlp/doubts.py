"""Doubts worth a question rather than a silent guess or a silent drop: a bare number after a target's name,
a measure word that counts the same things differently (3座 for a 处 target), two figures for one target,
and a share of a target (八成, 一半, 过半)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from nlp.measures import convert, is_count_unit
from nlp.mentions import Mention
from nlp.targets import TargetInfo, similarity
from nlp.types import Ambiguity, Link


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


HALF = r"(?P<word>一半|过半|大半|半数)"
NOT_DONE = frozenset(["remain", "plan", "compare", "progress", "negated"])


def bare_doubts(links: Sequence[Link], per_target: dict[int, list[Mention]]) -> list[Ambiguity]:
    """充电桩400: a link read from numbers without a measure word is asked about, not assumed."""
    out = []
    for ln in links:
        ms = per_target.get(ln.target, [])
        if ms and all(not m.q.unit for m in ms) and ln.basis != "share":
            text = "、".join(m.noun.strip() + m.q.text for m in ms)
            out.append(
                Ambiguity(
                    kind="bare_number", target=ln.target, value=ln.value, options=(ln.value,), evidence=text
                )
            )
    return out


def two_figures(
    idx: int, ms: Sequence[tuple[Mention, float]], infos: Sequence[TargetInfo]
) -> Ambiguity | None:
    """充电桩建成380个，充电桩390个: two figures that each name the target, neither an addition (又, 新增) nor
    a part (其中) nor a correction: which one is it, or both together?"""
    main = [(m, v) for m, v in ms if not m.sub and m.basis in ("unknown", "cumulative")]
    if len(main) < 2 or any(m.basis == "correction" for m, _ in ms) or len(ms) != len(main):
        return None
    if not all(similarity(m.noun, infos[idx]) >= 2 for m, _ in main):
        return None  # 新建7家、改扩建23家: parts that name their own kind, not the target twice
    values = [v for _, v in main]
    if len(set(values)) < 2:
        return None
    options = (*values, sum(values))
    evidence = "、".join(m.q.text for m, _ in main)
    return Ambiguity(kind="two_figures", target=idx, value=None, options=options, evidence=evidence)


def other_measure(
    unplaced: Sequence[Mention], infos: Sequence[TargetInfo], links: Sequence[Link]
) -> list[Ambiguity]:
    """口袋公园建成3座 for 口袋公园6处: a count in another measure word, said of a target, is asked about."""
    linked = {ln.target for ln in links}
    out: list[Ambiguity] = []
    for m in unplaced:
        if not is_count_unit(m.q.unit) or m.q.unit == "%" or m.blocks & NOT_DONE or m.sub:
            continue
        counts = [
            i
            for i, info in enumerate(infos)
            if i not in linked
            and is_count_unit(info.target.unit)
            and info.target.unit != "%"
            and convert(m.q.value, m.q.unit, info.target.unit) is None
        ]
        named = [i for i in counts if similarity(m.noun or m.pre, infos[i], m.pre) >= 2]
        # With one target, a count of its own unrelated thing (停车位20个 said to a 危房 item) is not asked about.
        own = bool(m.noun) and not m.inherited and not named
        pick = (
            named if len(named) == 1 else counts if len(counts) == 1 and len(infos) == 1 and not own else []
        )
        if pick and not any(a.target == pick[0] for a in out):
            out.append(
                Ambiguity(
                    kind="other_measure",
                    target=pick[0],
                    value=m.q.value,
                    options=(m.q.value,),
                    evidence=m.q.text,
                )
            )
    return out


def _overall(m: Mention, infos: Sequence[TargetInfo], links: Sequence[Link]) -> Ambiguity | None:
    """完成了七成左右 of an item with one target and no word naming it: the target's share, or the item's
    overall progress? Asked, with the target's share offered."""
    if len(infos) != 1 or links or m.q.unit != "%" or infos[0].target.unit == "%" or m.blocks - {"no_cue"}:
        return None
    if not _re(r"完成了?\s*(?:大概|大约|约|近|将近|差不多|接近)?\s*$").search(m.pre):
        return None
    target = infos[0].target
    share = target.value * m.q.value / 100
    value = float(round(share)) if is_count_unit(target.unit) else round(share, 6)
    return Ambiguity(kind="share", target=0, value=value, options=(value,), evidence=m.q.text)


def share_doubts(
    text: str, infos: Sequence[TargetInfo], links: Sequence[Link], unplaced: Sequence[Mention] = ()
) -> list[Ambiguity]:
    """A share of a count target (八成 → 320个) is asked about; 一半 / 过半 with no figure get a question too;
    so is a share of the item's one target that does not name it (完成了七成)."""
    out = [
        Ambiguity(kind="share", target=ln.target, value=ln.value, options=(ln.value,), evidence=ln.evidence)
        for ln in links
        if ln.basis == "share" and is_count_unit(infos[ln.target].target.unit)
    ]
    overall = [a for a in (_overall(m, infos, links) for m in unplaced) if a is not None]
    out.extend(overall[:1])
    linked = {ln.target for ln in links}
    counts = [i for i, info in enumerate(infos) if info.target.unit != "%" and i not in linked]
    for m in _re(HALF).finditer(text):
        before = text[max(0, m.start() - 16) : m.start()]
        if _re(r"[未没不]|还有|剩").search(before[-3:]):
            continue
        named = [i for i in counts if similarity(before, infos[i]) >= 2]
        pick = named[0] if len(named) == 1 else counts[0] if len(counts) == 1 == len(infos) else None
        if pick is None or any(a.target == pick for a in out):
            continue
        target = infos[pick].target
        half = target.value / 2
        value = float(round(half)) if is_count_unit(target.unit) else half
        options = (value,) if m.group("word") in ("一半", "半数") else ()  # 过半: no figure to offer
        out.append(
            Ambiguity(kind="share", target=pick, value=value, options=options, evidence=m.group("word"))
        )
    return out
