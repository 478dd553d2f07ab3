"""Read any ledger file into plain grids: every table of a Word file, every sheet of a workbook, a CSV.

A grid keeps each row's real number in the file (the Excel row, the Word table row, the CSV line) so
errors name the row the user sees. Merged cells keep their text in the top-left cell only; the rows'
meaning (fill-down, category rows) is decided later, by the ledger's shape (handlers/ledger/shape.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from handlers import texts
from handlers.ledger.convert import convert_legacy
from handlers.ledger.limits import check_docx, check_xlsx
from handlers.ledger.reader import LedgerFileError, _clean, _para_text, read_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_COLUMNS = 60
MAX_ROWS = 5000


class GridRow(BaseModel):
    """One row: its number as the user sees it and its cells' text."""

    model_config = ConfigDict(frozen=True)

    number: int
    cells: tuple[str, ...]
    merged: frozenset[int] = frozenset()  # columns whose cell continues a merge from the row above


class Grid(BaseModel):
    """One table or sheet: its name (a sheet name, or 表格N), the lines above it, and its rows."""

    model_config = ConfigDict(frozen=True)

    name: str
    leading: tuple[str, ...]
    rows: tuple[GridRow, ...]
    named: bool = True  # the name is the user's (a sheet's), not one made up for an unnamed table


def cell_text(value: object) -> str:
    """Return a spreadsheet value as the text the user sees (12000, 14600.5, 2025-12-31)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return _clean(str(value))


def _grid_row(number: int, cells: list[str], source: str, merged: frozenset[int] = frozenset()) -> GridRow:
    while cells and cells[-1] == "":
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise LedgerFileError(source, texts.I14_TOO_WIDE.format(got=len(cells), most=MAX_COLUMNS), row=number)
    return GridRow(number=number, cells=tuple(cells), merged=frozenset(c for c in merged if c < len(cells)))


def read_docx_grids(source: str, data: bytes) -> list[Grid]:
    """Return every top-level table of a Word file, with the paragraphs above each."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    check_docx(source, data)
    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LedgerFileError(source, texts.FILE_BAD_DOCX) from exc
    grids: list[Grid] = []
    leading: list[str] = []
    for child in doc.element.body.iterchildren():
        if child.tag == _W + "p":
            text = _clean(_para_text(child))
            if text:
                leading.append(text)
        elif child.tag == _W + "tbl":
            rows: list[GridRow] = []
            for number, tr in enumerate(child.findall(_W + "tr"), 1):
                if number > MAX_ROWS:
                    raise LedgerFileError(source, texts.I14_TOO_LONG.format(most=MAX_ROWS))
                cells: list[str] = []
                merged: set[int] = set()
                for tc in tr.findall(_W + "tc"):
                    tcpr = tc.find(_W + "tcPr")
                    span, vmerge = 1, None
                    if tcpr is not None:
                        gs = tcpr.find(_W + "gridSpan")
                        if gs is not None:
                            span = int(gs.get(_W + "val", "1") or 1)
                        vm = tcpr.find(_W + "vMerge")
                        if vm is not None:
                            vmerge = vm.get(_W + "val", "continue")
                    if span < 1 or len(cells) + span > MAX_COLUMNS:
                        raise LedgerFileError(
                            source,
                            texts.I14_TOO_WIDE.format(got=len(cells) + span, most=MAX_COLUMNS),
                            row=number,
                        )
                    text = (
                        ""
                        if vmerge == "continue"
                        else _clean("\n".join(_para_text(p) for p in tc.findall(_W + "p")))
                    )
                    if vmerge == "continue":
                        merged.add(len(cells))
                    cells.extend([text] + [""] * (span - 1))
                rows.append(_grid_row(number, cells, source, frozenset(merged)))
            grids.append(
                Grid(
                    name=texts.I14_TABLE_NAME.format(n=len(grids) + 1),
                    leading=tuple(leading),
                    rows=tuple(rows),
                    named=False,
                )
            )
            leading = []
    if not grids:
        raise LedgerFileError(source, texts.FILE_NO_TABLE)
    return grids


def _merge_continuations(ranges: Iterable[tuple[int, int, int, int]]) -> dict[int, frozenset[int]]:
    """Return row number → the columns a vertical merge continues into (rows 1-based, inclusive)."""
    out: dict[int, set[int]] = {}
    for first, last, left, right in ranges:
        for r in range(first + 1, min(last, MAX_ROWS) + 1):
            out.setdefault(r, set()).update(range(left, min(right, MAX_COLUMNS) + 1))
    return {r: frozenset(cols) for r, cols in out.items()}


