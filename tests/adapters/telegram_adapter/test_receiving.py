"""The Telegram adapter over real HTTP against the fake Bot API server: updates in, by polling and webhook."""

from __future__ import annotations

import json

from aiohttp import web

from bot.adapters.telegram import TelegramAdapter
from bot.core.replies import TextReply
from tests.adapters.telegram_adapter.harness import (
    GROUP,
    PRIVATE,
    SECRET,
    USER,
    MakeAdapter,
    ScriptedEngine,
    texts,
)
from tests.fakes.fake_telegram import FakeTelegram

# ---------------------------------------------------------------- receiving


async def test_polling_round_trip(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    fake.push_text(PRIVATE, USER, "本月完成<50%> & 推进中")
    calls = await fake.wait_for_calls("sendMessage")
    assert calls[0].params == {
        "chat_id": PRIVATE,
        "text": "收到：本月完成&lt;50%&gt; &amp; 推进中",
        "parse_mode": "HTML",
    }
    assert fake.bot_messages(PRIVATE)[0]["text"] == "收到：本月完成<50%> & 推进中"
    assert [m.kind for m in engine.received] == ["text"]
    assert polling.bot_username == fake.bot_username
    assert fake.calls_of("deleteWebhook") and fake.calls_of("getMe")


async def test_group_command_with_botname(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    fake.push_text(GROUP, USER, f"/report@{fake.bot_username} 卫健局", is_group=True)
    await fake.wait_for_calls("sendMessage")
    msg = engine.received[0]
    assert (msg.kind, msg.text, msg.chat.is_group) == ("command", "/report 卫健局", True)
    assert texts(fake, GROUP) == ["收到：/report 卫健局"]


async def test_choice_buttons_round_trip(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    long_label = "确认：新增停车泊位256个，公共充电桩总数达到400个，由区住建局牵头、区综合行政执法局配合完成"
    engine.reply = lambda m: (TextReply(text="请确认<本月>进展", choices=("修改", long_label)),)
    fake.push_text(PRIVATE, USER, "填报")
    await fake.wait_for_calls("sendMessage")
    markup = fake.calls_of("sendMessage")[0].params["reply_markup"]
    buttons = [b for row in markup["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["修改", long_label]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    engine.reply = lambda m: ()
    fake.push_choice(PRIVATE, USER, long_label)
    await fake.wait_for_calls("editMessageText")
    await fake.wait_for_calls("answerCallbackQuery")
    choice = engine.received[-1]
    assert (choice.kind, choice.text) == ("choice", long_label)
    assert choice.message_id.startswith("cb:")
    edited = fake.bot_messages(PRIVATE)[0]
    assert edited["text"] == f"请确认<本月>进展\n\n✅ {long_label}"
    assert "reply_markup" not in edited  # no second press possible


async def test_edited_message(fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine) -> None:
    first = fake.push_text(PRIVATE, USER, "完成50%")
    await fake.wait_for_calls("sendMessage")
    fake.push_edit(PRIVATE, USER, first["message"]["message_id"], "完成60%")
    await fake.wait_for_calls("sendMessage", 2)
    original, edit = engine.received
    assert edit.kind == "edit" and edit.text == "完成60%"
    assert edit.message_id != original.message_id and edit.reply_to == original.message_id


async def test_document_is_downloaded(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    content = bytes(range(256)) * 100
    engine.reply = lambda m: (TextReply(text=f"{m.attachments[0].filename} {len(m.attachments[0].content)}"),)
    fake.push_document(
        PRIVATE, USER, "台账.xlsx", content, mime_type="application/vnd.ms-excel", caption="导入"
    )
    await fake.wait_for_calls("sendMessage")
    msg = engine.received[0]
    assert msg.kind == "file" and msg.text == "导入"
    assert msg.attachments[0].content == content
    assert msg.attachments[0].media_type == "application/vnd.ms-excel"
    assert texts(fake) == ["台账.xlsx 25600"]
    assert fake.calls_of("getFile")[0].params["file_id"] == "file1"


async def test_sticker_is_unsupported(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    engine.reply = lambda m: (TextReply(text=f"暂不支持 {m.kind}"),)
    fake.push_sticker(PRIVATE, USER)
    await fake.wait_for_calls("sendMessage")
    assert texts(fake) == ["暂不支持 unsupported"]


async def test_same_message_delivered_twice_keeps_its_id(
    fake: FakeTelegram, polling: TelegramAdapter, engine: ScriptedEngine
) -> None:
    update = fake.push_text(PRIVATE, USER, "进展")
    await fake.wait_for_calls("sendMessage")
    fake.push_update(update)  # redelivered, as after a crash before the offset was confirmed
    await fake.wait_for_calls("sendMessage", 2)
    assert len(engine.received) == 2
    assert engine.received[0].message_id == engine.received[1].message_id


# ---------------------------------------------------------------- webhook


async def test_webhook_checks_the_secret(
    fake: FakeTelegram, make_adapter: MakeAdapter, engine: ScriptedEngine
) -> None:
    adapter = make_adapter(webhook_url="https://ledger.example/telegram/webhook")
    await adapter.start_webhook()
    assert fake.webhook_url == "https://ledger.example/telegram/webhook"
    assert fake.webhook_secret == SECRET
    body = json.dumps(fake.push_text(PRIVATE, USER, "你好")).encode()
    assert await adapter.process_webhook(body, None) == 403
    assert await adapter.process_webhook(body, "wrong") == 403
    assert engine.received == []
    assert await adapter.process_webhook(b"not json", SECRET) == 400
    assert await adapter.process_webhook(body, SECRET) == 200
    assert await adapter.process_webhook(body, SECRET) == 200  # Telegram retried it
    assert texts(fake) == ["收到：你好", "收到：你好"]
    assert engine.received[0].message_id == engine.received[1].message_id
    engine.fail = True
    assert await adapter.process_webhook(body, SECRET) == 500  # so Telegram delivers it again


async def test_webhook_over_http(
    fake: FakeTelegram, make_adapter: MakeAdapter, engine: ScriptedEngine
) -> None:
    async def endpoint(request: web.Request) -> web.Response:
        status = await adapter.process_webhook(
            await request.read(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        )
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/telegram/webhook", endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    try:
        adapter = make_adapter(webhook_url=url)
        await adapter.start_webhook()
        update = fake.push_text(PRIVATE, USER, "/start")  # the fake now delivers to the webhook
        await fake.wait_for_calls("sendMessage")
        assert engine.received[0].kind == "command"
        # The reply goes out before the webhook request returns: wait for the delivery's own record.
        await fake.wait_for(lambda: bool(fake.webhook_deliveries))
        assert fake.webhook_deliveries[0] == (update["update_id"], 200)
        assert await fake.post_webhook(url, update) == 403  # no header
        assert await fake.post_webhook(url, update, "guess") == 403
    finally:
        await runner.cleanup()
