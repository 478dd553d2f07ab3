"""Pacing fills Telegram's allowance: many chats together at the global rate, each chat in order at its own."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from bot.adapters.telegram_pacing import ChatSendQueue, FloodLimiter, LocalRate
from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply


class VirtualTime:
    """A clock for many concurrent sleepers: time jumps to the earliest wake-up once every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), wake))
        await wake

    async def run(self, work: asyncio.Future) -> None:
        """Advance time until ``work`` is done."""
        while not work.done():
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers:
                at, _, wake = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                wake.set_result(None)


def outbound(chat_id: int, n: int, group: bool = False) -> Outbound:
    chat = ChatRef(platform="telegram", chat_id=str(chat_id), is_group=group)
    return Outbound(chat=chat, replies=(TextReply(text=f"{chat_id}:{n}"),))


async def send_all(outbounds: list[Outbound], time: VirtualTime) -> list[tuple[float, str, str]]:
    """Send through a ChatSendQueue under the flood limiter; return (virtual time, chat, text) per send."""
    limiter = FloodLimiter(monotonic=time.monotonic, sleep=time.sleep)
    sent: list[tuple[float, str, str]] = []

    async def send(out: Outbound) -> None:
        await limiter.acquire(out.chat)
        sent.append((time.now, out.chat.chat_id, out.replies[0].text))  # type: ignore[union-attr]

    queue = ChatSendQueue(send)
    work = asyncio.ensure_future(asyncio.gather(*(queue.put(o) for o in outbounds)))
    await time.run(work)
    await work
    return sent


def most_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + 1.0 - 1e-9) for i, t in enumerate(times))


async def test_a_hundred_chats_with_three_replies_each_go_out_near_thirty_a_second() -> None:
    time = VirtualTime()
    outbounds = [outbound(c, n) for n in range(3) for c in range(100)]
    sent = await send_all(outbounds, time)
    assert len(sent) == 300
    span = max(t for t, _, _ in sent) - min(t for t, _, _ in sent)
    rate = 300 / span
    assert rate >= 0.8 * 30, rate  # SEND_LANES = 2 with a held pause managed ~2 a second
    assert most_in_any_second([t for t, _, _ in sent]) <= 30
    for c in range(100):
        mine = [(t, text) for t, chat, text in sent if chat == str(c)]
        assert [text for _, text in mine] == [f"{c}:{n}" for n in range(3)]  # in order
        assert all(b[0] - a[0] >= 1.0 - 1e-9 for a, b in itertools.pairwise(mine))  # a second apart


async def test_one_chat_waiting_for_its_pause_holds_up_no_other() -> None:
    time = VirtualTime()
    outbounds = [outbound(1, n) for n in range(5)] + [outbound(c, 0) for c in range(2, 12)]
    sent = await send_all(outbounds, time)
    others = [t for t, chat, _ in sent if chat != "1"]
    assert max(others) < 0.5  # ten other chats go out while chat 1 waits its seconds
    assert [t for t, chat, _ in sent if chat == "1"][-1] >= 4.0


async def test_a_group_gets_at_most_twenty_a_minute() -> None:
    time = VirtualTime()
    sent = await send_all([outbound(-5, n, group=True) for n in range(25)], time)
    times = [t for t, _, _ in sent]
    assert all(sum(1 for u in times if t <= u < t + 60.0 - 1e-9) <= 20 for t in times)
    assert times[20] - times[0] == pytest.approx(60.0)


async def test_the_local_rate_hands_out_even_slots() -> None:
    now = [0.0]
    rate = LocalRate(30, monotonic=lambda: now[0])
    waits = [await rate.reserve() for _ in range(4)]
    assert waits == pytest.approx([0.0, 1 / 30, 2 / 30, 3 / 30])
    now[0] = 10.0
    assert await rate.reserve() == 0.0  # an idle stretch is not saved up as a burst
