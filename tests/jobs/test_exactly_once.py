"""Exactly once: the same run twice, a failed run, two schedulers on one database, a restart after a missed Friday."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.clock import FakeClock
from bot.scheduler import SchedulerService, WorkdayCronTrigger
from handlers.jobs import runner as jobs
from handlers.jobs.runner import run_due, run_job
from handlers.jobs.times import JobConfig, WorkCalendar
from tests.conftest import import_seed
from tests.jobs.helpers import Recorder, at, dispatch_log, setup_chats


async def test_the_same_run_twice_posts_once(seeded_app):
    app = seeded_app
    rec = await setup_chats(app)
    app.clock.set(at(2025, 4, 25, 17, 1))
    assert await run_job(app, "weekly-summary", at(2025, 4, 25, 17)) == 2
    assert await run_job(app, "weekly-summary", at(2025, 4, 25, 17)) == 0
    assert await run_due(app) == []
    assert len(rec.sent) == 2
    assert await dispatch_log(app) == [("weekly-summary", "2025-04-25T17:00+08:00", 2)]
    # another fire time is another posting
    assert await run_job(app, "weekly-summary", at(2025, 5, 6, 17)) == 2


async def test_a_run_that_fails_while_building_leaves_no_claim_and_is_retried(seeded_app, monkeypatch):
    app = seeded_app
    rec = await setup_chats(app)
    app.clock.set(at(2025, 4, 21, 9, 0))
    real = jobs.build_job

    async def broken(*args, **kwargs):
        await real(*args, **kwargs)  # the period is opened in the transaction ...
        raise RuntimeError("renderer crashed")  # ... and rolled back with the claim

    monkeypatch.setattr(jobs, "build_job", broken)
    with pytest.raises(RuntimeError):
        await run_job(app, "open-period", at(2025, 4, 21, 9))
    assert await dispatch_log(app) == [] and rec.sent == []
    monkeypatch.setattr(jobs, "build_job", real)
    app.clock.advance(minutes=1)
    assert [(r.job, r.posted) for r in await run_due(app)] == [("open-period", 3)]


async def test_two_schedulers_on_one_database_post_once(db_url, tmp_path, segmenter):
    from bot.app import build_app
    from bot.operations import cli_open_period
    from bot.settings import Settings

    clock = FakeClock(at(2025, 4, 21, 10, 0))
    settings = Settings(
        database_url=db_url, files_dir=tmp_path / "files", outbox_dir=tmp_path / "outbox", _env_file=None
    )
    first = await build_app(settings, clock=clock, segmenter=segmenter, migrate=True)
    second = await build_app(settings, clock=clock, segmenter=segmenter, migrate=False)
    try:
        await import_seed(first)
        rec = await setup_chats(first)
        other = Recorder()
        second.senders["console"] = second.senders["telegram"] = other
        ok, message = await cli_open_period(first, "2025-04", "2025-04-25 17:00")
        assert ok, message
        rec.sent.clear()

        clock.set(at(2025, 4, 25, 18, 30))  # the weekly summary (17:00) and the escalation (18:00) are due
        a, b = await asyncio.gather(run_due(first), run_due(second))
        claimed = sorted((r.job, r.posted) for r in a + b if r.claimed)
        assert claimed == [("escalate", 1), ("weekly-summary", 2)]
        sent = rec.sent + other.sent
        assert sorted(o.chat.key for o in sent) == ["console:admin", "console:领导群", "telegram:-1001"]
        # both again, and a restart of both: nothing more
        again = await asyncio.gather(
            run_due(first), run_due(second), run_job(second, "escalate", at(2025, 4, 25, 18))
        )
        assert again == [[], [], 0]
        assert len(rec.sent + other.sent) == 3
        assert sorted(await dispatch_log(second)) == [
            ("escalate", "2025-04-25T18:00+08:00", 1),
            ("weekly-summary", "2025-04-25T17:00+08:00", 2),
        ]
    finally:
        await first.close()
        await second.close()


async def test_a_restart_after_a_missed_friday_posts_once(seeded_app):
    app = seeded_app
    rec = await setup_chats(app)
    app.clock.set(at(2025, 4, 25, 19, 30))  # the process was down at 17:00
    service = SchedulerService(app, console=False)
    await service.start()
    try:
        assert service.scheduler.running
        assert {j.id for j in service.scheduler.get_jobs()} == {"open-period", "weekly-summary", "tick"}
    finally:
        await service.stop()
    assert await dispatch_log(app) == [("weekly-summary", "2025-04-25T17:00+08:00", 2)]
    assert len(rec.sent) == 2

    app.clock.advance(minutes=5)  # and restarted once more
    service = SchedulerService(app, console=False)
    await service.start()
    await service.stop()
    assert len(await dispatch_log(app)) == 1 and len(rec.sent) == 2


async def test_missed_runs_are_coalesced_and_old_ones_not_replayed(seeded_app):
    app = seeded_app
    rec = await setup_chats(app)
    # down from Thursday to Saturday 10:00: Friday 17:00 is 17 hours late, beyond the 6-hour grace window
    app.clock.set(at(2025, 5, 17, 10, 0))
    assert await SchedulerService(app, console=False).tick() == []
    assert rec.sent == []
    # a longer grace window catches up only the latest Friday, once
    cfg = JobConfig(grace_seconds=3 * 24 * 3600)
    runs = await run_due(app, config=cfg)
    assert [(r.job, r.key) for r in runs] == [("weekly-summary", "2025-05-16T17:00+08:00")]
    assert await run_due(app, config=cfg) == []


async def test_the_scheduled_cron_job_runs_its_latest_fire_time(seeded_app):
    app = seeded_app
    rec = await setup_chats(app)
    service = SchedulerService(app, console=False)
    app.clock.set(at(2025, 4, 25, 17, 0, 2))
    run = await service.run_scheduled("weekly-summary")
    assert run.claimed and run.key == "2025-04-25T17:00+08:00" and run.posted == 2
    assert (await service.run_scheduled("weekly-summary")).posted == 0
    assert len(rec.sent) == 2


def test_the_trigger_shifts_holidays_and_the_scheduler_uses_memory_stores(app):
    cfg = JobConfig()
    trigger = WorkdayCronTrigger("0 9 20 * *", cfg, WorkCalendar())
    assert trigger.get_next_fire_time(None, at(2026, 2, 1)) == at(2026, 2, 24, 9)
    assert trigger.get_next_fire_time(at(2026, 2, 24, 9), at(2026, 2, 24, 9)) == at(2026, 3, 20, 9)
    assert trigger.get_next_fire_time(None, at(2026, 2, 24, 9)) == at(2026, 2, 24, 9)
    scheduler = SchedulerService(app).build()
    from apscheduler.jobstores.memory import MemoryJobStore

    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    with pytest.raises(ValueError, match="needs 5 fields"):
        WorkdayCronTrigger("bad", cfg, WorkCalendar())
