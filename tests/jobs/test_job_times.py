"""Fire times: the official calendar (holidays off, 调休 make-up days on), cron shifting, deadline-relative jobs."""

from __future__ import annotations

import logging
from datetime import UTC, date

import pytest

from handlers.jobs.times import (
    JobConfig,
    WorkCalendar,
    deadline_fire,
    fire_key,
    last_cron_fire,
    next_cron_fire,
    next_fire,
    period_deadline,
)
from tests.jobs.helpers import at

CFG = JobConfig()
CAL = WorkCalendar()
OFF = WorkCalendar(enabled=False)


def test_the_calendar_knows_holidays_and_make_up_days():
    assert not CAL.is_workday(date(2025, 5, 1))  # Labour Day
    assert CAL.is_workday(date(2025, 4, 27))  # a Sunday worked in lieu (调休)
    assert not CAL.is_workday(date(2025, 4, 26))  # an ordinary Saturday
    assert OFF.is_workday(date(2025, 5, 1))


def test_a_year_the_package_does_not_know_falls_back_to_monday_to_friday_with_one_warning(caplog):
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING, logger="handlers.jobs.times"):
        assert cal.is_workday(date(2099, 1, 1))  # a Thursday (New Year's Day, but no data for 2099)
        assert not cal.is_workday(date(2099, 1, 3))  # a Saturday
        assert cal.is_workday(date(2099, 1, 5))
    warnings = [r for r in caplog.records if "2099" in r.getMessage()]
    assert len(warnings) == 1


def test_the_opening_on_a_spring_festival_holiday_moves_to_the_next_working_day():
    # 2026-02-20 is in the Spring Festival holiday (02-15..02-23); 02-24 is the first working day.
    assert next_cron_fire("0 9 20 * *", at(2026, 2, 1), CFG, CAL) == at(2026, 2, 24, 9)
    assert next_cron_fire("0 9 20 * *", at(2026, 2, 1), CFG, OFF) == at(2026, 2, 20, 9)
    # a run already shifted is still "next" while its nominal time has passed
    assert next_cron_fire("0 9 20 * *", at(2026, 2, 21), CFG, CAL) == at(2026, 2, 24, 9)
    assert next_cron_fire("0 9 20 * *", at(2026, 2, 24, 9), CFG, CAL) == at(2026, 3, 20, 9)


def test_a_make_up_working_day_is_not_shifted():
    # 2026-02-14 is a Saturday worked in lieu of the Spring Festival
    assert next_cron_fire("0 9 * * sat", at(2026, 2, 9, 10), CFG, CAL) == at(2026, 2, 14, 9)
    # an ordinary Saturday moves to Monday
    assert next_cron_fire("0 9 * * sat", at(2026, 3, 2, 10), CFG, CAL) == at(2026, 3, 9, 9)


def test_numeric_weekdays_follow_crontab_not_apscheduler():
    assert next_cron_fire("0 17 * * 5", at(2025, 4, 21), CFG, CAL) == at(2025, 4, 25, 17)
    assert next_cron_fire("0 17 * * fri", at(2025, 4, 21), CFG, CAL) == at(2025, 4, 25, 17)
    assert next_cron_fire("0 9 * * 0", at(2025, 4, 21), CFG, OFF) == at(2025, 4, 27, 9)  # Sunday


def test_the_last_fire_time_accounts_for_the_shift():
    assert last_cron_fire("0 9 20 * *", at(2026, 2, 22), CFG, CAL) == at(2026, 1, 20, 9)
    assert last_cron_fire("0 9 20 * *", at(2026, 2, 24, 10), CFG, CAL) == at(2026, 2, 24, 9)
    assert last_cron_fire("0 17 * * fri", at(2025, 4, 25, 17), CFG, CAL) == at(2025, 4, 25, 17)
    assert last_cron_fire("0 17 * * fri", at(2025, 4, 25, 16, 59), CFG, CAL) == at(2025, 4, 18, 17)


def test_a_deadline_on_a_rest_day_is_postponed_to_the_next_working_day():
    assert period_deadline(2025, 4, CFG, CAL) == at(2025, 4, 25, 17)
    assert period_deadline(2025, 1, CFG, CAL) == at(2025, 1, 26, 17)  # Sat 25th → Sun 26th, a make-up day
    assert period_deadline(2025, 1, CFG, OFF) == at(2025, 1, 25, 17)
    assert period_deadline(2025, 2, JobConfig(deadline_day=31, deadline_time="12:00"), OFF) == at(
        2025, 2, 28, 12
    )


def test_deadline_relative_times():
    deadline = at(2025, 4, 25, 17)
    assert deadline_fire("remind", deadline, CFG, CAL) == at(
        2025, 4, 23, 13
    )  # two days and four hours before
    assert deadline_fire("escalate", deadline, CFG, CAL) == at(2025, 4, 25, 18)
    # the day after is a Saturday; Sunday 27th is a make-up working day
    assert deadline_fire("monthly-ledger", deadline, CFG, CAL) == at(2025, 4, 27, 9)
    assert deadline_fire("monthly-ledger", deadline, CFG, OFF) == at(2025, 4, 26, 9)


def test_a_reminder_on_a_holiday_moves_forward_but_never_past_the_deadline():
    # deadline Thu 2025-10-09 17:00: 52 h before is Tue 10-07 (National Day) → Thu 10-09 13:00, still before it
    assert deadline_fire("remind", at(2025, 10, 9, 17), CFG, CAL) == at(2025, 10, 9, 13)
    # 24 h before a 09:00 deadline is 10-08 09:00 (holiday); moving forward would hit the deadline → back to 09-30
    cfg = JobConfig(remind_before_hours=24)
    assert deadline_fire("remind", at(2025, 10, 9, 9), cfg, CAL) == at(2025, 9, 30, 9)


def test_next_fire_projects_deadline_jobs_from_the_next_opening():
    # no period yet: May 20th 2025 (Tue) opens 2025-05, deadline Sun 25th → Mon 26th 17:00
    nxt = next_fire("remind", at(2025, 5, 1), CFG, CAL, [])
    assert nxt.projected and nxt.period == "2025-05"
    assert nxt.time == at(2025, 5, 26, 13)  # Sat 24th 13:00 → Mon 26th 13:00, before the deadline
    assert next_fire("escalate", at(2025, 5, 1), CFG, CAL, []).time == at(2025, 5, 26, 18)
    assert next_fire("open-period", at(2025, 5, 1), CFG, CAL).period == "2025-05"
    assert next_fire("weekly-summary", at(2025, 4, 28), CFG, CAL).time == at(
        2025, 5, 6, 17
    )  # 05-02 is a holiday


def test_fire_keys_are_minutes_in_shanghai_time():

    assert fire_key(at(2025, 4, 25, 17)) == "2025-04-25T17:00+08:00"
    assert fire_key(at(2025, 4, 25, 17).astimezone(UTC)) == "2025-04-25T17:00+08:00"


def test_a_bad_cron_line_is_an_error():
    with pytest.raises(ValueError, match="needs 5 fields"):
        next_cron_fire("0 9 20 *", at(2025, 4, 1), CFG, CAL)
