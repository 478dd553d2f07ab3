"""How figures read in every output: an item's number "[N]" and a share as a percentage.

One rule each, so chat, the reports, the chart, the spreadsheet and the dashboard never disagree:
- an item is "[N]", N being the number a coordinator types (``退回 24``, ``第24项``);
- a share is shown in percent with one decimal, rounded half-up (6.25% → 6.3%, never 6.2% or 6%);
- a gap in points is the difference of the two percentages as shown, so 25.0% − 6.3% reads 18.7.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

PLACES = 1  # decimals of every percentage shown
# ledgerbot's own Word export starts each content cell with the item's number: read back, it is not content.
ITEM_REF_PREFIX = re.compile(r"^\[(\d+)\]\s*")


def item_ref(number: int) -> str:
    """Return an item's number as every output shows it: '[24]'."""
    return f"[{number}]"


def without_item_refs(contents: Sequence[str]) -> list[str]:
    """Return item contents without the "[N] " ledgerbot's Word export writes before each, when every one has it
    (a file of our own read back); otherwise unchanged."""
    if contents and all(ITEM_REF_PREFIX.match(c) for c in contents):
        return [ITEM_REF_PREFIX.sub("", c, count=1) for c in contents]
    return list(contents)


def half_up(value: float, places: int = PLACES) -> Decimal:
    """Return ``value`` rounded half-up to ``places`` decimals (6.25 → 6.3; binary noise below 1e-9 ignored)."""
    # Through a 9-decimal string first: 0.145 * 100 is 14.499999999999998 in binary, and reads 14.5 to a person.
    return Decimal(f"{value:.9f}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_value(share: float) -> float:
    """Return a share (0.0625) as the percentage shown (6.3)."""
    return float(half_up(share * 100))


def share_value(share: float) -> float:
    """Return a share rounded to what is shown (0.0625 → 0.063), for a cell a spreadsheet formats as 0.0%."""
    return float(half_up(share * 100) / 100)


def pct(share: float | None) -> str:
    """Return a share as shown: '6.3%', or '—' when unknown."""
    return "—" if share is None else f"{half_up(share * 100)}%"


def points(value: float) -> str:
    """Return percentage points as shown: '18.8'."""
    return str(half_up(value))


def points_between(high: float, low: float) -> float:
    """Return how many points share ``high`` is above share ``low``, as the difference of the shown percentages."""
    return float(half_up(high * 100) - half_up(low * 100))
