"""When the scheduled jobs fire: the official working-day calendar, cron times shifted off holidays, deadline-relative times.

Pure time arithmetic (no storage): the scheduler, the hourly/minutely tick, ``jobs list`` and ``jobs run`` all
ask this module, so they always agree on a job's fire times and on the (job, fire time) key of the dispatch log.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.clock import SHANGHAI
from handlers.jobs.schedule import Schedule

_log = logging.getLogger(__name__)

OPEN_PERIOD, REMIND, ESCALATE, WEEKLY_SUMMARY, MONTHLY_LEDGER = (
    "open-period",
    "remind",
    "escalate",
    "weekly-summary",
    "monthly-ledger",
)
JOB_NAMES = (OPEN_PERIOD, REMIND, ESCALATE, WEEKLY_SUMMARY, MONTHLY_LEDGER)
CRON_JOBS = (OPEN_PERIOD, WEEKLY_SUMMARY)
DEADLINE_JOBS = (REMIND, ESCALATE, MONTHLY_LEDGER)
# The longest run of non-working days in the official calendar is 8-9 days (Spring Festival, National Day);
# a shifted time never lands further than this from its nominal time.
MAX_SHIFT = timedelta(days=20)
_MAX_STEPS = 200_000  # guard against a cron expression firing every minute over a long search window
_DOW = {"0": "sun", "7": "sun", "1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat"}


class JobConfig(Schedule):
    """The schedule as the jobs see it: the settings' schedule in the application's time zone."""

    def cron(self, job: str) -> str:
        """Return the cron expression of a cron-driven job."""
        return {OPEN_PERIOD: self.open_period, WEEKLY_SUMMARY: self.weekly_summary}[job]

    @classmethod
    def from_settings(cls, settings: Any) -> JobConfig:
        """Return the config of an application's ``Settings`` (read by attribute, no import of bot.settings)."""
        fields = settings.schedule.model_dump()
        fields["timezone"] = getattr(settings, "timezone", fields["timezone"])
        return cls(**fields)


class WorkCalendar:
    """Working days of the official Chinese calendar (public holidays off, 调休 make-up days on).

    Uses ``chinese_calendar``; for a year it does not know yet it falls back to Monday–Friday and logs a
    warning once per year. ``enabled=False`` means every day is a working day (no shifting at all).
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._warned: set[int] = set()

    def is_workday(self, day: date) -> bool:
        """Return True when ``day`` is a working day."""
        if not self.enabled:
            return True
        try:
            import chinese_calendar

            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                _log.warning(
                    "chinese_calendar has no holiday data for %s; treating Monday-Friday as working days "
                    "(upgrade chinesecalendar when the State Council publishes the year's schedule)",
                    day.year,
                )
            return day.weekday() < 5

    def forward(self, when: datetime) -> datetime:
        """Return ``when`` moved to the same time of day on the first working day on or after it."""
        day = when.date()
        for _ in range(60):
            if self.is_workday(day):
                break
            day += timedelta(days=1)
        return when if day == when.date() else _on_day(when, day)

    def backward(self, when: datetime) -> datetime:
        """Return ``when`` moved to the same time of day on the last working day on or before it."""
        day = when.date()
        for _ in range(60):
            if self.is_workday(day):
                break
            day -= timedelta(days=1)
        return when if day == when.date() else _on_day(when, day)


def _on_day(when: datetime, day: date) -> datetime:
    return datetime.combine(day, when.timetz().replace(tzinfo=None), tzinfo=when.tzinfo)


def fire_key(when: datetime, tz: ZoneInfo | None = None) -> str:
    """Return the dispatch-log key of a fire time, e.g. '2025-04-25T17:00+08:00'."""
    return when.astimezone(tz or SHANGHAI).isoformat(timespec="minutes")


def crontab_trigger(expr: str, tz: ZoneInfo) -> CronTrigger:
    """Return a CronTrigger for a standard 5-field crontab line.

    APScheduler 3 numbers weekdays from Monday=0, unlike crontab (Sunday=0), so numeric weekdays are translated
    to names first: "0 17 * * 5" is Friday, as in crontab.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression needs 5 fields (minute hour day month weekday): {expr!r}")
    fields[4] = re.sub(r"\d+", lambda m: _DOW.get(m.group(0), m.group(0)), fields[4])
    minute, hour, day, month, dow = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone=tz)


def _nominal(trigger: CronTrigger, start: datetime):
    """Yield the unshifted fire times at or after ``start``."""
    t = trigger.get_next_fire_time(None, start)
    steps = 0
    while t is not None and steps < _MAX_STEPS:
        yield t
        steps += 1
        t = trigger.get_next_fire_time(t, t + timedelta(microseconds=1))


def next_cron_fire(expr: str, after: datetime, cfg: JobConfig, cal: WorkCalendar) -> datetime | None:
    """Return the first fire time strictly after ``after``, holidays shifted to the next working day."""
    trigger = crontab_trigger(expr, cfg.tz)
    best = None
    for t in _nominal(trigger, after - MAX_SHIFT):
        if best is not None and t > best:
            break  # a later nominal time only shifts later still
        s = cal.forward(t)
        if s > after and (best is None or s < best):
            best = s
    return best


