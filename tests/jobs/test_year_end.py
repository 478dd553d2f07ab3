"""Across the year's end the jobs name the year of a deadline that is not the fire time's (issue 19, 1)."""

from __future__ import annotations

from bot.operations import cli_open_period
from handlers.jobs.postings import escalate_job
from handlers.jobs.times import JobConfig, WorkCalendar, deadline_fire
from tests.jobs.helpers import at, setup_chats


async def test_an_escalation_in_january_names_last_years_deadline(seeded_app):
    app = seeded_app
    app.clock.set(at(2026, 12, 1, 9, 0))
    await setup_chats(app)
    await cli_open_period(app, "2026-12", "12月31日23:30")
    cfg, cal = JobConfig(), WorkCalendar()
    fire = deadline_fire("escalate", at(2026, 12, 31, 23, 30), cfg, cal)
    assert fire.year == 2027  # New Year's Day is a holiday: the escalation waits for the next working day
    async with app.uow() as uow:
        posts = await escalate_job(uow, fire, cfg, cal)
    texts = [r.text for o in posts for r in o.replies]
    assert texts and all("2026-12报送期已于2026年12月31日23:30截止" in t for t in texts)
