"""Render a compiled ledger in any output format by name (the CLI and chat exports share this)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from reports.columns import cell_value
from reports.ledger import Ledger

if TYPE_CHECKING:
    from reports.to_text import Flavor

FORMATS = ("json", "text", "md", "html", "docx", "xlsx", "png")
MEDIA_TYPES = {
    "json": "application/json",
    "text": "text/plain",
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
}


def _json_value(value: str | int | tuple[str, ...]) -> str | int | list[str]:
    return list(value) if isinstance(value, tuple) else value


def ledger_json(ledger: Ledger) -> dict:
    """Return the compiled ledger as the documented JSON object."""
    return {
        "title": ledger.title,
        "period": ledger.period,
        "plan_month": ledger.plan_month,
        "header": list(ledger.header),
        "schedule": round(ledger.schedule, 4),
        "rows": [
            {
                **{c.key: _json_value(cell_value(c, r)) for c in ledger.layout.columns},
                "number": r.number,
                "status": r.status,
                "light": r.light,
                "completion": r.completion,
                "targets": [
                    {
                        "name": t.name,
                        "value": t.value,
                        "unit": t.unit,
                        "kind": t.kind,
                        "achieved": t.achieved,
                        "completion": t.completion,
                    }
                    for t in r.targets
                ],
            }
            for r in ledger.rows
        ],
    }


def render(ledger: Ledger, fmt: str) -> tuple[str | bytes, str]:
    """Return the ledger in ``fmt`` and a file name for it."""
    stem = f"台账-{ledger.period}"
    if fmt == "json":
        return json.dumps(ledger_json(ledger), ensure_ascii=False, indent=2), f"{stem}.json"
    if fmt == "html":
        from reports.to_html import to_html

        return to_html(ledger), f"{stem}.html"
    if fmt in ("text", "md"):
        from reports.to_text import ledger_text

        flavors: dict[str, Flavor] = {"text": "plain", "md": "markdown"}
        flavor = flavors[fmt]
        return ledger_text(ledger, flavor), f"{stem}.{'txt' if fmt == 'text' else fmt}"
    if fmt == "docx":
        from reports.to_docx import to_docx

        return to_docx(ledger), f"{stem}.docx"
    if fmt == "xlsx":
        from reports.to_xlsx import to_xlsx

        return to_xlsx(ledger), f"{stem}.xlsx"
    if fmt == "png":
        from reports.to_png import items_chart

        return items_chart(ledger, top=40 if len(ledger.rows) > 40 else None), f"{stem}.png"
    raise ValueError(f"unknown format {fmt}")
