"""A fake DingTalk (aiohttp on 127.0.0.1, port 0): the Stream gateway and the OpenAPI, over real transport.

- ``POST /v1.0/gateway/connections/open`` checks the client id and secret and hands out a WebSocket
  endpoint and a one-time ticket; ``GET /connect?ticket=`` is that WebSocket: ``push`` sends robot
  messages as the SDK's CALLBACK frames, ACK frames are collected, ``disconnect`` sends the SYSTEM
  disconnect frame and ``drop`` closes every socket.
- ``POST /v1.0/oauth2/accessToken``, ``/v1.0/robot/oToMessages/batchSend``, ``/v1.0/robot/groupMessages/send``
  (the token in ``x-acs-dingtalk-access-token``), ``POST /media/upload`` (old API) and
  ``POST /robot/sendBySession`` (a conversation's sessionWebhook). Every send is recorded;
  ``fail_next`` injects an HTTP status.
- A file a member sends: ``add_file`` keeps its bytes under a download code (as a callback's
  ``content.downloadCode``); ``POST /v1.0/robot/messageFiles/download`` answers a short-lived
  ``downloadUrl`` for it (``GET /files/<token>``, no access token needed), as DingTalk's does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

CLIENT_ID = "dingclientid0001"
CLIENT_SECRET = "fake-client-secret-0001"
ROBOT_TOPIC = "/v1.0/im/bot/messages/get"


@dataclass
class Sent:
    """One message the bot sent: how (batchSend, group, webhook), to whom, and what."""

    via: str
    to: str
    msg_key: str
    param: dict[str, Any]

    @property
    def text(self) -> str:
        """The visible text: a text's content, a markdown's text, a file's name."""
        return str(self.param.get("content") or self.param.get("text") or self.param.get("fileName") or "")


@dataclass
class Media:
    filename: str
    content_type: str
    content: bytes
    kind: str


