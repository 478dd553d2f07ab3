"""End-to-end filing: a JSONL set's chat replies filed through the console dialogue, scored against the gold.

Prints stored-vs-expected links and status, messages per item and questions asked, beside the parser alone
on the same texts (see tests/e2e_filing.py for what the simulated contact does).
usage: .venv/bin/python bench/filing_e2e.py [SET.jsonl ...] [--all-sources] [--show-wrong]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e_filing import load_rows, run  # noqa: E402

DEV = sorted((ROOT / "tests" / "nlp" / "data").glob("*.jsonl"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="*", type=Path, default=DEV)
    ap.add_argument("--all-sources", action="store_true", help="file the gov rows too, not only chat")
    ap.add_argument("--show-wrong", action="store_true")
    a = ap.parse_args()
    rows = load_rows(a.sets, None if a.all_sources else "chat")
    with tempfile.TemporaryDirectory() as tmp:
        report = asyncio.run(run(rows, Path(tmp)))
    print(report.text())
    if a.show_wrong:
        print("\n".join(report.wrong))


if __name__ == "__main__":
    main()
