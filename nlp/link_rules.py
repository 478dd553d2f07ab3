"""Linking rules for targets as governments restate and split them: a restated target, the year's money
against the total, a target's own task named with 任务/项目, and the figures left unplaced."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from nlp.measures import convert
from nlp.mentions import ACHIEVE, Mention
from nlp.targets import TargetInfo, similarity
from nlp.types import Link, Unmatched


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


IN_YEAR = r"今年|本年|年内|当年|年度|全年|[上下]半年|[一二三四1-4]季度|\d{1,2}[-—至到~]\d{1,2}月|[一二三四五六七八九十]+至[一二三四五六七八九十]+月"


def by_period(
    m: Mention, infos: Sequence[TargetInfo], cands: list[tuple[float, int, float]]
) -> list[tuple[float, int, float]]:
    """Two money targets, 总投资 and 年度计划投资, tie on 完成投资X亿元: an amount within the year (今年, 1-9月,
    上半年) is the year's; a cumulative one (累计) is the project's total."""
    tied = [c for c in cands if c[0] == cands[0][0]]
    if len(tied) != 2 or any(infos[c[1]].target.unit != "元" for c in tied):
        return cands
    yearly = [c for c in tied if _re(r"年|计划").search(infos[c[1]].target.name)]
    total = [c for c in tied if "总" in infos[c[1]].target.name]
    if len(yearly) != 1 or len(total) != 1 or yearly == total:
        return cands
    if _re(IN_YEAR).search(m.pre):
        pick = yearly[0]
    elif m.basis == "cumulative":
        pick = total[0]
    else:
        return cands
    return [(pick[0] + 0.5, pick[1], pick[2]), *(c for c in cands if c is not pick)]


def names_target_task(m: Mention, head: re.Match[str], info: TargetInfo) -> bool:
    """危桥改造任务22座 / 30所薄弱学校改造项目: the head word is the target's own task, not a count of projects.
    A 项目 counted with 个/项 counts projects (片区实施项目77个) whatever it names."""
    if head.group(0) == "项目" and m.q.unit in ("个", "项", ""):
        return False
    return similarity(m.noun[: head.start()], info) >= 2


def restated(m: Mention, infos: Sequence[TargetInfo]) -> tuple[Mention, int] | None:
    """全年120公里改造任务已完成76公里: a subject number equal to exactly one target restates that target."""
    same = [
        i
        for i, info in enumerate(infos)
        if info.target.unit != "%" and convert(m.q.value, m.q.unit, info.target.unit) == info.target.value
    ]
    return (m, same[0]) if len(same) == 1 else None


def restate_pick(
    m: Mention, infos: Sequence[TargetInfo], topic: tuple[Mention, int] | None
) -> tuple[int, float, float] | None:
    """A number after a restated target in its sentence, in its unit and with no doubt, measures that target
    unless its own noun names another target better (25座危桥改造任务已完成17座 → 17 for the 25座)."""
    if topic is None or topic[0].sentence != m.sentence or m.blocks - {"no_cue"} or m.sub:
        return None
    idx = topic[1]
    value = convert(m.q.value, m.q.unit, infos[idx].target.unit) if m.q.unit else None
    if value is None or ("no_cue" in m.blocks and not _re(ACHIEVE).search(m.pre)):
        return None
    own = similarity(m.noun, infos[idx])
    if any(similarity(m.noun, info) > max(own, 1) for i, info in enumerate(infos) if i != idx):
        return None
    return idx, value, max(own, 1.0)


NOT_ACHIEVED = frozenset(["remain", "plan", "compare", "progress"])  # said to be left, planned or a rate


def unmatched(ms: list[Mention], infos: Sequence[TargetInfo], links: list[Link]) -> tuple[Unmatched, ...]:
    """The figures in the unit of a target left unlinked that nothing placed: the echo shows them so the
    contact can say which target they measure (未提到 next to a figure the reply names misleads)."""
    linked = {ln.target for ln in links}
    out = []
    for m in ms:
        if not m.q.unit or m.q.unit == "%" or m.blocks & NOT_ACHIEVED or m.sub:  # 其中: a part of one before
            continue
        fits = tuple(
            i
            for i, info in enumerate(infos)
            if i not in linked
            and info.target.unit != "%"
            and convert(m.q.value, m.q.unit, info.target.unit) is not None
        )
        if fits:
            reason = ",".join(sorted(m.blocks - {"no_cue", "topic"}))
            out.append(
                Unmatched(text=m.q.text, value=m.q.value, unit=m.q.unit, candidates=fits, reason=reason)
            )
    return tuple(out)
