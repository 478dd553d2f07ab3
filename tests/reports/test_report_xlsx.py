"""The Excel ledger: cells, merges, number formats, light fills and print setup, read back with openpyxl."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from reports.figures import share_value
from reports.lights import LIGHT_LABELS
from reports.to_xlsx import LIGHT_FILLS, to_xlsx
from tests.reports.sample import HEADER, SEED_ROWS, TITLE, generated_ledger, unit_tuple


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_title_header_and_every_cell(seed):
    ws = _sheet(to_xlsx(seed))
    assert ws["A1"].value == TITLE
    header = [c.value for c in ws[2]]
    assert header == [*HEADER, "编号", "状态", "完成率", "序时进度", "灯"]
    assert ws.max_row == 2 + len(SEED_ROWS)
    for offset, (expected, row) in enumerate(zip(SEED_ROWS, seed.rows, strict=True)):
        seq, category, content, unit_cell, progress, problems, plan = expected
        first = offset == 0 or SEED_ROWS[offset - 1][0] != seq
        values = [c.value for c in ws[3 + offset]]
        assert values[0] == (seq if first else None)
        assert values[1] == (category if first else None)
        assert values[2] == content
        # A merged unit cell continues where the seed's is blank, as in the Word original.
        assert values[3] == ("\n".join(unit_tuple(unit_cell)) if unit_cell else None)
        assert values[4:7] == [progress, problems or None, plan or None]
        assert values[7] == f"[{offset + 1}]"  # the item's number, as chat shows it (issue 19)
        assert values[8] == row.status_label
        # Stored as shown (one decimal of a percent, half-up), so Excel's own rounding cannot differ.
        assert values[9] == (None if row.completion is None else share_value(row.completion))
        assert values[10] == share_value(row.schedule)
        assert values[11] == LIGHT_LABELS[row.light]


def test_merges_match_categories_and_unit_runs(seed):
    ws = _sheet(to_xlsx(seed))
    merged = {str(r) for r in ws.merged_cells.ranges}
    expected = {"A1:L1"}
    first = 3
    for seq in dict.fromkeys(r[0] for r in SEED_ROWS):
        rows = [r for r in SEED_ROWS if r[0] == seq]
        last = first + len(rows) - 1
        if len(rows) > 1:
            expected |= {f"A{first}:A{last}", f"B{first}:B{last}"}
        start = None
        for k, r in enumerate(rows):
            if r[3] and start is not None and k - 1 > start:
                expected.add(f"D{first + start}:D{first + k - 1}")
            if r[3]:
                start = k
        if start is not None and len(rows) - 1 > start:
            expected.add(f"D{first + start}:D{last}")
        first = last + 1
    assert merged == expected


def test_formats_fills_and_print_setup(seed):
    ws = _sheet(to_xlsx(seed))
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert [ws.column_dimensions[chr(65 + i)].width for i in range(12)] == [
        6,
        14,
        30,
        14,
        44,
        18,
        30,
        7,
        9,
        9,
        9,
        7,
    ]
    for offset, row in enumerate(seed.rows):
        r = 3 + offset
        assert ws.cell(r, 10).number_format == "0.0%" and ws.cell(r, 11).number_format == "0.0%"
        assert ws.cell(r, 12).fill.fgColor.rgb[-6:] == LIGHT_FILLS[row.light]
        assert ws.cell(r, 5).alignment.wrap_text
        assert ws.row_dimensions[r].height >= 14
        assert ws.cell(r, 3).font.name == "仿宋"
    lights = {ws.cell(r, 12).value for r in range(3, 3 + len(seed.rows))}
    assert lights == {"绿灯", "黄灯", "红灯"}
    # The longest progress text wraps to more lines, so its row is taller than a one-liner's.
    heights = [ws.row_dimensions[3 + i].height for i in range(len(seed.rows))]
    assert max(heights) > 3 * min(heights)


def test_large_ledger_streams():
    ledger = generated_ledger(3300)
    ws = _sheet(to_xlsx(ledger))
    assert ws.max_row == 3302
    assert ws.cell(3302, 3).value == ledger.rows[-1].content
