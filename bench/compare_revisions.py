"""Run one benchmark on a baseline revision and on this tree, rounds interleaved, and print both side by side.

A refactor should not slow the bot down; machines are shared and noisy, so the two trees are measured in the
same run, alternating (base, this, base, this, …), and the medians compared. The benchmark must print a JSON
line ``{"results": [{"bot": …, <figures>}, …]}`` last, as ``bench/telegram_pipeline.py`` does.

Run: .venv/bin/python bench/compare_revisions.py --base 6940f59 --rounds 3 -- \
         bench/telegram_pipeline.py --n 3000 --contacts 300 --backends sqlite,postgres
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("updates_per_s", "cpu_ms_per_update", "sql_statements_per_update", "peak_rss_mb")


def run(tree: Path, script: str, args: list[str]) -> dict[str, dict[str, float]]:
    """Run ``script`` of ``tree`` with this interpreter; return bot → its figures."""
    done = subprocess.run(
        [sys.executable, str(tree / script), *args], cwd=tree, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} failed in {tree}:\n{done.stderr[-2000:]}")
    last = [line for line in done.stdout.splitlines() if line.startswith('{"results"')][-1]
    return {r["bot"]: {k: float(r[k]) for k in FIGURES if k in r} for r in json.loads(last)["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the baseline revision (a commit of this repository)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--relative-to",
        default="",
        help="a bot of the same run to divide updates/s by (e.g. 'PTB echo'): steadier on a busy machine",
    )
    parser.add_argument("bench", nargs=argparse.REMAINDER, help="-- SCRIPT [ARGS…]")
    ns = parser.parse_args()
    bench = [a for a in ns.bench if a != "--"]
    if not bench:
        parser.error("name the benchmark after --")
    script, args = bench[0], bench[1:]
    runs: dict[str, list[dict[str, dict[str, float]]]] = {"base": [], "this": []}
    with tempfile.TemporaryDirectory(prefix="ledgerbot-base-") as tmp:
        base = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(base), ns.base], check=True
        )
        try:
            for i in range(ns.rounds):
                for name, tree in (("base", base), ("this", ROOT)):
                    print(f"round {i + 1}/{ns.rounds}: {name}", file=sys.stderr, flush=True)
                    runs[name].append(run(tree, script, args))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
    print(f"{script} {' '.join(args)} — medians of {ns.rounds} interleaved rounds; base = {ns.base}")
    print(f"{'bot':<22}{'figure':<20}{'base':>10}{'this':>10}{'this/base':>11}")
    for bot in runs["this"][0]:
        for figure in FIGURES:
            b = [r[bot][figure] for r in runs["base"] if bot in r and figure in r[bot]]
            t = [r[bot][figure] for r in runs["this"] if figure in r[bot]]
            if b and t:
                mb, mt = statistics.median(b), statistics.median(t)
                print(f"{bot:<22}{figure:<20}{mb:>10.1f}{mt:>10.1f}{mt / mb:>11.2f}")
    ref = ns.relative_to
    if ref:
        print(f"updates/s divided by {ref!r} of the same run (median of the rounds' ratios):")
        for bot in runs["this"][0]:
            ratios = {
                name: [
                    r[bot]["updates_per_s"] / r[ref]["updates_per_s"] for r in rounds if bot in r and ref in r
                ]
                for name, rounds in runs.items()
            }
            if ratios["base"] and ratios["this"] and bot != ref:
                mb, mt = statistics.median(ratios["base"]), statistics.median(ratios["this"])
                print(f"{bot:<22}{'×' + ref:<20}{mb:>10.2f}{mt:>10.2f}{mt / mb:>11.2f}")


if __name__ == "__main__":
    main()
