"""Dates as people read and write them: the one way a moment is shown (the year only when it is not the
current one) and the one reader of a deadline typed in chat (开启报送 …, 截止 …) or on the command line
(``ledgerbot period open … --deadline``)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, tzinfo

from pydantic import BaseModel, ConfigDict

from bot.core.clock import SHANGHAI
from handlers import texts

_FULL = r"(?P<y>\d{4})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*[日号]?|[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2}))"
_MONTH_DAY = r"(?P<m3>\d{1,2})\s*(?:月\s*(?P<d3>\d{1,2})\s*[日号]?|/\s*(?P<d4>\d{1,2}))"
_TIME = r"(?:\s*(?P<h>\d{1,2})\s*(?::\s*(?P<mi>\d{2})|[点时]\s*(?:(?P<mi2>\d{1,2})\s*分?|(?P<half>半))?))?"
_DEADLINE = re.compile(rf"(?:{_FULL}|{_MONTH_DAY})\s*(?:T\s*)?{_TIME}")


class DateError(ValueError):
    """A date that cannot be read; the message is for the user."""


class Deadline(BaseModel):
    """A deadline as read: the moment, and whether the time was not written (the default was taken)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    default_time: bool = False


def moment_text(when: datetime, now: datetime, tz: tzinfo = SHANGHAI) -> str:
    """Return '4月25日17:00' in the current year and '2027年4月25日17:00' in any other (in ``tz``)."""
    local, today = when.astimezone(tz), now.astimezone(tz)
    template = texts.DATE_MONTH_DAY if local.year == today.year else texts.DATE_WITH_YEAR
    return template.format(year=local.year, month=local.month, day=local.day, time=f"{local:%H:%M}")


def moment_stamp(when: datetime, tz: tzinfo = SHANGHAI) -> str:
    """Return '2025-04-25 17:00' (the command line's form, always with the year)."""
    return f"{when.astimezone(tz):%Y-%m-%d %H:%M}"


def period_start(code: str) -> datetime:
    """Return the first moment of a period 'YYYY-MM' in Asia/Shanghai."""
    return datetime(int(code[:4]), int(code[5:7]), 1, tzinfo=SHANGHAI)


def parse_deadline(text: str, code: str, now: datetime, default_time: str) -> Deadline:
    """Read a deadline for period ``code``: '2025-04-25 17:00', '2025年4月25日17:00', '4月25日17:00',
    '4月25日' (at ``default_time``), '4月25日5点半'.

    A date without a year is the next such moment that is neither past nor before the period's start. A date
    with a year is taken as written (whether it is past is the caller's check, with one message for all).
    """
    written = (text or "").strip()
    m = _DEADLINE.fullmatch(unicodedata.normalize("NFKC", written).strip())
    if not m:
        raise DateError(unreadable(written, code, now, default_time))
    g = m.groupdict()
    month = int(g["m1"] or g["m2"] or g["m3"])
    day = int(g["d1"] or g["d2"] or g["d3"] or g["d4"])
    hour, minute = (int(x) for x in default_time.split(":"))
    if g["h"] is not None:
        hour, minute = int(g["h"]), 30 if g["half"] else int(g["mi"] or g["mi2"] or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateError(texts.DATE_INVALID.format(text=written))
    if g["y"]:
        try:
            at = datetime(int(g["y"]), month, day, hour, minute, tzinfo=SHANGHAI)
        except ValueError as exc:
            raise DateError(texts.DATE_INVALID.format(text=written)) from exc
        return Deadline(at=at, default_time=g["h"] is None)
    after = max(now, period_start(code))
    for year in range(after.year, after.year + 9):  # 2月29日: the next leap year
        try:
            at = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
        except ValueError:
            continue
        if at >= after:
            return Deadline(at=at, default_time=g["h"] is None)
    raise DateError(texts.DATE_INVALID.format(text=written))


def examples(now: datetime, default_time: str) -> dict[str, str]:
    """Return a period code and deadlines that are valid now, for usage texts and help: the period whose
    25th at ``default_time`` is not past, its deadline and a later one."""
    hour, minute = (int(x) for x in default_time.split(":"))
    local = now.astimezone(SHANGHAI)
    year, month = local.year, local.month
    if datetime(year, month, 25, hour, minute, tzinfo=SHANGHAI) < local:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    parts = {"year": year, "month": month}
    return {
        "code": f"{year}-{month:02d}",
        "iso": f"{year}-{month:02d}-25 {default_time}",
        "full": texts.DATE_WITH_YEAR.format(**parts, day=25, time=default_time),
        "deadline": texts.DATE_MONTH_DAY.format(**parts, day=25, time=default_time),
        "day": texts.DATE_MONTH_DAY.format(**parts, day=25, time=""),
        "moved": texts.DATE_MONTH_DAY.format(**parts, day=28, time=default_time),
    }


def unreadable(text: str, code: str, now: datetime, default_time: str) -> str:
    """Return the message for a deadline that cannot be read, with examples that are valid for ``code``."""
    e = examples(max(now, period_start(code)), default_time)
    return texts.DEADLINE_UNREADABLE.format(
        text=text, iso=e["iso"], full=e["full"], month_day=e["deadline"], day=e["day"], time=default_time
    )
