"""Time every report format on the seed (33 items) and on generated ledgers of 3,300 and 33,000 items.

Run from the repository root:  .venv/bin/python bench/report_speed.py [--sizes 33 3300 33000]

Each (size, format) runs in its own process, after a warm-up call on a one-item ledger (imports, font
lookup), so the figures are steady-state seconds and the peak resident memory the call added (RSS
high-water mark after minus before, in MB). For the large ledgers the chart is the 30 most lagging items
plus the category overview (40 most lagging categories): a chart of 33,000 bars is not readable.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMATS = ("ledger", "docx", "xlsx", "png", "text")
TOP = 30  # items charted for a large ledger


def _ledgers(n: int):
    from reports.ledger import build_ledger
    from tests.reports.sample import generated_items, previous_week_ledger, seed_items, seed_ledger

    if n == 33:
        return (lambda: build_ledger(2025, 3, seed_items())), seed_ledger(), previous_week_ledger()
    items = generated_items(n)
    previous = build_ledger(2025, 3, generated_items(n, seed=7))
    return (lambda: build_ledger(2025, 3, items)), build_ledger(2025, 3, items), previous


def _job(fmt: str, ledger, previous, build):
    from reports.to_docx import to_docx
    from reports.to_png import categories_chart, items_chart
    from reports.to_text import ledger_text, split_message, summary_text
    from reports.to_xlsx import to_xlsx

    def png():
        top = None if len(ledger.rows) <= 60 else TOP
        return items_chart(ledger, top=top) + categories_chart(ledger)

    def text():
        out = []
        for flavor, limit, measure in (
            ("plain", 4096, "chars"),
            ("html", 4096, "chars"),
            ("markdown", 4096, "bytes"),
            ("markdown", 2048, "bytes"),
        ):
            out += split_message(ledger_text(ledger, flavor), flavor, limit, measure=measure)
            out += split_message(summary_text(ledger, previous, flavor), flavor, limit, measure=measure)
        return out

    return {
        "ledger": build,
        "docx": lambda: to_docx(ledger),
        "xlsx": lambda: to_xlsx(ledger),
        "png": png,
        "text": text,
    }[fmt]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(n: int, fmt: str) -> dict:
    """Measure one format at one size in this process and return seconds and peak MB."""
    from tests.reports.sample import generated_ledger

    tiny = generated_ledger(1)
    _job(fmt, tiny, tiny, lambda: tiny)()  # warm-up: lazy imports, font search, matplotlib caches
    build, ledger, previous = _ledgers(n)
    before = _rss_mb()
    start = time.perf_counter()
    _job(fmt, ledger, previous, build)()
    seconds = time.perf_counter() - start
    return {"n": n, "format": fmt, "seconds": seconds, "peak_mb": max(0.0, _rss_mb() - before)}


def seed_full_set() -> dict:
    """Time docx + xlsx + png + text for the seed in one warm process, and the same from a cold start."""
    from tests.reports.sample import previous_week_ledger, seed_ledger

    ledger, previous = seed_ledger(), previous_week_ledger()
    jobs = [_job(f, ledger, previous, None) for f in ("docx", "xlsx", "png", "text")]
    start = time.perf_counter()
    for job in jobs:
        job()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for job in jobs:
        job()
    return {"cold": cold, "warm": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[33, 3300, 33000])
    parser.add_argument("--child", nargs=2, metavar=("N", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--seed-set", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return
    if args.seed_set:
        print(json.dumps(seed_full_set()))
        return

    def run(*extra: str) -> dict:
        out = subprocess.run([sys.executable, __file__, *extra], capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    results: dict[tuple[int, str], dict] = {}
    print(f"{'items':>7} {'format':<7} {'seconds':>9} {'peak MB':>8}")
    for n in args.sizes:
        for fmt in FORMATS:
            r = results[(n, fmt)] = run("--child", str(n), fmt)
            print(f"{n:>7} {fmt:<7} {r['seconds']:>9.3f} {r['peak_mb']:>8.1f}", flush=True)
    if 3300 in args.sizes and 33000 in args.sizes:
        print("\ngrowth 33,000 vs 3,300 items (10x the items; linear = about 10x)")
        for fmt in FORMATS:
            small, big = results[(3300, fmt)], results[(33000, fmt)]
            mem = f"{big['peak_mb'] / small['peak_mb']:.1f}x" if small["peak_mb"] >= 1 else "n/a (<1 MB)"
            print(f"  {fmt:<7} time {big['seconds'] / small['seconds']:>5.1f}x   memory {mem}")
    seed = run("--seed-set")
    print(
        f"\nseed full set (docx + xlsx + png + text, 33 items): {seed['cold']:.3f} s on first use "
        f"(lazy imports, font search), {seed['warm']:.3f} s after start-up"
    )


if __name__ == "__main__":
    main()
