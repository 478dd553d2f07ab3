"""What the pages show that is not the ledger's own text: times with the year when it is not this year."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import SHANGHAI
from handlers.board.pages import show_time

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)


def test_times_are_shown_in_shanghai_with_the_year_unless_it_is_this_one():
    assert show_time(datetime(2025, 4, 20, 1, 5, tzinfo=UTC), NOW) == "4月20日 09:05"
    assert (
        show_time(datetime(2024, 12, 31, 17, 0, tzinfo=UTC), NOW) == "1月1日 01:00"
    )  # already 2025 in Shanghai
    assert show_time(datetime(2024, 12, 31, 15, 30, tzinfo=UTC), NOW) == "2024年12月31日 23:30"
    assert show_time(None, NOW) == ""
