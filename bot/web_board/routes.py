"""The dashboard's routes, served like a platform's web part by ``ledgerbot web`` and ``ledgerbot run``.

Every page needs a valid session: ``/dashboard?t=TOKEN`` checks the signed token, stores it in an HttpOnly
cookie and redirects to the same page without it, so the token leaves the address bar and any history.
Pages are read-only (GET only, hence no CSRF tokens); responses carry CSP, no-referrer and no-store.
"""

from __future__ import annotations

import logging
import time
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web_board.rows import fixed, item_rows, pct
from handlers.access import READERS, has_role
from handlers.board import page_texts, pages
from handlers.board.tokens import Grant, TokenError, verify
from reports.figures import item_ref

if TYPE_CHECKING:
    import jinja2

    from bot.app import App

_log = logging.getLogger(__name__)
COOKIE = "ledgerbot_board"
CLI_PLATFORM = "cli"  # links printed by `ledgerbot dashboard link` name no chat account to re-check
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _num(value: float) -> str:
    return f"{value:g}"


def board_enabled(app: App) -> bool:
    """Return True when the settings give the board a secret to check its links with."""
    return app.handler_config.board_secret != ""


class BoardPart:
    """The dashboard's share of the web server: its routes; nothing to start or stop."""

    name = "board"

    def __init__(self, app: App) -> None:
        self.app = app
        self._env: jinja2.Environment | None = None

    def routes(self) -> list[BaseRoute]:
        """Return the dashboard's routes (GET only)."""
        return [
            Route("/dashboard", self.board),
            Route("/dashboard/unit/{unit_id:int}", self.unit),
            Route("/dashboard/item/{item_id:int}", self.item),
            Route("/dashboard/missing", self.missing),
            Route("/dashboard/download/{fmt}", self.download),
            Route("/dashboard/static/board.css", self.stylesheet),
        ]

    async def start(self) -> None:
        """Nothing to start: pages are rendered on request."""

    async def stop(self) -> None:
        """Nothing to stop."""

    # ---------------------------------------------------------------- rendering
    @property
    def env(self) -> jinja2.Environment:
        """Return the template environment (built on first use: no work at import time)."""
        if self._env is None:
            import jinja2

            env = jinja2.Environment(
                loader=jinja2.PackageLoader("bot.web_board", "templates"),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters["pct"] = pct
            env.filters["ref"] = item_ref
            env.filters["num"] = _num
            env.filters["fixed"] = fixed
            env.globals["item_rows"] = item_rows
            self._env = env
        return self._env

    def _html(self, template: str, status: int = 200, **context: object) -> HTMLResponse:
        return HTMLResponse(
            self.env.get_template(template).render(**context), status_code=status, headers=SECURITY_HEADERS
        )

    def _refuse(self, status: int, message: str) -> HTMLResponse:
        response = self._html("refused.html", status, message=message)
        if status == 403:
            response.delete_cookie(COOKIE, path="/dashboard")
        return response

    # ---------------------------------------------------------------- access
    async def _grant(self, request: Request) -> Grant | Response:
        """Return the viewer's grant, or the response that refuses or redirects them."""
        secret = self.app.handler_config.board_secret
        now = self.app.clock.now()
        token = request.query_params.get("t")
        if token is not None:
            try:
                grant = verify(token, secret, now)
            except TokenError as exc:
                _log.warning("dashboard: refused a link (%s)", exc)
                return self._refuse(403, page_texts.BOARD_FORBIDDEN)
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "t"]
            clean = quote(request.url.path) + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(clean, status_code=303, headers=SECURITY_HEADERS)
            response.set_cookie(
                COOKIE,
                token,
                max_age=max(1, grant.expires - int(now.timestamp())),
                path="/dashboard",
                httponly=True,
                samesite="lax",
                secure=self.app.handler_config.board_url.startswith("https://"),
            )
            _log.info("dashboard: session opened for %s:%s as %s", grant.platform, grant.user_id, grant.role)
            return response
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return self._refuse(401, page_texts.BOARD_UNAUTHORIZED)
        try:
            grant = verify(cookie, secret, now)
        except TokenError as exc:
            _log.info("dashboard: refused a session (%s)", exc)
            return self._refuse(403, page_texts.BOARD_FORBIDDEN)
        if (
            grant.platform != CLI_PLATFORM
        ):  # a revoked role closes the board at once, not when the link expires
            async with self.app.uow() as uow:
                roles = await uow.chats.roles(grant.platform, grant.user_id)
            if not has_role(roles, *READERS):
                _log.warning("dashboard: %s:%s no longer holds a role", grant.platform, grant.user_id)
                return self._refuse(403, page_texts.BOARD_REVOKED)
        return grant

    async def _page(self, request: Request, template: str, build) -> Response:
        grant = await self._grant(request)
        if not isinstance(grant, Grant):
            return grant
        period = request.query_params.get("period") or None
        started = time.perf_counter()
        try:
            async with self.app.uow() as uow:
                page = await build(uow, period, grant.name or grant.user_id)
        except pages.NotFoundError as exc:
            return self._refuse(404, exc.message)
        response = self._html(template, page=page, here=quote(request.url.path))
        _log.debug("dashboard: %s in %.0f ms", template, (time.perf_counter() - started) * 1000)
        return response

    # ---------------------------------------------------------------- pages
    async def board(self, request: Request) -> Response:
        """The board: counts and every item of the period."""
        cfg, now = self.app.handler_config, self.app.clock.now()
        return await self._page(
            request,
            "board.html",
            lambda uow, period, viewer: pages.board_page(uow, period, cfg.thresholds, now, viewer),
        )

    async def unit(self, request: Request) -> Response:
        """A unit's items."""
        cfg, now = self.app.handler_config, self.app.clock.now()
        unit_id = int(request.path_params["unit_id"])
        return await self._page(
            request,
            "unit.html",
            lambda uow, period, viewer: pages.unit_page(uow, unit_id, period, cfg.thresholds, now, viewer),
        )

    async def item(self, request: Request) -> Response:
        """An item: targets, texts, revisions and the chart over months."""
        cfg, now = self.app.handler_config, self.app.clock.now()
        item_id = int(request.path_params["item_id"])
        return await self._page(
            request,
            "item.html",
            lambda uow, period, viewer: pages.item_page(uow, item_id, period, cfg.thresholds, now, viewer),
        )

    async def missing(self, request: Request) -> Response:
        """The units that have not reported."""
        cfg = self.app.handler_config
        return await self._page(
            request,
            "missing.html",
            lambda uow, period, viewer: pages.missing_page(uow, period, cfg.thresholds, viewer),
        )

    async def download(self, request: Request) -> Response:
        """The period's ledger as Word or Excel."""
        grant = await self._grant(request)
        if not isinstance(grant, Grant):
            return grant
        fmt = request.path_params["fmt"]
        try:
            async with self.app.uow() as uow:
                data, filename = await pages.ledger_download(
                    uow, fmt, request.query_params.get("period") or None, self.app.handler_config.thresholds
                )
        except pages.NotFoundError as exc:
            return self._refuse(404, exc.message)
        from handlers.ledger.renderers import MEDIA_TYPES

        disposition = f"attachment; filename=\"ledger.{fmt}\"; filename*=UTF-8''{quote(filename)}"
        headers = {**SECURITY_HEADERS, "Content-Disposition": disposition}
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    async def stylesheet(self, request: Request) -> Response:
        """The stylesheet (public: it holds no ledger data)."""
        css = resources.files("bot.web_board").joinpath("static/board.css").read_bytes()
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(css, media_type="text/css", headers=headers)
