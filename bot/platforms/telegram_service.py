"""The Telegram service: long polling (`ledgerbot run telegram`) or the webhook route of `ledgerbot web`."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram_pacing import GLOBAL_PER_SECOND
from bot.adapters.telegram_send import PLATFORM
from bot.app import App
from bot.platforms.inbox_recovery import recover_inbox
from bot.platforms.outbox_retry import RETRY_BATCH, RETRY_INTERVAL, OutboxRetryLoop, RetryRound
from bot.platforms.registry import PlatformConfigError
from bot.platforms.shared_rate import shared_rate

_log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramNotConfiguredError(PlatformConfigError):
    """The Telegram token is missing from the settings."""


def make_adapter(app: App, **options: Any) -> TelegramAdapter:
    """Return an adapter wired to the app: its engine (via handler_for), its outbox and its clock."""
    settings = app.settings.telegram
    if settings.token is None or not settings.token.get_secret_value():
        raise TelegramNotConfiguredError(
            "没有配置 Telegram 机器人令牌 (LEDGERBOT_TELEGRAM__TOKEN is not set)"
        )
    options.setdefault("now", app.clock.now)
    return TelegramAdapter(settings, app.handler_for(PLATFORM, durable=True), app.outbox(), **options)


class _TelegramService:
    """What polling and the webhook share: the adapter, the live sender and the outbox retry loop."""

    name = PLATFORM

    def __init__(self, app: App, *, retry_interval: float = RETRY_INTERVAL, **adapter_options: Any) -> None:
        self.app = app
        # Several processes (webhook workers, a scheduler) draw from one global rate; None: this process's own.
        self._rate = (
            shared_rate(app, PLATFORM, GLOBAL_PER_SECOND) if "limiter" not in adapter_options else None
        )
        self.adapter = make_adapter(app, rate=self._rate, **adapter_options)
        # The first round at once: messages left over from before a restart go out first.
        self._retries = OutboxRetryLoop(PLATFORM, self._retry_round, interval=retry_interval)

    async def _started(self) -> None:
        assert self.adapter.sender is not None
        self.app.senders[PLATFORM] = self.adapter.sender
        self._retries.start()

    async def retry_outbox(self) -> int:
        """Send what the outbox kept (failed deliveries, replies a stopped process left), round after round."""
        total = 0
        while (sent := await self.adapter.retry_failed(RETRY_BATCH)) == RETRY_BATCH:
            total += sent  # a full round: more may be waiting (a restart after a busy stop)
        return total + sent

    async def _retry_round(self) -> RetryRound:
        return RetryRound(sent=await self.retry_outbox())

    async def stop(self) -> None:
        """Stop the retry loop, unregister the sender and close the adapter."""
        await self._retries.stop()
        if self.app.senders.get(PLATFORM) is self.adapter.sender:
            self.app.senders.pop(PLATFORM, None)
        await self.adapter.stop(grace=self.app.settings.shutdown_grace)
        if self._rate is not None:
            await self._rate.aclose()


class TelegramPolling(_TelegramService):
    """Long polling: one process per bot token (two pollers on a token get 409 from Telegram)."""

    async def start(self) -> None:
        """Connect, hand the inbox's unfinished messages to their chats' lines, start getUpdates, register the
        sender.

        A message whose update was confirmed (the offset moved past it) while its later work was still running
        (a file's read) or while it waited behind it is not fetched again: the inbox keeps it ("later",
        "received") and recovery hands it back, ahead of its chat's new messages.
        """
        await self.adapter.start()
        await recover_inbox(self.app, PLATFORM, self.adapter.resume)
        await self.adapter.start_polling()
        _log.info("telegram: polling as @%s", self.adapter.bot_username)
        await self._started()


class TelegramWebhook(_TelegramService):
    """The webhook route of `ledgerbot web`: POST /telegram/webhook, checked by the secret header."""

    def __init__(
        self,
        app: App,
        *,
        path: str = WEBHOOK_PATH,
        set_webhook: bool = True,
        retry_interval: float = RETRY_INTERVAL,
        **adapter_options: Any,
    ) -> None:
        super().__init__(app, retry_interval=retry_interval, **adapter_options)
        self.path = path
        self.set_webhook = set_webhook
        secret = app.settings.telegram.webhook_secret
        if secret is None or not secret.get_secret_value():
            # Without a secret every request would be refused (403): say so at start-up, not per request.
            _log.warning(
                "telegram: LEDGERBOT_TELEGRAM__WEBHOOK_SECRET is not set; the webhook refuses everything"
            )

    def routes(self) -> list[BaseRoute]:
        """Return the webhook route."""
        return [Route(self.path, self.endpoint, methods=["POST"])]

    async def start(self) -> None:
        """Connect (getMe), register the webhook URL when configured, and register the sender."""
        await self.adapter.start_webhook(set_webhook=self.set_webhook)
        await self._started()

    async def endpoint(self, request: Request) -> Response:
        """Handle one update; the status tells Telegram whether to deliver it again."""
        body = await request.body()
        status = await self.adapter.process_webhook(body, request.headers.get(SECRET_HEADER))
        return Response(status_code=status)
