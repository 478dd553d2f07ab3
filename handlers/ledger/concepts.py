"""Recognise a ledger's columns by meaning: a synonym table per concept, not the seed's exact words.

A header cell is matched against every concept's words; a column takes the concept it matches best,
and when two columns claim the same concept (项目名称 and 建设内容, 重点任务 and 具体内容) the better
ranked one wins and the other is kept as an extra column under its own title.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

Concept = Literal[
    "seq",
    "category",
    "content",
    "unit",
    "partner",
    "leader",
    "deadline",
    "progress",
    "problems",
    "plan",
    "problems_plan",
    "note",
    "other",
]
# Concepts a ledger has at most one column of; the rest (leader, note, other) may repeat.
SINGLE: tuple[Concept, ...] = (
    "seq",
    "content",
    "category",
    "unit",
    "partner",
    "deadline",
    "progress",
    "problems",
    "plan",
    "problems_plan",
)
# Words that make a column a figure (投资, 完成率) whatever else it says: kept as an extra column.
_FIGURE = re.compile(r"投资|资金|金额|万元|亿元|比例|率|数量|个数|任务数|面积|电话|手机|%|％|百分")
_NOT_CONTENT = re.compile(r"会议|类别|分类|领域|板块|建设内容|规模|状态|时间|时限|单位|部门|领导")

# (concept, pattern, rank): the lower the rank, the surer the match. Checked per header cell.
SYNONYMS: tuple[tuple[Concept, str, int], ...] = (
    ("seq", r"^(序号|编号|序列号|项目编号|任务编号|No\.?|NO\.?)$", 0),
    ("problems_plan", r"问题.*(计划|打算|措施|举措|建议)|(计划|打算|措施).*问题", 0),
    ("partner", r"配合|协办|协同|协助|参与单位|参加单位", 0),
    ("leader", r"领导|责任人|负责人|包保|分管|联系人", 0),
    ("unit", r"单位|部门|牵头|主责|承办|责任主体|实施主体", 0),
    ("deadline", r"时限|时间节点|完成时间|截止时间|期限|办结时间|完成时间节点", 0),
    ("progress", r"进展|进度|完成情况|推进情况|落实情况|执行情况|办理情况|实施情况|工作情况", 0),
    ("problems", r"问题|困难|短板", 0),
    ("plan", r"计划|打算|下步|下一步|措施|举措|工作安排|安排", 0),
    ("note", r"^备注", 0),
    ("category", r"会议名称|类别|分类|领域|板块|类型|来源", 0),
    ("category", r"重点任务|目标任务|主要任务|专项|方面", 1),
    ("content", r"具体内容|具体项目|项目内容|工作内容|任务内容|事项内容|具体任务|及具体内容|项目及目标", 0),
    ("content", r"议定事项|任务名称|项目名称|事项名称|实事项目|工作任务|重点工作|工作事项|内容|事项", 1),
    ("content", r"项目|任务|工作|实事|名称", 2),
    ("content", r"目标", 3),
)


class HeaderColumn(BaseModel):
    """One column of a file's header: its title as written and the concept it was read as."""

    model_config = ConfigDict(frozen=True)

    index: int
    title: str
    concept: Concept


def _flat(title: str) -> str:
    return re.sub(r"\s+", "", title)


def candidates(title: str) -> list[tuple[int, Concept]]:
    """Return the (rank, concept) pairs a header cell could mean; the first is its meaning."""
    flat = _flat(title)
    found: list[tuple[int, Concept]] = []
    for concept, pattern, rank in SYNONYMS:
        if not flat or not re.search(pattern, flat):
            continue
        if concept == "content" and _NOT_CONTENT.search(flat):
            continue
        if concept not in ("seq", "note") and _FIGURE.search(flat):
            continue
        found.append((rank, concept))
    return found


def _rank(opts: list[tuple[int, Concept]], concept: Concept) -> int | None:
    if not opts:
        return None
    if opts[0][1] == concept:
        return opts[0][0]
    # A category-like cell (重点任务) is the content only when no column names the content better.
    if concept == "content" and opts[0][1] == "category":
        return next((r + 10 for r, c in opts if c == "content"), None)
    return None


def map_header(titles: list[str]) -> list[HeaderColumn]:
    """Return each header cell's concept; the better-ranked column wins a single concept."""
    options = [candidates(t) for t in titles]
    chosen: dict[int, Concept] = {}
    for concept in SINGLE:
        ranked = [
            (r, i)
            for i, opts in enumerate(options)
            if i not in chosen and (r := _rank(opts, concept)) is not None
        ]
        if ranked:
            chosen[min(ranked)[1]] = concept
    out = []
    for i, title in enumerate(titles):
        first = options[i][0][1] if options[i] else "other"
        meaning: Concept = chosen.get(i, first if first in ("leader", "note") else "other")
        out.append(HeaderColumn(index=i, title=title, concept=meaning))
    return out


def header_score(titles: list[str]) -> int:
    """Return how much a row looks like a ledger header: concepts recognised, content and unit required."""
    mapped = map_header(titles)
    concepts = {c.concept for c in mapped if c.title.strip()}
    if "content" not in concepts or "unit" not in concepts:
        return 0
    return len(concepts - {"other"})
