"""The Telegram adapter over real HTTP against the fake Bot API server: replies out, retries, the outbox."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_send import DeliveryError, TelegramSender
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply
from tests.adapters.telegram_adapter.harness import (
    PRIVATE,
    USER,
    MakeAdapter,
    MemoryOutbox,
    ScriptedEngine,
    outbound,
    texts,
)
from tests.fakes.fake_telegram import FakeTelegram, FakeTime, parse_html, utf16_len

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
    # PTB's own logger too: an earlier CLI test's setup_logging may have quietened it for the session.
    caplog.set_level(logging.DEBUG, logger="telegram")
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

    async def stuck_handle_many(msgs: list[IncomingMessage], **_later: object) -> list[tuple[Outbound, ...]]:
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
