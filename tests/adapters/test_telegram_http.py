"""The aiohttp request under python-telegram-bot: timeouts, refused connections and uploads map as PTB's own."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.adapters.telegram_http import AiohttpRequest
from tests.fakes.fake_telegram import FakeTelegram


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


async def test_a_slow_server_is_a_timeout_and_a_closed_port_a_network_error(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", kind="hang", hang_seconds=5)
    request = AiohttpRequest(read_timeout=0.3)
    async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "你好")
        sent = await bot.send_message(1, "你好")  # the next one goes through on the same session
        assert sent.text == "你好"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    request = AiohttpRequest()
    bot = Bot(fake.token, base_url=f"http://127.0.0.1:{closed}/bot", request=request)
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.initialize()  # its getMe finds nobody listening
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut) and "aiohttp" in str(raised.value)


async def test_a_document_keeps_its_chinese_filename_and_bytes(fake: FakeTelegram) -> None:
    content = bytes(range(256)) * 10
    async with Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest()) as bot:
        await bot.send_document(1, content, filename="2025年4月台账.xlsx", caption="台账")
    call = fake.calls_of("sendDocument")[-1]
    assert (call.files["document"].filename, call.files["document"].content) == (
        "2025年4月台账.xlsx",
        content,
    )
    assert call.params["caption"] == "台账"
