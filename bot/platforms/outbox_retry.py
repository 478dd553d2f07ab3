"""The outbox retry loop of a platform process: resend what failed, every interval, until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import NamedTuple, Protocol

log = logging.getLogger(__name__)
RETRY_INTERVAL = 60.0  # seconds between outbox retries while running
RETRY_BATCH = 50  # outbox rows claimed per retry round


class RetryRound(NamedTuple):
    """What one retry round did."""

    sent: int
    failed: int = 0


class _Report(Protocol):
    @property
    def sent(self) -> int: ...
    @property
    def failed(self) -> int: ...


async def retry_all(retry: Callable[[int], Awaitable[_Report]], batch: int = RETRY_BATCH) -> RetryRound:
    """Retry batch after batch while they come back full and all sent (a restart after a busy stop)."""
    sent = failed = 0
    while True:
        report = await retry(batch)
        sent, failed = sent + report.sent, failed + report.failed
        if report.failed or report.sent < batch:
            return RetryRound(sent=sent, failed=failed)


class OutboxRetryLoop:
    """Run ``retry`` every ``interval`` seconds in a background task; a failing round is logged, never fatal.

    ``first_round_at_once`` runs a round on start (messages left from before a restart go out first);
    otherwise the first round waits one interval.
    """

    def __init__(
        self,
        platform: str,
        retry: Callable[[], Awaitable[RetryRound]],
        *,
        interval: float = RETRY_INTERVAL,
        first_round_at_once: bool = True,
    ) -> None:
        self.platform = platform
        self.interval = interval
        self._retry = retry
        self._first_round_at_once = first_round_at_once
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the loop (on the running event loop)."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"{self.platform}:outbox-retry")

    async def stop(self) -> None:
        """Cancel the loop and wait for it to end."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        if not self._first_round_at_once:
            await asyncio.sleep(self.interval)
        while True:
            try:
                done = await self._retry()
                if done.sent or done.failed:
                    log.info("%s: outbox retry sent %d, failed %d", self.platform, done.sent, done.failed)
            except Exception:  # a database or network hiccup must not end the loop
                log.exception("%s: outbox retry round failed", self.platform)
            await asyncio.sleep(self.interval)
