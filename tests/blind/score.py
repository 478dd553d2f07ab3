"""Score the question parser on the blind question sets (tests/blind/queries/*.jsonl).

Each line is a question a district office would type, written by someone who had not read
``nlp/intents.py``, with the kind, unit, items (by number) and period a reader expects. A question is
right when all four agree: the kind (for a follow-up, the kind it resolves to after its context), the
unit, the set of items (for item and history questions) and the period (``null`` = the current one).

Run ``python -m tests.blind.score`` for the per-kind accuracy and the misses.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from nlp.intents import Vocabulary

QUERIES = Path(__file__).resolve().parent / "queries"
CORPUS = Path(__file__).resolve().parents[1] / "ledger_corpus"
EXPECTED = (
    CORPUS / "expected",
    CORPUS / "blind" / "expected",
)  # the corpus's and its blind ledgers' readings
TODAY = date(2025, 3, 20)  # what the authors assumed: 2025-03 is the current period
CURRENT = "2025-03"
ITEM_KINDS = ("item", "history")


@dataclass(frozen=True)
class Resolved:
    """What the parser made of a question, in the set's terms (items by number)."""

    kind: str | None
    unit: str | None = None
    items: tuple[int, ...] = ()
    period: str | None = None


# A resolver reads (text, vocabulary, context question or None) and returns what it understood.
Resolver = Callable[[str, Vocabulary, str | None], Resolved]


def load(paths: list[Path] | None = None) -> list[dict]:
    """Return every question of the sets, in file order."""
    out: list[dict] = []
    for path in paths or sorted(QUERIES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line))
    return out


@cache
def sample_vocabulary() -> Vocabulary:
    """The seed ledger's vocabulary, item ids = item numbers (read and parsed as an import would)."""
    from handlers.ledger.reader import read_ledger_file
    from handlers.ledger.table import parse_table
    from tests.conftest import seed_path

    parsed = parse_table(read_ledger_file(seed_path()))
    return vocabulary_of([(i.position, i.category, i.content, i.units, i.progress) for i in parsed.items])


@cache
def corpus_vocabulary(name: str) -> Vocabulary:
    """A corpus ledger's vocabulary from its expected JSON (``name`` is the file stem or its prefix)."""
    found = sorted(p for folder in EXPECTED for p in folder.glob("*.json"))
    path = next(p for p in found if p.stem == name or p.stem.startswith(name))
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for n, item in enumerate(data["items"], start=1):
        rows.append(
            (n, item.get("category") or "", item["content"], tuple(item["units"]), item.get("progress") or "")
        )
    seqs = [str(item.get("seq") or "") for item in data["items"]]
    return vocabulary_of(rows, [c if not c.isdigit() else "" for c in seqs])


def vocabulary_of(
    rows: list[tuple[int, str, str, tuple[str, ...], str]], codes: list[str] | None = None
) -> Vocabulary:
    """Build a vocabulary from (number, category, content, units, progress) rows; codes: the items' own."""
    codes = codes or []
    from nlp.intents import vocabulary_from_rows

    return vocabulary_from_rows(rows, codes)


def vocabulary_for(question: dict) -> Vocabulary:
    """Return the vocabulary of the ledger a question is about."""
    ledger = question.get("ledger") or "sample"
    return sample_vocabulary() if ledger == "sample" else corpus_vocabulary(ledger)


def expected(question: dict) -> Resolved:
    """Return what a reader expects the question to resolve to."""
    kind = question["resolved_kind"] if question["kind"] == "follow_up" else question["kind"]
    items = tuple(sorted(str(i) for i in question["items"])) if kind in ITEM_KINDS else ()
    return Resolved(kind, question["unit"], items, question["period"] or CURRENT)


def normalised(got: Resolved, kind: str | None) -> Resolved:
    """Compare like with like: items only for item questions, no period = the current one."""
    items = tuple(sorted(got.items)) if kind in ITEM_KINDS else ()
    return Resolved(got.kind, got.unit, items, got.period or CURRENT)


def score(resolver: Resolver, questions: list[dict] | None = None) -> tuple[Counter, Counter, list]:
    """Return (right by kind, asked by kind, misses as (question, got))."""
    right: Counter = Counter()
    asked: Counter = Counter()
    misses = []
    for q in questions if questions is not None else load():
        want = expected(q)
        got = normalised(resolver(q["text"], vocabulary_for(q), q.get("context")), want.kind)
        asked[q["kind"]] += 1
        if got == want:
            right[q["kind"]] += 1
        else:
            misses.append((q, got))
    return right, asked, misses


def report(resolver: Resolver, out=sys.stdout, show_misses: bool = True) -> float:
    """Print per-kind accuracy and the misses; return the overall accuracy."""
    right, asked, misses = score(resolver)
    total = sum(asked.values())
    for kind in sorted(asked, key=lambda k: -asked[k]):
        print(f"{kind:14s} {right[kind]:3d}/{asked[kind]:3d}  {right[kind] / asked[kind]:6.1%}", file=out)
    overall = sum(right.values()) / total if total else 0.0
    print(f"{'overall':14s} {sum(right.values()):3d}/{total:3d}  {overall:6.1%}", file=out)
    if show_misses:
        for q, got in misses:
            print(f"MISS {q['id']} {q['text']!r} want={expected(q)} got={got}", file=out)
    return overall
