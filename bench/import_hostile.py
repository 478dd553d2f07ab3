"""Hostile and large ledger files: time and peak memory to refuse (or read) each, against a baseline.

Each file is read in a fresh child process (so its peak RSS is its own): "ours" is
``handlers.ledger.files.parse_ledger_file`` (limits checked before any parser expands the file);
"baseline" is what the importer did before issue 14 — openpyxl's ``load_workbook`` and python-docx's
table cells, as ``handlers.ledger.reader`` still does — measured in the same run. The baseline child
runs under a 2 GB address-space cap and a 60 s timeout so that it cannot take the machine down;
"capped" means it hit one of them.

usage: .venv/bin/python bench/import_hostile.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CAP_BYTES = 2 * 1024 * 1024 * 1024
CAP_SECONDS = 60

CHILD = """
import resource, sys, time, json
from pathlib import Path
sys.path.insert(0, sys.argv[1])
path, how = Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
outcome = "read"
try:
    if how == "ours":
        from handlers.ledger.files import parse_ledger_file
        parse_ledger_file(path)
    else:
        from handlers.ledger.reader import read_docx, read_xlsx
        (read_docx if path.suffix == ".docx" else read_xlsx)(path)
except Exception as exc:
    outcome = type(exc).__name__
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": peak, "outcome": outcome}))
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def measure(path: Path, how: str) -> dict:
    t0 = time.perf_counter()
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROOT), str(path), how],
            capture_output=True,
            text=True,
            timeout=CAP_SECONDS,
            preexec_fn=_cap if how == "baseline" else None,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {
            "seconds": time.perf_counter() - t0,
            "peak_mb": float("nan"),
            "outcome": f"capped ({CAP_SECONDS} s)",
        }
    line = out.stdout.strip().splitlines()[-1:] or [""]
    try:
        return json.loads(line[0])
    except json.JSONDecodeError:
        return {
            "seconds": time.perf_counter() - t0,
            "peak_mb": CAP_BYTES / 2**20,
            "outcome": "capped (memory)",
        }


def main() -> None:
    from tests.handlers.test_import import _big_ledger
    from tests.ledger_corpus.hostile import docx_with_span, xlsx_with_merge, zip_bomb_xlsx

    files = {
        "merge A4:XFD1048576 (.xlsx)": ("merge.xlsx", xlsx_with_merge()),
        "gridSpan 200000000 (.docx)": ("span.docx", docx_with_span()),
        "zip bomb 80 MB (.xlsx)": ("bomb.xlsx", zip_bomb_xlsx()),
        "4000-row ledger (.xlsx)": ("big.xlsx", _big_ledger()),
    }
    print(
        f"{'file':32} {'size':>8} | {'ours s':>7} {'ours MB':>8} {'outcome':18} | {'base s':>7} {'base MB':>8} outcome"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for label, (name, data) in files.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            ours, base = measure(path, "ours"), measure(path, "baseline")
            print(
                f"{label:32} {len(data) // 1024:>6}KB | {ours['seconds']:7.2f} {ours['peak_mb']:8.0f} {ours['outcome']:18} "
                f"| {base['seconds']:7.2f} {base['peak_mb']:8.0f} {base['outcome']}"
                f"   (time ratio base/ours {base['seconds'] / max(ours['seconds'], 1e-9):.1f}x)"
            )


if __name__ == "__main__":
    main()
