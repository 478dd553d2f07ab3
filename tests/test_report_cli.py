"""`ledgerbot report` on the imported seed: every format, and the Word file equal to the seed cell for cell."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document
from docx.table import _Cell
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app as cli
from handlers.ledger.files import parse_ledger_file
from tests.conftest import seed_path
from tests.handlers.test_import import expected_rows

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "r.db"
    url = f"sqlite:///{path}"
    assert runner.invoke(cli, ["--db", url, "import", str(seed_path())]).exit_code == 0
    return url


def export(db, fmt, tmp_path) -> bytes:
    out = tmp_path / f"ledger.{fmt}"
    result = runner.invoke(
        cli, ["--db", db, "report", "--period", "2025-03", "--format", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_word_table_equals_the_seed_cell_for_cell_with_categories_merged(db, tmp_path):
    data = export(db, "docx", tmp_path)
    doc = Document(io.BytesIO(data))
    assert "2025年一季度民生实事工作进展情况台账" in [p.text for p in doc.paragraphs]
    table = doc.tables[0]
    rows = table.rows[1:]
    want = expected_rows()
    assert len(rows) == len(want) == 33
    previous_seq = None
    for number, (tr, exp) in enumerate(zip(rows, want, strict=True), 1):
        tcs = tr._tr.tc_lst
        text = [_Cell(tc, table).text for tc in tcs]
        first = exp["seq"] != previous_seq
        previous_seq = exp["seq"]
        if first:
            assert (text[0], text[1].replace("\n", "")) == (str(exp["seq"]), exp["category"])
        else:
            assert tcs[0].vMerge == "continue" and tcs[1].vMerge == "continue"
        assert text[2] == f"[{number}] {exp['content']}"  # the number a coordinator types: 退回 {number}
        assert text[4:] == [exp["progress"], exp["problems"], exp["plan"]]
        if tcs[3].vMerge != "continue":
            assert text[3].split("\n") == exp["units"]
    # and the file we write imports back as the same ledger (the numbers before the contents read off)
    path = tmp_path / "again.docx"
    path.write_bytes(data)
    again = parse_ledger_file(path)
    original = parse_ledger_file(seed_path())
    assert [i.model_dump(exclude={"row"}) for i in again.items] == [
        i.model_dump(exclude={"row"}) for i in original.items
    ]


def test_excel_png_markdown_html_json_and_text_exist_and_open(db, tmp_path):
    wb = load_workbook(io.BytesIO(export(db, "xlsx", tmp_path)))
    ws = wb.worksheets[0]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "新增路内停车位35个，累计建成公共充电桩399个。" in values
    assert export(db, "png", tmp_path)[:8] == b"\x89PNG\r\n\x1a\n"
    md = export(db, "md", tmp_path).decode()
    html = export(db, "html", tmp_path).decode()
    assert "充电桩" in md and "充电桩" in html
    # a page of its own (tests/reports/test_report_html.py opens it in Chromium)
    assert html.startswith("<!doctype html>") and '<meta charset="utf-8">' in html and "<table" in html
    data = json.loads(export(db, "json", tmp_path))
    assert len(data["rows"]) == 33
    assert "供电优质服务提升工程" in export(db, "text", tmp_path).decode()


def test_an_unknown_format_or_period_is_a_clear_error(db):
    bad = runner.invoke(cli, ["--db", db, "report", "--format", "pdf"])
    assert bad.exit_code == 1 and "不支持的格式" in bad.output
    missing = runner.invoke(cli, ["--db", db, "report", "--period", "2030-01", "--format", "json"])
    assert missing.exit_code == 1 and "没有2030-01报送期" in missing.output


PARKING = "新增停车泊位256个，公共充电桩总数达到400个。"  # item 24: the one `退回 24` returns in chat


def test_one_item_number_in_every_output(db, tmp_path):
    """Issue 19: [24] in chat is [24] in Word, Excel, the chart, text, markdown, HTML and JSON."""
    rows = json.loads(export(db, "json", tmp_path))["rows"]
    assert [r["number"] for r in rows if r["content"] == PARKING] == [24]
    doc = Document(io.BytesIO(export(db, "docx", tmp_path)))
    contents = [r.cells[2].text for r in doc.tables[0].rows[1:]]
    assert f"[24] {PARKING}" in contents
    ws = load_workbook(io.BytesIO(export(db, "xlsx", tmp_path))).worksheets[0]
    header = [c.value for c in ws[2]]
    by_content = {r[2]: r[header.index("编号")] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert by_content[PARKING] == "[24]"
    for fmt in ("text", "md"):
        assert f"[24] {PARKING}" in export(db, fmt, tmp_path).decode(), fmt
    assert "7.5" not in export(db, "text", tmp_path).decode()  # the old 类.项 numbering is gone
