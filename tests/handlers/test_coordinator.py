"""Coordinator tools as transcripts on the seed ledger: queries, lights, periods from chat, review, roles."""

from __future__ import annotations

import pytest

from bot.operations import cli_add_role
from tests.handlers.dialogue_helpers import at, bind, open_april
from tests.jobs.helpers import file_all
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


def section(text: str, needle: str) -> str:
    """Return the line of ``text`` that mentions ``needle``."""
    return next(line for line in text.splitlines() if needle in line)


async def test_lagging_items_at_the_end_of_march(chat):
    text = expect(await chat.say("哪些项目滞后？"), "序时进度（24.7%）")
    assert "戏曲演出280场" in text and "城市绿道示范路4公里" in text
    assert "刷脸办" not in text
    assert section(text, "戏曲演出").startswith(("🟡", "🔴"))
    assert "落后24.7个百分点" in section(text, "戏曲演出")
    # One decimal, half-up, everywhere; the gap is the difference of the two figures as shown (issue 19).
    assert "完成6.2%，落后18.5个百分点" in section(text, "[30]")


async def test_item_progress_by_keyword_and_a_completed_item_is_green(chat):
    expect(await chat.say("充电桩进展"), "公共充电桩399/400个", "新增路内停车位35个，累计建成公共充电桩399个")
    text = expect(await chat.say("刷脸办进展如何"), "已完成")
    first, second = text.splitlines()[:2]
    assert first == "【2025-03】"  # every answer's first line names the period
    assert second.startswith("🟢")


async def test_a_unit_by_its_short_name(chat):
    expect(await chat.say("卫健局怎么样"), "【区卫健局】2025-03共2个项目", "村卫生室一体化管理")


async def test_who_has_not_reported_follows_the_filings(app, chat):
    expect(await chat.say("谁还没报？"), "2025-03各单位都已报送")
    await open_april(app)
    expect(await chat.say("谁还没报"), "还有21个单位未报送")
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    await chat.say("填报")
    await chat.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    await chat.say("确认")
    chat.switch("admin")
    expect(
        await chat.say("谁还没报"),
        "还有20个单位未报送",
        "区综合行政执法局：[17]、[22]、[23]、[24]",
        absent=("区发改局",),
    )


async def test_overview_counts(chat):
    expect(await chat.say("概况"), "序时进度24.7%", "项目：33项", "已完成1")


async def test_overview_counts_each_unit_once(app, chat):
    """Issue 19: a unit that filed part of its items was counted as filed and as not filed."""
    await open_april(app)
    assert await file_all(app, "区卫健局", "2025-04") > 0
    assert await file_all(app, "区医保局", "2025-04", skip={4}) > 0  # [4] not filed: partly
    expect(
        await chat.say("2025-04概况"),
        "单位：21个，已报送1个，部分报送1个，未报送19个：",
        absent=("区卫健局、", "区医保局、"),
    )


async def test_unknown_questions_get_the_list_of_what_can_be_asked(chat):
    expect(await chat.say("今天食堂吃什么"), "可以这样问我")


async def test_open_a_period_from_chat_prompts_every_bound_contact(app, chat):
    await bind(app, chat, "fgw", "区发改局")
    await bind(app, chat, "wl", "区文旅局")
    chat.switch("admin")
    expect(
        await chat.say("开启报送 2025-04 截止 4月25日17:00"),
        "已开启2025-04报送期，截止4月25日17:00，已向2位联络员发出填报提醒",
    )
    prompts = {key: t for key, t in chat.transcript if "报送期已开启" in t}
    assert set(prompts) == {"console:fgw", "console:wl"}
    assert "戏曲演出" in prompts["console:wl"]
    expect(await chat.say("截止 4月28日17:00"), "截止时间已改为4月28日17:00")
    expect(await chat.say("关闭报送 2025-04"), "已关闭2025-04报送期")


async def test_return_with_a_reason_reprompts_the_contact_and_history_shows_both(app, chat, clock):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    await chat.say("进展：累计建成公共充电桩410个 问题：无 计划：继续")
    await chat.say("确认")
    clock.set(at(2025, 4, 26, 9, 0))  # after the deadline: only a returned item may be changed
    chat.switch("admin")
    expect(await chat.say("退回 24 区发改局 累计数超过目标，请核实"), "已退回第24项（区发改局）2025-04的填报")
    notice = [t for key, t in chat.transcript if key == "console:fgw" and "被督查室退回" in t]
    assert notice and "累计数超过目标，请核实" in notice[-1] and "修改 24" in notice[-1]
    chat.switch("fgw")
    expect(await chat.say("1"), "[24]", "请回复本月进展")  # the notice offered 修改 24 as a choice
    await chat.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    expect(await chat.say("确认"), "已记录 [24]（第2版）")
    chat.switch("admin")
    history = expect(await chat.say("充电桩历史"))
    assert "2025-03 第1版｜导入" in history
    assert "2025-04 第1版｜区发改局" in history and "已退回：累计数超过目标，请核实" in history
    assert "2025-04 第2版｜区发改局" in history
    expect(await chat.say("通过 24"), "已通过第24项")


async def test_plan_versus_actual_is_flagged(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    await chat.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    await chat.say("确认")
    chat.switch("admin")
    expect(await chat.say("充电桩进展"), "⚠ 上月计划“开工建设体育公园停车场。”在本月进展中未体现")


# Every command under every role: True = allowed, False = refused.
COMMANDS = {
    "台账": {"admin", "coordinator", "viewer"},
    "哪些项目滞后": {"admin", "coordinator", "viewer"},
    "谁还没报": {"admin", "coordinator", "viewer"},
    "导出 json": {"admin", "coordinator", "viewer"},
    "开启报送 2025-05 截止 5月25日17:00": {"admin", "coordinator"},
    "关闭报送 2025-03": {"admin", "coordinator"},
    "截止 2025-03 4月28日17:00": {"admin", "coordinator"},
    "邀请 卫健局": {"admin", "coordinator"},
    "邀请 督查室": {"admin"},
    "通过 24": {"admin", "coordinator"},
    "退回 24 请补充": {"admin", "coordinator"},
    "绑定群": {"admin", "coordinator"},
    "填报": {"contact"},
    "我的": {"contact"},
}


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_every_command_under_every_role(app, chat, command):
    await bind(app, chat, "contact", "区发改局")
    for role in ("coordinator", "viewer"):
        ok, message = await cli_add_role(app, f"console:{role}", role)
        assert ok, message
    for role in ("admin", "coordinator", "viewer", "contact", "nobody"):
        chat.switch(role)
        text = expect(await chat.say(command))
        refused = "没有权限" in text or "还不是任何单位的联络员" in text or "还没有绑定单位" in text
        assert refused != (role in COMMANDS[command]), (command, role, text)
