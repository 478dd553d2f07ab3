"""Importing the ledger: the seed export, the same table as Word and Excel, and malformed files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from handlers.ledger.reader import LedgerFileError, read_ledger_file
from handlers.ledger.table import parse_table, split_units
from tests.conftest import seed_path
from tests.ledger_files import make_docx, make_xlsx, read_seed_rows

# The 责任单位 of each of the 33 rows, read off the seed document by hand (blank = same as above).
SEED_UNITS = [
    ["区卫健局"],
    ["区卫健局", "区医保局"],
    ["区医保局"],
    ["区医保局"],
    ["区教体局"],
    ["区教体局"],
    ["区教体局"],
    ["区委政法委", "区检察院", "区教体局"],
    ["区民政局"],
    ["区残联"],
    ["区住建局"],
    ["区工会", "区妇联", "区残联"],
    ["区交运局"],
    ["区交运局"],
    ["区交运局"],
    ["区交运局"],
    ["区公安分局", "区综合行政执法局"],
    ["区城乡水务局"],
    ["区农业农村局"],
    ["区住建局"],
    ["山兴集团"],
    ["区综合行政执法局"],
    ["区综合行政执法局"],
    ["区发改局", "区综合行政执法局"],
    ["区文旅局"],
    ["区文旅局"],
    ["区体育事业发展中心"],
    ["区体育事业发展中心"],
    ["区人社局"],
    ["区人社局"],
    ["区供电中心"],
    ["区供电中心"],
    ["区供电中心"],
]
runner = CliRunner()


def invoke(db: str, *args: str):
    return runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def expected_rows():
    """The seed's cells, read without the product's reader; categories joined and filled down."""
    _, _, rows = read_seed_rows(seed_path())
    out, seq, cat = [], None, None
    for cells, units in zip(rows, SEED_UNITS, strict=True):
        if cells[0]:
            seq, cat = int(cells[0]), cells[1].replace("\n", "")
        out.append(
            {
                "seq": seq,
                "category": cat,
                "content": cells[2],
                "units": units,
                "progress": cells[4],
                "problems": cells[5],
                "plan": cells[6],
            }
        )
    return out


def test_seed_imports_as_10_categories_33_items_21_units_and_report_reproduces_every_cell(db):
    result = invoke(db, "import", str(seed_path()))
    assert result.exit_code == 0, result.output
    assert "categories=10 items=33 units=21" in result.output
    report = invoke(db, "report", "--period", "2025-03", "--format", "json")
    data = json.loads(report.output)
    assert data["title"] == "2025年一季度民生实事工作进展情况台账"
    assert data["period"] == "2025-03" and data["plan_month"] == 4
    assert data["header"] == [
        "序号",
        "目标任务",
        "具体项目内容",
        "责任单位",
        "进展情况",
        "存在问题",
        "4月份计划",
    ]
    got = [
        {k: r[k] for k in ("seq", "category", "content", "units", "progress", "problems", "plan")}
        for r in data["rows"]
    ]
    assert got == expected_rows()
    charging = next(r for r in data["rows"] if "充电桩" in r["content"])
    assert [(t["value"], t["unit"], t["kind"]) for t in charging["targets"]] == [
        (256, "个", "increment"),
        (400, "个", "total"),
    ]
    assert [t["achieved"] for t in charging["targets"]] == [35, 399]
    assert charging["targets"][1]["completion"] == pytest.approx(399 / 400)
    done = next(r for r in data["rows"] if "刷脸办" in r["content"])
    assert done["status"] == "completed"


def test_reimport_changes_nothing(db):
    invoke(db, "import", str(seed_path()))
    again = invoke(db, "import", str(seed_path()))
    assert "created=0 changed=0 retired=0 submissions=0" in again.output


def test_dry_run_writes_nothing(db):
    out = invoke(db, "import", "--dry-run", str(seed_path()))
    assert "items=33" in out.output
    assert invoke(db, "report", "--format", "json").exit_code != 0


@pytest.mark.parametrize(("maker", "suffix"), [(make_docx, ".docx"), (make_xlsx, ".xlsx")])
def test_word_and_excel_with_merged_cells_read_like_the_text_export(tmp_path, maker, suffix):
    title, header, rows = read_seed_rows(seed_path())
    path = tmp_path / f"ledger{suffix}"
    path.write_bytes(maker(title, header, rows))
    from_office = parse_table(read_ledger_file(path))
    from_text = parse_table(read_ledger_file(seed_path()))
    strip = lambda p: [i.model_dump(exclude={"row"}) for i in p.items]  # noqa: E731
    assert strip(from_office) == strip(from_text)
    assert (from_office.title, from_office.period, from_office.plan_month) == (
        "2025年一季度民生实事工作进展情况台账",
        "2025-03",
        4,
    )
    assert [list(i.units) for i in from_office.items] == SEED_UNITS


def test_a_newer_version_updates_items_and_keeps_history(db, tmp_path):
    invoke(db, "import", str(seed_path()))
    text = seed_path().read_text(encoding="utf-8")
    newer = text.replace(
        "新增路内停车位35个，累计建成公共充电桩399个。", "新增路内停车位40个，累计建成公共充电桩400个。"
    )
    newer = newer.replace("安排戏曲演出280场。", "安排戏曲演出300场。")
    path = tmp_path / "newer.txt"
    path.write_text(newer, encoding="utf-8")
    out = invoke(db, "import", str(path))
    assert "created=0 changed=1 retired=0 submissions=1" in out.output
    data = json.loads(invoke(db, "report", "--period", "2025-03", "--format", "json").output)
    assert any(r["content"] == "安排戏曲演出300场。" for r in data["rows"])
    assert any(r["progress"] == "新增路内停车位40个，累计建成公共充电桩400个。" for r in data["rows"])

    async def history():
        from bot.app import build_app
        from bot.settings import Settings

        application = await build_app(Settings(database_url=db, _env_file=None))
        async with application.uow() as uow:
            ledger = await uow.ledgers.get()
            item = next(i for i in await uow.ledgers.items(ledger.id) if "充电桩" in i.content)
            revisions = await uow.submissions.history(item.id)
        await application.close()
        return [r.progress for r in revisions]

    import asyncio

    assert asyncio.run(history()) == [
        "新增路内停车位35个，累计建成公共充电桩399个。",
        "新增路内停车位40个，累计建成公共充电桩400个。",
    ]


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    text = seed_path().read_text(encoding="utf-8")
    lines = text.split("\n")
    # drop the 存在问题 cell of the row that begins at the first "\t2" (a row with 6 cells)
    start = lines.index("\t2")
    broken = lines[: start + 5] + lines[start + 6 :]
    files = {
        "empty": ("empty.txt", "", ["empty.txt", "空"]),
        "not a ledger": ("notes.txt", "会议纪要\n今天开会讨论了很多事情。\n", ["notes.txt"]),
        "wrong cells": ("short.txt", "\n".join(broken), ["short.txt", "行", "6个单元格"]),
        "unknown format": ("ledger.pdf", "%PDF-1.4", ["ledger.pdf", ".pdf"]),
        "bad docx": ("ledger.docx", "not a zip", ["ledger.docx", "Word"]),
    }
    out = {}
    for key, (name, body, needles) in files.items():
        p = tmp_path / name
        p.write_text(body, encoding="utf-8")
        out[key] = (p, needles)
    return out


def test_unreadable_files_are_refused_with_file_row_and_column_and_the_database_is_unchanged(db, tmp_path):
    invoke(db, "import", str(seed_path()))
    before = invoke(db, "report", "--format", "json").output
    for key, (path, needles) in _bad_files(tmp_path).items():
        result = invoke(db, "import", str(path))
        assert result.exit_code == 1, key
        for needle in needles:
            assert needle in result.output, (key, result.output)
    assert invoke(db, "report", "--format", "json").output == before


def test_a_row_without_a_unit_and_nothing_above_names_row_and_column(tmp_path):
    text = seed_path().read_text(encoding="utf-8").replace("\t区卫健局\n\t印发", "\t\n\t印发", 1)
    path = tmp_path / "nounit.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerFileError) as err:
        parse_table(read_ledger_file(path))
    assert "nounit.txt" in str(err.value) and "第" in str(err.value) and "责任单位" in str(err.value)


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        ("区综合行政\n执法局", ("区综合行政执法局",)),
        ("区卫健局\n区医保局", ("区卫健局", "区医保局")),
        ("区体育事业\n发展中心", ("区体育事业发展中心",)),
        ("区公安分局\n区综合行政\n执法局", ("区公安分局", "区综合行政执法局")),
        ("山兴集团", ("山兴集团",)),
    ],
)
def test_unit_cells_split_and_join(cell, units):
    assert split_units(cell) == units


def _seed_table_with_header(tmp_path: Path, header: list[str]) -> Path:
    title, _, rows = read_seed_rows(seed_path())
    path = tmp_path / "header.docx"
    path.write_bytes(make_docx(title, header, rows))
    return path


def test_header_errors_name_the_layouts_columns_in_the_same_words_as_before(tmp_path):
    _, header, _ = read_seed_rows(seed_path())
    table = read_ledger_file(seed_path())
    with pytest.raises(LedgerFileError) as err:
        parse_table(table.model_copy(update={"header": (*table.header, "备注", "附件")}))
    assert str(err.value) == (
        "000_a58c56e4ce870659.txt，第0行：表头有9列，应为7列："
        "序号、目标任务、具体项目内容、责任单位、进展情况、存在问题、计划"
    )
    renamed = list(header)
    renamed[4] = "工作进度"
    with pytest.raises(LedgerFileError) as err:
        parse_table(read_ledger_file(_seed_table_with_header(tmp_path, renamed)))
    assert str(err.value) == "header.docx，第0行，“进展情况”列：表头应为“进展情况”，实为“工作进度”"
    assert err.value.column == "进展情况"


def test_a_ledger_with_an_extra_column_reads_back_from_our_word_file_through_its_layout(tmp_path):
    from reports.to_docx import to_docx
    from tests.reports.test_report_columns import WITH_LEAD, lead_ledger, lead_of

    ledger = lead_ledger()
    path = tmp_path / "lead.docx"
    path.write_bytes(to_docx(ledger))
    parsed = parse_table(read_ledger_file(path, layout=WITH_LEAD), WITH_LEAD)
    assert parsed.header == ledger.header and parsed.period == "2025-03" and parsed.plan_month == 4
    assert [i.extra for i in parsed.items] == [{"lead": lead_of(r.item_id)} for r in ledger.rows]
    assert [
        (i.seq, i.category, i.content, i.units, i.progress, i.problems, i.plan) for i in parsed.items
    ] == [
        (r.seq, r.category.replace("\n", ""), r.content, r.units, r.progress, r.problems, r.plan)
        for r in ledger.rows
    ]
    # the seven-column reader refuses it, naming the columns it wants
    with pytest.raises(LedgerFileError, match="表头有8列，应为7列"):
        parse_table(read_ledger_file(path))
    # and the eight-column reader refuses the seven-column seed the same way
    with pytest.raises(
        LedgerFileError, match="表头有7列，应为8列：序号、目标任务、具体项目内容、责任单位、责任领导、"
    ):
        parse_table(read_ledger_file(seed_path(), layout=WITH_LEAD), WITH_LEAD)


# ---- issue 14: preview, confirmation, undo (a read that does not hold up other chats: test_upload_later.py)
def _one_item_ledger(tmp_path: Path) -> Path:
    """The seed's layout with only its first row: importing it would retire 32 of the 33 items."""
    title, header, rows = read_seed_rows(seed_path())
    path = tmp_path / "one.xlsx"
    path.write_bytes(make_xlsx(title, header, rows[:1]))
    return path


