"""The DingTalk (钉钉) platform: Stream mode (a service) or HTTP mode (/dingtalk/callback), by settings.

The factories import the SDK-side code only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms.registry import PlatformSpec, Service, WebPart

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings

NAME = "dingtalk"


def _configured(settings: Settings) -> bool:
    # `ledgerbot web` serves the callback only in HTTP mode; Stream mode needs no route.
    return bool(settings.dingtalk.client_id) and settings.dingtalk.mode == "http"


def _set_up(settings: Settings) -> bool:
    return bool(settings.dingtalk.client_id)


def _callback(app: App) -> WebPart:
    from bot.platforms.dingtalk_callback import DingTalkCallbackPart

    return DingTalkCallbackPart(app)


def _service(app: App) -> Service:
    if app.settings.dingtalk.mode == "http":
        from bot.platforms.web_server import WebService

        return WebService(app, [_callback(app)], name=NAME)
    from bot.platforms.dingtalk_service import DingTalkStreamService

    return DingTalkStreamService(app)


SPEC = PlatformSpec(
    name=NAME,
    configured=_configured,
    set_up=_set_up,
    service=_service,
    web_part=_callback,
    setup_hint=("LEDGERBOT_DINGTALK__CLIENT_ID", "docs/dingtalk.md"),
)
