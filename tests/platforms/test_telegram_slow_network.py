"""Many replies at once over a slow network: a reply waiting for one of the adapter's connections is not a
network failure (no time-out, no back-off, no second try), and every reply goes out once."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram import SEND_CONNECTIONS, TelegramAdapter, TelegramConfig
from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply
from tests.fakes.fake_telegram import FakeTelegram


class NoWait:
    """A FloodLimiter that never waits: the fake has no flood limits, and the test is about connections."""

    async def acquire(self, chat: ChatRef) -> float:
        return 0.0


class NoEngine:
    """The adapter's MessageHandler; this test only sends."""

    async def handle(self, msg):  # pragma: no cover - never called
        raise AssertionError("no message is handled here")

    async def handle_many(self, msgs, **_):  # pragma: no cover - never called
        raise AssertionError("no message is handled here")


async def test_replies_queued_for_a_connection_go_out_once_without_back_off():
    async with FakeTelegram() as fake:
        fake.send_latency = 0.25
        backoffs: list[float] = []

        async def sleep(seconds: float) -> None:  # the sender's back-off after a network error
            backoffs.append(seconds)
            await asyncio.sleep(seconds)

        adapter = TelegramAdapter(
            TelegramConfig(token=fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url),
            NoEngine(),
            sleep=sleep,
            limiter=NoWait(),  # type: ignore[arg-type]
        )
        await adapter.start()
        try:
            # Six rounds of the connections' worth: the last replies wait about 1.25 s for a connection.
            count = SEND_CONNECTIONS * 6
            outbound = [
                Outbound(
                    chat=ChatRef(platform="telegram", chat_id=str(9000 + i)),
                    replies=(TextReply(text=f"第{i}条回复"),),
                )
                for i in range(count)
            ]
            assert adapter.sender is not None
            await asyncio.gather(*(adapter.sender.send(out) for out in outbound))
        finally:
            await adapter.stop(grace=1.0)
        texts = sorted(c.params["text"] for c in fake.calls_of("sendMessage", include_faults=True))
        assert texts == sorted(f"第{i}条回复" for i in range(count))
        assert backoffs == []
