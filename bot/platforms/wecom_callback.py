"""The WeCom callback: the /wecom/callback route of `ledgerbot web` (served alone by `ledgerbot run wecom`).

A callback is verified, decrypted and its raw message stored in the inbox *before* WeCom gets its
HTTP 200, then handled in the background (bounded concurrency, one chat's messages in order).
Whatever is still unhandled at shutdown, or when the process dies, stays in the inbox as
"received": a re-delivery by WeCom (same MsgId) or the next start handles it, exactly once.
A message's replies are queued in the outbox in the transaction that handles it and sent after the
commit; what a stop leaves unsent is released to the next process's first retry round, and what a
killed process held is taken over once its hold runs out (it may repeat, it is never lost).

Group robots: ``LEDGERBOT_WECOM__ROBOT_KEY`` holds ``NAME=KEY`` entries (comma separated or a
JSON list); each is the group chat ``wecom:NAME`` (register it with ``ledgerbot group add
wecom:NAME``). A single bare ``KEY`` is the group ``wecom:default``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.wecom import MAX_BODY, PLATFORM, WeComCallback, WeComCallbackError, WeComSender
from bot.adapters.wecom_api import WeComAppClient, WeComRobotClient
from bot.adapters.wecom_limits import APP_MEMBER_PACE, ROBOT_PACE, Pace, SharedLimiter
from bot.app import App, is_embedded
from bot.core.messages import IncomingMessage
from bot.core.replies import Outbound
from bot.platforms.chat_queue import ChatQueue, Rest
from bot.platforms.inbox_recovery import recover_inbox
from bot.platforms.outbox_retry import RETRY_INTERVAL, OutboxRetryLoop, RetryRound, retry_all
from bot.platforms.registry import PlatformConfigError
from bot.platforms.reply_delivery import handle_in_parts
from bot.platforms.shared_rate import DatabaseRate, RedisRate, shared_rate
from bot.settings import WeComSettings

log = logging.getLogger(__name__)

CALLBACK_PATH = "/wecom/callback"
DEFAULT_ROBOT = "default"


class WeComConfigError(PlatformConfigError):
    """The WeCom settings are incomplete or inconsistent."""


def robot_chats(settings: WeComSettings) -> dict[str, str]:
    """Map group chat ids to robot webhook keys from ``robot_key`` ("NAME=KEY" entries or one bare KEY)."""
    chats: dict[str, str] = {}
    entries = [k.get_secret_value().strip() for k in settings.robot_key]
    for entry in filter(None, entries):
        name, sep, key = ("", "", entry) if entry.startswith("http") else entry.partition("=")
        name, key = (name.strip(), _webhook_key(key.strip())) if sep else (DEFAULT_ROBOT, _webhook_key(entry))
        if not name or not key:
            raise WeComConfigError("LEDGERBOT_WECOM__ROBOT_KEY entries must be NAME=KEY")
        if name in chats:
            # Never echo the key: only the name tells the admin what to fix.
            raise WeComConfigError(
                f"group robot {name!r} is configured twice (several robots need NAME=KEY entries)"
            )
        chats[name] = key
    return chats


def _webhook_key(value: str) -> str:
    """Return the key of a pasted webhook URL (…/webhook/send?key=KEY), or ``value`` itself."""
    if "://" not in value:
        return value
    return parse_qs(urlsplit(value).query).get("key", [""])[0]


def make_callback(app: App) -> WeComCallback:
    """Return the callback verifier for the configured app (token, EncodingAESKey, CorpID)."""
    s = app.settings.wecom
    missing = [
        name
        for name, value in (
            ("CORP_ID", s.corp_id),
            ("TOKEN", s.token),
            ("ENCODING_AES_KEY", s.encoding_aes_key),
        )
        if not value
    ]
    if missing:
        raise WeComConfigError("WeCom callback needs " + ", ".join(f"LEDGERBOT_WECOM__{m}" for m in missing))
    assert s.token is not None and s.encoding_aes_key is not None
    return WeComCallback(
        s.token.get_secret_value(),
        s.encoding_aes_key.get_secret_value(),
        s.corp_id,
        app.clock,
        max_age=timedelta(seconds=s.max_timestamp_skew),
    )


class WeComCallbackPart:
    """WeCom's share of `ledgerbot web`: GET|POST /wecom/callback, the live sender, the outbox retries."""

    name = PLATFORM

    def __init__(
        self,
        app: App,
        *,
        http: httpx.AsyncClient | None = None,
        retry_interval: float = RETRY_INTERVAL,
        concurrency: int | None = None,
        max_pending: int = 1000,
        drain_timeout: float = 20.0,
        recover: bool = True,
    ) -> None:
        self._app = app
        self._callback = make_callback(app)
        self._robot_chats = robot_chats(app.settings.wecom)
        self._http = http
        self._drain_timeout = drain_timeout
        self._recover = recover
        self._handler = app.handler_for(PLATFORM, durable=True)
        self._outbox = app.outbox()  # the sender notes sent replies here; written down at stop
        embedded = is_embedded(app.settings.database_url)
        if concurrency is None:
            # SQLite takes one writer at a time: more handlers in parallel only wait for its lock.
            concurrency = 1 if embedded else 8
        # On SQLite the inbox write of a callback and a handler's transactions take turns here, in
        # arrival order, instead of polling SQLite's busy lock (which sleeps up to 100 ms a round and
        # made the HTTP answer wait seconds under load).
        self._db_turn: asyncio.Lock | contextlib.nullcontext = (
            asyncio.Lock() if embedded else contextlib.nullcontext()
        )
        self.queue = ChatQueue(self._process, concurrency=concurrency, max_pending=max_pending)
        self.sender: WeComSender | None = None
        self._clients: list[WeComAppClient | WeComRobotClient] = []
        self._rates: list[RedisRate | DatabaseRate] = []
        # The first round at once: replies a stopped process left go out first.
        self._retries = OutboxRetryLoop(PLATFORM, self._retry_round, interval=retry_interval)
        self._closing = False

    def __repr__(self) -> str:
        return f"WeComCallbackPart(groups={sorted(self._robot_chats)})"

    def routes(self) -> list[BaseRoute]:
        """Return the callback route."""
        return [Route(CALLBACK_PATH, self.callback, methods=["GET", "POST"])]

    async def start(self) -> None:
        """Connect the app API and robots, register the sender, start retrying, pick up unhandled messages."""
        s = self._app.settings.wecom
        if not s.agent_id or s.secret is None:
            raise WeComConfigError("WeCom replies need LEDGERBOT_WECOM__AGENT_ID and LEDGERBOT_WECOM__SECRET")
        app_client = WeComAppClient(
            s.corp_id,
            s.agent_id,
            s.secret.get_secret_value(),
            api_base=s.api_base,
            http=self._http,
            limiter=self._shared_limiter("wecom:member", APP_MEMBER_PACE),
        )
        robot_client = WeComRobotClient(
            api_base=s.api_base, http=self._http, limiter=self._shared_limiter("wecom:robot", ROBOT_PACE)
        )
        self._clients = [app_client, robot_client]
        self.sender = WeComSender(app_client, robot_client, self._robot_chats, self._outbox)
        self._app.senders[PLATFORM] = self.sender
        self._closing = False
        self._retries.start()
        if self._recover:
            await self.recover()
        log.info(
            "wecom: callback ready at %s; group robots: %s",
            CALLBACK_PATH,
            ", ".join(sorted(self._robot_chats)) or "none",
        )

    async def stop(self) -> None:
        """Refuse new callbacks, finish (or leave in the inbox) the work in flight, stop retrying, close."""
        self._closing = True
        left = await self.queue.join(self._drain_timeout)
        if left:
            log.warning(
                "wecom: %d message(s) left unhandled in the inbox; they are handled on re-delivery "
                "or at the next start",
                left,
            )
        await self._retries.stop()
        await self._outbox.flush()  # the replies that went out are not sent again by the next process
        if self._app.senders.get(PLATFORM) is self.sender:
            del self._app.senders[PLATFORM]
        for client in self._clients:
            await client.aclose()
        self._clients = []
        for rate in self._rates:
            await rate.aclose()
        self._rates = []

    def _shared_limiter(self, name: str, pace: Pace) -> SharedLimiter | None:
        """Every process's sends to one member (or robot) from one rate; None: this process's own windows."""
        rate = shared_rate(self._app, name, 1.0 / pace.interval, burst=pace.burst)
        if rate is None:
            return None
        self._rates.append(rate)
        return SharedLimiter(rate)

    async def recover(self) -> int:
        """Queue the inbox's WeCom messages still in state "received" (a crash or shutdown left them)."""
        return await recover_inbox(self._app, PLATFORM, self.queue.submit)

    # -- HTTP -----------------------------------------------------------------------------------
    async def callback(self, request: Request) -> Response:
        """Answer WeCom: URL verification on GET, an encrypted message on POST (stored, then handled)."""
        q = request.query_params
        try:
            if request.method == "GET":
                return PlainTextResponse(
                    self._verify_url(
                        q.get("msg_signature", ""),
                        q.get("timestamp", ""),
                        q.get("nonce", ""),
                        q.get("echostr", ""),
                    )
                )
            if self._closing or self.queue.full():
                # WeCom retries; another worker (or this one after a restart) takes it.
                return PlainTextResponse("busy", status_code=503, headers={"Retry-After": "1"})
            body = await _read_body(request)
            msg = self._callback.decrypt_message(
                q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), body
            )
        except WeComCallbackError as exc:
            log.warning("wecom: refused a callback (%s)", type(exc).__name__)
            return PlainTextResponse(type(exc).__name__, status_code=exc.http_status)
        try:
            async with self._db_turn, self._app.transaction() as tx:
                _, seen = await tx.record_inbox(msg)
                await tx.commit()
        except Exception:
            log.exception("wecom: could not store a callback; WeCom will retry")
            return PlainTextResponse("unavailable", status_code=503)
        if seen != "handled":
            self.queue.submit(msg)
        return Response(b"", media_type="text/plain")

    def _verify_url(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        try:
            return self._callback.verify_url(signature, timestamp, nonce, echostr)
        except WeComCallbackError:
            # An unencoded "+" in echostr arrives as a space; the signature still has to match.
            if " " not in echostr:
                raise
            return self._callback.verify_url(signature, timestamp, nonce, echostr.replace(" ", "+"))

    # -- background -----------------------------------------------------------------------------
    async def _process(self, msg: IncomingMessage) -> Rest | None:
        return await handle_in_parts(self._handler, msg, self._db_turn, self._send, lambda: self._outbox)

    async def _send(self, out: Outbound) -> None:
        if self.sender is None:
            await self._app.deliver([out])  # not started: the outbox keeps it
            return
        try:
            await self.sender.send(out)  # transient failures are queued in the outbox by the sender
        except Exception as exc:
            log.error("wecom: delivery to %s failed for good: %s", out.chat.key, exc)

    async def _retry_round(self) -> RetryRound:
        if self.sender is None:
            return RetryRound(sent=0)
        return await retry_all(self.sender.retry_failed)


async def _read_body(request: Request) -> bytes:
    """Read the request body, refusing more than a callback could ever be."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLargeError()
        chunks.append(chunk)
    return b"".join(chunks)


class _TooLargeError(WeComCallbackError):
    http_status = 413
