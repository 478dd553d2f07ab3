"""Spreadsheet cells written as text: what a contact typed never becomes a live formula (=, +, -, @, tab, CR)."""

from __future__ import annotations

from typing import Any, TypeVar

_C = TypeVar("_C")

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Return whether a spreadsheet would read this value as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> Any:
    """Return the value for a .csv cell: formula-like text gets a leading apostrophe, so it opens as text."""
    return "'" + value if is_formula_like(value) else value


def as_text_cell(cell: _C) -> _C:
    """Mark an openpyxl cell holding formula-like text as a string cell (openpyxl reads '=…' as a formula)."""
    if is_formula_like(getattr(cell, "value", None)):
        cell.data_type = "s"  # type: ignore[attr-defined]
    return cell
