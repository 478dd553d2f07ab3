"""`ledgerbot period open|list` and `group list|remove` on a real SQLite file (issue 19, 1 and 3).

The CLI runs on the real clock, so its periods are in 2099 (never past) or 2020 (always past).
"""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from handlers import texts
from tests.conftest import seed_path

runner = CliRunner()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("LEDGERBOT_DATABASE_URL", "LEDGERBOT_OUTBOX_DIR", "LEDGERBOT_FILES_DIR"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args, ok=True):
        result = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path / 'p.db'}", *args])
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    return invoke


def test_period_list_before_any_ledger_and_before_any_period(run):
    assert "还没有导入台账" in run("period", "list", ok=False)
    run("import", str(seed_path()))
    listing = run("period", "list")
    assert re.fullmatch(r"2025-03  已关闭  截止 （未设）  已填报 \d+/33 项\n", listing), listing


def test_open_with_a_month_day_deadline_then_list(run):
    run("import", str(seed_path()))
    opened = run("period", "open", "2099-04", "--deadline", "4月25日")
    assert "截止 2099-04-25 17:00（没写时间，按 17:00）" in opened
    lines = run("period", "list").splitlines()
    assert lines[-1] == "2099-04  填报中  截止 2099-04-25 17:00  已填报 0/33 项"


def test_a_past_deadline_is_refused_as_in_chat(run):
    run("import", str(seed_path()))
    refused = run("period", "open", "2099-04", "--deadline", "2020-04-25 17:00", ok=False)
    assert texts.DEADLINE_PAST.format(when="2020年4月25日17:00") in refused
    unreadable = run("period", "open", "2099-04", "--deadline", "下周五", ok=False)
    assert "看不懂截止时间“下周五”" in unreadable and "2099-04-25 17:00" in unreadable


def test_a_second_open_period_needs_force(run):
    run("import", str(seed_path()))
    run("period", "open", "2099-04", "--deadline", "2099-04-25 17:00")
    refused = run("period", "open", "2099-05", "--deadline", "2099-05-25 17:00", ok=False)
    assert "--force" in refused and "2099-04" in refused and len(refused.strip().splitlines()) == 1
    assert "2099-05" not in run("period", "list")
    assert "已开启 2099-05" in run("period", "open", "2099-05", "--deadline", "2099-05-25 17:00", "--force")
    assert "已开启 2099-04" in run("period", "open", "2099-04", "--deadline", "2099-04-26 17:00")  # re-open
    assert run("period", "list").count("填报中") == 2


def test_group_add_list_remove(run):
    assert "还没有登记汇总群" in run("group", "list")
    run("group", "add", "telegram:-100123", "--name", "领导群")
    run("group", "add", "wecom:chat9")
    assert run("group", "list").splitlines() == ["telegram:-100123  领导群", "wecom:chat9"]
    assert "已移除汇总群 telegram:-100123" in run("group", "remove", "telegram:-100123")
    assert run("group", "list").splitlines() == ["wecom:chat9"]
    unknown = run("group", "remove", "telegram:-100123", ok=False)
    assert "不是已登记的汇总群" in unknown and "wecom:chat9" in unknown
    assert "格式应为" in run("group", "remove", "nonsense", ok=False)
    assert "group.remove" in run("audit")
