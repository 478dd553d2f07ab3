"""Scheduled jobs posted exactly once (what each job posts is in ``handlers.jobs.postings``).

``run_job`` makes a
posting exactly-once: in one transaction it claims (job, fire time) in the dispatch log, builds the messages
(opening the period for open-period) and commits; only then are the messages delivered. A second run for the
same time — a restart, a manual run, another scheduler process on the same database — finds the claim taken and
posts nothing. A failure while building rolls the claim back with everything else, so the next tick retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.ports import Clock
from bot.core.replies import Outbound
from handlers.deps import HandlerConfig
from handlers.jobs.postings import NoAudienceError, build_job
from handlers.jobs.times import DEADLINE_JOBS, JOB_NAMES, JobConfig, WorkCalendar, fire_key, last_fire
from storage.schemas import PeriodInfo
from storage.uow import UnitOfWork

_log = logging.getLogger(__name__)
_SKIPPED: set[tuple[str, datetime]] = set()
_NO_AUDIENCE: set[tuple[str, datetime]] = set()  # said once per process, not on every tick


@dataclass(frozen=True)
class JobRun:
    """The outcome of one attempt: whether this process claimed the posting, and how many messages it posted."""

    job: str
    fire_time: datetime
    claimed: bool
    posted: int

    @property
    def key(self) -> str:
        """Return the dispatch-log key of the fire time."""
        return fire_key(self.fire_time)


# ---------------------------------------------------------------- exactly once
class JobHost(Protocol):
    """What running a job needs from the application: its settings, clock, storage and delivery."""

    @property
    def settings(
        self,
    ) -> Any: ...  # read by attribute in JobConfig.from_settings (handlers import no bot.settings)

    @property
    def clock(self) -> Clock: ...

    @property
    def handler_config(self) -> HandlerConfig: ...

    def uow(self) -> UnitOfWork: ...

    async def deliver(self, outbound: Sequence[Outbound]) -> int: ...


def _config(app: JobHost, config: JobConfig | None) -> JobConfig:
    return config or JobConfig.from_settings(app.settings)


async def run_job_once(
    app: JobHost,
    name: str,
    fire_time: datetime,
    *,
    config: JobConfig | None = None,
    calendar: WorkCalendar | None = None,
) -> JobRun:
    """Claim (job, fire time), build and commit, then deliver; a posting already claimed posts nothing."""
    if name not in JOB_NAMES:
        raise ValueError(f"unknown job {name!r}; jobs: {', '.join(JOB_NAMES)}")
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    key = fire_key(fire_time, cfg.tz)
    now = app.clock.now()
    async with app.uow() as uow:
        # The claim is the transaction's first write: a concurrent claimer waits on the unique key
        # (PostgreSQL) or the write lock (SQLite) and then finds it taken.
        if not await uow.chats.claim_dispatch(name, key, now):
            _log.info("%s at %s was already posted; nothing to do", name, key)
            return JobRun(name, fire_time, False, 0)
        try:
            outbound = await build_job(name, uow, fire_time, now, cfg, cal, app.handler_config.thresholds)
        except NoAudienceError as exc:
            # Nobody to post to yet: the claim is rolled back, so a run after a group is added still posts.
            if (name, fire_time) not in _NO_AUDIENCE:
                _NO_AUDIENCE.add((name, fire_time))
                _log.warning("%s at %s: %s; not posted, the slot stays open", name, key, exc)
            return JobRun(name, fire_time, False, 0)
        await uow.commit()
    posted = await app.deliver(outbound)
    async with app.uow() as uow:
        await uow.chats.set_dispatch_count(name, key, posted)
        await uow.commit()
    _log.info("%s at %s posted %d message(s)", name, key, posted)
    return JobRun(name, fire_time, True, posted)


async def run_job(
    app: JobHost,
    name: str,
    fire_time: datetime,
    *,
    config: JobConfig | None = None,
    calendar: WorkCalendar | None = None,
) -> int:
    """Run job ``name`` for ``fire_time`` once; return how many messages it posted (0 when already done)."""
    return (await run_job_once(app, name, fire_time, config=config, calendar=calendar)).posted


async def scheduled_periods(app: JobHost) -> list[PeriodInfo]:
    """Return the periods of the current ledger (deadline jobs fire from their deadlines)."""
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        return await uow.ledgers.periods(ledger.id) if ledger else []


async def latest_due(
    app: JobHost,
    name: str,
    at: datetime,
    *,
    config: JobConfig | None = None,
    calendar: WorkCalendar | None = None,
) -> datetime | None:
    """Return the latest fire time of job ``name`` at or before ``at`` (the run a manual ``jobs run`` stands for)."""
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    periods = await scheduled_periods(app) if name in DEADLINE_JOBS else []
    return last_fire(name, at, cfg, cal, periods)


async def run_due(
    app: JobHost,
    *,
    jobs: tuple[str, ...] = JOB_NAMES,
    config: JobConfig | None = None,
    calendar: WorkCalendar | None = None,
) -> list[JobRun]:
    """Run, once, each job's latest fire time that has passed within the grace window and is not in the log.

    This is the catch-up on start and the scheduler's tick: missed runs are coalesced into the latest one,
    and older ones (beyond ``grace_seconds``) are skipped, never replayed.
    """
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    now = app.clock.now()
    periods = await scheduled_periods(app)
    async with app.uow() as uow:
        done = {(job, key) for job, key, _ in await uow.chats.dispatches()}
    runs: list[JobRun] = []
    for name in jobs:
        fire = last_fire(name, now, cfg, cal, periods)
        if fire is None or (name, fire_key(fire, cfg.tz)) in done:
            continue
        if now - fire > cfg.grace:
            if (name, fire) not in _SKIPPED:  # said once per process, not on every tick
                _SKIPPED.add((name, fire))
                _log.warning(
                    "%s at %s was missed by more than the grace window; skipped", name, fire_key(fire, cfg.tz)
                )
            continue
        runs.append(await run_job_once(app, name, fire, config=cfg, calendar=cal))
    return runs
