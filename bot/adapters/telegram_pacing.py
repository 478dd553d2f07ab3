"""Pacing Telegram sends: one chat in order at its own pace, every chat together at the global rate.

Telegram's documented limits (core.telegram.org/bots/faq, "My bot is hitting limits"): about one message
per second in a chat, no more than 20 messages per minute in a group, about 30 messages per second
overall. A chat's wait never holds anything global: a send first waits for its own chat (and group), then
takes the next global slot, which is handed out evenly (1/30 s apart) by a :class:`GlobalRate` — in this
process (:class:`LocalRate`) or shared by several processes (the database or Redis, wired by the app).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.messages import ChatRef
from bot.core.replies import Outbound

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
GROUP_PER_MINUTE = 20
GLOBAL_PER_SECOND = 30


class GlobalRate(Protocol):
    """Hands out send slots at a fixed rate, possibly shared with other processes."""

    async def reserve(self) -> float:
        """Take the next slot; return the seconds to wait before sending in it."""
        ...


class LocalRate:
    """Slots 1/rate seconds apart for this process (a cell-rate bucket without burst)."""

    def __init__(self, per_second: float = GLOBAL_PER_SECOND, *, monotonic: Monotonic = time.monotonic):
        self._interval = 1.0 / per_second
        self._monotonic = monotonic
        self._next = float("-inf")

    async def reserve(self) -> float:
        now = self._monotonic()
        slot = max(now, self._next)
        self._next = slot + self._interval
        return slot - now


class FloodLimiter:
    """Space sends under Telegram's flood limits: per chat, per group, then the global rate."""

    def __init__(
        self,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
        global_per_second: int = GLOBAL_PER_SECOND,
        rate: GlobalRate | None = None,
    ) -> None:
        self._monotonic, self._sleep = monotonic, sleep
        self._chat_interval = chat_interval
        self._group_max = group_per_minute
        self.rate: GlobalRate = rate or LocalRate(global_per_second, monotonic=monotonic)
        self._chat_next: dict[str, float] = {}
        self._group_sent: dict[str, deque[float]] = {}

    async def acquire(self, chat: ChatRef) -> float:
        """Wait until a message to ``chat`` may go out; return the seconds waited."""
        now = self._monotonic()
        # The chat's (and group's) own pace first, reserved before sleeping so that concurrent senders
        # to one chat queue behind each other; nothing global is held meanwhile.
        at = max(now, self._chat_next.get(chat.chat_id, now))
        sent = self._group_sent.setdefault(chat.chat_id, deque()) if chat.is_group else None
        if sent is not None:
            while sent and sent[0] <= now - 60.0:
                sent.popleft()
            if len(sent) >= self._group_max:
                at = max(at, sent[-self._group_max] + 60.0)
            sent.append(at)
        self._chat_next[chat.chat_id] = at + self._chat_interval
        waited = max(at - now, 0.0)
        if waited:
            await self._sleep(waited)
        wait = await self.rate.reserve()
        if wait > 0:
            await self._sleep(wait)
            waited += wait
        now = self._monotonic()
        if sent is not None:
            sent[-1] = max(sent[-1], now)
        # The send goes out now: the chat's next one at least an interval later.
        self._chat_next[chat.chat_id] = max(self._chat_next[chat.chat_id], now + self._chat_interval)
        if len(self._chat_next) > 10_000:  # forget chats that are long past their pause
            for key in [k for k, t in self._chat_next.items() if t < now]:
                del self._chat_next[key]
        return waited


Send = Callable[[Outbound], Awaitable[None]]


class ChatSendQueue:
    """Send outbounds in the background: each chat's in the order put, all chats at once.

    The limiter paces them; a chat waiting for its pause holds up no other chat. ``put`` returns a future
    that is done once the outbound went out (or the sender kept it in the outbox).
    """

    def __init__(self, send: Send) -> None:
        self._send = send
        self._queues: dict[str, deque[tuple[Outbound, asyncio.Future[None]]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._sent_one = asyncio.Event()

    @property
    def pending(self) -> int:
        """Outbounds queued or being sent."""
        return sum(len(q) for q in self._queues.values())

    def put(self, outbound: Outbound) -> asyncio.Future[None]:
        """Queue ``outbound`` behind its chat's earlier ones."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        key = outbound.chat.key
        self._queues.setdefault(key, deque()).append((outbound, done))
        self._idle.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key), name=f"send:{key}")
        return done

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                outbound, done = queue[0]
                try:
                    await self._send(outbound)
                except Exception as exc:  # the sender logs; one chat's failure stops no other
                    if not done.done():
                        done.set_exception(exc)
                except BaseException:  # cancelled (stopping): whoever waits for it is told
                    done.cancel()
                    raise
                else:
                    if not done.done():
                        done.set_result(None)
                finally:
                    queue.popleft()
                    self._sent_one.set()
        finally:
            self._workers.pop(key, None)
            if not queue:
                self._queues.pop(key, None)
            if not self._workers:
                self._idle.set()

    async def wait_room(self, limit: int) -> None:
        """Return once no more than ``limit`` outbounds are queued (back-pressure on whoever puts)."""
        while self.pending > limit:
            self._sent_one.clear()
            await self._sent_one.wait()

    async def join(self, timeout: float) -> list[Outbound]:
        """Wait up to ``timeout`` seconds for everything queued; cancel the rest and return it (unsent)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        left = [out for queue in self._queues.values() for out, _ in queue]
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for queue in self._queues.values():
            for _, done in queue:
                done.cancel()
        self._queues.clear()
        return left
