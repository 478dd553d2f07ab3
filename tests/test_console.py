"""The console protocol that scripts depend on, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app as cli
from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_demo_imports_the_sample_and_answers_help_and_the_item_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["demo"], input="帮助\n台账\n")
    assert result.exit_code == 0, result.output
    assert "已导入示例台账" in result.output and "33项" in result.output
    assert "督查室可用指令" in result.output
    assert "10. 供电优质服务提升工程" in result.output and "[33] 完成4处变电站改造" in result.output
    assert (tmp_path / "ledgerbot.db").exists()
    again = runner.invoke(cli, ["demo"], input="")
    assert "已导入示例台账" not in again.output  # imported once, kept


def test_as_switches_user_choices_are_numbered_and_answerable_by_number(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert runner.invoke(cli, ["--db", db, "import", str(seed_path())]).exit_code == 0
    past = runner.invoke(cli, ["--db", db, "period", "open", "2025-04", "--deadline", "2020-04-25 17:00"])
    assert past.exit_code == 1 and "已经过去" in past.output
    opened = runner.invoke(cli, ["--db", db, "period", "open", "2025-04", "--deadline", "2099-04-25 17:00"])
    assert opened.exit_code == 0, opened.output
    invite = runner.invoke(cli, ["--db", db, "invite", "发改局"])
    code = invite.output.strip().splitlines()[-1]
    script = f"/as fgw\n绑定 {code}\n填报\n累计建成公共充电桩400个\n1\n无\n继续推进\n"
    result = runner.invoke(cli, ["--db", db, "console"], input=script)
    assert "（当前用户：fgw）" in result.output
    # the prompt follows binding: the name before, the role and unit after
    assert "fgw> 绑定" in result.output and "联络员（发改局）> 填报" in result.output
    assert "  1. 确认\n          2. 重填\n          3. 跳过" in result.output
    assert "存在什么问题" in result.output  # "1" chose 确认
    assert "本次填报结束" in result.output


def test_files_go_to_a_folder_and_their_paths_are_printed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["demo"], input="导出 json\n")
    assert result.exit_code == 0
    printed = [line for line in result.output.splitlines() if line.startswith("机器人> [文件] ")]
    assert printed, result.output
    assert Path(printed[0].split()[2]).exists()


def test_python_dash_m_bot_is_the_same_cli(tmp_path):
    env = {**os.environ, "LEDGERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "import", "--dry-run", str(seed_path())],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "categories=10 items=33 units=21" in out.stdout
