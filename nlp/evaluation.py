"""The evaluation runner: JSONL in, one prediction line out per input line."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, TextIO

from nlp.progress import parse_progress
from nlp.types import ParseResult


def _num(value: float) -> float | int:
    if not math.isfinite(value):
        return 0
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def prediction(item_id: Any, result: ParseResult) -> dict[str, Any]:
    """Return the evaluation's JSON object for one parsed item."""
    return {
        "id": item_id,
        "targets": [
            {"name": t.name, "value": _num(t.value), "unit": t.unit, "kind": t.kind} for t in result.targets
        ],
        "links": [{"target": ln.target, "value": _num(ln.value)} for ln in result.links],
        "status": result.status,
    }


def run_jsonl(inp: TextIO, out: TextIO) -> int:
    """Parse every {"id","content","progress"} line of ``inp`` into ``out``; return the number of bad lines."""
    errors = 0
    for lineno, line in enumerate(inp, 1):
        if not line.strip():
            continue
        item_id: Any = None
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            item_id = data.get("id", lineno)
            content, progress = data.get("content") or "", data.get("progress") or ""
            if not isinstance(content, str) or not isinstance(progress, str):
                raise ValueError("content and progress must be strings")
            row = prediction(item_id, parse_progress(content, progress))
        except Exception as exc:  # one bad line must not stop the run
            errors += 1
            row = {
                "id": item_id if item_id is not None else f"line {lineno}",
                "line": lineno,
                "error": f"{type(exc).__name__}: {exc}",
            }
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return errors


def format_readable(
    content: str, progress: str, *, status_labels: Mapping[str, str], kind_labels: Mapping[str, str]
) -> str:
    """Describe for a person what the parser read from one item (labels: the chat's, handlers/texts.py)."""
    result = parse_progress(content, progress)
    lines = [f"状态: {status_labels.get(result.status, result.status)} ({result.status})"]
    if not result.targets:
        lines.append("目标: (无量化目标)")
    for i, t in enumerate(result.targets):
        lines.append(f"目标[{i}] {t.name}: {_num(t.value)} {t.unit} ({kind_labels.get(t.kind, t.kind)})")
    for ln in result.links:
        t = result.targets[ln.target]
        ratio = f"{ln.value / t.value:.0%}" if t.value else "-"
        lines.append(
            f"进展 → 目标[{ln.target}] {t.name}: {_num(ln.value)} {t.unit} 完成 {ratio}"
            f" [{ln.basis}] «{ln.evidence}»"
        )
    lines.extend(f"待确认: {a.kind} 目标={a.target} 值={a.value} «{a.evidence}»" for a in result.ambiguities)
    return "\n".join(lines)
