"""WeCom's send limits and the limiters that keep them: in one process, or shared by every process."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Send limits as (messages, seconds). An app may send one member 30 messages a minute and 1,000 an hour;
# beyond that WeCom drops them without an error (developer.work.weixin.qq.com/document/path/90454,
# 发送应用消息频率). A group robot may post 20 a minute (document/path/91770; errcode 45009 beyond).
APP_MEMBER_LIMITS = ((30, 60.0), (1000, 3600.0))
ROBOT_LIMITS = ((20, 60.0),)


@dataclass(frozen=True)
class Pace:
    """Sends of one key shared by processes: ``burst`` at once, then one every ``interval`` seconds."""

    burst: int
    interval: float

    @classmethod
    def within(cls, limits: tuple[tuple[int, float], ...], burst: int) -> Pace:
        """Return the pace that, after ``burst`` sends at once, keeps every (messages, seconds) limit.

        Paced so, any window of W seconds holds fewer than burst + W / interval sends: at most ``messages``
        once burst + W / interval <= messages + 1.
        """
        return cls(burst, max(seconds / (count + 1 - burst) for count, seconds in limits))


# A reply of a few messages goes out at once; a long run of them is spread out (30/min: 15, then one per 3.75 s).
APP_MEMBER_PACE = Pace.within(APP_MEMBER_LIMITS, burst=15)
ROBOT_PACE = Pace.within(ROBOT_LIMITS, burst=6)  # 6, then one every 4 s


class KeyedRate(Protocol):
    """Hands out send slots per key, shared with other processes."""

    async def reserve(self, key: str = "") -> float:
        """Take ``key``'s next slot; return the seconds to wait before sending in it."""
        ...


class Limiter(Protocol):
    """Waits until a key may send."""

    async def acquire(self, key: str = "") -> float:
        """Wait for ``key``'s turn; return the seconds waited."""
        ...


class SharedLimiter:
    """Wait for ``key``'s slot from a rate every process shares (the slots are taken in order, so FIFO)."""

    def __init__(self, rate: KeyedRate, *, sleep: Sleep = asyncio.sleep) -> None:
        self._rate, self._sleep = rate, sleep

    async def acquire(self, key: str = "") -> float:
        """Take ``key``'s next slot, wait for it, and return the seconds waited."""
        wait = await self._rate.reserve(key)
        if wait > 0:
            await self._sleep(wait)
        return wait


class SlidingWindowLimiter:
    """Allow at most ``limit`` acquisitions per ``window`` seconds per key; callers wait their turn."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._window = window
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def acquire(self, key: str = "") -> float:
        """Wait until ``key`` may send again, record the send, and return the seconds waited."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        waited = 0.0
        async with lock:  # one waiter per key at a time keeps the order of sends
            sent = self._sent.setdefault(key, deque())
            while True:
                now = self._monotonic()
                while sent and sent[0] <= now - self._window:
                    sent.popleft()
                if len(sent) < self._limit:
                    sent.append(now)
                    return waited
                delay = sent[0] + self._window - now
                waited += delay
                await self._sleep(delay)
