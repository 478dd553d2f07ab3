"""Periods in chat as a coordinator meets them in December (issue 19): deadlines with and without a year, a past
one refused the same way whichever command sets it, a second open period only after 确认."""

from __future__ import annotations

import pytest

from handlers import texts
from tests.handlers.dialogue_helpers import at, bind, open_april
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


async def test_a_december_month_moving_and_refusing_deadlines(chat, clock):
    clock.set(at(2026, 12, 1, 9, 0))
    expect(await chat.say("开启报送 2026-12 截止 12月28日17:00"), "已开启2026-12报送期，截止12月28日17:00，")
    expect(
        await chat.say("截止 2026-12-28 18:00"),
        "截止时间已改为12月28日18:00。",
        absent=("-28 18:00", "看不懂"),
    )
    expect(await chat.say("截止 2026年12月30日17:00"), "截止时间已改为12月30日17:00")
    refusal = texts.DEADLINE_PAST.format(when="11月28日17:00")
    expect(await chat.say("截止 2026-11-28 17:00"), refusal)
    expect(await chat.say("开启报送 2026-12 截止 2026-11-28 17:00"), refusal)
    # A month-day that is past this year means next year's, and the reply says so with the year.
    expect(await chat.say("截止 4月28日"), "截止时间已改为2027年4月28日17:00（没写时间，按17:00）")
    unreadable = expect(await chat.say("截止 下周五下班前"), "看不懂截止时间“下周五下班前”", "12月25日17:00")
    assert "2026-12-25 17:00" in unreadable


async def test_a_contact_is_told_the_year_of_a_deadline_that_is_not_this_years(app, chat, clock):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    clock.set(at(2026, 1, 5, 9, 0))
    expect(await chat.say("填报"), "2025-04报送期已于2025年4月25日17:00截止")


async def test_usage_and_help_show_examples_of_today(chat, clock):
    clock.set(at(2026, 12, 26, 9, 0))
    expect(await chat.say("开启报送"), "开启报送 2027-01 截止 1月25日17:00")
    expect(await chat.say("帮助"), "开启报送 2027-01 截止 1月25日17:00", "截止 2027-01 1月28日17:00")


async def test_opening_a_second_period_asks_first(app, chat):
    await open_april(app)
    asked = expect(
        await chat.say("开启报送 2025-05 截止 5月25日17:00"),
        "2025-04报送期还在填报中。确定再开启2025-05报送期，截止5月25日17:00吗？",
        "  1. 确认\n  2. 取消",
    )
    assert "已开启" not in asked
    expect(await chat.say("2"), "已取消")  # 取消 is answered everywhere: the question is dropped
    expect(await chat.say("谁还没报"), "2025-04")  # the chat is idle again
    expect(await chat.say("开启报送 2025-05 截止 5月25日17:00"), "确定再开启")
    expect(await chat.say("好的"), "请回复“确认”开启2025-05报送期")
    expect(await chat.say("放弃"), "已取消，没有开启2025-05报送期")
    expect(await chat.say("开启报送 2025-05 截止 5月25日17:00"), "确定再开启")
    expect(await chat.say("1"), "已开启2025-05报送期，截止5月25日17:00")
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        states = {p.code: p.state for p in await uow.ledgers.periods(ledger.id)}
    assert states["2025-04"] == states["2025-05"] == "open"
