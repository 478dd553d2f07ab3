"""The scheduler process: APScheduler 3 (Asia/Shanghai, in-memory job store) driving handlers/jobs exactly once.

Design:
- open-period and weekly-summary are cron jobs on a ``WorkdayCronTrigger``: the cron line's next time, moved to
  the same time of day on the next working day of the official calendar when it falls on a holiday or weekend
  (make-up working days count as working days).
- remind, escalate and monthly-ledger depend on each period's deadline, which a coordinator may set or move at
  any time, so no trigger is planted for them: a tick every minute computes their fire times from the stored
  deadlines and runs the latest one that is due and not yet in the dispatch log.
- The same tick runs once on start, which is the catch-up: per job only the latest missed time (coalesced),
  and only within ``grace_seconds``; older misses are logged and skipped.
- The dispatch log's unique (job, fire time) is what makes a posting exactly-once; the in-memory job store is
  never shared, so a second scheduler on the same database just finds every claim taken.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TextIO

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.app import App
from bot.core.replies import Outbound
from bot.platforms.catalog import default_registry
from bot.platforms.registry import Registry
from handlers.jobs.runner import JobRun, run_due, run_job_once
from handlers.jobs.times import CRON_JOBS, JobConfig, WorkCalendar, crontab_trigger, last_fire, next_cron_fire
from storage.db import unreachable

_log = logging.getLogger(__name__)
TICK = "tick"


class WorkdayCronTrigger(BaseTrigger):
    """A crontab line whose times on non-working days move to the next working day (same time of day)."""

    def __init__(self, expr: str, config: JobConfig, calendar: WorkCalendar) -> None:
        self.expr, self.config, self.calendar = expr, config, calendar
        crontab_trigger(expr, config.tz)  # a bad expression fails here, not at the first fire time

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """Return the first shifted time after the previous fire time (or at or after now)."""
        after = previous_fire_time if previous_fire_time is not None else now - timedelta(microseconds=1)
        return next_cron_fire(self.expr, after, self.config, self.calendar)

    def __str__(self) -> str:
        return f"workday-cron[{self.expr}{', holidays shifted' if self.calendar.enabled else ''}]"


def add_console_sender(app: App, out: TextIO | None = None, registry: Registry | None = None) -> None:
    """Make console posts visible (stdout + outbox folder) unless a console sender is registered already.

    Every platform's standalone sender is added this way (the console's prints); the registry names them.
    """
    (registry or default_registry()).add_standalone_senders(app, out)


class NoSenderError(LookupError):
    """A post for a platform this process cannot send to; the outbox keeps it, saying why in plain words."""


class _KeptForItsProcess:
    """Stands in for the sender of a platform served by another process: every post goes to the outbox with
    a reason an operator can act on (the platform's own process sends outbox rows of its platform)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    async def send(self, outbound: Outbound) -> None:
        from handlers import texts

        raise NoSenderError(texts.NO_SENDER.format(platform=self.platform))


class SchedulerService:
    """The scheduler as a Service of ``ledgerbot run`` / ``ledgerbot scheduler``."""

    name = "scheduler"

    def __init__(self, app: App, *, console: bool = True, registry: Registry | None = None) -> None:
        self.app = app
        self.registry = registry
        self.config = JobConfig.from_settings(app.settings)
        self.calendar = WorkCalendar(self.config.holidays)
        self.console = console
        self.scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()  # one posting at a time in this process
        self._stand_ins: dict[str, _KeptForItsProcess] = {}  # platforms with no sender in this process

    def build(self) -> AsyncIOScheduler:
        """Return the (not yet started) APScheduler with the cron jobs and the tick."""
        cfg = self.config
        scheduler = AsyncIOScheduler(
            timezone=cfg.tz,
            jobstores={"default": MemoryJobStore()},
            job_defaults={"coalesce": True, "misfire_grace_time": cfg.grace_seconds, "max_instances": 1},
        )
        for name in CRON_JOBS:
            scheduler.add_job(
                self.run_scheduled,
                WorkdayCronTrigger(cfg.cron(name), cfg, self.calendar),
                args=[name],
                id=name,
                name=name,
            )
        scheduler.add_job(
            self.tick, CronTrigger(minute="*", timezone=cfg.tz), id=TICK, name="deadline jobs and catch-up"
        )
        return scheduler

    async def start(self) -> None:
        """Catch up missed runs once, then start the triggers."""
        if self.console:
            add_console_sender(self.app, registry=self.registry)
        await self.report_senderless()
        runs = await self.tick()
        for run in runs:
            _log.info("caught up %s at %s: posted %d", run.job, run.key, run.posted)
        self.scheduler = self.build()
        self.scheduler.start()
        for job in self.scheduler.get_jobs():
            _log.info("job %s next at %s", job.id, job.next_run_time)

    async def report_senderless(self) -> list[str]:
        """Warn, once at start, of each platform with people or groups to post to but no sender here."""
        async with self.app.uow() as uow:
            wanted = {c.platform for c in await uow.chats.contacts()} | {
                g.platform for g in await uow.chats.groups()
            }
        missing = sorted(p for p in wanted if p not in self.app.senders)
        for platform in missing:
            self._stand_ins[platform] = self.app.senders[platform] = _KeptForItsProcess(platform)
            _log.warning(
                "%s: no sender in this process; its scheduled posts wait in the outbox until a process "
                "serving %s (ledgerbot run %s, or ledgerbot web) sends them",
                platform,
                platform,
                platform,
            )
        return missing

    async def stop(self) -> None:
        """Stop the triggers (a posting under way finishes; its claim is already committed)."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None
        for platform, stand_in in self._stand_ins.items():
            if self.app.senders.get(platform) is stand_in:
                del self.app.senders[platform]
        self._stand_ins.clear()

    async def tick(self) -> list[JobRun]:
        """Run every job whose latest fire time is due, within the grace window and not yet posted."""
        async with self._lock:
            try:
                return await run_due(self.app, config=self.config, calendar=self.calendar)
            except Exception as exc:  # the next tick tries again; the scheduler must keep running
                _failed("scheduled jobs", exc)
                return []

    async def run_scheduled(self, name: str) -> JobRun | None:
        """Run a cron job for the fire time that just came (the latest one at or before now)."""
        async with self._lock:
            now = self.app.clock.now()
            fire = last_fire(name, now, self.config, self.calendar)
            if fire is None or now - fire > self.config.grace:
                return None
            try:
                return await run_job_once(self.app, name, fire, config=self.config, calendar=self.calendar)
            except Exception as exc:  # the minute tick runs it once the cause is gone (within the grace)
                _failed(name, exc)
                return None


def _failed(what: str, exc: Exception) -> None:
    """Log a failed run: a database outage in one line (its traceback with --verbose), anything else in full."""
    if unreachable(exc):
        _log.warning(
            "%s not run: the database is unreachable (%s); the next tick tries again",
            what,
            type(exc).__name__,
            exc_info=_log.isEnabledFor(logging.DEBUG),
        )
    else:
        _log.error("%s failed", what, exc_info=exc)
