"""The monthly dialogue through encrypted callbacks to `ledgerbot web`, replies at the fake WeCom API,
and the weekly summary, chart and Word ledger posted through the group robot."""

from __future__ import annotations

import asyncio
import base64
import hashlib

from bot.core.messages import ChatRef
from bot.core.replies import FileReply, MarkdownReply, Outbound
from bot.operations import cli_add_group, cli_add_role
from handlers import texts
from handlers.jobs.runner import run_job
from handlers.jobs.times import WEEKLY_SUMMARY
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import MEDIA_TYPES, render
from reports.to_text import ledger_text
from tests.fakes.fake_wecom import text_xml
from tests.handlers.dialogue_helpers import invite_code, open_april
from tests.platforms.conftest import unsent
from tests.platforms.wecom_harness import LEADERS, ROBOT_KEY
from tests.transcript import expect

CHARGING = 24  # 新增停车泊位256个，公共充电桩总数达到400个 (区发改局)


async def filed(bot, number: int = CHARGING) -> list[tuple]:
    """Return (revision, progress, problems, plan) of the chat submissions of item ``number`` in 2025-04."""
    assert bot.app is not None
    async with bot.app.db_engine.connect() as conn:
        from sqlalchemy import text

        rows = await conn.execute(
            text(
                "SELECT s.revision, s.progress, s.problems, s.plan FROM submissions s "
                "JOIN items i ON i.id = s.item_id JOIN periods p ON p.id = s.period_id "
                "WHERE i.position = :n AND p.code = '2025-04' AND s.source = 'chat' ORDER BY s.revision"
            ),
            {"n": number},
        )
        return [tuple(r) for r in rows]


async def test_a_contact_files_april_through_encrypted_callbacks(make_wecom, wecom_fake):
    bot = await make_wecom(serve="uvicorn")  # the real server on 127.0.0.1, over TCP
    await open_april(bot.app)
    member = bot.member("zhangsan")
    assert await member.open_app() == [texts.EVENT_GREETING]
    expect(await member.say("你好"), "绑定码")
    code = await invite_code(bot.app, "区发改局")
    expect(await member.say(f"绑定 {code}"), "【区发改局】的联络员")
    answer = expect(await member.say("填报"))
    assert "新增停车泊位256个，公共充电桩总数达到400个" in answer
    assert "上期计划：开工建设体育公园停车场" in answer
    answer = expect(await member.say("停车位又新增了20个，充电桩累计建成400个"))
    assert "55/256个" in answer and "400/400个" in answer
    # Choices become a numbered list on WeCom; "1" answers the first of them.
    assert "\n1. 确认\n" in answer and answer.rstrip().endswith("回复数字选择")
    expect(await member.say("1"), "存在什么问题")
    expect(await member.say("无"), "5月份计划")
    answer = expect(await member.say("推进体育公园停车场建设"))
    assert "已记录 [24]" in answer and "本次填报结束" in answer

    assert await filed(bot) == [
        (1, "停车位又新增了20个，充电桩累计建成400个", "无", "推进体育公园停车场建设")
    ]
    inbox = await bot.inbox()
    assert [e.text for e in inbox] == [
        "enter_agent",
        "你好",
        f"绑定 {code}",
        "填报",
        "停车位又新增了20个，充电桩累计建成400个",
        "1",
        "无",
        "推进体育公园停车场建设",
    ]
    assert {e.state for e in inbox} == {"handled"}
    # Every reply went through message/send of our agent as text to the member, within WeCom's limit.
    sent = [p for p in wecom_fake.sent if p["touser"] == "zhangsan"]
    assert sent and all(p["agentid"] == wecom_fake.agent_id for p in sent)
    assert all(len(p[p["msgtype"]]["content"].encode()) <= 2048 for p in sent)
    assert wecom_fake.gettoken_calls == 1  # the access token is cached


async def test_a_retried_delivery_is_filed_once_and_answered_once(make_wecom, wecom_fake):
    bot = await make_wecom()
    await open_april(bot.app)
    member = bot.member("lisi")
    await member.say(f"绑定 {await invite_code(bot.app, '区发改局')}")
    await member.say("填报")
    await member.say("停车位又新增了20个，充电桩累计建成400个")
    await member.say("确认")
    await member.say("无")
    plan = bot.signed(text_xml("lisi", "推进体育公园停车场建设", "8888000000000001", bot.now()))
    before = len(wecom_fake.texts_to("lisi"))
    # WeCom re-posts the same callback when it does not hear back in 5 s: twice at once, then once more.
    first = await asyncio.gather(bot.post(*plan), bot.post(*plan))
    await bot.settle()
    again = await bot.post(*plan)
    await bot.settle()
    assert [r.status_code for r in (*first, again)] == [200, 200, 200]
    assert await filed(bot) == [
        (1, "停车位又新增了20个，充电桩累计建成400个", "无", "推进体育公园停车场建设")
    ]
    answers = wecom_fake.texts_to("lisi")[before:]
    assert sum("已记录 [24]" in a for a in answers) == 1, answers
    assert [e.text for e in await bot.inbox()].count("推进体育公园停车场建设") == 1


