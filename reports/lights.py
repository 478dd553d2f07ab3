"""序时进度 (time-proportional expected progress) and the red/yellow/green lights."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reports.figures import percent_value, points_between

Light = Literal["green", "yellow", "red"]
LIGHT_LABELS: dict[str, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
LIGHT_EMOJI: dict[str, str] = {"green": "🟢", "yellow": "🟡", "red": "🔴"}


class Thresholds(BaseModel):
    """How far behind 序时进度 (in percentage points) turns an item yellow or red."""

    model_config = ConfigDict(frozen=True)

    yellow: float = 10.0
    red: float = 30.0


# An item with no number that has not started delivering: yellow once this share of its span has passed, red at that.
NO_NUMBER_YELLOW = 1 / 3
NO_NUMBER_RED = 1 / 2


def period_end(year: int, month: int) -> date:
    """Return the last day of a period's month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def schedule_share(year: int, month: int, start: date | None = None, end: date | None = None) -> float:
    """Return the elapsed share of the item's span at the period's end (default span: the ledger year)."""
    start = start or date(year, 1, 1)
    end = end or date(year, 12, 31)
    at = period_end(year, month)
    total = (end - start).days + 1
    if total <= 0:
        return 1.0
    elapsed = (at - start).days + 1
    return max(0.0, min(1.0, elapsed / total))


def item_light(
    status: str, completion: float | None, schedule: float, thresholds: Thresholds
) -> tuple[Light, float | None]:
    """Return the light and the gap to 序时进度 in points (positive = behind)."""
    if status == "completed":
        return "green", 0.0
    if completion is None:
        if status in ("not_started", "preparing"):
            gap = percent_value(schedule)
            if schedule >= NO_NUMBER_RED - 1e-9:
                return "red", gap
            return ("yellow" if schedule >= NO_NUMBER_YELLOW - 1e-9 else "green"), gap
        # Delivery under way with no number: taken as on schedule until the last fifth of the span.
        completion = min(schedule, 0.8)
    gap = points_between(schedule, completion)
    if gap > thresholds.red:
        return "red", gap
    if gap >= thresholds.yellow:
        return "yellow", gap
    return "green", gap
