"""Split a contact's reply into progress / problems / plan, and a multi-item reply into items."""

from __future__ import annotations

import re
from functools import cache

from nlp.numerals import chinese_to_float, normalize
from nlp.types import ReplyParts

_NONE_WORDS = frozenset(
    [
        "无",
        "暂无",
        "没有",
        "没",
        "无问题",
        "暂无问题",
        "没有问题",
        "没问题",
        "无困难",
        "暂无困难",
        "没有困难",
        "无困难问题",
        "暂时没有",
        "暂时无",
        "目前无",
        "目前没有",
        "目前暂无",
        "不存在",
        "否",
        "无需",
        "none",
        "no",
        "nil",
        "n/a",
        "na",
        "null",
        "无此项",
        "/",
        "-",
        "—",
        "——",
    ]
)
_KEYS = {
    "progress": r"目前进展|工作进展|进展情况|进展|完成情况|进度",
    "problems": r"存在的?问题|困难和?问题|问题和?困难|遇到的?问题|困难|问题",
    "plan": r"下一?步(?:工作)?(?:计划|打算|安排)|下[个]?月(?:工作)?(?:计划|安排)|"
    r"[0-9一二三四五六七八九十]{1,2}月份?(?:工作)?计划|(?:工作|后续)?计划|打算",
}


@cache
def _marker_re() -> re.Pattern[str]:
    keys = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _KEYS.items())
    # a key opens a part at the start, after a line break / sentence end / space, and then
    # either carries a colon or is one of the unmistakable section names
    return re.compile(
        rf"(?:(?:^|(?<=[\s。；;!！?？]))(?P<open>[【\[])?|(?P<bracket>[【\[]))(?:{keys})[】\]]?\s*(?P<colon>[:：])?"
    )


def is_none(text: str) -> bool:
    """Tell whether a problems/plan answer means "none" (无 / 暂无 / 没有 / none)."""
    core = re.sub(r"[\s。.!！,，;；~～、]+", "", normalize(text or "")).lower()
    return core in _NONE_WORDS or (bool(core) and core.rstrip("问题困难") in {"无", "暂无", "没有", "没"})


def split_parts(text: str) -> ReplyParts:
    """Split "进展：… 问题：… 计划：…" (and 存在问题 / 下步计划 variants) into its three parts."""
    text = text or ""
    norm = normalize(text)
    found: list[tuple[int, int, str]] = []
    for m in _marker_re().finditer(norm):
        name = next(k for k in _KEYS if m.group(k))
        bare = m.group(name) in ("问题", "计划", "困难", "进度", "打算")
        if bare and not (m.group("colon") or m.group("bracket") or m.group("open")) and m.start() == 0:
            continue  # "计划扩招400个" at the start is progress text, not a section
        if found and found[-1][2] == name:
            continue
        found.append((m.start(), m.end(), name))
    parts = {"progress": "", "problems": "", "plan": ""}
    if not found:
        parts["progress"] = text.strip()
    else:
        head = text[: found[0][0]].strip()
        if head:
            parts["progress"] = head
        for i, (_, end, name) in enumerate(found):
            stop = found[i + 1][0] if i + 1 < len(found) else len(norm)
            body = text[end:stop].strip(" \n\t；;，,")
            parts[name] = (parts[name] + " " + body).strip() if parts[name] else body
    if parts["problems"] and is_none(parts["problems"]):
        parts["problems"] = "无"
    return ReplyParts(**parts)


@cache
def _item_re() -> re.Pattern[str]:
    return re.compile(
        r"[(（]\s*(?P<p>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）]|(?P<circle>[①-⑳])"
        r"|(?:^|(?<=[\n。；;!！ ]))\s*(?:(?P<d>\d{1,2})\s*[.、．)）](?!\d)|(?P<dd>\d{1,2})[.．](?=\d)|(?P<c>[一二三四五六七八九十]{1,2})[、.．]"
        r")"
    )


def split_items(text: str) -> dict[int, str]:
    """Split a numbered reply ("1.… 2.…", "1、…", "（1）…", "①…") into {number: text}; {} if not numbered."""
    return numbered_items(text)[0]


def numbered_items(text: str) -> tuple[dict[int, str], bool]:
    """Return ``split_items`` and whether every mark is plainly a list marker: "1.12个乡镇" may be item 1's
    12个 or 1.12个, so a mark of digits around a point is not plain."""
    text = text or ""
    norm = normalize(text)
    marks: list[tuple[int, int, int]] = []
    plain = True
    expected = 1
    for m in _item_re().finditer(norm):
        raw = m.group("p") or m.group("d") or m.group("dd") or m.group("c")
        if m.group("circle"):
            n = ord(m.group("circle")) - ord("①") + 1
        else:
            n = int(raw) if raw.isdigit() else int(chinese_to_float(raw) or 0)
        if n != expected:
            continue  # 2.2个 inside item 1, or a number that is not the next item
        marks.append((m.start(), m.end(), n))
        plain = plain and not m.group("dd")
        expected += 1
    if len(marks) < 2:
        return {}, True
    out: dict[int, str] = {}
    for i, (_, end, n) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else len(norm)
        out[n] = text[end:stop].strip(" \n\t；;，,")
    return out, plain
