"""Clocks: the real one and a settable one for tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SystemClock:
    """The wall clock in Asia/Shanghai."""

    def now(self) -> datetime:
        """Return the current time in Asia/Shanghai."""
        return datetime.now(SHANGHAI)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)

    def now(self) -> datetime:
        """Return the set time."""
        return self._at

    def set(self, at: datetime) -> None:
        """Jump to ``at``."""
        self._at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta given as keyword arguments."""
        self._at += timedelta(**delta)
