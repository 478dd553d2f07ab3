"""Make Word and Excel versions of a ledger table for import tests (merged cells as offices make them)."""

from __future__ import annotations

import io
import re
from itertools import pairwise
from pathlib import Path


def read_seed_rows(path: Path) -> tuple[str, list[str], list[list[str]]]:
    """Read the seed export independently of the product code: title, header, raw rows of 7 cells."""
    text = re.sub(r"\[bookmark:[^\]]*\]", "", path.read_text(encoding="utf-8"))
    blocks = [b for b in text.split("\n\n") if "\t" in b]
    title = text.split("\n", 1)[0].strip()
    rows = []
    for block in blocks:
        cells = [c.strip() for c in re.split(r"(?:^|\n) *\t", block)[1:]]
        rows.append(cells)
    return title, rows[0], rows[1:]


def make_docx(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    """Return a .docx whose table merges 序号 and 目标任务 vertically over each category."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(title)
    table = doc.add_table(rows=1 + len(rows), cols=7)
    for c, h in enumerate(header):
        table.cell(0, c).text = h
    start = None
    for r, cells in enumerate(rows, 1):
        for c, value in enumerate(cells):
            if c in (0, 1) and not value:
                continue
            table.cell(r, c).text = value
    # merge 序号/目标任务 downwards from each category's first row
    starts = [r for r, cells in enumerate(rows, 1) if cells[0]] + [len(rows) + 1]
    for a, b in pairwise(starts):
        if b - 1 > a:
            for c in (0, 1):
                text = table.cell(a, c).text
                merged = table.cell(a, c).merge(table.cell(b - 1, c))
                merged.text = text
    del start
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_xlsx(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    """Return an .xlsx with a merged title row and 序号/目标任务 merged over each category."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws.append(header)
    for cells in rows:
        ws.append(
            [int(cells[0]) if cells[0].isdigit() else (cells[0] or None)] + [v or None for v in cells[1:]]
        )
    starts = [i for i, cells in enumerate(rows) if cells[0]] + [len(rows)]
    for a, b in pairwise(starts):
        if b - 1 > a:
            for col in (1, 2):
                ws.merge_cells(start_row=3 + a, start_column=col, end_row=3 + b - 1, end_column=col)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
