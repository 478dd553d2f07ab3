"""序时进度 and lights, including configurable thresholds and items without numbers."""

from __future__ import annotations

from datetime import date

import pytest

from reports.lights import Thresholds, item_light, schedule_share


def test_schedule_is_the_elapsed_share_of_the_year_at_the_period_end():
    assert schedule_share(2025, 3) == pytest.approx(90 / 365)
    assert schedule_share(2025, 12) == 1.0
    assert schedule_share(2025, 6, date(2025, 4, 1), date(2025, 9, 30)) == pytest.approx(91 / 183)
    assert schedule_share(2025, 3, date(2025, 6, 1), date(2025, 12, 31)) == 0.0


@pytest.mark.parametrize(
    ("completion", "light"),
    [(0.30, "green"), (0.16, "green"), (0.14, "yellow"), (0.0, "yellow"), (0.5, "green")],
)
def test_numeric_lights_at_a_quarter(completion, light):
    assert item_light("in_progress", completion, 0.25, Thresholds())[0] == light


def test_red_when_more_than_30_points_behind_and_thresholds_are_configurable():
    assert item_light("in_progress", 0.10, 0.50, Thresholds()) == ("red", 40.0)
    assert item_light("in_progress", 0.10, 0.50, Thresholds(yellow=20, red=45))[0] == "yellow"
    assert item_light("in_progress", 0.10, 0.50, Thresholds(yellow=50, red=60))[0] == "green"


def test_completed_is_green_whatever_the_numbers():
    assert item_light("completed", 0.1, 0.9, Thresholds())[0] == "green"


@pytest.mark.parametrize(
    ("status", "share", "light"),
    [
        ("not_started", 0.10, "green"),
        ("not_started", 1 / 3, "yellow"),
        ("not_started", 0.5, "red"),
        ("preparing", 0.25, "green"),
        ("preparing", 0.34, "yellow"),
        ("preparing", 0.5, "red"),
        ("in_progress", 0.5, "green"),
        ("in_progress", 1.0, "yellow"),
    ],
)
def test_items_without_numbers_get_a_light_from_status_and_time(status, share, light):
    assert item_light(status, None, share, Thresholds())[0] == light
