"""Serve web parts over HTTP inside a process: the service behind `ledgerbot run` for callback platforms."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import uvicorn

from bot.platforms.registry import WebPart
from bot.web import create_web

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the process's service runner owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebService:
    """A Service serving ``parts`` (and /healthz) on settings.web_host/web_port until stopped."""

    def __init__(
        self,
        app: App,
        parts: Sequence[WebPart],
        *,
        name: str,
        host: str | None = None,
        port: int | None = None,
    ) -> None:
        self.name = name
        self.parts = list(parts)
        config = uvicorn.Config(
            create_web(app, self.parts),
            host=host or app.settings.web_host,
            port=app.settings.web_port if port is None else port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """Return the port actually bound (useful with port 0)."""
        return self._server.servers[0].sockets[0].getsockname()[1]

    async def start(self) -> None:
        """Start serving; return once the server listens (raise if it could not start)."""
        self._task = asyncio.create_task(self._serve(), name=f"{self.name}:uvicorn")
        while not self._server.started:
            if self._task.done():
                exc = self._task.exception() if not self._task.cancelled() else None
                raise RuntimeError(f"{self.name}: web server failed to start: {exc!r}") from exc
            await asyncio.sleep(0.02)
        paths = ", ".join(getattr(r, "path", "?") for part in self.parts for r in part.routes())
        log.info("%s: serving %s on %s:%s", self.name, paths, self._server.config.host, self.port)

    async def _serve(self) -> None:
        try:
            await self._server.serve()
        except SystemExit as exc:  # uvicorn exits the process when startup fails; report it instead
            raise RuntimeError(f"uvicorn stopped with exit code {exc.code}") from None

    async def stop(self) -> None:
        """Stop serving (the parts drain their work in the server's shutdown)."""
        if self._task is None:
            return
        self._server.should_exit = True
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
