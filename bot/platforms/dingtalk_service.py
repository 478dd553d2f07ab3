"""DingTalk Stream mode: `ledgerbot run dingtalk` holds the gateway connection (no public address needed).

Robot messages arrive over the SDK's WebSocket; each is stored in the inbox and committed before its
ACK, then handled through the shared chat queue and answered by the live sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httpx

from bot.adapters.dingtalk import PLATFORM
from bot.adapters.dingtalk_stream import StreamClient
from bot.app import App
from bot.platforms.dingtalk_intake import DingTalkIntake

log = logging.getLogger(__name__)


class DingTalkStreamService:
    """A Service: the Stream connection (reconnecting with backoff) feeding the shared intake."""

    name = PLATFORM

    def __init__(
        self,
        app: App,
        *,
        http: httpx.AsyncClient | None = None,
        first_backoff: float = 1.0,
        max_backoff: float = 60.0,
        **intake_options: Any,
    ) -> None:
        self.intake = DingTalkIntake(app, http=http, **intake_options)
        self.queue = self.intake.queue
        self.client = StreamClient(
            self.intake.client_id,
            app.settings.dingtalk.client_secret.get_secret_value()
            if app.settings.dingtalk.client_secret
            else "",
            self._accept,
            api_base=app.settings.dingtalk.api_base,
            http=http,
            first_backoff=first_backoff,
            max_backoff=max_backoff,
        )
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"DingTalkStreamService({self.intake!r})"

    async def _accept(self, payload: dict[str, Any]) -> None:
        if self.intake.closing:
            raise RuntimeError("shutting down")  # no ACK: DingTalk delivers it again
        await self.intake.accept(payload)

    async def start(self) -> None:
        """Start the intake, then connect to the gateway in the background."""
        await self.intake.start()
        self._task = asyncio.create_task(self.client.start(), name="dingtalk:stream")
        log.info("dingtalk: stream mode, connecting to %s", self.client.open_connection_api)

    async def stop(self) -> None:
        """Disconnect (unACKed frames are delivered again), then stop the intake."""
        self.intake.closing = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.client.cancel_frames()
        await self.intake.stop()
