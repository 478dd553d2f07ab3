"""The Word ledger: every cell of the seed, the merges, the page and the fonts, and linear growth."""

from __future__ import annotations

import io
import time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import _Cell

from reports.ledger import ItemInput, UnitPart, build_ledger
from reports.to_docx import to_docx
from tests.reports.sample import HEADER, SEED_ROWS, TITLE, generated_ledger, unit_tuple


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _expected_rows():
    """Return per seed row the seven expected (text, vMerge) pairs; None text where a merge continues."""
    expected = []
    for i, (seq, category, content, unit_cell, progress, problems, plan) in enumerate(SEED_ROWS):
        first = i == 0 or SEED_ROWS[i - 1][0] != seq
        size = sum(1 for r in SEED_ROWS if r[0] == seq)
        cat_merge = ("restart" if size > 1 else None) if first else "continue"
        # A blank seed unit cell continues the one above; a printed one restarts a merge when the next is blank.
        next_blank = i + 1 < len(SEED_ROWS) and SEED_ROWS[i + 1][0] == seq and not SEED_ROWS[i + 1][3]
        unit_merge = "continue" if not unit_cell else ("restart" if next_blank else None)
        expected.append(
            [
                (str(seq) if first else "", cat_merge),
                (category if first else "", cat_merge),
                (f"[{i + 1}] {content}", None),  # the item's number, as chat shows it (issue 19)
                ("\n".join(unit_tuple(unit_cell)), unit_merge),
                (progress, None),
                (problems, None),
                (plan, None),
            ]
        )
    return expected


def test_every_cell_and_merge_matches_the_seed(seed):
    table = _open(to_docx(seed)).tables[0]
    rows = table.rows
    assert len(rows) == 1 + len(SEED_ROWS) == 34
    assert [_Cell(tc, table).text for tc in rows[0]._tr.tc_lst] == list(HEADER)
    for number, (row, expected) in enumerate(zip(rows[1:], _expected_rows(), strict=True), 1):
        tcs = row._tr.tc_lst
        assert len(tcs) == 7, number
        for column, (tc, (text, merge)) in enumerate(zip(tcs, expected, strict=True)):
            assert tc.vMerge == merge, (number, column)
            assert _Cell(tc, table).text == text, (number, column)


def test_merged_categories_read_back_through_python_docx(seed):
    table = _open(to_docx(seed)).tables[0]
    # python-docx reports a vertically merged cell as the merge's top cell on every row it spans.
    seen = [(row.cells[0].text, row.cells[1].text) for row in table.rows[1:]]
    assert seen == [(str(r[0]), next(s[1] for s in SEED_ROWS if s[0] == r[0])) for r in SEED_ROWS]
    starts = [i for i, row in enumerate(table.rows[1:]) if row._tr.tc_lst[0].vMerge != "continue"]
    assert len(starts) == 10  # one merge (or single row) per category


def test_title_page_header_footer_and_fonts(seed):
    doc = _open(to_docx(seed))
    assert doc.paragraphs[0].text == TITLE
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    usable = section.page_width - section.left_margin - section.right_margin
    tbl = doc.tables[0]._tbl
    widths = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths == [
        624,
        1361,
        2835,
        1474,
        4139,
        1701,
        2664,
    ]  # the seed's seven columns, as before the schema
    assert abs(sum(widths) * 635 - usable) < 635 * 2  # twips to EMU: the table fills the line
    header_tr = doc.tables[0].rows[0]._tr
    assert header_tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and 'fldCharType="begin"' in footer_xml
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    title_fonts = doc.paragraphs[0].runs[0]._r.rPr.find(qn("w:rFonts"))
    assert title_fonts.get(qn("w:eastAsia")) == "宋体"


def test_plan_column_follows_the_period():
    item = ItemInput(
        item_id=1, seq=1, category="类", content="项目", units=("区甲局",), parts=(UnitPart(progress="进展"),)
    )
    doc = _open(to_docx(build_ledger(2025, 12, [item])))
    assert doc.tables[0].rows[0].cells[6].text == "1月份计划"
    assert doc.paragraphs[0].text == "2025年四季度民生实事工作进展情况台账"


def test_markup_and_control_characters_in_user_text_survive():
    text = 'a < b & c > d "q" </w:t>\x0b\x01 end'
    item = ItemInput(
        item_id=1,
        seq=1,
        category="类",
        content=text,
        units=("区甲局", "区乙局"),
        parts=(UnitPart(progress="第一行\n第二行"),),
    )
    table = _open(to_docx(build_ledger(2025, 3, [item]))).tables[0]
    cells = table.rows[1].cells
    assert cells[2].text == '[1] a < b & c > d "q" </w:t> end'
    assert cells[3].text == "区甲局\n区乙局"  # one unit per line
    assert cells[4].text == "第一行\n第二行"


def test_grows_linearly_with_items():
    small, big = generated_ledger(330), generated_ledger(3300)

    def seconds(ledger) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            to_docx(ledger)
            best = min(best, time.perf_counter() - start)
        return best

    ratio = seconds(big) / seconds(small)
    # Ten times the items: about 10x when linear, about 100x when the table is filled cell by cell.
    assert ratio < 25, ratio
    assert len(_open(to_docx(big)).tables[0].rows) == 3301
