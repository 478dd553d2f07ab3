"""`ledgerbot jobs list` and `ledgerbot jobs run` on a real SQLite file, console groups printed and kept in the outbox."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from bot.cli import app as cli
from tests.conftest import seed_path


def test_jobs_list_and_run_twice_posts_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("LEDGERBOT_DATABASE_URL", "LEDGERBOT_OUTBOX_DIR", "LEDGERBOT_FILES_DIR"):
        monkeypatch.delenv(var, raising=False)
    db = ["--db", f"sqlite:///{tmp_path / 'cli.db'}"]
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, [*db, *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("import", str(seed_path()))
    run("group", "add", "console:领导群", "--name", "领导群")

    listing = run("jobs", "list")
    for job in ("open-period", "remind", "escalate", "weekly-summary", "monthly-ledger"):
        assert re.search(
            rf"^{job}\s+\d{{4}}-\d\d-\d\d \d\d:\d\d \(周[一二三四五六日]\)", listing, re.MULTILINE
        ), listing

    first = run("jobs", "run", "weekly-summary", "--at", "2025-04-25T17:30+08:00")
    assert first.strip().endswith("posted 1 (for 2025-04-25T17:00+08:00)")
    assert "周报" in first and "→ 发给群【领导群】" in first
    posts = list((tmp_path / "outbox" / "领导群").glob("*.txt"))
    assert len(posts) == 1 and "周报" in posts[0].read_text(encoding="utf-8")
    assert list((tmp_path / "files").glob("周报-*.png"))

    again = run("jobs", "run", "weekly-summary", "--at", "2025-04-25 17:00")
    assert again.strip() == "posted 0 (already done for 2025-04-25T17:00+08:00)"
    assert len(list((tmp_path / "outbox" / "领导群").glob("*.txt"))) == 1

    nothing = run("jobs", "run", "remind", "--at", "2025-04-25T17:30+08:00")
    assert nothing.strip().startswith("posted 0 (nothing scheduled")

    bad = runner.invoke(cli, [*db, "jobs", "run", "fortnightly"])
    assert bad.exit_code != 0 and "fortnightly" in bad.output
