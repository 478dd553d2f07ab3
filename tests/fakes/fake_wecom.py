"""A fake WeCom API server (aiohttp on 127.0.0.1, port 0) plus helpers to build signed callbacks.

It speaks the subset ledgerbot uses: gettoken (settable expiry), message/send (every call recorded),
media/upload, and the group robot's webhook/send + webhook/upload_media, with WeCom's own limits,
rate limiting (errcode 45009) and fault injection.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import itertools
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from bot.adapters.wecom_crypto import WeComCrypto

# Tencent's published sample configuration (see tests/adapters/test_wecom_crypto.py for the source).
SAMPLE_TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
SAMPLE_AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
SAMPLE_CORP_ID = "ww1436e0e65a779aee"


class FakeTime:
    """A monotonic clock and a sleep that advances it, shared by the fake and the clients."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Record the sleep and move time instead of waiting."""
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


@dataclass
class Fault:
    """An injected failure: a JSON errcode, an HTTP status, or a dropped connection."""

    errcode: int = -1
    errmsg: str = "system error"
    status: int = 200
    drop: bool = False


@dataclass
class Media:
    """An uploaded file as the fake stored it."""

    kind: str
    filename: str
    content: bytes
    content_type: str
    owner: str  # "app" or the robot key


@dataclass
class FakeWeCom:
    """State and handlers of the fake server; start with ``async with FakeWeCom() as wecom``."""

    corp_id: str = SAMPLE_CORP_ID
    secret: str = "fake-app-secret"
    agent_id: int = 1000002
    token_ttl: int = 7200
    robot_keys: set[str] = field(default_factory=lambda: {"robot-key-1"})
    app_rate_limit: int | None = None  # app sends per minute before 45009
    robot_rate_limit: int = 20  # WeCom's documented limit per robot
    clock: Any = None  # a FakeTime, or None for real monotonic time
    send_delay: float = 0.0  # seconds each message/send takes before it is accepted

    def __post_init__(self) -> None:
        self.tokens: dict[str, float] = {}
        self.gettoken_calls = 0
        self.sent: list[dict[str, Any]] = []  # every accepted message/send payload
        self.send_attempts = 0  # every message/send request, accepted or not
        self.sent_times: list[float] = []  # when each accepted message/send was accepted (loop time)
        self.holding = False  # message/send requests arriving now wait until release_held()
        self._released = asyncio.Event()
        self.robot_sent: list[tuple[str, dict[str, Any]]] = []
        self.robot_sent_times: list[float] = []
        self.media: dict[str, Media] = {}
        self.faults: dict[str, deque[Fault | None]] = {}
        self._app_window: deque[float] = deque()
        self._robot_windows: dict[str, deque[float]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> str:
        """Serve on 127.0.0.1 at a free port and return the base URL."""
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._message_send)
        app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        app.router.add_post("/cgi-bin/webhook/send", self._robot_send)
        app.router.add_post("/cgi-bin/webhook/upload_media", self._robot_upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def close(self) -> None:
        """Stop serving."""
        self.release_held()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeWeCom:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- test controls -----------------------------------------------------------------------
    def now(self) -> float:
        """Return the fake's notion of time."""
        if self.clock is not None:
            return self.clock()
        return asyncio.get_running_loop().time()

    def fail_next(self, endpoint: str, times: int = 1, after: int = 0, **fault: Any) -> None:
        """Let ``after`` calls to ``endpoint`` (e.g. "message/send") pass, then fail ``times`` so."""
        queue = self.faults.setdefault(endpoint, deque())
        queue.extend([None] * after)
        queue.extend(Fault(**fault) for _ in range(times))

    def hold_sends(self) -> None:
        """Let message/send requests arriving from now on hang (a send under way when its process dies)."""
        self.holding = True

    def release_held(self) -> None:
        """Stop holding; the held requests go on and are accepted."""
        self.holding = False
        self._released.set()

    def expire_tokens(self) -> None:
        """Expire every issued token (WeCom then answers 42001)."""
        for token in self.tokens:
            self.tokens[token] = self.now() - 1

    def revoke_tokens(self) -> None:
        """Forget every issued token (WeCom then answers 40014)."""
        self.tokens.clear()

    def texts_to(self, user_id: str) -> list[str]:
        """Return the content of every text/markdown message sent to ``user_id``."""
        return [
            p[p["msgtype"]]["content"]
            for p in self.sent
            if p["touser"] == user_id and p["msgtype"] in ("text", "markdown")
        ]

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _error(errcode: int, errmsg: str) -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _fault(self, endpoint: str, request: web.Request) -> web.StreamResponse | None:
        queue = self.faults.get(endpoint)
        if not queue:
            return None
        fault = queue.popleft()
        if fault is None:
            return None
        if fault.drop:
            assert request.transport is not None
            request.transport.close()  # the client sees the connection drop mid-request
            raise ConnectionResetError("fault injection")
        if fault.status != 200:
            return web.Response(status=fault.status, text="injected")
        return self._error(fault.errcode, fault.errmsg)

    def _check_token(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if token not in self.tokens:
            return self._error(40014, "invalid access_token")
        if self.tokens[token] <= self.now():
            return self._error(42001, "access_token expired")
        return None

    def _rate_limited(self, window: deque[float], limit: int | None) -> bool:
        if limit is None:
            return False
        now = self.now()
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= limit:
            return True
        window.append(now)
        return False

    def _new_media_id(self) -> str:
        return f"media-{next(self._ids)}-{secrets.token_hex(4)}"

    async def _store_upload(self, request: web.Request, owner: str) -> web.Response:
        kind = request.query.get("type", "")
        if kind not in ("file", "image", "voice", "video"):
            return self._error(40004, "invalid media type")
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != "media" or not part.filename:
            return self._error(41001, "missing media part")
        content = await part.read()
        if len(content) <= 5:
            return self._error(40005, "invalid file size")
        media_id = self._new_media_id()
        self.media[media_id] = Media(
            kind, part.filename, bytes(content), part.headers.get("Content-Type", ""), owner
        )
        return web.json_response(
            {
                "errcode": 0,
                "errmsg": "ok",
                "type": kind,
                "media_id": media_id,
                "created_at": str(int(self.now())),
            }
        )

    # -- handlers ----------------------------------------------------------------------------
    async def _gettoken(self, request: web.Request) -> web.StreamResponse:
        self.gettoken_calls += 1
        if fault := self._fault("gettoken", request):
            return fault
        if request.query.get("corpid") != self.corp_id:
            return self._error(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.secret:
            return self._error(40001, "invalid credential")
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.now() + self.token_ttl
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_ttl}
        )

    async def _message_send(self, request: web.Request) -> web.StreamResponse:
        self.send_attempts += 1
        if fault := self._fault("message/send", request):
            return fault
        if bad := self._check_token(request):
            return bad
        payload = await request.json()
        if self.holding:
            await self._released.wait()
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        if payload.get("agentid") != self.agent_id:
            return self._error(40056, "invalid agentid")
        if not payload.get("touser"):
            return self._error(40003, "invalid userid")
        msgtype = payload.get("msgtype")
        body = payload.get(msgtype) or {}
        if msgtype in ("text", "markdown"):
            content = body.get("content", "")
            if not content:
                return self._error(44004, "empty content")
            if len(content.encode("utf-8")) > 2048:
                return self._error(40058, "content exceed max length")
        elif msgtype in ("file", "image"):
            media = self.media.get(body.get("media_id", ""))
            if media is None or media.owner != "app" or media.kind != msgtype:
                return self._error(40007, "invalid media_id")
        else:
            return self._error(40008, "invalid message type")
        if self._rate_limited(self._app_window, self.app_rate_limit):
            return self._error(45009, "api freq out of limit")
        self.sent.append(payload)
        self.sent_times.append(asyncio.get_running_loop().time())
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{next(self._ids)}"}
        )

    async def _media_upload(self, request: web.Request) -> web.StreamResponse:
        if fault := self._fault("media/upload", request):
            return fault
        if bad := self._check_token(request):
            return bad
        return await self._store_upload(request, "app")

    async def _robot_send(self, request: web.Request) -> web.StreamResponse:
        key = request.query.get("key", "")
        if fault := self._fault("webhook/send", request):
            return fault
        if key not in self.robot_keys:
            return self._error(93000, "invalid webhook url")
        payload = await request.json()
        msgtype = payload.get("msgtype")
        body = payload.get(msgtype) or {}
        if msgtype in ("text", "markdown"):
            limit = 2048 if msgtype == "text" else 4096
            content = body.get("content", "")
            if not content or len(content.encode("utf-8")) > limit:
                return self._error(40058, "content size out of limit")
        elif msgtype == "image":
            try:
                raw = base64.b64decode(body.get("base64", ""), validate=True)
            except binascii.Error:
                return self._error(40009, "invalid image base64")
            if hashlib.md5(raw).hexdigest() != body.get("md5"):
                return self._error(40009, "image md5 mismatch")
            if len(raw) > 2 * 1024 * 1024:
                return self._error(40009, "invalid image size")
        elif msgtype == "file":
            media = self.media.get(body.get("media_id", ""))
            if media is None or media.owner != key:
                return self._error(40007, "invalid media_id")
        else:
            return self._error(40008, "invalid message type")
        if self._rate_limited(self._robot_windows.setdefault(key, deque()), self.robot_rate_limit):
            return self._error(45009, "api freq out of limit")
        self.robot_sent.append((key, payload))
        self.robot_sent_times.append(asyncio.get_running_loop().time())
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _robot_upload(self, request: web.Request) -> web.StreamResponse:
        key = request.query.get("key", "")
        if fault := self._fault("webhook/upload_media", request):
            return fault
        if key not in self.robot_keys:
            return self._error(93000, "invalid webhook url")
        return await self._store_upload(request, key)


