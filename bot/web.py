"""The ASGI application of `ledgerbot web`: Telegram webhook and WeCom callback on one server."""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App

_log = logging.getLogger(__name__)


class WebPart(Protocol):
    """A platform's share of the web server: its routes and what to start and stop with the server."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """Return the platform's HTTP routes."""
        ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def web_parts(app: App) -> list[WebPart]:
    """Return the web parts of every platform configured in the settings."""
    parts: list[WebPart] = []
    if app.settings.telegram.token is not None:
        from bot.serve_telegram import TelegramWebhook

        parts.append(TelegramWebhook(app))
    if app.settings.wecom.corp_id:
        from bot.serve_wecom import WeComCallbackPart

        parts.append(WeComCallbackPart(app))
    return parts


def create_web(app: App, parts: list[WebPart] | None = None) -> Starlette:
    """Return the ASGI app; parts start with the server and stop with it."""
    parts = web_parts(app) if parts is None else parts

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "platforms": [p.name for p in parts]})

    @contextlib.asynccontextmanager
    async def lifespan(_):
        started = []
        try:
            for part in parts:
                await part.start()
                started.append(part)
            yield
        finally:
            for part in reversed(started):
                await part.stop()

    routes: list[BaseRoute] = [Route("/healthz", health)]
    for part in parts:
        routes.extend(part.routes())
    return Starlette(routes=routes, lifespan=lifespan)
