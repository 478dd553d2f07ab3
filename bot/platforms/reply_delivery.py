"""Sending one message's replies in order after its transaction, keeping the unsent ones if shutdown cuts in."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from bot.core.ports import OutboxStore
from bot.core.replies import Outbound


async def deliver_in_order(
    outbound: Iterable[Outbound],
    send: Callable[[Outbound], Awaitable[None]],
    outbox: Callable[[], OutboxStore],
) -> None:
    """Send each reply in turn; if shutdown cancels midway, the state is committed, so the rest go to the outbox."""
    pending = list(outbound)
    try:
        while pending:
            await send(pending[0])
            pending.pop(0)
    except asyncio.CancelledError:
        await asyncio.shield(_keep(outbox(), pending, "shutdown before delivery"))
        raise


async def _keep(outbox: OutboxStore, outbound: list[Outbound], reason: str) -> None:
    for out in outbound:
        await outbox.record_failed(out, reason)
