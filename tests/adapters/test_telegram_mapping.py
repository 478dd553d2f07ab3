"""Pure parts of the Telegram adapter: update mapping, HTML splitting, keyboards, flood limits."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

import pytest
import telegram

from bot.adapters.telegram_mapping import update_to_message
from bot.adapters.telegram_send import (
    FloodLimiter,
    choice_keyboard,
    escape,
    html_to_plain,
    split_html,
    utf16_len,
)
from bot.core.messages import ChatRef
from tests.fakes.fake_telegram import FakeTelegram, FakeTime, parse_html

BOT = "ledger_test_bot"
NOW = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)


def to_update(data: dict) -> telegram.Update:
    return telegram.Update.de_json(data, None)


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram(bot_username=BOT)  # used only to build update dicts here


# ---------------------------------------------------------------- update_to_message


async def test_text_in_private_chat(tg: FakeTelegram) -> None:
    upd = tg.push_text(42, 7, "本月新增停车位35个")
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None
    assert msg.kind == "text" and msg.text == "本月新增停车位35个"
    assert msg.message_id == f"42:{upd['message']['message_id']}"
    assert msg.chat == ChatRef(platform="telegram", chat_id="42", is_group=False)
    assert msg.user_id == "7" and msg.user_name == "用户7"
    assert msg.sent_at.tzinfo is not None


async def test_group_command_with_botname_is_stripped(tg: FakeTelegram) -> None:
    upd = tg.push_text(-100123, 7, f"/report@{BOT.upper()} 3月", is_group=True)
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None
    assert msg.kind == "command" and msg.text == "/report 3月"
    assert msg.chat.is_group and msg.chat.chat_id == "-100123"


async def test_command_for_another_bot_is_ignored(tg: FakeTelegram) -> None:
    upd = tg.push_text(-100123, 7, "/report@other_bot", is_group=True)
    assert update_to_message(to_update(upd), BOT) is None


async def test_slash_without_command_entity_is_text(tg: FakeTelegram) -> None:
    upd = tg.push_text(42, 7, "x")
    upd["message"]["text"] = "/not a command"
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None and msg.kind == "text"


async def test_leading_mention_is_stripped_in_groups(tg: FakeTelegram) -> None:
    upd = tg.push_text(-100123, 7, f"@{BOT} 卫健局进展", is_group=True)
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None and msg.text == "卫健局进展"


async def test_edited_message_has_its_own_id_and_points_at_the_original(tg: FakeTelegram) -> None:
    original = tg.push_text(42, 7, "进展：完成50%")
    first = update_to_message(to_update(original), BOT)
    edit = tg.push_edit(42, 7, original["message"]["message_id"], "进展：完成60%")
    msg = update_to_message(to_update(edit), BOT)
    assert msg is not None and first is not None
    assert msg.kind == "edit" and msg.text == "进展：完成60%"
    assert msg.message_id != first.message_id
    assert msg.message_id.startswith(first.message_id + ":edit:")
    assert msg.reply_to == first.message_id


async def test_callback_maps_to_the_button_label(tg: FakeTelegram) -> None:
    keyboard = choice_keyboard(["确认", "修改"]).to_dict()
    sent = tg._bot_message(42, text="请确认", reply_markup=keyboard)
    upd = tg.push_callback(42, 7, sent["message_id"], "c:1")
    msg = update_to_message(to_update(upd), BOT, now=NOW)
    assert msg is not None
    assert msg.kind == "choice" and msg.text == "修改"
    assert msg.message_id == f"cb:{upd['callback_query']['id']}"
    assert msg.reply_to == f"42:{sent['message_id']}"
    assert msg.sent_at == NOW


async def test_callback_with_unknown_data_is_unsupported(tg: FakeTelegram) -> None:
    sent = tg._bot_message(42, text="旧消息", reply_markup=choice_keyboard(["确认"]).to_dict())
    upd = tg.push_callback(42, 7, sent["message_id"], "legacy-data")
    msg = update_to_message(to_update(upd), BOT, now=NOW)
    assert msg is not None and msg.kind == "unsupported"


async def test_document_is_a_file_without_bytes_yet(tg: FakeTelegram) -> None:
    upd = tg.push_document(42, 7, "台账.docx", b"PK\x03\x04", mime_type="application/msword", caption="三月")
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None
    assert msg.kind == "file" and msg.text == "三月" and msg.attachments == ()


@pytest.mark.parametrize("push", ["push_sticker", "push_photo"])
async def test_stickers_and_photos_are_unsupported(tg: FakeTelegram, push: str) -> None:
    upd = getattr(tg, push)(42, 7)
    msg = update_to_message(to_update(upd), BOT)
    assert msg is not None and msg.kind == "unsupported"


async def test_service_messages_are_ignored(tg: FakeTelegram) -> None:
    message = tg.user_message(-100123, 7, True, new_chat_title="新群名")
    assert update_to_message(to_update({"update_id": 1, "message": message}), BOT) is None


async def test_bot_added_to_group_is_an_event(tg: FakeTelegram) -> None:
    change = {
        "chat": tg.chat(-100123, True),
        "from": tg.user(7),
        "date": 1_700_000_000,
        "old_chat_member": {"status": "left", "user": tg.bot_user()},
        "new_chat_member": {"status": "member", "user": tg.bot_user()},
    }
    msg = update_to_message(to_update({"update_id": 5, "my_chat_member": change}), BOT)
    assert msg is not None and msg.kind == "event" and msg.text == "bot_added"
    assert msg.chat.is_group


# ---------------------------------------------------------------- splitting


def test_short_text_is_one_escaped_message() -> None:
    assert split_html(escape("a < b & c > d")) == ["a &lt; b &amp; c &gt; d"]


def test_long_text_splits_on_line_boundaries_within_the_limit() -> None:
    lines = [f"{i:04d} 区卫健局 <进展> & 问题 " + "进" * (i % 90) for i in range(400)]
    text = "\n".join(lines)
    chunks = split_html(escape(text))
    assert len(chunks) > 1
    visible = [parse_html(c) for c in chunks]
    assert all(utf16_len(v) <= 4096 for v in visible)
    assert "\n".join(visible) == text  # nothing lost, cut only where a newline was
    assert all(v.split("\n")[0] in lines and v.split("\n")[-1] in lines for v in visible)
    # Greedy packing: the next line would not have fitted.
    for v, nxt in itertools.pairwise(visible):
        assert utf16_len(v) + 1 + utf16_len(nxt.split("\n")[0]) > 4096


def test_exactly_4096_characters_is_one_message() -> None:
    assert len(split_html("字" * 4096)) == 1
    assert [len(c) for c in split_html("字" * 4097)] == [4096, 1]


def test_tags_spanning_a_cut_are_closed_and_reopened() -> None:
    body = "\n".join(f"第{i}行 " + "内容" * 30 for i in range(200))
    source = f'<b>标题</b>\n<pre><code class="language-text">{body}</code></pre>\n<i>完</i>'
    chunks = split_html(source, limit=1000)
    assert len(chunks) > 5
    for chunk in chunks:
        assert utf16_len(parse_html(chunk)) <= 1000  # parses: balanced, no tag cut
    assert chunks[1].startswith('<pre><code class="language-text">')
    assert "\n".join(parse_html(c) for c in chunks) == html_to_plain(source)


def test_an_overlong_line_is_cut_between_characters_not_inside_entities() -> None:
    line = "&amp;" * 5000
    chunks = split_html(line)
    assert [utf16_len(parse_html(c)) for c in chunks] == [4096, 904]
    assert all(c.count("&amp;") * 5 == len(c) for c in chunks)


def test_utf16_counting_keeps_emoji_within_the_limit() -> None:
    chunks = split_html("😀" * 3000)
    assert all(utf16_len(parse_html(c)) <= 4096 for c in chunks)
    assert "".join(chunks) == "😀" * 3000


def test_whitespace_only_chunks_are_dropped() -> None:
    assert split_html("   \n  ") == []


# ---------------------------------------------------------------- keyboards


def test_callback_data_stays_under_64_bytes_for_long_chinese_labels() -> None:
    labels = [
        f"第{i}项：新增停车泊位256个，公共充电桩总数达到400个（区住建局、区综合行政执法局）"
        for i in range(12)
    ]
    markup = choice_keyboard(labels)
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert [b.text for b in buttons] == labels
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons)
    assert all(len(row) == 1 for row in markup.inline_keyboard)


def test_short_labels_share_rows() -> None:
    markup = choice_keyboard(["确认", "修改", "跳过", "取消"])
    assert [len(row) for row in markup.inline_keyboard] == [3, 1]


# ---------------------------------------------------------------- flood limits


def chat(chat_id: str, group: bool = False) -> ChatRef:
    return ChatRef(platform="telegram", chat_id=chat_id, is_group=group)


async def test_one_message_per_second_per_chat() -> None:
    t = FakeTime()
    limiter = FloodLimiter(monotonic=t.monotonic, sleep=t.sleep)
    for _ in range(3):
        await limiter.acquire(chat("1"))
    await limiter.acquire(chat("2"))  # another chat waits for the next global slot only
    assert t.sleeps == [1.0, 1.0, pytest.approx(1 / 30, abs=1e-5)]


async def test_twenty_per_minute_per_group() -> None:
    t = FakeTime()
    limiter = FloodLimiter(monotonic=t.monotonic, sleep=t.sleep, chat_interval=0.0)
    start = t.now
    for _ in range(21):
        await limiter.acquire(chat("-5", group=True))
    assert t.now - start == pytest.approx(60.0)


async def test_thirty_per_second_overall() -> None:
    t = FakeTime()
    limiter = FloodLimiter(monotonic=t.monotonic, sleep=t.sleep)
    start = t.now
    for i in range(31):
        await limiter.acquire(chat(str(i)))
    assert t.now - start == pytest.approx(1.0)  # slots 1/30 s apart: the 31st a second after the first


async def test_real_clock_defaults_do_not_wait_for_a_first_message() -> None:
    limiter = FloodLimiter()
    began = time.monotonic()
    assert await limiter.acquire(chat("1")) == 0.0
    assert time.monotonic() - began < 0.5