def _active_items(db: str) -> int:
    data = json.loads(invoke(db, "report", "--format", "json").output)
    return len(data["rows"])


def test_cli_dry_run_previews_a_file_that_retires_most_items_loudly_and_undo_restores(db, tmp_path):
    invoke(db, "import", str(seed_path()))
    before = invoke(db, "report", "--format", "json").output
    one = _one_item_ledger(tmp_path)
    preview = invoke(db, "import", "--dry-run", str(one)).output
    assert "停用32项" in preview and "超过一半" in preview and "具体项目内容 → 项目内容" in preview
    assert invoke(db, "report", "--format", "json").output == before
    invoke(db, "import", str(one))
    assert _active_items(db) == 1
    undone = invoke(db, "import", "--undo")
    assert undone.exit_code == 0 and "已撤销导入" in undone.output, undone.output
    assert invoke(db, "report", "--format", "json").output == before
    assert "没有可以撤销的导入" not in invoke(db, "import", "--undo").output  # the seed's own import
    assert "没有可以撤销的导入" in invoke(db, "import", "--undo").output


def _file_message(name: str, data: bytes, n: int):
    from datetime import UTC, datetime

    from bot.core.messages import Attachment, ChatRef, IncomingMessage

    return IncomingMessage(
        message_id=f"file-{n}",
        chat=ChatRef(platform="console", chat_id="admin"),
        user_id="admin",
        text="",
        attachments=(Attachment(filename=name, content=data),),
        sent_at=datetime.now(UTC),
        kind="file",
    )


