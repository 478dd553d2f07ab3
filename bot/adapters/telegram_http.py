"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

PTB lets the HTTP client be swapped through its ``BaseRequest`` interface; everything above it (Bot
methods, error mapping, retry_after) stays PTB's. Measured on the Telegram bench, httpx with httpcore,
anyio and h11 took about 28 % of the bot's CPU per update; aiohttp's C parser does the same work for
less. Timeouts and errors map to PTB's ``TimedOut`` and ``NetworkError`` as its httpx request does.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # "not given for this call"


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one aiohttp session with a bounded connection pool."""

    __slots__ = ("_media_write_timeout", "_pool_size", "_session", "_timeouts")

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to long-polling waits)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (inside the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return the status code and body (PTB turns errors into exceptions)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: Any = fields
        if files:
            form = aiohttp.FormData(quote_fields=False)  # UTF-8 filenames as httpx sends them (名称.docx)
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            body = form
        read = self._given(read_timeout, "read")
        connect = self._given(connect_timeout, "connect")
        pool = self._given(pool_timeout, "pool")
        if files and isinstance(write_timeout, _DEFAULT):
            write = self._media_write_timeout
        else:
            write = self._given(write_timeout, "write")
        # aiohttp has no separate write timeout; the whole exchange may take at most write + read.
        total = None if read is None or write is None else read + write + (connect or 0.0) + (pool or 0.0)
        timeout = aiohttp.ClientTimeout(total=total, connect=pool, sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _given(self, value: Any, name: str) -> float | None:
        """Return a timeout passed for one call, else this request's default."""
        if isinstance(value, _DEFAULT):
            return self._timeouts[name]
        return value
