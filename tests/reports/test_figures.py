"""One rounding rule for every percentage shown, and one way to write an item's number (issue 19)."""

from __future__ import annotations

import pytest

from reports.figures import (
    ITEM_REF_PREFIX,
    half_up,
    item_ref,
    pct,
    points,
    points_between,
    share_value,
    without_item_refs,
)
from reports.lights import Thresholds, item_light


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (0.0625, "6.3%"),  # half-up, where Python's own formatting gives 6.2%
        (0.062, "6.2%"),  # one decimal: never 6%
        (0.00145, "0.1%"),
        (0.145, "14.5%"),  # 14.499999999999998 in binary reads 14.5
        (0.2465753424657534, "24.7%"),
        (1.0, "100.0%"),
        (0.0, "0.0%"),
        (None, "—"),
    ],
)
def test_a_share_shows_one_decimal_rounded_half_up(share, shown):
    assert pct(share) == shown


def test_half_up_and_points():
    assert str(half_up(18.75)) == "18.8"
    assert str(half_up(-3.25)) == "-3.3"
    assert points(18.75) == "18.8"
    assert share_value(0.0625) == 0.063


def test_a_gap_is_the_difference_of_the_figures_as_shown():
    # 25.04% and 6.25% read 25.0% and 6.3%: the gap reads 18.7, not 18.8 (which the raw values round to).
    assert points_between(0.2504, 0.0625) == 18.7
    light, gap = item_light("in_progress", 0.0625, 0.2504, Thresholds())
    assert (light, gap) == ("yellow", 18.7)
    assert f"落后{points(gap)}个百分点" == "落后18.7个百分点"


def test_an_item_reference_reads_and_is_recognised():
    assert item_ref(24) == "[24]"
    match = ITEM_REF_PREFIX.match(item_ref(24) + " 新增公共充电桩")
    assert match is not None and match.group(1) == "24"
    assert ITEM_REF_PREFIX.match("新增[24]") is None


def test_numbers_read_off_only_when_every_content_has_one():
    assert without_item_refs(["[1] 甲", "[2] 乙"]) == ["甲", "乙"]
    assert without_item_refs(["[1] 甲", "乙"]) == ["[1] 甲", "乙"]  # someone's own text: kept
    assert without_item_refs([]) == []


def test_no_chat_text_writes_an_item_numbers_brackets_itself():
    # The brackets around an item's number are item_ref's: a template that wrote "[{number}]" would drift.
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "handlers"
    written = [
        f"{p.relative_to(root)}:{n}"
        for p in sorted(root.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\[\{(number|n|i\.number|item\.number)\}\]", line)
    ]
    assert written == []
