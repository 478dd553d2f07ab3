"""The ledger column schema: one layout drives every renderer, and no module addresses a column by position."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from handlers.ledger.renderers import ledger_json
from reports.columns import CORE_KEYS, DEFAULT_LAYOUT, Column, LedgerLayout, with_columns
from reports.ledger import Ledger, build_ledger
from reports.to_docx import MARGIN_SIDE, PAGE_WIDTH, column_widths, to_docx
from reports.to_text import ledger_text
from reports.to_xlsx import STATUS_COLUMNS, to_xlsx
from tests.reports.sample import TITLE, seed_items, seed_units

ROOT = Path(__file__).resolve().parents[2]
LEAD = Column(
    key="lead",
    name="责任领导",
    label="责任领导",
    aliases=("责任领导",),
    meaning="the official answerable for the item",
    align="center",
    docx_width=1100,
    xlsx_width=12,
)
# Another office's ledger: a 责任领导 column after 责任单位.
WITH_LEAD = with_columns(DEFAULT_LAYOUT, LEAD, after="units")


def lead_of(item_id: int) -> str:
    return f"副区长{item_id % 3 + 1}号"


def lead_ledger() -> Ledger:
    """Return the seed ledger in the eight-column layout, each item with its 责任领导."""
    items = [i.model_copy(update={"extra": {"lead": lead_of(i.item_id)}}) for i in seed_items()]
    return build_ledger(
        2025, 3, items, title=TITLE, all_units=seed_units(), reported_units=seed_units(), layout=WITH_LEAD
    )


def test_default_layout_is_the_seeds_seven_columns():
    assert DEFAULT_LAYOUT.keys == CORE_KEYS
    assert DEFAULT_LAYOUT.headers(4) == (
        "序号",
        "目标任务",
        "具体项目内容",
        "责任单位",
        "进展情况",
        "存在问题",
        "4月份计划",
    )
    assert DEFAULT_LAYOUT.names[-1] == "计划"
    assert [c.key for c in DEFAULT_LAYOUT.columns if c.required] == ["seq", "category", "content", "units"]


def test_a_layout_without_a_core_column_or_with_a_taken_key_is_refused():
    with pytest.raises(ValueError, match="content"):
        LedgerLayout(columns=tuple(c for c in DEFAULT_LAYOUT.columns if c.key != "content"))
    with pytest.raises(ValueError, match="units"):
        with_columns(DEFAULT_LAYOUT, DEFAULT_LAYOUT.column("units"))
    with pytest.raises(ValueError, match="status"):
        with_columns(DEFAULT_LAYOUT, LEAD.model_copy(update={"key": "status"}))


def test_extra_column_renders_in_json_and_every_chat_flavour():
    ledger = lead_ledger()
    assert ledger.header[4] == "责任领导"
    rows = ledger_json(ledger)["rows"]
    assert list(rows[0])[:8] == [
        "seq",
        "category",
        "content",
        "units",
        "lead",
        "progress",
        "problems",
        "plan",
    ]
    assert [r["lead"] for r in rows] == [lead_of(r.item_id) for r in ledger.rows]
    json.dumps(ledger_json(ledger), ensure_ascii=False)
    for flavor in ("plain", "html", "markdown"):
        text = ledger_text(ledger, flavor)
        for row in ledger.rows:
            assert f"责任领导：{lead_of(row.item_id)}" in text
        # the line follows 责任单位, as the column does in the layout
        assert text.index("责任领导：") > text.index("责任单位：")


def test_extra_column_renders_in_word_at_its_place_and_the_table_still_fits_the_page():
    from docx import Document
    from docx.oxml.ns import qn

    ledger = lead_ledger()
    table = Document(io.BytesIO(to_docx(ledger))).tables[0]
    assert [c.text for c in table.rows[0].cells] == list(ledger.header)
    for tr, row in zip(table.rows[1:], ledger.rows, strict=True):
        assert tr.cells[4].text == lead_of(row.item_id)
        assert tr.cells[5].text == row.progress
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 8 and sum(widths) == PAGE_WIDTH - 2 * MARGIN_SIDE
    assert widths == list(column_widths(WITH_LEAD))


def test_extra_column_renders_in_excel_with_its_width_before_the_status_columns():
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    ledger = lead_ledger()
    ws = load_workbook(io.BytesIO(to_xlsx(ledger))).worksheets[0]
    header = [c.value for c in ws[2]]
    assert header == [*ledger.header, *(h for h, _ in STATUS_COLUMNS)]
    assert ws.column_dimensions[get_column_letter(5)].width == LEAD.xlsx_width
    for r, row in enumerate(ledger.rows, 3):
        assert ws.cell(r, 5).value == lead_of(row.item_id)
        assert ws.cell(r, 6).value == (row.progress or None)
    # the merges moved with the columns: 序号/目标任务 over categories, 责任单位 (now D) over equal neighbours
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert any(m.startswith("A3:") for m in merged) and any(m.startswith("D") for m in merged)
    assert not any(m.startswith(("E", "F")) for m in merged)


# Ways of addressing a ledger column by its position: a literal index into a row, header or cell list,
# a column count, a spreadsheet column letter written into a cell reference, or a docx cell by number.
_POSITIONAL = re.compile(
    r"\b(?:header|headers|cells|row|cell_row|texts|values)\[\d+\]"
    r"|\bCOLUMNS\s*=\s*\d"
    r"|f[\"'][A-Z]+\{"
    r"|\bfor\s+\w+\s+in\s+[\"'][A-Z]{2,}[\"']"
    r"|_cell\(\d"
    r"|^\s*\w+(?:,\s*\w+){3,}\s*=\s*(?:row\.)?cells\b"
)
_LEDGER_MODULES = [
    *sorted((ROOT / "reports").glob("*.py")),
    *sorted((ROOT / "handlers" / "ledger").glob("*.py")),
    ROOT / "handlers" / "coordinator" / "export.py",
]


def test_the_guard_catches_positional_addressing():
    for line in (
        "parse_title(t, header[6], src)",
        "COLUMNS = 7",
        'CellRange(f"D{row}:D{row}")',
        'for col in "AB":',
        "_cell(3, units, state)",
        "seq_cell = cells[0]",
        "        seq_cell, cat_cell, content, unit_cell, progress, problems, plan = cells",
    ):
        assert _POSITIONAL.search(line), line
    for line in ('headers["plan"]', "len(layout.columns)", 'f"{first_col}{FIRST_ROW}"', 'in "WF"'):
        assert not _POSITIONAL.search(line), line


def test_no_module_but_the_schema_addresses_a_ledger_column_by_position():
    offenders = []
    for path in _LEDGER_MODULES:
        if path.name == "columns.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _POSITIONAL.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


def test_no_module_but_the_schema_names_the_seed_columns():
    labels = [c.label for c in DEFAULT_LAYOUT.columns if c.key != "seq"]
    offenders = []
    for path in _LEDGER_MODULES:
        if path.name == "columns.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if '"""' in line:
                continue  # docstrings may say what a function is about
            if any(f'"{label}' in code or f"'{label}" in code for label in labels):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


def test_merge_runs_merge_equal_neighbours_and_whole_categories_never_single_rows():
    from types import SimpleNamespace

    from reports.columns import merge_runs

    rows = [
        SimpleNamespace(units=u, extra={})
        for u in [("住建局",), ("住建局",), ("交通局",), ("住建局",), ("住建局",), ("住建局",)]
    ]
    by_runs = LEAD.model_copy(update={"key": "units", "merge": "runs"})
    assert merge_runs(by_runs, rows) == [(0, 1), (3, 5)]  # 交通局 alone is not merged
    assert merge_runs(by_runs.model_copy(update={"merge": "category"}), rows) == [(0, 5)]
    assert merge_runs(by_runs.model_copy(update={"merge": "none"}), rows) == []
    assert merge_runs(by_runs.model_copy(update={"merge": "category"}), rows[:1]) == []
