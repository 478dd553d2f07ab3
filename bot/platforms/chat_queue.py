"""Handle messages in the background: bounded concurrency, one chat's (and user's) messages in arrival order.

A job may hand back the rest of its work (``Rest``: a file being read, ``Later`` in bot/core/conversation.py);
the rest runs outside the concurrency slots, so other chats go on meanwhile, and the chat's next message still
waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from bot.core.messages import IncomingMessage

log = logging.getLogger(__name__)

Rest = Callable[[], Awaitable[None]]
"""What is left of a message's handling after its first transaction: run outside the slots, in the chat's turn."""


class ChatQueue:
    """Run jobs in the background: at most ``concurrency`` at once, one chat's jobs in arrival order.

    ``work(msg)`` may return the rest of the message's work, which runs after its slot is given back.
    """

    def __init__(
        self,
        work: Callable[[IncomingMessage], Awaitable[Rest | None]],
        *,
        concurrency: int = 4,
        max_pending: int = 1000,
    ) -> None:
        self._work = work
        self._slots = asyncio.Semaphore(concurrency)
        self._max_pending = max_pending
        self._queues: dict[str, deque[IncomingMessage]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._pending_ids: set[str] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        """Return the number of messages queued or being handled."""
        return len(self._pending_ids)

    def full(self) -> bool:
        """Return True when no more work should be accepted."""
        return len(self._pending_ids) >= self._max_pending

    def submit(self, msg: IncomingMessage) -> bool:
        """Queue ``msg`` unless the same message is already queued; return whether it was queued."""
        if msg.message_id in self._pending_ids:
            return False
        self._pending_ids.add(msg.message_id)
        self._idle.clear()
        key = f"{msg.chat.key}/{msg.user_id}"
        self._queues.setdefault(key, deque()).append(msg)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain_chat(key), name=key)
        return True

    async def _drain_chat(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                msg = queue[0]
                try:
                    async with self._slots:
                        rest = await self._work(msg)
                    if rest is not None:
                        await rest()  # a slot is no longer held: other chats go on; this chat waits for it
                except Exception:  # one message's failure must not stop the chat's queue
                    log.exception("%s: background handling of a message failed", msg.chat.platform)
                finally:
                    queue.popleft()
                    self._pending_ids.discard(msg.message_id)
        finally:
            if not queue:
                self._queues.pop(key, None)
            self._workers.pop(key, None)
            if not self._workers:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Return once nothing is queued or running."""
        await self._idle.wait()

    async def join(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for all work; cancel what is left and return its count."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        left = len(self._pending_ids)
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        return left
