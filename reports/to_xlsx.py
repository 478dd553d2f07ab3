"""Render the compiled ledger as an Excel workbook: the layout's columns plus status, completion and light."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from copy import copy
from typing import TYPE_CHECKING

from reports.cells import as_text_cell
from reports.columns import Column, LedgerLayout, cell_text, cell_value, merge_runs
from reports.figures import item_ref, share_value
from reports.ledger import Ledger, LedgerRow
from reports.lights import LIGHT_LABELS

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

# The computed columns after the ledger's own: (header, Excel width). 编号 is the item's "[N]", as in chat.
STATUS_COLUMNS = (("编号", 7), ("状态", 9), ("完成率", 9), ("序时进度", 9), ("灯", 7))
LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}  # Excel's own good/neutral/bad fills
LIGHT_FONTS = {"green": "006100", "yellow": "9C5700", "red": "9C0006"}
BODY_FONT, TITLE_FONT = "仿宋", "宋体"
GB2312 = 134  # font charset: lets Excel/WPS substitute a Chinese face when the named one is missing
LINE_POINTS = 14.0  # row height per wrapped line at 10.5 pt
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _styles():
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = Font(name=BODY_FONT, size=10.5, charset=GB2312)
    styles = [
        NamedStyle(
            "ledger_title",
            font=Font(name=TITLE_FONT, size=16, bold=True, charset=GB2312),
            alignment=Alignment(horizontal="center", vertical="center"),
        ),
        NamedStyle(
            "ledger_header",
            font=Font(name=TITLE_FONT, size=10.5, bold=True, charset=GB2312),
            alignment=wrap_center,
            border=border,
            fill=PatternFill("solid", fgColor="F2F2F2"),
        ),
        NamedStyle("ledger_text", font=body, alignment=wrap_left, border=border),
        NamedStyle("ledger_center", font=body, alignment=wrap_center, border=border),
        NamedStyle("ledger_percent", font=body, alignment=wrap_center, border=border, number_format="0.0%"),
    ]
    for light, fill in LIGHT_FILLS.items():
        styles.append(
            NamedStyle(
                f"ledger_{light}",
                font=Font(name=BODY_FONT, size=10.5, bold=True, color=LIGHT_FONTS[light], charset=GB2312),
                alignment=wrap_center,
                border=border,
                fill=PatternFill("solid", fgColor=fill),
            )
        )
    return styles


def _clean(text: str) -> str:
    return _ILLEGAL.sub("", text.replace("\r\n", "\n"))


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _lines(text: str, width: int) -> int:
    """Return how many lines the text wraps to in a column this wide (Excel does not size rows it did not draw)."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(_display_width(line) / usable)) for line in text.split("\n"))


def column_widths(layout: LedgerLayout) -> tuple[int, ...]:
    """Return the sheet's column widths: the layout's columns, then the status columns."""
    return tuple(c.xlsx_width for c in layout.columns) + tuple(w for _, w in STATUS_COLUMNS)


def _value(column: Column, row: LedgerRow) -> str | int:
    value = cell_value(column, row)
    if column.kind == "number" and isinstance(value, int):
        return value  # a number cell, so Excel sorts and sums it
    return _clean(cell_text(column, row))


def to_xlsx(ledger: Ledger) -> bytes:
    """Render the ledger as .xlsx bytes: merged categories, wrapped text, frozen header, landscape print."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    # Write-only mode streams rows: the normal mode keeps every cell object and grows too big at 33,000 items.
    wb = Workbook(write_only=True)
    for style in _styles():
        wb.add_named_style(style)
    ws = wb.create_sheet(ledger.period)
    columns = ledger.layout.columns
    header = ledger.header + tuple(h for h, _ in STATUS_COLUMNS)
    for i, width in enumerate(column_widths(ledger.layout), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    # Streamed sheets write their head (views, properties, columns) with the first row: set those first.
    first_col, last_col = get_column_letter(1), get_column_letter(len(header))
    ws.freeze_panes = f"{first_col}{FIRST_ROW}"  # freezes the title and header rows, no column
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    merges: set[CellRange] = {CellRange(f"{first_col}{TITLE_ROW}:{last_col}{TITLE_ROW}")}

    # Resolve each named style once: assigning by name looks it up and rebuilds the style per cell.
    resolved: dict[str, object] = {}

    def cell(value: str | float | None, style: str) -> Cell:
        c = as_text_cell(WriteOnlyCell(ws, value=value))  # typed text never becomes a formula
        # The stubs leave out StyleableObject's private style array, which this copies on purpose.
        if style not in resolved:
            c.style = style
            resolved[style] = c._style  # type: ignore[attr-defined]
        else:
            c._style = copy(resolved[style])  # type: ignore[attr-defined]
        return c

    ws.row_dimensions[TITLE_ROW].height = 30
    ws.append([cell(_clean(ledger.title), "ledger_title")])
    ws.row_dimensions[HEADER_ROW].height = 2 * LINE_POINTS
    ws.append([cell(h, "ledger_header") for h in header])

    letters = {c.key: get_column_letter(i) for i, c in enumerate(columns, 1)}
    # Rows are sized by the columns written on every row (category columns show once, merged over it).
    sized = [c for c in columns if c.merge != "category"]
    row_no = FIRST_ROW
    for _, _, rows in ledger.categories():
        blank: dict[str, set[int]] = {}  # offsets whose cell is covered by a merge above
        for c in columns:
            if c.merge == "none":
                continue
            blank[c.key] = set()
            for first, last in merge_runs(c, rows):
                col = letters[c.key]
                merges.add(CellRange(f"{col}{row_no + first}:{col}{row_no + last}"))
                blank[c.key].update(range(first + 1, last + 1))
            if c.merge == "category":
                blank[c.key].update(range(1, len(rows)))
        for offset, row in enumerate(rows):
            lines = max(_lines(_clean(cell_text(c, row)), c.xlsx_width) for c in sized)
            ws.row_dimensions[row_no].height = max(lines, 1) * LINE_POINTS + 4
            ws.append(
                [
                    *(
                        cell(
                            None if offset in blank.get(c.key, ()) else _value(c, row),
                            "ledger_center" if c.align == "center" else "ledger_text",
                        )
                        for c in columns
                    ),
                    cell(item_ref(row.number), "ledger_center"),
                    cell(row.status_label, "ledger_center"),
                    cell(
                        share_value(row.completion) if row.completion is not None else None, "ledger_percent"
                    ),
                    cell(share_value(row.schedule), "ledger_percent"),
                    cell(LIGHT_LABELS[row.light], f"ledger_{row.light}"),
                ]
            )
            row_no += 1
    # Built as a set and assigned once: MultiCellRange.add scans every range, quadratic for big ledgers.
    ws.merged_cells = MultiCellRange(merges)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
