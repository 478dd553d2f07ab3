"""What every platform's sender does around delivery: queue the rest of a message in the outbox on a transient
failure, and later retry what the outbox kept — never resending replies that already went out.

A reply the engine already queued in the outbox with its message's transaction (``Outbound.outbox_id``) is
noted sent there once it went out; a failure keeps its unsent rest in a new row and closes the queued one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.ports import OutboxStore
from bot.core.replies import Outbound

log = logging.getLogger(__name__)

Deliver = Callable[[Outbound], Awaitable[None]]


@dataclass(frozen=True)
class RetryReport:
    """What one ``retry_failed`` round did."""

    sent: int = 0
    failed: int = 0


class UndeliveredError(Exception):
    """Reply ``index`` of an outbound failed with ``cause`` (the replies before it went out)."""

    def __init__(self, index: int, cause: Exception) -> None:
        super().__init__(str(cause))
        self.index, self.cause = index, cause


def _rest(outbound: Outbound, failure: UndeliveredError) -> Outbound:
    return Outbound(chat=outbound.chat, replies=outbound.replies[failure.index :])


async def send_or_queue(
    platform: str,
    outbound: Outbound,
    deliver: Deliver,
    outbox: OutboxStore | None,
    retryable: Callable[[Exception], bool],
) -> None:
    """Deliver; on a transient failure keep the unsent rest in the outbox; raise a permanent one's cause."""
    queued = outbound.outbox_id if outbox is not None else None
    try:
        await deliver(outbound)
    except UndeliveredError as failure:
        if outbox is None:
            raise failure.cause from None
        if not retryable(failure.cause):
            if queued is not None:  # retrying a refused message cannot help: the queued row is done with
                await outbox.sent(queued)
            raise failure.cause from None
        outbox_id = await outbox.record_failed(_rest(outbound, failure), str(failure.cause))
        if queued is not None:  # what is left lives on in the new row
            await outbox.mark_sent(queued)
        log.warning(
            "%s: delivery to %s queued as outbox #%s: %s",
            platform,
            outbound.chat.key,
            outbox_id,
            failure.cause,
        )
        return
    if queued is not None and outbox is not None:
        await outbox.sent(queued)


async def retry_due(
    platform: str, deliver: Deliver, outbox: OutboxStore | None, limit: int = 50
) -> RetryReport:
    """Try the outbox's due deliveries of ``platform`` again; partial progress is re-queued as the rest."""
    if outbox is None:
        return RetryReport()
    sent = failed = 0
    for outbox_id, outbound in await outbox.due(platform, limit):
        try:
            await deliver(outbound)
        except UndeliveredError as failure:
            failed += 1
            log.warning("%s: retry of outbox #%s failed: %s", platform, outbox_id, failure.cause)
            if failure.index > 0:
                # Replies before the failing one went out: keep only the rest, never resend them.
                await outbox.record_failed(_rest(outbound, failure), str(failure.cause))
                await outbox.mark_sent(outbox_id)
            continue
        await outbox.mark_sent(outbox_id)
        sent += 1
    return RetryReport(sent=sent, failed=failed)
