"""Fixtures of the Telegram adapter tests: the fake Bot API server, a fake clock and adapters on them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.telegram import TelegramAdapter, TelegramConfig
from tests.adapters.telegram_adapter.harness import SECRET, MakeAdapter, MemoryOutbox, ScriptedEngine
from tests.fakes.fake_telegram import FakeTelegram, FakeTime


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
