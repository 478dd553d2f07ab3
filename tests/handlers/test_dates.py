"""Dates users read and write (issue 19, 1): the year shows only when it is not this year; a month-day date is
the next such moment not past and not before the period; one refusal of a past deadline; errors that help."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI
from handlers import texts
from handlers.coordinator.periods import split_code
from handlers.dates import DateError, examples, moment_text, parse_deadline
from handlers.manage.periods import PeriodError
from handlers.manage.periods import parse_deadline as checked_deadline

DEC_1 = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def test_the_year_shows_only_when_it_is_not_the_current_one():
    assert moment_text(at(2026, 12, 28, 17), DEC_1) == "12月28日17:00"
    assert moment_text(at(2027, 4, 28, 17), DEC_1) == "2027年4月28日17:00"
    assert moment_text(at(2025, 12, 28, 17), DEC_1) == "2025年12月28日17:00"


@pytest.mark.parametrize(
    ("written", "want"),
    [
        ("2026-12-28 17:00", at(2026, 12, 28, 17)),
        ("2026/12/28 9:30", at(2026, 12, 28, 9, 30)),
        ("2026年12月28日17:00", at(2026, 12, 28, 17)),
        ("2026年12月28日 17点30分", at(2026, 12, 28, 17, 30)),
        ("12月28日17:00", at(2026, 12, 28, 17)),
        ("１２月２８日１７：００", at(2026, 12, 28, 17)),
        ("12月28号下", None),
        ("12月28日5点半", at(2026, 12, 28, 5, 30)),
        ("4月28日17:00", at(2027, 4, 28, 17)),  # April is past this year: the next April
        ("12月1日8:00", at(2027, 12, 1, 8)),  # an hour ago: next year's
    ],
)
def test_deadline_forms(written, want):
    if want is None:
        with pytest.raises(DateError):
            parse_deadline(written, "2026-12", DEC_1, "17:00")
        return
    assert parse_deadline(written, "2026-12", DEC_1, "17:00").at == want


def test_a_date_without_a_time_takes_the_default_and_says_so():
    due = parse_deadline("12月28日", "2026-12", DEC_1, "18:00")
    assert due.at == at(2026, 12, 28, 18) and due.default_time
    assert not parse_deadline("12月28日17:00", "2026-12", DEC_1, "18:00").default_time


def test_a_month_day_deadline_is_not_before_the_period_starts():
    # Opening 2027-02 in December: 1月5日 would be before the period; it means January 2028.
    assert parse_deadline("1月5日", "2027-02", DEC_1, "17:00").at == at(2028, 1, 5, 17)
    assert parse_deadline("2月25日", "2027-02", DEC_1, "17:00").at == at(2027, 2, 25, 17)
    assert parse_deadline("2月29日", "2027-02", DEC_1, "17:00").at == at(2028, 2, 29, 17)


def test_a_past_deadline_is_refused_with_one_message_naming_its_year():
    with pytest.raises(PeriodError) as refused:
        checked_deadline("2026-11-28 17:00", "2026-12", DEC_1)
    assert str(refused.value) == texts.DEADLINE_PAST.format(when="11月28日17:00")
    with pytest.raises(PeriodError) as refused:
        checked_deadline("2025-12-28 17:00", "2025-12", DEC_1)
    assert "2025年12月28日17:00" in str(refused.value)


def test_an_unreadable_deadline_is_quoted_whole_with_examples_that_are_accepted():
    with pytest.raises(DateError) as refused:
        parse_deadline("下周五", "2026-12", DEC_1, "17:00")
    message = str(refused.value)
    assert "“下周五”" in message and "2026-12-25 17:00" in message and "12月25日17:00" in message
    for example in ("2026-12-25 17:00", "2026年12月25日17:00", "12月25日17:00", "12月25日"):
        assert parse_deadline(example, "2026-12", DEC_1, "17:00").at == at(2026, 12, 25, 17)


def test_a_date_is_not_taken_for_a_period_code():
    assert split_code("2026-12-28 17:00") == (None, "2026-12-28 17:00")
    assert split_code("2026年12月28日17:00") == (None, "2026年12月28日17:00")
    assert split_code("2025-04 截止 4月25日17:00") == ("2025-04", "4月25日17:00")
    assert split_code("2025年4月 4月28日") == ("2025年4月", "4月28日")
    assert split_code("截止时间 2025-04 2025-04-28 17:00") == ("2025-04", "2025-04-28 17:00")


@pytest.mark.parametrize(
    "now", [at(2026, 12, 1, 9), at(2026, 12, 25, 17, 1), at(2026, 12, 31, 23, 59), at(2027, 2, 26, 8)]
)
def test_help_examples_are_accepted_on_any_day(now):
    e = examples(now, "17:00")
    for written in (e["deadline"], e["moved"], e["iso"], e["full"], e["day"]):
        due = checked_deadline(written, e["code"], now)
        start = datetime(int(e["code"][:4]), int(e["code"][5:]), 1, tzinfo=SHANGHAI)
        assert start <= due.at < start.replace(day=29) and due.at > now
