"""Reading a ledger by meaning: errors name the real row and column, hostile files are refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from handlers.ledger.concepts import map_header
from handlers.ledger.files import parse_ledger_file
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.units import split_marked_units
from tests.ledger_corpus.hostile import docx_with_span, xlsx_with_merge, zip_bomb_xlsx


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


TITLE = ["2025年1-6月重点工作进展情况台账"]
HEADER = ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "1-6月进展"]


def test_a_missing_unit_names_the_excel_row_and_the_files_own_column_title():
    data = xlsx(
        [
            TITLE,
            [],
            HEADER,
            [1, "建设学校", "", "", "6月底前", "已开工"],
            [2, "新建公园", "区住建局", "", "", ""],
        ]
    )
    with pytest.raises(LedgerFileError) as err:
        parse_ledger_file(Path("own.xlsx"), data)
    assert err.value.row == 4  # the row the user sees in Excel, not "第0行"
    assert err.value.column == "牵头单位"
    assert "第4行" in str(err.value) and "牵头单位" in str(err.value)


def test_a_header_without_a_unit_column_says_what_is_missing_and_what_was_found():
    data = xlsx([TITLE, ["序号", "工作任务", "进展情况"], [1, "建设学校", "已开工"]])
    with pytest.raises(LedgerFileError) as err:
        parse_ledger_file(Path("nounit.xlsx"), data)
    message = str(err.value)
    assert "责任单位" in message and "序号 / 工作任务 / 进展情况" in message


def test_columns_are_recognised_by_meaning_in_words_the_corpus_does_not_use():
    titles = [
        "编号",
        "重点任务",
        "任务内容",
        "承办部门",
        "协同单位",
        "分管领导",
        "办结时间",
        "落实情况",
        "困难",
        "下一步举措",
        "联系电话",
    ]
    got = [c.concept for c in map_header(titles)]
    assert got == [
        "seq",
        "category",
        "content",
        "unit",
        "partner",
        "leader",
        "deadline",
        "progress",
        "problems",
        "plan",
        "other",
    ]


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("区卫健局（牵头）、区教体局", ("区卫健局", "区教体局")),
        ("区医保局、区卫健局(牵头)", ("区卫健局", "区医保局")),
        ("各县（市、区）政府", ("各县（市、区）政府",)),
        ("区民政局【牵头】\n各镇（街道）", ("区民政局", "各镇（街道）")),
        ("区综合行政\n执法局", ("区综合行政执法局",)),
    ],
)
def test_unit_cells_with_lead_marks(cell, units):
    assert split_marked_units(cell) == units


@pytest.mark.parametrize(
    ("name", "make", "needle"),
    [
        ("merge.xlsx", xlsx_with_merge, "A4:XFD1048576"),
        ("span.docx", docx_with_span, "200000000"),
        ("bomb.xlsx", zip_bomb_xlsx, "解压后"),
    ],
)
def test_hostile_files_are_refused_before_any_parser_expands_them(name, make, needle):
    with pytest.raises(LedgerFileError) as err:
        parse_ledger_file(Path(name), make())
    assert needle in str(err.value)


def test_an_oversized_upload_is_refused_with_its_size():
    with pytest.raises(LedgerFileError) as err:
        parse_ledger_file(Path("big.xlsx"), b"PK" + b"\0" * (11 * 1024 * 1024))
    assert "11MB" in str(err.value)


def test_a_legacy_file_it_cannot_convert_says_how_to_save_it(monkeypatch):
    import handlers.ledger.convert as convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(LedgerFileError) as err:
        parse_ledger_file(Path("old.doc"), b"\xd0\xcf\x11\xe0 not really")
    assert ".docx" in str(err.value) and "另存为" in str(err.value)


@pytest.mark.parametrize(
    ("cell", "end"),
    [
        ("6月底前", "2025-06-30"),
        ("2025年12月", "2025-12-31"),
        ("2025-11-30", "2025-11-30"),
        ("年底", "2025-12-31"),
        ("三季度末", "2025-09-30"),
        ("6月底前开工，12月底前完工", "2025-12-31"),
        ("2026年6月", "2026-06-30"),
        ("随时", None),
    ],
)
def test_a_deadline_cell_reads_as_the_last_day_it_allows(cell, end):
    from handlers.ledger.deadlines import deadline_date

    got = deadline_date(cell, 2025)
    assert (got.isoformat() if got else None) == end


async def test_an_imported_deadline_moves_the_items_schedule_share(seeded_app):
    """完成时限 6月底前 makes 序时进度 of a March report 3/6 of the way, not 3/12."""
    from handlers.ledger.compile import compile_ledger
    from handlers.ledger.importer import import_ledger

    data = xlsx(
        [
            ["2025年3月重点工作进展情况台账"],
            HEADER,
            [1, "建设学校", "区教育局", "", "6月底前", "已开工"],
            [2, "新建公园", "区住建局", "", "", "已开工"],
        ]
    )
    parsed = parse_ledger_file(Path("own.xlsx"), data)
    async with seeded_app.uow() as uow:
        await import_ledger(uow, parsed, seeded_app.clock.now())
    async with seeded_app.uow() as uow:
        ledger = await uow.ledgers.get(parsed.name)
        assert ledger is not None and ledger.columns is not None
        items = await uow.ledgers.items(ledger.id)
        assert items[0].span_end is not None and items[0].span_end.isoformat() == "2025-06-30"
        assert items[0].extra["完成时限"] == "6月底前" and items[1].span_end is None
        period = await uow.ledgers.period(ledger.id, "2025-03")
        assert period is not None
        compiled = await compile_ledger(uow, ledger, period)
    shares = [row.schedule for row in compiled.rows]
    assert shares[0] > shares[1]
    assert [c.name for c in compiled.layout.columns][:4] == ["序号", "工作任务", "牵头单位", "配合单位"]
