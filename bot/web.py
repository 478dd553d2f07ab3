"""The ASGI application of `ledgerbot web`: every configured platform's routes on one server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.body_limit import BodyLimit
from bot.platforms.catalog import default_registry
from bot.platforms.registry import Registry, WebPart


def web_parts(app: App, registry: Registry | None = None) -> list[WebPart]:
    """Return the web parts of every platform configured in the settings."""
    return (registry or default_registry()).web_parts(app)


def board_parts(app: App, parts: Sequence[WebPart] = ()) -> list[WebPart]:
    """Return the dashboard's web part when its links have a secret and it is not among ``parts`` yet."""
    from bot.web_board.routes import BoardPart, board_enabled

    if not board_enabled(app) or any(p.name == BoardPart.name for p in parts):
        return []
    return [BoardPart(app)]


def create_web(app: App, parts: Sequence[WebPart] | None = None) -> Starlette:
    """Return the ASGI app; parts start with the server and stop with it (the dashboard's too, when on)."""
    parts = web_parts(app) if parts is None else list(parts)
    parts.extend(board_parts(app, parts))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "platforms": [p.name for p in parts]})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[WebPart] = []
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
    # Every route, every platform's: a body over the limit is refused with 413 before it is read.
    limit = [Middleware(BodyLimit, limit=app.settings.web_max_body)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=limit)
