"""Parser speed: items/s warm on the seed items repeated, and time from process start to the first parse.

Each figure is printed beside the same figure for a plain regex-over-cn2an baseline measured in the
same run.  usage: .venv/bin/python bench/parse_speed.py [SEED.jsonl] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = Path("/work/shared/eval/seed.jsonl")
FALLBACK = ROOT / "tests" / "nlp" / "data" / "dev_extra.jsonl"

FIRST_PARSE_OURS = """
import time, json, sys
t0 = float(sys.argv[1])
from nlp.progress import parse_progress
item = json.loads(sys.argv[2])
parse_progress(item["content"], item["progress"])
print(time.time() - t0)
"""
FIRST_PARSE_BASELINE = """
import time, json, sys
t0 = float(sys.argv[1])
sys.path.insert(0, sys.argv[3])
from parse_speed import baseline_parse
item = json.loads(sys.argv[2])
baseline_parse(item["content"], item["progress"])
print(time.time() - t0)
"""

_NUM = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|亿元|公里|个|处|家|户|人|场次|场|次|所|座|条|米|元|件|%)")


def baseline_parse(content: str, progress: str) -> dict:
    """Plain baseline: cn2an.transform the text, regex out number+unit, link by unit in order."""
    import warnings

    import cn2an

    warnings.filterwarnings("ignore", module="cn2an")

    def quantities(text: str) -> list[tuple[float, str]]:
        with contextlib.suppress(Exception):
            text = cn2an.transform(text, "cn2an")
        return [(float(v), u) for v, u in _NUM.findall(text)]

    targets = quantities(content)
    links = []
    for value, unit in quantities(progress):
        for i, (_, t_unit) in enumerate(targets):
            if t_unit == unit and all(ln[0] != i for ln in links):
                links.append((i, value))
                break
    status = "completed" if "完成" in progress and not links else "in_progress"
    return {"targets": targets, "links": links, "status": status}


def _items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _throughput(fn, items: list[dict], repeat: int) -> float:
    for item in items:  # warm caches and the tokenizer
        fn(item["content"], item["progress"])
    start = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            fn(item["content"], item["progress"])
    return repeat * len(items) / (time.perf_counter() - start)


def _first_parse(code: str, item: dict) -> float:
    """Time from just before the interpreter starts to the first parsed item, in a fresh process."""
    t0 = time.time()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            repr(t0),
            json.dumps(item, ensure_ascii=False),
            str(Path(__file__).parent),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print items/s and time-to-first-parse for our parser and the baseline."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seed", nargs="?", default=str(DEFAULT_SEED if DEFAULT_SEED.exists() else FALLBACK))
    ap.add_argument("--repeat", type=int, default=60)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from nlp.progress import parse_progress

    items = _items(Path(args.seed))
    # an item with targets exercises the whole path (jieba included when names tie)
    probe = next((i for i in items if "累计" in i["progress"]), items[0])
    _first_parse(FIRST_PARSE_OURS, probe)  # let jieba write its dictionary cache once
    ours_first = min(_first_parse(FIRST_PARSE_OURS, probe) for _ in range(3))
    base_first = min(_first_parse(FIRST_PARSE_BASELINE, probe) for _ in range(3))
    ours = _throughput(parse_progress, items, args.repeat)
    base = _throughput(baseline_parse, items, args.repeat)
    print(f"items: {len(items)} x {args.repeat} from {args.seed}")
    print(f"{'':24}{'ours':>12}{'baseline':>12}   goal")
    print(f"{'items/s (warm, 1 core)':24}{ours:>12,.0f}{base:>12,.0f}   >= 2,000")
    print(f"{'first parse (s)':24}{ours_first:>12.3f}{base_first:>12.3f}   <= 1.0")


if __name__ == "__main__":
    main()
