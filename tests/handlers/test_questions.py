"""Questions in coordinators' own words, as transcripts on the seed ledger: filters, counts, months,
follow-ups, and 概况's unit counts that add up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.handlers.dialogue_helpers import bind, open_april
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


async def test_counts_agree_with_the_lists(chat):
    listed = expect(await chat.say("滞后的项目有哪些"), "2025-03落后于序时进度")
    count = int(re.search(r"共(\d+)项", listed).group(1))
    counted = expect(await chat.say("滞后的一共几项"), f"2025-03落后于序时进度（24.7%）的项目：{count}项")
    red = int(re.search(r"🔴(\d+)", counted).group(1))
    yellow = int(re.search(r"🟡(\d+)", counted).group(1))
    assert red + yellow == count
    reds = expect(await chat.say("只看红灯"), "2025-03")
    assert (f"共{red}项" in reds.splitlines()[0]) if red else "没有亮红灯" in reds


async def test_completed_and_not_started_filters(chat):
    done = expect(await chat.say("哪些已经干完了"), "2025-03已完成的项目共1项", "[3]")
    assert "[24]" not in done


async def test_a_unit_s_problems_and_lagging(chat):
    expect(await chat.say("农业农村局存在啥问题"), "2025-03区农业农村局反映的问题共1项", "[19]")
    expect(await chat.say("卫健局有没有滞后的"), "2025-03区卫健局")


async def test_an_item_by_number_in_the_forms_people_write(chat):
    for text in ("第5项进展", "[5]", "看下5", "5号咋样了"):
        expect(await chat.say(text), "【2025-03】", "[5] 扩增普通高中学位400个")


async def test_a_named_month_is_answered_and_said(app, chat):
    await open_april(app)
    expect(await chat.say("概况"), "报送期2025-04")
    expect(await chat.say("上个月概况"), "报送期2025-03")
    expect(await chat.say("三月份充电桩进展"), "【2025-03】", "公共充电桩399/400个")
    expect(await chat.say("2024-12 概况"), "没有2024-12报送期")


async def test_overview_counts_a_partly_filed_unit_once(app, chat):
    await open_april(app)
    expect(await chat.say("概况"), "已报送0个，部分报送0个，未报送21个")  # kept until something is filed
    expect(await chat.say("报了多少家了"), "已报送的单位：0个")
    await bind(app, chat, "zf", "区综合行政执法局")
    await chat.say("填报")
    await chat.say("进展：已完成改造 问题：无 计划：无")
    await chat.say("确认")
    await chat.say("取消")
    chat.switch("admin")
    # filed + partly filed + not filed = every unit (issue 19)
    text = expect(await chat.say("概况"), "单位：21个，已报送0个，部分报送1个，未报送20个")
    assert "区综合行政执法局" not in text.split("未报送20个")[1]
    expect(await chat.say("报了多少家了"), "2025-04已报送的单位：1个（共21个，其中部分报送1个）")
    expect(await chat.say("哪些单位已经报了"), "区综合行政执法局（部分报送，未报：")


async def test_follow_ups_refer_to_what_was_just_shown(chat):
    expect(await chat.say("卫健局怎么样"), "【区卫健局】2025-03")
    expect(await chat.say("那教体局呢"), "【区教体局】2025-03")
    expect(await chat.say("充电桩进展"), "[24]")
    expect(await chat.say("它的历史"), "[24]", "2025-03 第1版｜导入")
    expect(await chat.say("修路的项目进展咋样"), "回复“第N个”")
    shown = expect(await chat.say("第二个"), "【2025-03】")
    assert shown.count("责任单位") == 1
    expect(await chat.say("谁还没报"), "2025-03")
    expect(await chat.say("那有几家"), "还有项目未报送的单位：0个")


async def test_a_follow_up_expires_and_commands_still_work(chat, clock):
    expect(await chat.say("卫健局怎么样"), "【区卫健局】")
    clock.set(clock.now() + timedelta(minutes=6))
    assert "【区教体局】" not in expect(await chat.say("那呢"))
    expect(await chat.say("卫健局怎么样"), "【区卫健局】")
    expect(await chat.say("台账"), "[1]")  # a command right after an answer is that command


async def test_an_item_number_the_ledger_does_not_have(chat):
    expect(await chat.say("第99项"), "台账中没有第99项（共33项）")


async def test_nothing_fits_offers_the_closest_items(chat):
    expect(await chat.say("样板卫生院"), "[1]")
    expect(await chat.say("今天食堂吃什么"), "可以这样问我")
