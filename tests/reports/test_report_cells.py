"""Formula injection: text a contact typed is written as text, never as a live formula (issue 17, case 2)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from reports.cells import csv_text, is_formula_like
from reports.ledger import UnitPart, build_ledger
from reports.to_xlsx import to_xlsx
from tests.reports.sample import seed_items, seed_units

ATTACKS = (
    '=HYPERLINK("http://evil.example/","点击查看佐证材料")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
)


def _ledger_with_progress(progress: str):
    items = seed_items()
    first = items[0]
    items[0] = first.model_copy(update={"parts": (UnitPart(progress=progress, status="in_progress"),)})
    units = seed_units()
    return build_ledger(2025, 3, items, all_units=units, reported_units=units)


@pytest.mark.parametrize("attack", ATTACKS)
def test_typed_formula_is_a_text_cell_in_the_excel_ledger(attack):
    data = to_xlsx(_ledger_with_progress(attack))
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the sheet
    ws = load_workbook(io.BytesIO(data)).active
    cell = ws.cell(3, 5)
    assert cell.data_type == "s"
    assert attack.strip() in cell.value  # the words are kept, shown as typed


def test_plain_text_and_numbers_are_unchanged():
    assert not is_formula_like("已完成 30 处")
    assert not is_formula_like("")
    assert csv_text("已完成") == "已完成"
    assert csv_text(5) == 5


@pytest.mark.parametrize("attack", ATTACKS)
def test_csv_cells_are_quoted_so_a_spreadsheet_reads_text(attack):
    assert is_formula_like(attack)
    out = io.StringIO()
    csv.writer(out).writerow([csv_text(attack), csv_text("正常")])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[0] == "'" + attack and row[1] == "正常"
