"""Chat lines: what is left of a conversation's messages after the engine returned, run in the background.

When a step hands back later work (``Later``) and the caller asked the engine to go on without it
(``Engine.handle_many(..., follow=...)``), the engine commits the step's turn and returns; the later work,
and any message of the same conversation that came after it, is handed to the caller as a *part* of that
conversation's line. ``ChatLines`` runs each line's parts one after another, in the order they were handed
over, in background tasks: one conversation waits for its own file read, the others do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.core.messages import IncomingMessage
from bot.core.replies import Outbound

log = logging.getLogger(__name__)

Part = Callable[[], Awaitable[tuple[Outbound, ...]]]
"""One part of a line: the rest of a message's handling; returns what to send (already committed)."""
Follow = Callable[[str, Part], None]
"""How the engine hands a part to the caller: ``follow(line_key(msg), part)``, in order per line."""


def line_key(msg: IncomingMessage) -> str:
    """Return the key of the message's conversation (its chat and user): its messages are handled in order."""
    return f"{msg.chat.key}/{msg.user_id}"


class ChatLines:
    """Run parts in the background, each line's one after another; ``send`` gets what each part returns."""

    def __init__(self, send: Callable[[tuple[Outbound, ...]], Awaitable[None]]) -> None:
        self._send = send
        self._tails: dict[str, asyncio.Task[None]] = {}  # the last part handed to each busy line
        self._tasks: set[asyncio.Task[None]] = set()  # every part not finished

    def busy(self) -> frozenset[str]:
        """Return the lines with a part not finished: a new message of one of them waits behind it."""
        return frozenset(self._tails)

    def follow(self, key: str, part: Part) -> asyncio.Task[None]:
        """Run ``part`` after the parts handed to line ``key`` before it; return its task."""
        before = self._tails.get(key)
        task = asyncio.create_task(self._run(before, part), name=f"line {key}")
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._done(key, done))
        return task

    async def _run(self, before: asyncio.Task[None] | None, part: Part) -> None:
        if before is not None:
            with contextlib.suppress(Exception):  # a part's failure is its own (logged there)
                await asyncio.shield(before)  # this part being cancelled does not cancel the one before
        try:
            await self._send(await part())
        except Exception:  # the engine answers a failed step itself: this is the database away, or a bug
            log.exception("a chat line's part failed; its message stays in the inbox for the next start")

    def _done(self, key: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]

    async def join(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds for every part; cancel what is left and return how many were.

        A part cut off keeps its message "later" or "received" in the inbox: inbox recovery hands it to
        the line again on the next start.
        """
        tasks = list(self._tasks)
        if not tasks:
            return 0
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        return len(pending)
