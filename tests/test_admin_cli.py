"""`ledgerbot backup|restore|audit`, `admin list|remove`, `invite list|revoke` on a real SQLite file (issue 17, 5)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from tests.conftest import seed_path

runner = CliRunner()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("LEDGERBOT_DATABASE_URL", "LEDGERBOT_OUTBOX_DIR", "LEDGERBOT_FILES_DIR"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args, db="main.db", ok=True):
        result = runner.invoke(cli, ["--db", f"sqlite:///{tmp_path / db}", *args])
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    invoke("import", str(seed_path()))
    return invoke


def test_backup_then_restore_into_an_empty_database_and_refuse_a_full_one(run, tmp_path):
    run("admin", "add", "telegram:42", "--role", "coordinator")
    out = run("backup", str(tmp_path / "b.sqlite"))
    assert "已备份" in out
    assert "已从" in run("restore", str(tmp_path / "b.sqlite"), db="new.db")
    assert "telegram:42" in run("admin", "list", db="new.db")
    refused = run("restore", str(tmp_path / "b.sqlite"), db="new.db", ok=False)
    assert "--force" in refused and len(refused.strip().splitlines()) == 1
    assert "已从" in run("restore", "--force", str(tmp_path / "b.sqlite"), db="new.db")


def test_admin_list_and_remove(run):
    run("admin", "add", "telegram:42", "--role", "coordinator")
    run("admin", "add", "wecom:li", "--role", "viewer")
    listing = run("admin", "list")
    assert "督查室 telegram:42" in listing and "查阅 wecom:li" in listing
    assert "已移除" in run("admin", "remove", "telegram:42")
    assert "telegram:42" not in run("admin", "list")
    assert "没有任何角色" in run("admin", "remove", "telegram:42", ok=False)
    assert "格式应为" in run("admin", "remove", "nobody", ok=False)


def test_invite_list_and_revoke_are_audited(run):
    code = run("invite", "区发改局").strip().splitlines()[-1]
    assert code in run("invite", "list") and "区发改局" in run("invite", "list")
    assert "已作废" in run("invite", "revoke", code.lower())
    assert code not in run("invite", "list")
    assert "无需作废" in run("invite", "revoke", code, ok=False)
    audit = run("audit")
    for action in ("import", "invite.create", "invite.revoke"):
        assert action in audit
    created = next(line for line in audit.splitlines() if "invite.create" in line)
    assert code not in created and code[:3] in created  # a live code is named by its head only


def test_admin_add_says_set_the_first_time_and_already_the_second(run):
    first = run("admin", "add", "telegram:77")
    assert "已把 telegram:77 设为管理员" in first and "已是" not in first
    again = run("admin", "add", "telegram:77")
    assert "telegram:77 已是管理员" in again and "原已设置" in again