@dataclass
class FakeDingTalk:
    """The fake server; ``base_url`` serves as API base, OAPI base and gateway."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    token_lifetime: int = 7200
    sent: list[Sent] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    token_calls: int = 0
    connections: int = 0
    refused_logins: int = 0
    base_url: str = ""

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._tickets: set[str] = set()
        self._tokens: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._faults: dict[str, deque[int]] = {}
        self._codes: dict[str, str] = {}
        self._frame_ids = itertools.count(1)
        self._webhook_ids = itertools.count(1)
        self.webhooks: dict[str, str] = {}  # session id -> conversation
        self.connected = asyncio.Event()
        self.files: dict[str, bytes] = {}  # download code -> bytes of a file a member sent
        self._file_urls: dict[str, str] = {}  # URL token -> download code
        self.downloads: list[str] = []  # download codes whose bytes were fetched

    async def __aenter__(self) -> FakeDingTalk:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        app.router.add_post("/media/upload", self._upload)
        app.router.add_post("/robot/sendBySession", self._by_session)
        app.router.add_post("/v1.0/robot/messageFiles/download", self._file_link)
        app.router.add_get("/files/{token}", self._file_bytes)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.drop()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- test controls --------------------------------------------------------------------------
    def fail_next(
        self, endpoint: str, status: int = 503, times: int = 1, code: str = "ServiceUnavailable"
    ) -> None:
        """Make the next ``times`` calls to ``endpoint`` (e.g. "batchSend") answer ``status`` with ``code``."""
        self._faults.setdefault(endpoint, deque()).extend([status] * times)
        self._codes[endpoint] = code

    def _fault(self, endpoint: str) -> int | None:
        queue = self._faults.get(endpoint)
        return queue.popleft() if queue else None

    def add_file(self, content: bytes) -> str:
        """Keep a file a member sends; return its download code (for the callback's content)."""
        code = f"dl{len(self.files) + 1:04d}{secrets.token_hex(4)}"
        self.files[code] = content
        return code

    def webhook_for(self, conversation: str) -> str:
        """Return a new sessionWebhook URL for a conversation (as a callback would carry it)."""
        session = f"s{next(self._webhook_ids)}"
        self.webhooks[session] = conversation
        return f"{self.base_url}/robot/sendBySession?session={session}"

    async def push(self, payload: dict[str, Any]) -> str:
        """Send a robot message to every connected stream client as a CALLBACK frame; return its frame id."""
        frame_id = f"frame-{next(self._frame_ids)}"
        frame = {
            "specVersion": "1.0",
            "type": "CALLBACK",
            "headers": {
                "appId": "fake-app",
                "connectionId": "conn",
                "contentType": "application/json",
                "messageId": frame_id,
                "time": "1700000000000",
                "topic": ROBOT_TOPIC,
            },
            "data": json.dumps(payload, ensure_ascii=False),
        }
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame, ensure_ascii=False))
        return frame_id

    async def wait_ack(self, frame_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the client's ACK of a frame."""
        async with asyncio.timeout(timeout):
            while True:
                for ack in self.acks:
                    if ack.get("headers", {}).get("messageId") == frame_id:
                        return ack
                await asyncio.sleep(0.01)

    async def push_system(self, topic: str, data: dict[str, Any]) -> str:
        """Send a SYSTEM frame (``ping``, ``disconnect``) to every connected client; return its id."""
        frame_id = f"sys-{next(self._frame_ids)}"
        frame = {
            "specVersion": "1.0",
            "type": "SYSTEM",
            "headers": {"messageId": frame_id, "topic": topic, "contentType": "application/json"},
            "data": json.dumps(data),
        }
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame))
        return frame_id

    async def disconnect(self) -> None:
        """Send the SYSTEM disconnect frame, as the gateway does before it moves a client."""
        await self.push_system("disconnect", {"reason": "server maintenance"})

    async def drop(self) -> None:
        """Close every stream socket at once (a network failure)."""
        self.connected.clear()
        for ws in list(self._sockets):
            await ws.close()

    def to(self, who: str) -> list[Sent]:
        """Return what was sent to a member or group, in order."""
        return [s for s in self.sent if s.to == who]

    def texts_to(self, who: str) -> list[str]:
        return [s.text for s in self.to(who)]

    # -- gateway --------------------------------------------------------------------------------
    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            self.refused_logins += 1
            return web.json_response({"code": "InvalidAuthentication", "message": "bad client"}, status=401)
        if self._fault("open") is not None:
            return web.json_response({"code": "ServiceUnavailable"}, status=503)
        ticket = secrets.token_urlsafe(8)
        self._tickets.add(ticket)
        return web.json_response({"endpoint": f"ws://127.0.0.1:{request.url.port}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=403)
        self._tickets.discard(ticket)  # a ticket opens one connection
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        self.connections += 1
        self.connected.set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self.connected.clear()
        return ws

    # -- OpenAPI --------------------------------------------------------------------------------
    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return web.json_response({"code": "InvalidAppKey", "message": "bad app"}, status=400)
        self.token_calls += 1
        token = f"tok{self.token_calls}"
        self._tokens.add(token)
        return web.json_response({"accessToken": token, "expireIn": self.token_lifetime})

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("x-acs-dingtalk-access-token", "") in self._tokens

    async def _robot(self, request: web.Request, endpoint: str, via: str, to_field: str) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": "InvalidAuthentication", "message": "token"}, status=401)
        status = self._fault(endpoint)
        if status is not None:
            code = self._codes.get(endpoint, "ServiceUnavailable")
            return web.json_response({"code": code, "message": "injected"}, status=status)
        body = await request.json()
        param = json.loads(body["msgParam"])
        targets = body[to_field] if isinstance(body[to_field], list) else [body[to_field]]
        for target in targets:
            self.sent.append(Sent(via=via, to=target, msg_key=body["msgKey"], param=param))
        return web.json_response({"processQueryKey": secrets.token_hex(4)})

    async def _batch_send(self, request: web.Request) -> web.Response:
        return await self._robot(request, "batchSend", "batchSend", "userIds")

    async def _group_send(self, request: web.Request) -> web.Response:
        return await self._robot(request, "groupSend", "group", "openConversationId")

    async def _upload(self, request: web.Request) -> web.Response:
        if request.query.get("access_token", "") not in self._tokens:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        form = await request.post()
        part = form["media"]
        assert isinstance(part, web.FileField)
        media_id = f"@media{len(self.media) + 1}"
        self.media[media_id] = Media(
            part.filename, part.content_type, part.file.read(), request.query["type"]
        )
        return web.json_response({"errcode": 0, "errmsg": "ok", "media_id": media_id})

    async def _by_session(self, request: web.Request) -> web.Response:
        conversation = self.webhooks.get(request.query.get("session", ""))
        if conversation is None:
            return web.json_response({"errcode": 300001, "errmsg": "session expired"})
        status = self._fault("webhook")
        if status is not None:
            return web.json_response({"errcode": 130101, "errmsg": "send too fast"}, status=status)
        body = await request.json()
        kind = body["msgtype"]
        param = body[kind]
        msg_key = "sampleText" if kind == "text" else "sampleMarkdown"
        self.sent.append(Sent(via="webhook", to=conversation, msg_key=msg_key, param=param))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _file_link(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": "InvalidAuthentication", "message": "token"}, status=401)
        status = self._fault("fileDownload")
        if status is not None:
            return web.json_response({"code": "ServiceUnavailable", "message": "injected"}, status=status)
        body = await request.json()
        code = body.get("downloadCode", "")
        if body.get("robotCode") != self.client_id or code not in self.files:
            return web.json_response({"code": "invalidParameter", "message": "downloadCode"}, status=400)
        token = secrets.token_hex(8)
        self._file_urls[token] = code
        return web.json_response({"downloadUrl": f"{self.base_url}/files/{token}"})

    async def _file_bytes(self, request: web.Request) -> web.Response:
        code = self._file_urls.pop(request.match_info["token"], None)  # a link works once
        if code is None:
            return web.Response(status=404)
        self.downloads.append(code)
        return web.Response(body=self.files[code], content_type="application/octet-stream")
