"""Fixtures shared by the report tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# tests/ is not a package and reports/ is, so make `tests.reports.sample` importable from the repo root
# (the editable install maps only the five application packages).
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.reports.sample import previous_week_ledger, seed_ledger  # noqa: E402  (needs the path above)


@pytest.fixture(scope="session")
def seed():
    """Return the compiled seed ledger (2025-03, all 33 items)."""
    return seed_ledger()


@pytest.fixture(scope="session")
def last_week():
    """Return the seed ledger as it stood a week earlier."""
    return previous_week_ledger()
