"""The WeCom (企业微信) platform: the /wecom/callback route, served alone by `ledgerbot run wecom`.

The factories import the callback code (and uvicorn) only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms.registry import PlatformSpec, Service, WebPart

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings

NAME = "wecom"


def _configured(settings: Settings) -> bool:
    return bool(settings.wecom.corp_id)


def _callback(app: App) -> WebPart:
    from bot.platforms.wecom_callback import WeComCallbackPart

    return WeComCallbackPart(app)


def _web_service(app: App) -> Service:
    from bot.platforms.web_server import WebService

    return WebService(app, [_callback(app)], name=NAME)


SPEC = PlatformSpec(
    name=NAME,
    configured=_configured,
    set_up=_configured,
    service=_web_service,
    web_part=_callback,
    setup_hint=("LEDGERBOT_WECOM__CORP_ID", "docs/wecom.md"),
)
