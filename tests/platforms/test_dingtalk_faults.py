"""DingTalk faults: forged, stale and duplicate callbacks; duplicate Stream frames; the gateway dropping or
moving the connection; a send that fails going to the outbox and out again."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text

from bot.adapters.dingtalk import to_incoming
from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply
from bot.platforms.dingtalk_service import DingTalkStreamService
from tests.handlers.dialogue_helpers import invite_code
from tests.platforms.dingtalk_harness import dingtalk_fake_fixture, make_dingtalk_fixture  # noqa: F401


async def test_a_forged_or_stale_callback_is_refused_with_403_and_nothing_else(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http")
    hour_ms = 3600 * 1000
    cases = {
        "wrong secret": bot.signed_headers(secret="not-the-secret"),
        "stale": bot.signed_headers(timestamp=bot.now_ms() - hour_ms - 60_000),
        "future": bot.signed_headers(timestamp=bot.now_ms() + hour_ms + 60_000),
        "no sign": {"timestamp": str(bot.now_ms()), "Content-Type": "application/json"},
        "no timestamp": {"sign": bot.signed_headers()["sign"]},
    }
    for name, headers in cases.items():
        response = await bot.post(bot.payload("mallory", "帮助"), headers)
        assert (response.status_code, response.content) == (403, b""), name
    await bot.settle()
    assert await bot.inbox() == [] and dingtalk_fake.sent == []
    # Within the hour is accepted (clocks drift).
    ok = await bot.post(
        bot.payload("alice", "帮助"), bot.signed_headers(timestamp=bot.now_ms() - hour_ms + 60_000)
    )
    assert ok.status_code == 200
    await bot.settle()
    assert len(dingtalk_fake.to("alice")) == 1


async def test_a_duplicate_callback_is_filed_once_and_answered_once(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http")
    payload = bot.payload("lisi", "你好")
    responses = await asyncio.gather(bot.post(payload), bot.post(payload))
    await bot.settle()
    again = await bot.post(payload)
    await bot.settle()
    assert [r.status_code for r in (*responses, again)] == [200, 200, 200]
    assert [e.text for e in await bot.inbox()] == ["你好"]
    assert len(dingtalk_fake.to("lisi")) == 1


async def test_a_malformed_callback_is_refused_with_400(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http")
    assert bot.http is not None
    response = await bot.http.post("/dingtalk/callback", content=b"{not json", headers=bot.signed_headers())
    assert response.status_code == 400
    payload = bot.payload("lisi", "你好")
    del payload["senderStaffId"]
    assert (await bot.post(payload)).status_code == 400
    assert await bot.inbox() == []


async def test_a_frame_delivered_twice_is_acked_twice_and_answered_once(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    payload = bot.payload("lisi", "你好")
    first = await dingtalk_fake.push(payload)
    second = await dingtalk_fake.push(payload)
    for frame in (first, second):
        assert (await dingtalk_fake.wait_ack(frame))["code"] == 200
    await bot.settle()
    assert [e.text for e in await bot.inbox()] == ["你好"]
    assert len(dingtalk_fake.to("lisi")) == 1


async def test_a_frame_that_cannot_be_stored_is_not_acked(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    payload = bot.payload("lisi", "你好")
    del payload["msgId"]
    frame = await dingtalk_fake.push(payload)
    good = await dingtalk_fake.push(bot.payload("lisi", "帮助"))
    await dingtalk_fake.wait_ack(good)
    assert [a["headers"]["messageId"] for a in dingtalk_fake.acks] == [good]
    assert frame != good


async def test_the_stream_reconnects_after_a_drop_and_a_disconnect_frame(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    assert isinstance(bot.part, DingTalkStreamService)
    client = bot.part.client
    assert dingtalk_fake.connections == 1
    await dingtalk_fake.drop()  # the network fails
    await _wait(lambda: dingtalk_fake.connections == 2 and client.connected.is_set())
    await dingtalk_fake.disconnect()  # the gateway moves the client
    await _wait(lambda: dingtalk_fake.connections == 3 and client.connected.is_set())
    assert list(client.delays) == [0.05, 0.05]  # each after a good connection: the first, short wait
    member = bot.member("zhangsan")
    assert "绑定码" in "\n".join(await member.say("你好"))


async def test_the_gateway_refusing_logins_is_retried_with_backoff(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    dingtalk_fake.fail_next("open", times=2)
    await dingtalk_fake.drop()
    await _wait(lambda: dingtalk_fake.connections == 2)
    assert not dingtalk_fake._faults["open"]  # both refusals were used up before it connected
    assert isinstance(bot.part, DingTalkStreamService)
    assert list(bot.part.client.delays) == [0.05, 0.1, 0.2]  # the wait doubles while the gateway refuses
    assert "绑定码" in "\n".join(await bot.member("zhangsan").say("你好"))


async def test_a_failed_send_goes_to_the_outbox_and_out_on_retry(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    assert bot.app is not None and isinstance(bot.part, DingTalkStreamService)
    dingtalk_fake.fail_next("batchSend", 503)
    chat = ChatRef(platform="dingtalk", chat_id="zhangsan")
    prompt = Outbound(chat=chat, replies=(TextReply(text="请填报4月份进展"),))
    await bot.app.deliver([prompt])  # a prompt: no webhook, the OpenAPI, which fails
    assert dingtalk_fake.to("zhangsan") == []
    async with bot.app.uow() as uow:
        assert len(await uow.chats.due_outbox("dingtalk")) == 1
    sender = bot.part.intake.sender
    assert sender is not None
    report = await sender.retry_failed()
    assert (report.sent, report.failed) == (1, 0)
    assert dingtalk_fake.texts_to("zhangsan") == ["请填报4月份进展"]
    async with bot.app.uow() as uow:
        assert await uow.chats.due_outbox("dingtalk") == []


async def test_a_revoked_token_is_fetched_again_once(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    assert bot.app is not None
    chat = ChatRef(platform="dingtalk", chat_id="zhangsan")
    await bot.app.deliver([Outbound(chat=chat, replies=(TextReply(text="一"),))])
    dingtalk_fake._tokens.clear()  # DingTalk revoked the token early
    await bot.app.deliver([Outbound(chat=chat, replies=(TextReply(text="二"),))])
    assert dingtalk_fake.texts_to("zhangsan") == ["一", "二"] and dingtalk_fake.token_calls == 2


async def test_unhandled_messages_are_handled_after_a_restart(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http")
    assert bot.app is not None
    code = await invite_code(bot.app, "区发改局")
    # Stored and committed (the 200 went out), then the process died before handling it.
    async with bot.app.transaction() as tx:
        await tx.record_inbox(to_incoming(bot.payload("zhangsan", f"绑定 {code}"), bot.clock))
        await tx.commit()
    await bot.stop()
    assert dingtalk_fake.to("zhangsan") == []
    await bot.start()
    await bot.settle()
    assert any("【区发改局】的联络员" in t for t in dingtalk_fake.texts_to("zhangsan"))


async def _wait(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)  # the condition spans the fake and the client: poll it


async def test_a_failing_session_webhook_falls_back_to_the_openapi(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http")
    dingtalk_fake.fail_next("webhook", 200)  # errcode 130101: sending too fast
    await bot.deliver(bot.payload("lisi", "你好"))
    await bot.deliver(bot.payload("lisi", "帮助"))
    # The first answer went through the OpenAPI; the next message brought a fresh webhook.
    assert [s.via for s in dingtalk_fake.to("lisi")] == ["batchSend", "webhook"]


async def test_gateway_pings_are_answered(make_dingtalk, dingtalk_fake, caplog):
    await make_dingtalk("stream")
    frame = await dingtalk_fake.push_system("ping", {"opaque": "abc"})
    ack = await dingtalk_fake.wait_ack(frame)
    assert ack["code"] == 200 and json.loads(ack["data"]) == {"opaque": "abc"}
    assert "unknown message topic" not in caplog.text


async def test_no_ack_until_the_message_is_committed_then_the_redelivery_is_filed(
    make_dingtalk, dingtalk_fake, caplog
):
    bot = await make_dingtalk("stream")
    assert bot.app is not None
    payload = bot.payload("lisi", "你好")
    async with bot.app.db_engine.begin() as conn:  # the database cannot take the message
        await conn.execute(text("ALTER TABLE inbox RENAME TO inbox_away"))
    frame = await dingtalk_fake.push(payload)
    with pytest.raises(TimeoutError):
        await dingtalk_fake.wait_ack(frame, timeout=1.0)
    assert "你好" not in caplog.text  # the failure is logged without the message
    async with bot.app.db_engine.begin() as conn:
        await conn.execute(text("ALTER TABLE inbox_away RENAME TO inbox"))
    again = await dingtalk_fake.push(payload)  # DingTalk delivers the unACKed message again
    assert (await dingtalk_fake.wait_ack(again))["code"] == 200
    await bot.settle()
    assert [e.text for e in await bot.inbox()] == ["你好"] and len(dingtalk_fake.to("lisi")) == 1


async def test_a_callback_that_cannot_be_stored_gets_503_and_its_retry_is_filed(
    make_dingtalk, dingtalk_fake, caplog
):
    bot = await make_dingtalk("http")
    assert bot.app is not None
    payload = bot.payload("lisi", "你好")
    async with bot.app.db_engine.begin() as conn:
        await conn.execute(text("ALTER TABLE inbox RENAME TO inbox_away"))
    assert (await bot.post(payload)).status_code == 503
    assert "你好" not in caplog.text
    async with bot.app.db_engine.begin() as conn:
        await conn.execute(text("ALTER TABLE inbox_away RENAME TO inbox"))
    assert (await bot.post(payload)).status_code == 200
    await bot.settle()
    assert [e.text for e in await bot.inbox()] == ["你好"] and len(dingtalk_fake.to("lisi")) == 1
