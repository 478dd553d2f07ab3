"""When jobs fire, as settings: the one definition of the schedule's fields and defaults.

``bot.settings`` reads it from LEDGERBOT_SCHEDULE__… variables; the jobs read it as their config.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.core.clock import SHANGHAI


class Schedule(BaseModel):
    """When jobs fire (cron fields in the schedule's time zone, Asia/Shanghai by default)."""

    model_config = ConfigDict(frozen=True)

    open_period: str = "0 9 20 * *"
    deadline_day: int = 25  # the period's deadline: this day of its month (postponed off holidays)
    deadline_time: str = "17:00"
    remind_before_hours: float = 52
    escalate_after_hours: float = 1
    weekly_summary: str = "0 17 * * fri"
    monthly_ledger_hour: int = 9
    holidays: bool = True
    grace_seconds: int = 3600 * 6
    timezone: str = SHANGHAI.key

    @property
    def tz(self) -> ZoneInfo:
        """Return the schedule's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def grace(self) -> timedelta:
        """Return how late a missed run may still be caught up."""
        return timedelta(seconds=self.grace_seconds)
