"""Split a unit cell into unit names: separators outside brackets, lead marks moved first.

"区卫健局（牵头）、区教体局" → (区卫健局, 区教体局); "区医保局、区卫健局（牵头）" → (区卫健局, 区医保局);
"各县（市、区）政府" stays one name, and "各镇（街道）" keeps its brackets: only a mark is removed.
"""

from __future__ import annotations

import re

from handlers.ledger.table import UNIT_ENDINGS

LEAD_MARKS = ("牵头", "主责", "主办", "负总责", "总牵头", "牵头单位")
OTHER_MARKS = ("配合", "协办", "参与")
_MARK = re.compile(r"[（(【\[]\s*(" + "|".join(LEAD_MARKS + OTHER_MARKS) + r")\s*[)）】\]]")
_SEPARATORS = "、，,；;\n/／"
_OPEN, _CLOSE = "（(【[", "）)】]"


def _split_outside_brackets(cell: str) -> list[tuple[str, bool]]:
    """Return the parts and whether each ended at a line break."""
    parts: list[tuple[str, bool]] = []
    depth = 0
    cur = ""
    for ch in cell:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in _SEPARATORS:
            parts.append((cur, ch == "\n"))
            cur = ""
        else:
            cur += ch
    parts.append((cur, False))
    return parts


def split_marked_units(cell: str) -> tuple[str, ...]:
    """Return the units of a cell, the lead-marked ones first, names broken over two lines joined."""
    leads: list[str] = []
    others: list[str] = []
    pending = ""
    for part, at_line_break in _split_outside_brackets(cell):
        text = part.strip().replace(" ", "").replace("\u3000", "")
        if not text:
            continue
        mark = _MARK.search(text)
        name = pending + _MARK.sub("", text).strip()
        # A line that does not end like a unit (区综合行政 / 执法局) is the first half of a name.
        if at_line_break and not name.endswith((*UNIT_ENDINGS, *_CLOSE)) and not mark:
            pending = name
            continue
        pending = ""
        (leads if mark and mark.group(1) in LEAD_MARKS else others).append(name)
    if pending:
        others.append(pending)
    return tuple(dict.fromkeys([*leads, *others]))
