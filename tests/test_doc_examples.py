"""The deadlines the README and the user guide show are accepted today, by the parser the bot uses (issue 19, 1).

This test reads the real clock on purpose: an example that only worked in the year it was written fails here
the day it stops working, not in a new user's first chat. Each example must also mean what it says: a
deadline in its period's month or the next, not the same day a year or two later.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import SystemClock
from handlers.coordinator.periods import split_code
from handlers.dates import period_start
from handlers.manage.periods import parse_code, parse_deadline

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", ROOT / "docs" / "使用指南.md")
# 开启报送 CODE 截止 WHEN and 截止 [CODE] WHEN in backticks; `period open CODE --deadline "WHEN"`.
CHAT = re.compile(r"`((?:开启报送|截止) [^`]+)`")
CLI = re.compile(r"period open (\S+) --deadline \"([^\"]+)\"")


def _examples() -> list[tuple[str, str, str]]:
    """Return (where, period code as written, deadline as written); a bare 截止 takes the open period's code."""
    found = []
    for path in DOCS:
        text = path.read_text("utf-8")
        opened = None
        for m in CLI.finditer(text):
            found.append((path.name, m.group(1), m.group(2)))
        for m in CHAT.finditer(text):
            command = m.group(1)
            if command.startswith("截止 ") and "截止" in command[3:]:
                continue
            code, rest = split_code(command.removeprefix("开启报送").removeprefix("截止"))
            if code is None and command.startswith("开启报送"):
                pytest.fail(f"{path.name}: {command} names no period")
            opened = code or opened
            if opened is None:
                pytest.fail(f"{path.name}: {command} before any 开启报送 example")
            found.append((path.name, opened, rest))
    return found


def test_the_documents_show_deadline_examples():
    where = {w for w, _, _ in _examples()}
    assert where == {"README.md", "使用指南.md"}, _examples()


@pytest.mark.parametrize(("where", "code", "deadline"), _examples())
def test_every_deadline_example_is_accepted_today(where, code, deadline):
    now = SystemClock().now()
    period = parse_code(code, now)
    due = parse_deadline(deadline, period, now).at  # raises PeriodError: unreadable or past
    start = period_start(period)
    assert start <= due < start + timedelta(days=62), f"{where}: {code} {deadline} → {due}"