async def _active(app) -> int:
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        return len(await uow.ledgers.items(ledger.id))


async def test_chat_upload_waits_for_confirmation_then_undo_restores(seeded_app, chat, tmp_path):
    from tests.transcript import expect

    one = _one_item_ledger(tmp_path)
    chat.switch("admin")
    outs = await chat.deliver(_file_message("one.xlsx", one.read_bytes(), 1))
    shown = "\n".join(r.text for o in outs for r in o.replies)  # type: ignore[union-attr]
    assert "尚未导入" in shown and "停用32项" in shown and "超过一半" in shown
    assert await _active(seeded_app) == 33  # nothing changes before 确认
    expect(await chat.say("随便说点什么"), "确认")
    expect(await chat.say("确认"), "停用32项")
    assert await _active(seeded_app) == 1
    expect(await chat.say("撤销导入"), "已撤销导入", "恢复")
    assert await _active(seeded_app) == 33
    outs = await chat.deliver(_file_message("one.xlsx", one.read_bytes(), 2))
    expect(await chat.say("取消"))
    assert await _active(seeded_app) == 33


def _big_ledger(rows: int = 4000) -> bytes:
    """A legitimate but long ledger: reading it takes the worker seconds (bench/import_hostile.py)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2025年1-6月重点工作进展情况台账"])
    ws.append(
        ["序号", "类别", "工作任务", "牵头单位", "配合单位", "完成时限", "进展情况", "存在问题", "下步计划"]
    )
    for n in range(1, rows + 1):
        ws.append(
            [
                n,
                f"类别{n // 100}",
                f"第{n}项任务，建设道路{n}公里",
                "区住建局",
                "区交运局",
                "12月底",
                "推进中",
                "",
                "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
