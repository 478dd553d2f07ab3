"""DingTalk HTTP mode: POST /dingtalk/callback in `ledgerbot web` (served alone by `ledgerbot run dingtalk`).

The headers ``timestamp`` (ms) and ``sign`` are checked first: a bad signature or a timestamp more than
an hour off is refused with 403 and nothing else happens. A good callback's raw text is committed to
the inbox before DingTalk gets its 200 (an empty JSON object: the answer goes out separately), so a
re-delivered msgId is filed once.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.dingtalk import MAX_BODY, PLATFORM, DingTalkCallbackError, parse_body
from bot.app import App
from bot.platforms.dingtalk_intake import DingTalkIntake

log = logging.getLogger(__name__)

CALLBACK_PATH = "/dingtalk/callback"


class DingTalkCallbackPart:
    """DingTalk's share of `ledgerbot web`: the callback route, the live sender, the outbox retries."""

    name = PLATFORM

    def __init__(self, app: App, **intake_options: Any) -> None:
        self.intake = DingTalkIntake(app, **intake_options)
        self.queue = self.intake.queue

    def __repr__(self) -> str:
        return f"DingTalkCallbackPart({self.intake!r})"

    def routes(self) -> list[BaseRoute]:
        """Return the callback route."""
        return [Route(CALLBACK_PATH, self.callback, methods=["POST"])]

    async def start(self) -> None:
        """Start the shared intake (sender, retries, inbox recovery)."""
        await self.intake.start()
        log.info("dingtalk: HTTP callback ready at %s", CALLBACK_PATH)

    async def stop(self) -> None:
        """Stop the shared intake."""
        await self.intake.stop()

    async def callback(self, request: Request) -> Response:
        """Verify, store and queue one robot message."""
        try:
            self.intake.check_signature(request.headers.get("timestamp", ""), request.headers.get("sign", ""))
            if self.intake.closing or self.queue.full():
                return Response(b"", status_code=503, headers={"Retry-After": "1"})
            body = await request.body()
            if len(body) > MAX_BODY:
                return Response(b"", status_code=413)
            payload = parse_body(body)
            await self.intake.accept(payload)
        except DingTalkCallbackError as exc:
            log.warning("dingtalk: refused a callback (%s)", type(exc).__name__)
            return Response(b"", status_code=exc.http_status)
        except Exception as exc:
            # Named only: a database error's text would carry the message.
            log.error("dingtalk: could not store a callback (%s); DingTalk will retry", type(exc).__name__)
            return Response(b"", status_code=503)
        return JSONResponse({})
