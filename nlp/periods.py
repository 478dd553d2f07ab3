"""Which month a question is about: 2025-03, 2025年3月, 三月份, 上个月, 本月, 一季度 (= its last month)."""

from __future__ import annotations

import re
from datetime import date

from nlp.numerals import chinese_to_float

_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:(\d{4})\s*[年\-./]\s*)"
_MONTH = re.compile(rf"{_YEAR}?(?<![\d第])({_NUM})\s*(?:月份|月)(?!份|底前|计划)")
_ISO = re.compile(r"(\d{4})\s*[\-./]\s*(\d{1,2})(?!\d)")
_QUARTER = re.compile(rf"{_YEAR}?(?:第)?([一二三四1-4])\s*季度")
_RELATIVE = (
    (re.compile(r"上个?月|上月份"), -1),
    (re.compile(r"本月|这个?月|当月|本期|这一?期"), 0),
)
# Two months joined by 到/至/和/比 (1月到3月, 从一月份到现在, 二月份和三月份比): a span, asked as history.
_SPAN = re.compile(rf"{_NUM}\s*月份?\s*(?:到|至|和|与|跟|比|-|—|~)\s*(?:{_NUM}\s*月|现在|目前|今天|本月)")
_SINCE = re.compile(r"(从|自)\s*\S{0,4}月份?(起|以来|开始)?")


def _month_number(text: str) -> int | None:
    value = int(text) if text.isdigit() else chinese_to_float(text)
    return int(value) if value and 1 <= value <= 12 else None


def _code(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift(today: date, months: int) -> str:
    index = today.year * 12 + today.month - 1 + months
    return _code(index // 12, index % 12 + 1)


def _year_for(month: int, year: str | None, today: date) -> int:
    if year:
        return int(year)
    return today.year if month <= today.month else today.year - 1


def is_span(text: str) -> bool:
    """Return True when the text names a run of months (1月到3月, 从一月份到现在)."""
    return bool(_SPAN.search(text) or _SINCE.search(text))


def find_period(text: str, today: date) -> tuple[str | None, str]:
    """Return (the period code a question names or None, the text without it)."""
    if is_span(text):
        return None, _SINCE.sub("", _SPAN.sub("", text))
    m = _ISO.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return _code(int(m.group(1)), int(m.group(2))), text[: m.start()] + text[m.end() :]
    m = _QUARTER.search(text)
    if m:
        quarter = int(m.group(2)) if m.group(2).isdigit() else int(chinese_to_float(m.group(2)) or 1)
        month = quarter * 3
        return _code(_year_for(month, m.group(1), today), month), text[: m.start()] + text[m.end() :]
    m = _MONTH.search(text)
    if m:
        named = _month_number(m.group(2))
        if named:
            return _code(_year_for(named, m.group(1), today), named), text[: m.start()] + text[m.end() :]
    for pattern, offset in _RELATIVE:
        m = pattern.search(text)
        if m:
            return _shift(today, offset), text[: m.start()] + text[m.end() :]
    return None, text
