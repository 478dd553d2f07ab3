"""A .doc, .wps or .xls where LibreOffice is not installed: the refusal says how to save the file as .docx/.xlsx.

LibreOffice is made unavailable the way a machine without it is: `soffice` is not on PATH (no mock). The
files are real legacy files from the ledger corpus (tests/ledger_corpus imports them with LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "ledger_corpus" / "files"
DOC = CORPUS / "13_hebei_baoding_zhongdian_renwu_legacy.doc"
XLS = CORPUS / "12_jiangxi_huichang_minsheng_legacy.xls"


def _without_soffice(tmp_path: Path, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in ``tmp_path`` with a PATH on which there is no LibreOffice."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")},
        "PATH": str(empty),
        "PYTHONPATH": str(ROOT),
        "LEDGERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", ["旧台账.doc", "旧台账.wps"])
def test_import_says_how_to_save_it_as_docx(tmp_path, name):
    shutil.copy2(DOC, tmp_path / name)
    run = _without_soffice(tmp_path, ["import", name])
    assert run.returncode == 1
    assert "未安装 LibreOffice" in run.stderr and "另存为”，文件类型选 .docx" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_a_legacy_xls_needs_no_libreoffice(tmp_path):
    shutil.copy2(XLS, tmp_path / "旧台账.xls")
    run = _without_soffice(tmp_path, ["import", "--dry-run", "旧台账.xls"])
    assert run.returncode == 0, run.stderr


def test_a_doc_uploaded_in_chat_is_answered_with_the_same_advice_and_nothing_is_imported(tmp_path):
    shutil.copy2(DOC, tmp_path / "旧台账.doc")
    run = _without_soffice(tmp_path, ["console"], stdin="/file 旧台账.doc\n台账\n")
    assert run.returncode == 0, run.stderr
    reply = run.stdout.split("督查室> /file 旧台账.doc\n", 1)[1]
    assert reply.startswith("机器人> 台账文件没有导入：旧台账.doc：本机未安装 LibreOffice"), run.stdout
    assert "另存为”，文件类型选 .docx" in reply
    assert run.stdout.split("督查室> 台账\n", 1)[1].startswith("机器人> 还没有导入台账")  # nothing imported
