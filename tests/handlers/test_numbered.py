"""A reply numbered "1. … 2. …" files to the unit's items 1 and 2 only when its numbers are plainly list
markers; when they could be figures ("1处已完工", "1.5公里") the contact is asked which it meant."""

from __future__ import annotations

from tests.e2e_filing import setup_chat
from tests.transcript import expect

ROWS = [
    {"content": "建设口袋公园6处。"},
    {"content": "新建雨污管网6公里。"},
    {"content": "新增停车泊位256个。"},
]


async def start(app):
    chat = await setup_chat(app, ROWS, first=True)  # the contact's unit owns items 1, 2 and 3
    expect(await chat.say("修改 1"), "[1] 建设口袋公园6处")
    return chat


async def test_plain_list_markers_file_to_the_numbered_items(app):
    chat = await start(app)
    expect(
        await chat.say("1. 口袋公园建成3处\n2. 雨污管网完成2公里"),
        "已按编号分别记录2项",
        "[1] 口袋公园3/6处",
        "[2] 雨污管网2/6公里",
    )


async def test_line_start_numbers_that_read_as_figures_are_asked_about(app):
    chat = await start(app)
    expect(
        await chat.say("1处已完工\n2处正在施工"),
        "行首的数字1、2是编号",
        "1. 编号",
        "2. 数量",
        absent=("已按编号分别记录",),
    )
    expect(await chat.say("2"), "我理解的是", "口袋公园")


async def test_a_decimal_that_reads_as_a_marker_is_asked_about_and_can_be_filed_by_number(app):
    chat = await start(app)
    expect(await chat.say("1.5处完工\n2.3公里已建成"), "行首的数字1、2是编号", absent=("已按编号",))
    expect(await chat.say("编号"), "已按编号分别记录2项", "[1] 口袋公园5/6处", "[2] 雨污管网3/6公里")
