"""Sending one message's replies in order after its transaction, keeping the unsent ones if shutdown cuts in."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from functools import partial

from bot.core.lines import Part
from bot.core.messages import IncomingMessage
from bot.core.ports import MessageHandler, OutboxStore
from bot.core.replies import Outbound

FINISH_GRACE = 5.0  # seconds a stop waits for a running message's transaction before cutting it off


async def handle_then_deliver(
    handle: Callable[[], Awaitable[tuple[Outbound, ...]]],
    send: Callable[[Outbound], Awaitable[None]],
    outbox: Callable[[], OutboxStore],
) -> None:
    """Handle a message, then send its replies in order (see ``deliver_in_order``).

    A stop that cuts in while the message's transaction runs lets it finish first (for ``FINISH_GRACE`` at
    most): a commit cut off would leave its replies held by this process until the hold runs out; finished,
    they are released to the next process. A step still running after the grace is cancelled: nothing of it
    commits, and the message, still "received" in the inbox, is handled at the next start or re-delivery.
    """
    task = asyncio.ensure_future(handle())
    try:
        outbound = await asyncio.shield(task)
    except asyncio.CancelledError:
        done: tuple[Outbound, ...] = ()
        with contextlib.suppress(Exception):  # a hung step is cut off: its transaction rolls back, its
            done = await asyncio.wait_for(task, FINISH_GRACE)  # message stays in the inbox for the next start
        await asyncio.shield(_keep(outbox(), list(done), "shutdown before delivery"))
        raise
    await deliver_in_order(outbound, send, outbox)


async def handle_in_parts(
    handler: MessageHandler,
    msg: IncomingMessage,
    turn: contextlib.AbstractAsyncContextManager[object],
    send: Callable[[Outbound], Awaitable[None]],
    outbox: Callable[[], OutboxStore],
) -> Callable[[], Awaitable[None]] | None:
    """Handle ``msg`` up to its first commit inside ``turn`` (SQLite's one writer, taken in turns) and send
    its replies; return the rest of its work (a file's read, then its result), if any, to be run later.

    The rest is run outside ``turn`` and outside the caller's concurrency slot (bot/platforms/chat_queue.py):
    while one chat's file is read, other chats are answered. Its replies go out the same way.
    """
    rest: list[Part] = []

    async def first() -> tuple[Outbound, ...]:
        async with turn:
            results = await handler.handle_many([msg], follow=lambda _key, part: rest.append(part))
        return results[0]

    await handle_then_deliver(first, send, outbox)
    if not rest:
        return None
    return partial(handle_then_deliver, rest[0], send, outbox)


async def deliver_in_order(
    outbound: Iterable[Outbound],
    send: Callable[[Outbound], Awaitable[None]],
    outbox: Callable[[], OutboxStore],
) -> None:
    """Send each reply in turn; if shutdown cancels midway, the state is committed, so the rest go to the outbox.

    Replies the engine queued with their message (``outbox_id``) are there already: they are released for the
    next retry round (the one cut off mid-send may repeat, never be lost); others are written now.
    """
    pending = list(outbound)
    try:
        while pending:
            await send(pending[0])
            pending.pop(0)
    except asyncio.CancelledError:
        await asyncio.shield(_keep(outbox(), pending, "shutdown before delivery"))
        raise


async def _keep(outbox: OutboxStore, outbound: list[Outbound], reason: str) -> None:
    await outbox.release([out.outbox_id for out in outbound if out.outbox_id is not None])
    for out in outbound:
        if out.outbox_id is None:
            await outbox.record_failed(out, reason)
