"""填报 asks instead of dropping: a bare number, another measure word, two figures, a share; 重填 says how."""

from __future__ import annotations

from tests.e2e_filing import setup_chat
from tests.transcript import expect

CHARGING = "公共充电桩总数达到400个。"


async def start(app, content: str):
    chat = await setup_chat(app, [{"content": content}])
    expect(await chat.say("修改 2"), content)  # the other unit's item is [1]
    return chat


async def test_a_bare_number_after_a_target_name_is_asked_about(app):
    chat = await start(app, CHARGING)
    expect(
        await chat.say("充电桩 380"),
        "“充电桩380”是指公共充电桩的完成数吗？（目标400个）",
        "1. 记为380个",
        "2. 不记数",
        "3. 重填",
    )
    expect(await chat.say("1"), "公共充电桩：380/400个", "1. 确认")


async def test_another_measure_word_for_the_same_things_is_asked_about_not_dropped(app):
    chat = await start(app, "建设口袋公园6处。")
    expect(await chat.say("口袋公园建成3座"), "“3座”是指口袋公园的完成数吗？（目标6处）", "1. 记为3处")
    expect(await chat.say("1"), "口袋公园：3/6处")


async def test_two_figures_for_one_target_ask_which_and_the_sum_is_not_checked_against_the_target(app):
    chat = await start(app, CHARGING)
    expect(
        await chat.say("充电桩建成380个，充电桩390个"),
        "公共充电桩写了380个、390个，应记哪个数？",
        "1. 记为380个",
        "2. 记为390个",
        "3. 记为770个",
    )
    expect(await chat.say("2"), "公共充电桩：390/400个", absent=("远超目标",))


async def test_a_share_of_a_target_is_asked_about_and_can_be_left_unrecorded(app):
    chat = await start(app, CHARGING)
    expect(await chat.say("充电桩完成八成"), "“八成”是指公共充电桩的完成数吗？", "1. 记为320个", "2. 不记数")
    expect(await chat.say("2"), "公共充电桩：未提到")


async def test_half_with_no_figure_offers_a_retype_that_says_how_to_write_it(app):
    chat = await start(app, CHARGING)
    expect(await chat.say("充电桩过半了"), "“过半”是指公共充电桩的完成数吗？", "1. 不记数", "2. 重填")
    expect(await chat.say("2"), "请写成：公共充电桩累计400个")
    expect(await chat.say("公共充电桩累计230个"), "公共充电桩：230/400个")


async def test_redo_says_which_figure_was_not_understood_and_how_to_write_the_items_own_targets(app):
    chat = await start(app, "新增停车泊位256个，公共充电桩总数达到400个。")
    expect(await chat.say("停车位又新增了20个。首批设备60个已通电"), "未对应的数字：60个")
    expect(
        await chat.say("重填"),
        "上次没看懂的数字：60个",
        "请写成：停车泊位累计256个，公共充电桩累计400个",
        absent=("停车泊位累计35个",),
    )


async def test_the_status_follows_the_figure_the_contact_chose(app):
    chat = await start(app, CHARGING)
    expect(await chat.say("充电桩建成380个，充电桩400个"), "3. 记为780个")
    expect(await chat.say("1"), "公共充电桩：380/400个", "状态：推进中", absent=("已完成",))


async def test_the_status_follows_a_figure_left_unrecorded(app):
    chat = await start(app, CHARGING)
    expect(await chat.say("充电桩 400"), "“充电桩400”是指公共充电桩的完成数吗？")
    expect(await chat.say("2"), "公共充电桩：未提到", absent=("已完成",))


async def test_a_sum_far_over_the_target_offers_each_of_its_figures(app):
    chat = await start(app, "新增规上工业企业20家。")
    expect(
        await chat.say("新增规上工业企业14家，已推荐企业18家。"),
        "填的是32家（14家；18家相加），远超目标20家",
        "1. 记为14家",
        "2. 记为18家",
        "3. 确认无误",
        "4. 重填",
    )
    expect(await chat.say("1"), "规上工业企业：14/20家", "状态：推进中")
