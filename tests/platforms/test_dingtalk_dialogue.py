"""The monthly dialogue over DingTalk, in Stream mode (the official SDK over WebSocket to the fake gateway)
and HTTP mode (signed callbacks to `ledgerbot web`), answers at the fake's sessionWebhook and OpenAPI."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.core.messages import ChatRef
from bot.core.replies import MarkdownReply, Outbound
from bot.operations import cli_add_role
from handlers import texts
from handlers.ledger.compile import compile_ledger
from reports.to_text import ledger_text
from tests.handlers.dialogue_helpers import invite_code, open_april
from tests.platforms.dingtalk_harness import dingtalk_fake_fixture, make_dingtalk_fixture  # noqa: F401
from tests.transcript import expect

MODES = pytest.mark.parametrize("mode", ["stream", "http"])


async def filed(bot, number: int = 24) -> list[tuple]:
    """Return (revision, progress, problems, plan) of the chat submissions of item ``number`` in 2025-04."""
    assert bot.app is not None
    async with bot.app.db_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT s.revision, s.progress, s.problems, s.plan FROM submissions s "
                "JOIN items i ON i.id = s.item_id JOIN periods p ON p.id = s.period_id "
                "WHERE i.position = :n AND p.code = '2025-04' AND s.source = 'chat' ORDER BY s.revision"
            ),
            {"n": number},
        )
        return [tuple(r) for r in rows]


@MODES
async def test_a_contact_files_april_over_dingtalk(make_dingtalk, dingtalk_fake, mode):
    bot = await make_dingtalk(mode)
    await open_april(bot.app)
    member = bot.member("zhangsan")
    expect(await member.say("你好"), "绑定码")
    code = await invite_code(bot.app, "区发改局")
    expect(await member.say(f"绑定 {code}"), "【区发改局】的联络员")
    answer = expect(await member.say("填报"))
    assert "新增停车泊位256个，公共充电桩总数达到400个" in answer
    answer = expect(await member.say("停车位又新增了20个，充电桩累计建成400个"))
    assert "55/256个" in answer and "400/400个" in answer
    # Choices become a numbered list on DingTalk; "1" answers the first of them.
    assert "\n1. 确认\n" in answer
    expect(await member.say("1"), "存在什么问题")
    expect(await member.say("无"), "5月份计划")
    answer = expect(await member.say("推进体育公园停车场建设"))
    assert "已记录 [24]" in answer and "本次填报结束" in answer

    assert await filed(bot) == [
        (1, "停车位又新增了20个，充电桩累计建成400个", "无", "推进体育公园停车场建设")
    ]
    inbox = await bot.inbox()
    assert len(inbox) == 7 and {e.state for e in inbox} == {"handled"}
    # Replies went to the member's sessionWebhook while it was valid; nothing through the OpenAPI.
    assert {s.via for s in dingtalk_fake.to("zhangsan")} == {"webhook"}
    if mode == "stream":
        assert all(a["code"] == 200 for a in dingtalk_fake.acks) and len(dingtalk_fake.acks) == 7


@MODES
async def test_an_expired_session_webhook_falls_back_to_the_openapi(
    make_dingtalk, dingtalk_fake, mode, clock
):
    bot = await make_dingtalk(mode)
    payload = bot.payload("wangwu", "帮助", sessionWebhookExpiredTime=bot.now_ms() - 1)
    await bot.deliver(payload)
    [sent] = dingtalk_fake.to("wangwu")
    assert sent.via == "batchSend" and sent.msg_key == "sampleText"
    # A webhook on a host other than the configured OAPI base is never posted to.
    await bot.deliver(
        bot.payload("wangwu", "帮助", sessionWebhook="http://127.0.0.2:9/robot/sendBySession?s=x")
    )
    assert [s.via for s in dingtalk_fake.to("wangwu")] == ["batchSend", "batchSend"]
    assert dingtalk_fake.token_calls == 1  # the access token is cached


@MODES
async def test_other_message_types_get_the_text_only_answer(make_dingtalk, dingtalk_fake, mode):
    bot = await make_dingtalk(mode)
    payload = bot.payload("zhaoliu", "")
    payload.pop("text")
    payload.update(msgtype="picture", content={"downloadCode": "x"})
    await bot.deliver(payload)
    assert dingtalk_fake.texts_to("zhaoliu") == [texts.UNSUPPORTED]


async def test_long_ledger_markdown_is_split_within_dingtalk_limits(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    await open_april(bot.app)
    ok, message = await cli_add_role(bot.app, "dingtalk:zhaoliu", "coordinator")
    assert ok, message
    async with bot.app.uow() as uow:
        info = await uow.ledgers.get()
        ledger = await compile_ledger(uow, info, await uow.ledgers.period(info.id, "2025-04"))
    full = ledger_text(ledger, "markdown")
    chat = ChatRef(platform="dingtalk", chat_id="zhaoliu")
    await bot.app.deliver([Outbound(chat=chat, replies=(MarkdownReply(plain="", markdown=full),))])
    parts = [s.param["text"] for s in dingtalk_fake.to("zhaoliu") if s.msg_key == "sampleMarkdown"]
    assert len(full.encode()) > 2 * 4000 and len(parts) >= 3
    assert all(len(p.encode()) <= 4000 for p in parts)
    assert "\n".join(parts).replace("\n", "") == full.replace("\n", "")
    assert all(s.param["title"] for s in dingtalk_fake.to("zhaoliu"))
