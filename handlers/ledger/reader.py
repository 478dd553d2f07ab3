"""Read a ledger table from Word (.docx), Excel (.xlsx) or the plain-text export into plain rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from handlers import texts
from reports.columns import DEFAULT_LAYOUT, LedgerLayout

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_PAGE_NUMBER = re.compile(r"^\s*(第?\s*\d+\s*页?|-\s*\d+\s*-)\s*$")


class LedgerFileError(ValueError):
    """A ledger file that cannot be read; the message names the file, row and column."""

    def __init__(
        self, source: str, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        where = [source]
        if row is not None:
            where.append(texts.FILE_WHERE_ROW.format(row=row))
        if column:
            where.append(texts.FILE_WHERE_COLUMN.format(column=column))
        super().__init__(f"{'，'.join(where)}：{message}")
        self.source, self.row, self.column, self.message = source, row, column, message

    def __reduce__(self) -> tuple:
        """Pickle by the constructor's arguments (the error crosses from the worker process)."""
        return (_file_error, (self.source, self.message, self.row, self.column))


def _file_error(source: str, message: str, row: int | None, column: str | None) -> LedgerFileError:
    return LedgerFileError(source, message, row=row, column=column)


class TableRow(BaseModel):
    """One data row of the table, as its cells' text, with where it came from."""

    model_config = ConfigDict(frozen=True)

    number: int
    cells: tuple[str, ...]


class LedgerTable(BaseModel):
    """The raw table: title line, header cells and data rows."""

    model_config = ConfigDict(frozen=True)

    source: str
    title: str
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    notes: tuple[str, ...] = ()


