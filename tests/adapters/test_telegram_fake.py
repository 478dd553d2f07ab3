"""The fake Bot API server itself: long polling, offsets, validation and injected faults."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.fake_telegram import FakeTelegram


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, fake: FakeTelegram, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with http.post(f"{fake.base_url}{token or fake.token}/{method}", data=form) as resp:
        return resp.status, await resp.json()


async def test_long_poll_waits_for_an_update(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    poll = asyncio.create_task(call(http, fake, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    began = time.monotonic()
    fake.push_text(1, 2, "你好")
    status, body = await poll
    assert status == 200 and body["result"][0]["message"]["text"] == "你好"
    assert time.monotonic() - began < 1.0


async def test_long_poll_times_out_empty(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    began = time.monotonic()
    status, body = await call(http, fake, "getUpdates", timeout=0.3)
    assert (status, body["result"]) == (200, [])
    assert 0.25 < time.monotonic() - began < 2.0


async def test_offset_confirms_earlier_updates(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    first, second = fake.push_text(1, 2, "一"), fake.push_text(1, 2, "二")
    _, body = await call(http, fake, "getUpdates")
    assert [u["update_id"] for u in body["result"]] == [first["update_id"], second["update_id"]]
    _, body = await call(http, fake, "getUpdates", offset=second["update_id"])
    assert [u["update_id"] for u in body["result"]] == [second["update_id"]]
    _, body = await call(http, fake, "getUpdates", offset=second["update_id"] + 1)
    assert body["result"] == [] and fake.updates == []


async def test_wrong_token_and_webhook_conflict(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    assert (await call(http, fake, "getMe", token="1:wrong"))[0] == 401
    await call(http, fake, "setWebhook", url="http://127.0.0.1:9/hook", secret_token="x")
    assert (await call(http, fake, "getUpdates"))[0] == 409
    await call(http, fake, "deleteWebhook")
    assert (await call(http, fake, "getUpdates"))[0] == 200


async def test_send_message_is_validated_like_telegram(
    fake: FakeTelegram, http: aiohttp.ClientSession
) -> None:
    assert (await call(http, fake, "sendMessage", chat_id=1, text="字" * 4097))[0] == 400
    assert (await call(http, fake, "sendMessage", chat_id=1, text="a < b", parse_mode="HTML"))[0] == 400
    assert (await call(http, fake, "sendMessage", chat_id=1, text="<b>x", parse_mode="HTML"))[0] == 400
    status, body = await call(
        http, fake, "sendMessage", chat_id=1, text="&lt;" + "字" * 4095, parse_mode="HTML"
    )
    assert status == 200 and body["result"]["text"].startswith("<字")
    markup = {"inline_keyboard": [[{"text": "x", "callback_data": "长" * 22}]]}
    assert (await call(http, fake, "sendMessage", chat_id=1, text="x", reply_markup=markup))[0] == 400


async def test_faults_are_injected_in_order(fake: FakeTelegram, http: aiohttp.ClientSession) -> None:
    fake.fail_next("sendMessage", kind="429", retry_after=9, after=1)
    fake.fail_next("sendMessage", kind="500")
    statuses = [(await call(http, fake, "sendMessage", chat_id=1, text="x"))[0] for _ in range(4)]
    assert statuses == [200, 429, 500, 200]
    _, body = await call(http, fake, "getMe")
    assert body["result"]["username"] == fake.bot_username
    fake.fail_next("getMe", kind="429", retry_after=9)
    status, body = await call(http, fake, "getMe")
    assert status == 429 and body["parameters"] == {"retry_after": 9}


async def test_hang_is_released_on_close(http: aiohttp.ClientSession) -> None:
    fake = await FakeTelegram().start()
    fake.fail_next("getMe", kind="hang", hang_seconds=60)
    hung = asyncio.create_task(call(http, fake, "getMe"))
    await asyncio.sleep(0.2)
    assert not hung.done()
    began = time.monotonic()
    await fake.close()
    await asyncio.gather(hung, return_exceptions=True)
    assert time.monotonic() - began < 5.0
