"""`/path/to/dev import 台账.txt` from another folder reads the file in that folder (dev keeps the caller's cwd).

The script is run as a copy beside a stand-in virtualenv whose install stamp is current, so that it installs
nothing: its `ledgerbot` runs this checkout with the interpreter running the tests.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parents[1]


def _checkout(tmp_path: Path) -> Path:
    """Return a folder holding ./dev and pyproject.toml with a ready .venv (no install needed)."""
    repo = tmp_path / "checkout"
    (repo / ".venv" / "bin").mkdir(parents=True)
    shutil.copy2(ROOT / "dev", repo / "dev")
    shutil.copy2(ROOT / "pyproject.toml", repo / "pyproject.toml")
    stamp = hashlib.sha1((repo / "pyproject.toml").read_bytes()).hexdigest()[:12]
    (repo / ".venv" / f".installed-{stamp}").touch()
    (repo / ".venv" / "bin" / "python").symlink_to(sys.executable)
    ledgerbot = repo / ".venv" / "bin" / "ledgerbot"
    ledgerbot.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m bot "$@"\n')
    ledgerbot.chmod(0o755)
    return repo


def test_dev_reads_a_relative_file_in_the_callers_folder_and_keeps_its_database_there(tmp_path):
    repo = _checkout(tmp_path)
    caller = tmp_path / "elsewhere"
    caller.mkdir()
    shutil.copy2(seed_path(), caller / "台账.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
    run = subprocess.run(
        [str(repo / "dev"), "import", "台账.txt"],
        cwd=caller,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "items=33" in run.stdout
    assert (caller / "ledgerbot.db").exists() and not (repo / "ledgerbot.db").exists()
    installed = {p.name for p in (repo / ".venv" / "bin").iterdir()}
    assert installed == {"python", "ledgerbot"}  # the stamp was current: nothing was installed