def last_cron_fire(expr: str, at: datetime, cfg: JobConfig, cal: WorkCalendar) -> datetime | None:
    """Return the latest fire time at or before ``at``, holidays shifted to the next working day."""
    trigger = crontab_trigger(expr, cfg.tz)
    for lookback in (timedelta(days=35), timedelta(days=400), timedelta(days=3700)):
        start = at - lookback
        found = None
        for t in _nominal(trigger, start - MAX_SHIFT):
            if t > at:
                break
            s = cal.forward(t)
            if s <= at and (found is None or s > found):
                found = s
        if found is not None and found >= start:
            return found
    return None


def period_deadline(year: int, month: int, cfg: JobConfig, cal: WorkCalendar) -> datetime:
    """Return the deadline of a month's period: the configured day and time, postponed to a working day.

    As with statutory time limits (民法典第二百零三条), a deadline on a holiday moves to the next working day.
    A day beyond the month's end means its last day.
    """
    hour, minute = (int(x) for x in cfg.deadline_time.split(":"))
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    day = date(year, month, min(cfg.deadline_day, last))
    return cal.forward(datetime.combine(day, time(hour, minute), tzinfo=cfg.tz))


def deadline_fire(job: str, deadline: datetime, cfg: JobConfig, cal: WorkCalendar) -> datetime:
    """Return when a deadline-relative job fires for a period with ``deadline``.

    remind: ``remind_before_hours`` before, moved to the next working day unless that is at or past the
    deadline, then to the previous one; escalate: ``escalate_after_hours`` after, next working day;
    monthly-ledger: the day after at ``monthly_ledger_hour``, next working day.
    """
    deadline = deadline.astimezone(cfg.tz)
    if job == REMIND:
        t = deadline - timedelta(hours=cfg.remind_before_hours)
        moved = cal.forward(t)
        return moved if moved < deadline else cal.backward(t)
    if job == ESCALATE:
        return cal.forward(deadline + timedelta(hours=cfg.escalate_after_hours))
    if job == MONTHLY_LEDGER:
        day = deadline.date() + timedelta(days=1)
        return cal.forward(datetime.combine(day, time(cfg.monthly_ledger_hour), tzinfo=cfg.tz))
    raise ValueError(f"not a deadline job: {job}")


def deadline_fires(job: str, periods, cfg: JobConfig, cal: WorkCalendar) -> dict[datetime, list]:
    """Return fire time → the periods (those with a deadline) that fire ``job`` then."""
    out: dict[datetime, list] = {}
    for p in periods:
        if p.deadline is not None:
            out.setdefault(deadline_fire(job, p.deadline, cfg, cal), []).append(p)
    return out


def last_fire(job: str, at: datetime, cfg: JobConfig, cal: WorkCalendar, periods=()) -> datetime | None:
    """Return the latest fire time of ``job`` at or before ``at`` (deadline jobs: of existing periods)."""
    if job in CRON_JOBS:
        return last_cron_fire(cfg.cron(job), at, cfg, cal)
    past = [t for t in deadline_fires(job, periods, cfg, cal) if t <= at]
    return max(past) if past else None


class NextFire(NamedTuple):
    """A job's next fire time, the period it concerns (deadline jobs) and whether that period is not open yet."""

    time: datetime | None
    period: str = ""
    projected: bool = False


def next_fire(job: str, after: datetime, cfg: JobConfig, cal: WorkCalendar, periods=()) -> NextFire:
    """Return the next fire time after ``after``; for a deadline job with no period due, project it from the
    deadline of the period the next open-period run will open."""
    if job == OPEN_PERIOD:
        t = next_cron_fire(cfg.open_period, after, cfg, cal)
        return NextFire(t, period_code_of(t, cfg) if t else "")
    if job in CRON_JOBS:
        return NextFire(next_cron_fire(cfg.cron(job), after, cfg, cal))
    future = sorted((t, ps) for t, ps in deadline_fires(job, periods, cfg, cal).items() if t > after)
    if future:
        t, ps = future[0]
        return NextFire(t, "、".join(p.code for p in ps))
    known = {p.code for p in periods}
    opening: datetime | None = after
    for _ in range(3):  # the next openings' deadlines, skipping months whose period exists already
        opening = next_cron_fire(cfg.open_period, opening, cfg, cal) if opening else None
        if opening is None:
            break
        code = period_code_of(opening, cfg)
        if code in known:
            continue
        t = deadline_fire(job, open_deadline(opening, cfg, cal), cfg, cal)
        if t > after:
            return NextFire(t, code, True)
    return NextFire(None)


def open_deadline(fire: datetime, cfg: JobConfig, cal: WorkCalendar) -> datetime:
    """Return the deadline of the period opened at ``fire`` (the next month's when this month's has passed)."""
    local = fire.astimezone(cfg.tz)
    deadline = period_deadline(local.year, local.month, cfg, cal)
    if deadline <= fire:
        y, m = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        deadline = period_deadline(y, m, cfg, cal)
    return deadline


def period_code_of(fire: datetime, cfg: JobConfig) -> str:
    """Return the period a run of open-period at ``fire`` opens: the month of the fire time."""
    local = fire.astimezone(cfg.tz)
    return f"{local.year:04d}-{local.month:02d}"