def read_xlsx_grids(source: str, data: bytes) -> list[Grid]:
    """Return every worksheet of an Excel file; a merged range keeps its value in its top-left cell."""
    from openpyxl import load_workbook

    check_xlsx(source, data)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise LedgerFileError(source, texts.FILE_BAD_XLSX) from exc
    grids = []
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS:
            raise LedgerFileError(source, texts.I14_TOO_LONG.format(most=MAX_ROWS))
        rows = []
        below = _merge_continuations(
            (m.min_row, m.max_row, m.min_col - 1, m.max_col - 1) for m in ws.merged_cells.ranges
        )
        for r_idx, row in enumerate(ws.iter_rows(max_col=min(ws.max_column, MAX_COLUMNS + 1)), 1):
            cells = ["" if type(c).__name__ == "MergedCell" else cell_text(c.value) for c in row]
            grid_row = _grid_row(r_idx, cells, f"{source}「{ws.title}」", below.get(r_idx, frozenset()))
            if grid_row.cells:
                rows.append(grid_row)
        grids.append(Grid(name=ws.title, leading=(), rows=tuple(rows)))
    return grids


def read_xls_grids(source: str, data: bytes) -> list[Grid]:
    """Return every sheet of a legacy Excel 97 .xls (xlrd); a merged range keeps its top-left value."""
    import xlrd
    import xlrd.biffh

    from handlers.ledger.limits import check_size

    check_size(source, data)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.biffh.XLRDError, ValueError, OSError, AssertionError, IndexError, KeyError) as exc:
        raise LedgerFileError(source, texts.I14_BAD_XLS) from exc
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.nrows > MAX_ROWS or sheet.ncols > MAX_COLUMNS * 4:
            raise LedgerFileError(source, texts.I14_TOO_LONG.format(most=MAX_ROWS))
        children = {
            (r, c)
            for r1, r2, c1, c2 in sheet.merged_cells
            for r in range(r1, min(r2, sheet.nrows))
            for c in range(c1, min(c2, sheet.ncols, MAX_COLUMNS + 1))
            if (r, c) != (r1, c1)
        }
        below = _merge_continuations((r1 + 1, r2, c1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells)
        rows = []
        for r in range(sheet.nrows):
            cells = []
            for c in range(min(sheet.ncols, MAX_COLUMNS + 1)):
                cell = sheet.cell(r, c)
                value: object = cell.value
                if (r, c) in children:
                    value = None
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(float(cell.value), book.datemode)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    value = None
                cells.append(cell_text(value))
            grid_row = _grid_row(r + 1, cells, source, below.get(r + 1, frozenset()))
            if grid_row.cells:
                rows.append(grid_row)
        grids.append(Grid(name=sheet.name, leading=(), rows=tuple(rows)))
    return grids


def read_csv_grid(source: str, data: bytes) -> list[Grid]:
    """Return the rows of a CSV in UTF-8 (with or without BOM) or GBK, numbered by their first line."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerFileError(source, texts.FILE_ENCODING)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[GridRow] = []
    line = 1
    try:
        for record in reader:
            if len(rows) > MAX_ROWS:
                raise LedgerFileError(source, texts.I14_TOO_LONG.format(most=MAX_ROWS))
            grid_row = _grid_row(line, [_clean(c) for c in record], source)
            if grid_row.cells:
                rows.append(grid_row)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise LedgerFileError(source, texts.I14_BAD_CSV.format(error=exc), row=line) from exc
    return [Grid(name=source, leading=(), rows=tuple(rows))]


def read_text_grid(source: str, data: bytes) -> list[Grid]:
    """Return the plain-text export as a grid (title line, header, rows numbered by their first line)."""
    table = read_text(Path(source), data)
    for r in table.rows:
        # Cells in the text export are positional: a missing one would shift the rest into wrong columns.
        if len(r.cells) != len(table.header):
            raise LedgerFileError(
                source, texts.FILE_ROW_CELLS.format(got=len(r.cells), want=len(table.header)), row=r.number
            )
    rows = [GridRow(number=0, cells=table.header)] + [
        GridRow(number=r.number, cells=r.cells) for r in table.rows
    ]
    return [Grid(name=source, leading=(table.title,) if table.title else (), rows=tuple(rows))]


def read_grids(path: Path, data: bytes | None = None) -> list[Grid]:
    """Return the grids of a ledger file by its format; legacy .xls/.doc/.wps are converted first."""
    source = path.name
    if data is None:
        if not path.exists():
            raise LedgerFileError(source, texts.FILE_MISSING.format(path=path))
        data = path.read_bytes()
    if not data.strip():
        raise LedgerFileError(source, texts.FILE_EMPTY)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        return read_xls_grids(source, data)
    if suffix in (".doc", ".wps", ".rtf", ".et"):
        return read_docx_grids(source, convert_legacy(source, data, "docx"))
    if suffix == ".docx":
        return read_docx_grids(source, data)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_grids(source, data)
    if suffix == ".csv":
        return read_csv_grid(source, data)
    if suffix in (".txt", ".text", ".tsv", ""):
        return read_text_grid(source, data)
    raise LedgerFileError(source, texts.I14_FORMAT.format(suffix=suffix))
