"""The period a ledger file reports on: from its title, its column titles, or a default the caller gives."""

from __future__ import annotations

import re
from datetime import date

from handlers import texts
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.table import parse_title

_RANGE = re.compile(r"\d{1,2}\s*[-—－~～至到]\s*(\d{1,2})\s*月")
_UNTIL = re.compile(r"截[至止]\s*(\d{4}\s*年\s*)?(\d{1,2})\s*月")
_QUARTER = re.compile(r"([一二三四1-4])\s*季度")
_HALF = re.compile(r"上半年|前三季度")
_PLAN = re.compile(r"(\d{1,2})\s*月份?\s*(?:工作)?计划")
_QUARTER_MONTH = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_YEAR = re.compile(r"(20\d{2})\s*年")


def previous_month(today: date) -> tuple[int, int]:
    """Return (year, month) of the month before ``today``: the period a ledger is usually for."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _month(text: str) -> int | None:
    for pattern, group in ((_UNTIL, 2), (_RANGE, 1)):
        m = pattern.search(text)
        if m:
            return int(m.group(group))
    q = _QUARTER.search(text)
    if q:
        return _QUARTER_MONTH[q.group(1)]
    h = _HALF.search(text)
    if h:
        return 9 if h.group(0) == "前三季度" else 6
    return None


def _subject(title: str) -> str:
    rest = re.sub(r"^.*?\d{4}\s*年\s*(?:度)?", "", title) if _YEAR.search(title) else title
    rest = re.sub(r"[（(][^）)]*[）)]\s*$", "", rest)
    rest = re.sub(r"^(?:\d{1,2}\s*[-—－~～至]\s*\d{1,2}\s*月|[一二三四]季度|上半年|前三季度|全年)", "", rest)
    rest = re.sub(
        r"(?:工作进展|进展|推进|落实|完成)?(?:情况)?(?:台账|情况表|统计表|表|清单)$", "", rest.strip()
    )
    return re.sub(r"(?:工作进展|进展|推进|落实)情况$", "", rest).strip()


def find_period(
    source: str,
    title: str | None,
    headers: list[str],
    default: tuple[int, int] | None,
    preamble: tuple[str, ...] = (),
) -> tuple[int, int, int, str]:
    """Return (year, month, plan month, subject): the seed's title rules first, then any month said."""
    plan_header = next((h for h in headers if _PLAN.search(h)), "")
    subject = _subject(title or "") or "工作"
    if title:
        try:
            seed_year, seed_month, seed_plan, _ = parse_title(title, plan_header, source)
            return seed_year, seed_month, seed_plan, subject
        except LedgerFileError:
            pass
    text = " ".join([title or "", *preamble, *headers])
    year_m = _YEAR.search(text)
    month = _month(title or "") or _month(" ".join(preamble)) or _month(" ".join(headers))
    plan_m = _PLAN.search(plan_header)
    if month is None and plan_m:
        month = 12 if int(plan_m.group(1)) == 1 else int(plan_m.group(1)) - 1
    year = int(year_m.group(1)) if year_m else None
    if default is not None:
        year, month = year or default[0], month or default[1]
    if year is None or month is None:
        raise LedgerFileError(source, texts.I14_NO_PERIOD.format(title=title or ""))
    plan_month = int(plan_m.group(1)) if plan_m else month % 12 + 1
    return year, month, plan_month, subject
