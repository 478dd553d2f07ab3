"""Read a 完成时限 cell as a date: "6月底前", "2025年12月", "2025-06-30", "年底", "三季度末"."""

from __future__ import annotations

import calendar
import re
from datetime import date

_CN = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _end_of(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def deadline_date(cell: str, year: int) -> date | None:
    """Return the last day a deadline cell allows, in ``year`` unless it names another; None if unreadable.

    A cell naming several dates (6月底前开工，12月底前完工) means the last of them.
    """
    text = cell.replace(" ", "")
    found: list[date] = []
    for m in re.finditer(r"(?:(20\d{2})[-/.年])?(\d{1,2})[-/.月](?:(\d{1,2})日?)?", text):
        y, mo, d = int(m.group(1) or year), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12:
            continue
        if d and 1 <= int(d) <= calendar.monthrange(y, mo)[1] and not text[m.end() :].startswith("月"):
            found.append(date(y, mo, int(d)))
        else:
            found.append(_end_of(y, mo))
    for m in re.finditer(r"(?:(20\d{2})年)?(十[一二]?|[一二三四五六七八九])月", text):
        found.append(_end_of(int(m.group(1) or year), _CN[m.group(1 + 1)]))
    for m in re.finditer(r"(?:(20\d{2})年)?([一二三四1-4])季度", text):
        found.append(_end_of(int(m.group(1) or year), _QUARTER_END[m.group(2)]))
    years = [int(y) for y in re.findall(r"(20\d{2})年(?:底|末|内)", text)]
    found += [date(y, 12, 31) for y in years]
    if not found and re.search(r"年底|年末|年内|全年|长期|持续", text):
        found.append(date(year, 12, 31))
    if not found and re.search(r"上半年", text):
        found.append(date(year, 6, 30))
    if not found:
        whole = re.fullmatch(r"(20\d{2})年?", text)
        if whole:
            found.append(date(int(whole.group(1)), 12, 31))
    return max(found) if found else None