async def compiled_april(bot):
    async with bot.app.uow() as uow:
        info = await uow.ledgers.get()
        return await compile_ledger(uow, info, await uow.ledgers.period(info.id, "2025-04"))


async def test_long_answers_to_a_member_are_split_at_2048_bytes(make_wecom, wecom_fake):
    bot = await make_wecom()
    await open_april(bot.app)
    ok, message = await cli_add_role(bot.app, "wecom:zhaoliu", "coordinator")
    assert ok, message
    member = bot.member("zhaoliu")
    await member.say("台账")  # the item list: one long text reply
    assert len(member.received) >= 2 and all(len(t.encode()) <= 2048 for t in member.received)
    assert "[1] 新增样板村卫生室30处" in member.received[0] and "[33]" in member.received[-1]
    full = ledger_text(await compiled_april(bot), "markdown")
    await bot.app.deliver(
        [
            Outbound(
                chat=ChatRef(platform="wecom", chat_id="zhaoliu"),
                replies=(MarkdownReply(plain="", markdown=full),),
            )
        ]
    )
    markdown = [
        p["markdown"]["content"]
        for p in wecom_fake.sent
        if p["touser"] == "zhaoliu" and p["msgtype"] == "markdown"
    ]
    assert len(full.encode()) > 2 * 2048 and len(markdown) >= 3
    assert all(len(m.encode()) <= 2048 for m in markdown)
    assert max(len(m.encode()) for m in markdown) > 1500  # chunks are filled, not one line each
    assert "\n".join(markdown).replace("\n", "") == full.replace("\n", "")


async def test_the_weekly_summary_chart_and_word_ledger_reach_the_group_robot(make_wecom, wecom_fake, clock):
    bot = await make_wecom()
    await open_april(bot.app)
    member = bot.member("zhangsan")
    await member.say(f"绑定 {await invite_code(bot.app, '区发改局')}")
    for line in ("填报", "停车位又新增了20个，充电桩累计建成400个", "1", "无", "推进体育公园停车场建设"):
        await member.say(line)
    ok, message = await cli_add_group(bot.app, f"wecom:{LEADERS}", "领导群")
    assert ok, message

    # The scheduler's weekly summary (handlers/jobs.py) goes out through app.deliver -> our sender -> robot.
    fire = clock.now().replace(hour=17, minute=0)
    assert await run_job(bot.app, WEEKLY_SUMMARY, fire) == 1
    assert await run_job(bot.app, WEEKLY_SUMMARY, fire) == 0  # exactly once
    ledger = await compiled_april(bot)
    posts = wecom_fake.robot_sent
    assert {key for key, _ in posts} == {ROBOT_KEY}
    kinds = [p["msgtype"] for _, p in posts]
    assert kinds[-2:] == ["image", "text"] and set(kinds[:-2]) == {"markdown"}
    summary = [p["markdown"]["content"] for _, p in posts[:-2]]
    assert all(len(part.encode()) <= 4096 for part in summary)  # split for the robot when longer
    assert "2025-04" in summary[0] or "2025年4月" in summary[0]
    image = posts[-2][1]["image"]
    chart = base64.b64decode(image["base64"])
    assert chart.startswith(b"\x89PNG") and image["md5"] == hashlib.md5(chart).hexdigest()
    assert posts[-1][1]["text"]["content"] == texts.WEEKLY_CHART_CAPTION.format(
        title=ledger.title, period=ledger.period
    )

    # The Word ledger and the whole ledger as markdown (split at the robot's 4,096 bytes).
    docx, filename = render(ledger, "docx")
    full = ledger_text(ledger, "markdown")
    group = ChatRef(platform="wecom", chat_id=LEADERS, is_group=True)
    await bot.app.deliver(
        [
            Outbound(
                chat=group,
                replies=(
                    FileReply(filename=filename, media_type=MEDIA_TYPES["docx"], content=docx),
                    MarkdownReply(plain="", markdown=full),
                ),
            )
        ]
    )
    posts = wecom_fake.robot_sent[len(kinds) :]
    media = wecom_fake.media[posts[0][1]["file"]["media_id"]]
    assert (media.filename, media.content, media.owner) == ("台账-2025-04.docx", docx, ROBOT_KEY)
    assert media.content_type == MEDIA_TYPES["docx"]
    parts = [p["markdown"]["content"] for _, p in posts[1:]]
    assert len(full.encode()) > 4096 and len(parts) >= 2
    assert all(len(part.encode()) <= 4096 for part in parts)
    assert max(len(part.encode()) for part in parts) > 3000
    assert "\n".join(parts).replace("\n", "") == full.replace("\n", "")
    assert await unsent(bot.app, "wecom") == []  # nothing failed, nothing left queued
