"""The Telegram adapter over real HTTP against the fake Bot API server."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from bot.adapters.telegram import TelegramAdapter, TelegramConfig
from bot.adapters.telegram_send import DeliveryError, TelegramSender
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, Reply, TextReply
from tests.fakes.fake_telegram import FakeTelegram, FakeTime, parse_html, utf16_len

SECRET = "s3cret-token_ABC"
USER = 7
PRIVATE = 42
GROUP = -100555


class ScriptedEngine:
    """Stands in for the engine: records messages and answers with ``reply(msg)``."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []
        self.reply: Callable[[IncomingMessage], tuple[Reply, ...]] = lambda m: (
            TextReply(text=f"收到：{m.text}"),
        )
        self.fail = False

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        self.received.append(msg)
        if self.fail:
            raise RuntimeError("database is down")
        return (Outbound(chat=msg.chat, replies=self.reply(msg)),)

    async def handle_many(self, msgs: list[IncomingMessage]) -> list[tuple[Outbound, ...]]:
        return [await self.handle(m) for m in msgs]


class MemoryOutbox:
    """In-memory OutboxStore."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Outbound, str]] = {}
        self._next = 1

    async def record_failed(self, outbound: Outbound, error: str) -> int:
        self.rows[self._next] = (outbound, error)
        self._next += 1
        return self._next - 1

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Outbound]]:
        return [(i, o) for i, (o, _) in self.rows.items() if o.chat.platform == platform][:limit]

    async def mark_sent(self, outbox_id: int) -> None:
        del self.rows[outbox_id]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime(5000.0)


@pytest.fixture
def engine() -> ScriptedEngine:
    return ScriptedEngine()


@pytest.fixture
def outbox() -> MemoryOutbox:
    return MemoryOutbox()


MakeAdapter = Callable[..., TelegramAdapter]


@pytest.fixture
async def make_adapter(
    fake: FakeTelegram, clock: FakeTime, engine: ScriptedEngine, outbox: MemoryOutbox
) -> AsyncIterator[MakeAdapter]:
    made: list[TelegramAdapter] = []

    def make(webhook_url: str = "", **kw: Any) -> TelegramAdapter:
        config = TelegramConfig(
            token=fake.token,
            base_url=fake.base_url,
            base_file_url=fake.base_file_url,
            webhook_secret=SECRET,
            webhook_url=webhook_url,
        )
        kw.setdefault("outbox", outbox)
        adapter = TelegramAdapter(
            config, engine, monotonic=clock.monotonic, sleep=clock.sleep, poll_timeout=1.0, **kw
        )
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.stop()


@pytest.fixture
async def polling(make_adapter: MakeAdapter) -> TelegramAdapter:
    adapter = make_adapter()
    await adapter.start_polling()
    return adapter


def texts(fake: FakeTelegram, chat_id: int = PRIVATE) -> list[str]:
    return [c.params["text"] for c in fake.calls_of("sendMessage") if c.params["chat_id"] == chat_id]


def outbound(*replies: Reply, chat_id: int = PRIVATE) -> Outbound:
    return Outbound(chat=ChatRef(platform="telegram", chat_id=str(chat_id)), replies=replies)


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


# ---------------------------------------------------------------- sending


async def test_long_text_is_split_on_lines_and_escaped(
    fake: FakeTelegram, polling: TelegramAdapter, clock: FakeTime
) -> None:
    lines = [f"{i}. 项目<{i}> & 单位：区卫健局" + "进" * 60 for i in range(200)]
    assert polling.sender is not None
    await polling.sender.send(outbound(TextReply(text="\n".join(lines), choices=("确认",))))
    calls = fake.calls_of("sendMessage")
    assert len(calls) == 5
    visible = [parse_html(c.params["text"]) for c in calls]
    assert all(utf16_len(v) <= 4096 for v in visible)
    assert "\n".join(visible) == "\n".join(lines)
    assert all(c.params["parse_mode"] == "HTML" for c in calls)
    assert ["reply_markup" in c.params for c in calls] == [False] * 4 + [True]
    assert clock.sleeps == [1.0] * 4  # one message per second in a chat


async def test_markdown_reply_html_split_keeps_tags_balanced(
    fake: FakeTelegram, polling: TelegramAdapter
) -> None:
    rows = "\n".join(f"<b>{i}</b> 基层医疗服务提升工程 <i>推进中</i>" + "。" * 80 for i in range(120))
    assert polling.sender is not None
    await polling.sender.send(outbound(MarkdownReply(plain="x", html=f"<blockquote>{rows}</blockquote>")))
    calls = fake.calls_of("sendMessage")
    assert len(calls) >= 2  # the fake refuses unbalanced HTML, so every part parsed
    assert all(c.params["text"].startswith("<blockquote>") for c in calls)


async def test_malformed_html_falls_back_to_plain_text(fake: FakeTelegram, polling: TelegramAdapter) -> None:
    assert polling.sender is not None
    await polling.sender.send(outbound(MarkdownReply(plain="x", html="<b>粗体</b><br>下一行")))
    refused, sent = fake.calls_of("sendMessage")
    assert refused.params["parse_mode"] == "HTML"
    assert sent.params == {"chat_id": PRIVATE, "text": "粗体下一行"}


async def test_files_and_images_go_out_with_filenames(fake: FakeTelegram, polling: TelegramAdapter) -> None:
    docx = b"PK\x03\x04" + b"x" * 5000
    png = b"\x89PNG\r\n\x1a\n" + b"y" * 300
    assert polling.sender is not None
    await polling.sender.send(
        outbound(
            FileReply(
                filename="2025年3月台账.docx",
                media_type="application/msword",
                content=docx,
                caption="三月台账",
            ),
            ImageReply(filename="进度.png", content=png, caption="完成率 vs 序时进度"),
            FileReply(
                filename="长说明.xlsx",
                media_type="application/vnd.ms-excel",
                content=b"xl",
                caption="说" * 1500,
            ),
        )
    )
    doc, long_doc = fake.calls_of("sendDocument")
    assert (doc.files["document"].filename, doc.files["document"].content) == ("2025年3月台账.docx", docx)
    assert doc.params["caption"] == "三月台账"
    photo = fake.calls_of("sendPhoto")[0]
    assert (photo.files["photo"].filename, photo.files["photo"].content) == ("进度.png", png)
    assert "caption" not in long_doc.params  # over 1,024: sent as text after the file
    assert texts(fake) == ["说" * 1500]


async def test_429_is_waited_out_then_retried(
    fake: FakeTelegram, polling: TelegramAdapter, clock: FakeTime, outbox: MemoryOutbox
) -> None:
    fake.fail_next("sendMessage", kind="429", retry_after=7, after=1)
    assert polling.sender is not None
    await polling.sender.send(outbound(TextReply(text="一"), TextReply(text="二"), TextReply(text="三")))
    assert texts(fake) == ["一", "二", "三"]
    assert [c.fault for c in fake.calls_of("sendMessage", include_faults=True)] == [None, "429", None, None]
    assert 7.0 in clock.sleeps
    assert outbox.rows == {}


async def test_server_errors_are_retried_with_backoff(
    fake: FakeTelegram, polling: TelegramAdapter, clock: FakeTime
) -> None:
    fake.fail_next("sendMessage", times=3, kind="500")
    assert polling.sender is not None
    await polling.sender.send(outbound(TextReply(text="进度提醒")))
    assert texts(fake) == ["进度提醒"]
    # Backoff doubles; the flood limiter adds nothing after a failed call's own wait.
    assert [s for s in clock.sleeps if s >= 1.0][:3] == [1.0, 2.0, 4.0]


async def test_timeouts_are_retried(fake: FakeTelegram, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter(request_timeout=0.3)
    await adapter.start_polling()
    fake.fail_next("sendMessage", kind="hang", hang_seconds=5)
    assert adapter.sender is not None
    await adapter.sender.send(outbound(TextReply(text="超时后重试")))
    assert texts(fake) == ["超时后重试"]
    assert fake.calls_of("sendMessage", include_faults=True)[0].fault == "hang"


async def test_exhausted_retries_go_to_the_outbox_then_retry_failed_delivers(
    fake: FakeTelegram, polling: TelegramAdapter, outbox: MemoryOutbox
) -> None:
    fake.fail_next("sendMessage", times=5, kind="500", after=1)
    assert polling.sender is not None
    await polling.sender.send(
        outbound(TextReply(text="第一条"), TextReply(text="第二条"), TextReply(text="第三条"))
    )
    assert texts(fake) == ["第一条"]
    [(kept, error)] = outbox.rows.values()
    assert [r.text for r in kept.replies] == ["第二条", "第三条"]  # what went out is not resent
    assert "Internal Server Error" in error and fake.token not in error
    assert await polling.retry_failed() == 1
    assert texts(fake) == ["第一条", "第二条", "第三条"]
    assert outbox.rows == {}


async def test_retry_failed_keeps_what_still_fails(
    fake: FakeTelegram, polling: TelegramAdapter, outbox: MemoryOutbox
) -> None:
    await outbox.record_failed(outbound(TextReply(text="甲"), TextReply(text="乙")), "earlier")
    fake.fail_next("sendMessage", times=5, kind="500", after=1)
    assert await polling.retry_failed() == 0
    [(kept, _)] = outbox.rows.values()
    assert [r.text for r in kept.replies] == ["乙"]
    assert await polling.retry_failed() == 1 and outbox.rows == {}


async def test_failure_in_the_engine_path_is_kept_in_the_outbox(
    fake: FakeTelegram, polling: TelegramAdapter, outbox: MemoryOutbox
) -> None:
    fake.fail_next("sendMessage", times=5, kind="500")
    fake.push_text(PRIVATE, USER, "进展")
    await fake.wait_for(lambda: bool(outbox.rows))
    await polling.retry_failed()
    assert texts(fake) == ["收到：进展"]


async def test_refused_messages_are_dropped_not_kept(
    fake: FakeTelegram, polling: TelegramAdapter, outbox: MemoryOutbox
) -> None:
    assert polling.sender is not None
    await polling.sender.send(
        Outbound(chat=ChatRef(platform="telegram", chat_id="@nowhere"), replies=(TextReply(text="x"),))
    )
    assert outbox.rows == {} and texts(fake) == []


async def test_without_an_outbox_send_raises(
    fake: FakeTelegram, polling: TelegramAdapter, clock: FakeTime
) -> None:
    sender = TelegramSender(
        polling.app.bot, None, monotonic=clock.monotonic, sleep=clock.sleep, max_attempts=2
    )
    fake.fail_next("sendMessage", times=2, kind="500")
    with pytest.raises(DeliveryError) as info:
        await sender.send(outbound(TextReply(text="x")))
    assert not info.value.permanent and info.value.remaining.replies == (TextReply(text="x"),)


async def test_an_over_long_retry_after_is_not_slept(
    fake: FakeTelegram, polling: TelegramAdapter, clock: FakeTime, outbox: MemoryOutbox
) -> None:
    fake.fail_next("sendMessage", kind="429", retry_after=3600)
    assert polling.sender is not None
    await polling.sender.send(outbound(TextReply(text="稍后")))
    assert 3600.0 not in clock.sleeps and len(outbox.rows) == 1


async def test_the_token_never_reaches_the_logs(
    fake: FakeTelegram, make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = make_adapter()
    await adapter.start_polling()
    fake.push_text(PRIVATE, USER, "你好")
    fake.fail_next("sendMessage", kind="500")
    await fake.wait_for_calls("sendMessage")
    await adapter.stop()
    assert "sendMessage" in caplog.text  # PTB did log its calls at DEBUG
    assert fake.token not in caplog.text and fake.token.split(":")[1] not in caplog.text


async def test_an_update_fetched_but_not_handled_when_the_process_dies_is_fetched_again(
    make_adapter: MakeAdapter, fake: FakeTelegram, engine: ScriptedEngine
) -> None:
    import asyncio

    entered, never = asyncio.Event(), asyncio.Event()
    first_reply = engine.reply

    async def stuck_handle_many(msgs: list[IncomingMessage]) -> list[tuple[Outbound, ...]]:
        engine.received.extend(msgs)
        entered.set()
        await never.wait()  # the process "dies" here, after fetching and before finishing
        return []

    dying = make_adapter()
    dying._handler = type("Stuck", (), {"handle_many": staticmethod(stuck_handle_many)})()
    await dying.start_polling()
    fake.push_text(PRIVATE, USER, "累计建成400个")
    await asyncio.wait_for(entered.wait(), 5)
    await asyncio.wait_for(dying.stop(), 10)

    engine.reply = first_reply
    survivor = make_adapter()
    await survivor.start_polling()
    await fake.wait_for(lambda: "收到：累计建成400个" in texts(fake))
    assert [m.text for m in engine.received] == ["累计建成400个", "累计建成400个"]
    assert engine.received[0].message_id == engine.received[1].message_id  # the inbox dedupes on this id