def _clean(text: str) -> str:
    text = _BOOKMARK.sub("", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _split_title_header(
    source: str, rows: list[list[str]], leading: list[str], layout: LedgerLayout
) -> tuple[str, list[str], int]:
    for i, cells in enumerate(rows):
        if layout.is_header(cells):
            before = [c for r in rows[:i] for c in r if c]
            title = next((t for t in [*leading, *before] if t.strip()), "")
            return _clean(title), cells, i
    raise LedgerFileError(source, texts.FILE_NO_HEADER)


def read_text(path: Path, data: bytes | None = None, layout: LedgerLayout = DEFAULT_LAYOUT) -> LedgerTable:
    """Read the plain-text table export: cells start with a tab, rows are separated by blank lines."""
    source = path.name
    raw = data if data is not None else path.read_bytes()
    if not raw.strip():
        raise LedgerFileError(source, texts.FILE_EMPTY)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise LedgerFileError(source, texts.FILE_ENCODING) from exc
    if "\x00" in text:
        raise LedgerFileError(source, texts.FILE_BINARY)
    blocks: list[tuple[int, list[str], list[str]]] = []  # (first line no, cells, loose lines)
    cur: tuple[int, list[str], list[str]] | None = None
    for lineno, raw_line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = _BOOKMARK.sub("", raw_line)
        if line == "" or (line.strip() == "" and "\t" not in line):
            cur = None
            continue
        if cur is None:
            cur = (lineno, [], [])
            blocks.append(cur)
        stripped = line.lstrip(" \u3000")
        if stripped.startswith("\t"):
            cur[1].append(stripped[1:])
        elif cur[1]:
            cur[1][-1] += "\n" + line
        else:
            cur[2].append(line)
    table_blocks = [b for b in blocks if b[1]]
    if not table_blocks:
        raise LedgerFileError(source, texts.FILE_NO_ROWS)
    cell_rows = [[_clean(c) for c in b[1]] for b in table_blocks]
    hi0 = next((i for i, cells in enumerate(cell_rows) if layout.is_header(cells)), 0)
    leading = [line for b in blocks if b[0] <= table_blocks[hi0][0] for line in b[2] if line.strip()][:1]
    title, header, hi = _split_title_header(source, cell_rows, leading, layout)
    rows = []
    notes = []
    for (lineno, _, _), clean in zip(table_blocks[hi + 1 :], cell_rows[hi + 1 :], strict=True):
        rows.append(TableRow(number=lineno, cells=tuple(clean)))
    for b in blocks:
        if not b[1] and b[0] > table_blocks[hi][0]:
            body = " ".join(b[2]).strip()
            if body and not _PAGE_NUMBER.match(body):
                notes.append(body)
    return LedgerTable(source=source, title=title, header=tuple(header), rows=tuple(rows), notes=tuple(notes))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _para_text(p) -> str:
    parts = []
    for node in p.iter():
        if node.tag == _W + "t" and node.text:
            parts.append(node.text)
        elif node.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif node.tag == _W + "tab":
            parts.append(" ")
    return "".join(parts)


def read_docx(path: Path, data: bytes | None = None, layout: LedgerLayout = DEFAULT_LAYOUT) -> LedgerTable:
    """Read the first table of a Word file, resolving vertically merged cells."""
    from io import BytesIO

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    source = path.name
    try:
        doc = Document(BytesIO(data) if data is not None else str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LedgerFileError(source, texts.FILE_BAD_DOCX) from exc
    if not doc.tables:
        raise LedgerFileError(source, texts.FILE_NO_TABLE)
    tbl = doc.tables[0]._tbl
    grid: list[list[str]] = []
    above: dict[int, str] = {}
    for tr in tbl.iter(_W + "tr"):
        cells: list[str] = []
        col = 0
        for tc in tr.findall(_W + "tc"):
            tcpr = tc.find(_W + "tcPr")
            span, vmerge = 1, None
            if tcpr is not None:
                gs = tcpr.find(_W + "gridSpan")
                if gs is not None:
                    span = int(gs.get(_W + "val", "1"))
                vm = tcpr.find(_W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(_W + "val", "continue")
            text = "\n".join(_para_text(p) for p in tc.findall(_W + "p"))
            if vmerge == "continue":
                text = ""  # a merged continuation means "same as above": the fill-down rule handles it
            for k in range(span):
                cells.append(_clean(text) if k == 0 else "")
                above[col] = text
                col += 1
        grid.append(cells)
    leading = [p.text for p in doc.paragraphs if p.text.strip()][:1]
    title, header, hi = _split_title_header(source, grid, leading, layout)
    rows = tuple(TableRow(number=i + 1, cells=tuple(c)) for i, c in enumerate(grid) if i > hi)
    return LedgerTable(source=source, title=title, header=tuple(header), rows=rows)


def read_xlsx(path: Path, data: bytes | None = None, layout: LedgerLayout = DEFAULT_LAYOUT) -> LedgerTable:
    """Read the first worksheet of an Excel file, resolving merged cells to their top-left value."""
    from io import BytesIO

    from openpyxl import load_workbook

    source = path.name
    try:
        wb = load_workbook(BytesIO(data) if data is not None else str(path), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileError(source, texts.FILE_BAD_XLSX) from exc
    ws = wb.worksheets[0]
    merged_children: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    merged_children.add((r, c))
    grid: list[tuple[int, list[str]]] = []
    for r_idx, row in enumerate(ws.iter_rows(values_only=True), 1):
        cells = []
        for c_idx, value in enumerate(row, 1):
            if (r_idx, c_idx) in merged_children or value is None:
                cells.append("")
            elif isinstance(value, float) and value.is_integer():
                cells.append(str(int(value)))
            else:
                cells.append(_clean(str(value)))
        while cells and cells[-1] == "":
            cells.pop()
        if any(cells):
            grid.append((r_idx, cells))
    if not grid:
        raise LedgerFileError(source, texts.FILE_EMPTY_SHEET)
    title, header, hi = _split_title_header(source, [c for _, c in grid], [], layout)
    width = len(header)
    rows = tuple(
        TableRow(number=n, cells=tuple((c + [""] * width)[: max(width, len(c))])) for n, c in grid[hi + 1 :]
    )
    return LedgerTable(source=source, title=title, header=tuple(header), rows=rows)


def read_ledger_file(
    path: Path, data: bytes | None = None, layout: LedgerLayout = DEFAULT_LAYOUT
) -> LedgerTable:
    """Read a ledger table by the file's format (.docx, .xlsx, .txt)."""
    suffix = path.suffix.lower()
    if data is None and not path.exists():
        raise LedgerFileError(path.name, texts.FILE_MISSING.format(path=path))
    if suffix == ".docx":
        return read_docx(path, data, layout)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, data, layout)
    if suffix in (".txt", ".text", ".tsv", ""):
        return read_text(path, data, layout)
    raise LedgerFileError(path.name, texts.FILE_FORMAT.format(suffix=suffix))