def callback_body(
    crypto: WeComCrypto, corp_id: str, inner_xml: str, timestamp: str, nonce: str, agent_id: int = 1000002
) -> tuple[str, bytes]:
    """Encrypt ``inner_xml`` the way WeCom posts a callback; return (msg_signature, body)."""
    encrypted = crypto.encrypt(inner_xml.encode("utf-8"))
    body = (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[{agent_id}]]></AgentID></xml>"
    )
    return crypto.signature(timestamp, nonce, encrypted), body.encode("utf-8")


def text_xml(user_id: str, content: str, msg_id: str, create_time: int, corp_id: str = SAMPLE_CORP_ID) -> str:
    """Return the plaintext XML of a member's text message to the app."""
    return (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user_id}]]>"
        f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
        "<AgentID>1000002</AgentID></xml>"
    )


def event_xml(user_id: str, event: str, create_time: int, corp_id: str = SAMPLE_CORP_ID) -> str:
    """Return the plaintext XML of an app event such as enter_agent or subscribe."""
    return (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><FromUserName><![CDATA[{user_id}]]>"
        f"</FromUserName><CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<AgentID>1000002</AgentID><Event><![CDATA[{event}]]></Event>"
        "<EventKey><![CDATA[]]></EventKey></xml>"
    )


class InMemoryOutbox:
    """An in-memory OutboxStore: failed deliveries kept in insertion order until marked sent."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[Any, str]] = {}
        self.errors: list[str] = []
        self._ids = itertools.count(1)

    async def record_failed(self, outbound: Any, error: str) -> int:
        """Store a failed delivery and return its id."""
        outbox_id = next(self._ids)
        self.items[outbox_id] = (outbound, error)
        self.errors.append(error)
        return outbox_id

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Any]]:
        """Return pending deliveries of ``platform``, oldest first."""
        return [(i, ob) for i, (ob, _) in self.items.items() if ob.chat.platform == platform][:limit]

    async def mark_sent(self, outbox_id: int) -> None:
        """Forget a delivery."""
        del self.items[outbox_id]
