"""Refuse request bodies over a size with 413 before reading them: by Content-Length, and by counting a stream."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

MIB = 1024 * 1024


class BodyLimit:
    """ASGI middleware: a body over ``limit`` bytes gets 413 and is never read whole, on every route.

    A declared Content-Length over the limit is refused before the first byte is received; a body without
    one (chunked) is counted as it streams, and refused as soon as it passes the limit — the app then sees a
    disconnect, and anything it tries to send afterwards is dropped.
    """

    def __init__(self, app: ASGIApp, limit: int = MIB) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > self.limit):
            log.warning(
                "refused a %s-byte body on %s (limit %d)",
                declared.decode(errors="replace")[:20],
                scope.get("path", "?"),
                self.limit,
            )
            await _refuse(send)
            return
        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused, started
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    refused = True
                    log.warning("refused a streamed body over %d bytes on %s", self.limit, scope.get("path"))
                    if not started:
                        started = True
                        await _refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out already
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise  # the app's own failure; a refused body's disconnect is ours and ends here


async def _refuse(send: Send) -> None:
    body = b"request body too large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
