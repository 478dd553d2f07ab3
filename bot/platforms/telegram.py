"""The Telegram platform: long polling for `ledgerbot run telegram`, the webhook route in `ledgerbot web`.

The factories import python-telegram-bot only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms.registry import PlatformSpec, Service, WebPart

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings

NAME = "telegram"


def _configured(settings: Settings) -> bool:
    return settings.telegram.token is not None


def _polling(app: App) -> Service:
    from bot.platforms.telegram_service import TelegramPolling

    return TelegramPolling(app)


def _webhook(app: App) -> WebPart:
    from bot.platforms.telegram_service import TelegramWebhook

    return TelegramWebhook(app)


SPEC = PlatformSpec(
    name=NAME,
    configured=_configured,
    set_up=_configured,
    service=_polling,
    web_part=_webhook,
    setup_hint=("LEDGERBOT_TELEGRAM__TOKEN", "docs/telegram.md"),
)
