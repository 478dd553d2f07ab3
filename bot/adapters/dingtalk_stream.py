"""DingTalk Stream mode with the official ``dingtalk-stream`` SDK: the gateway connection, robot frames, ACKs.

The SDK parses the frames, routes them to the robot topic's handler and writes the ACKs. Three parts
of its client are replaced here: ``start`` (the SDK retries every 10 s forever and cannot be stopped;
this loop backs off 1 s, 2 s, 4 s … to a minute, resets after a good connection, and ends when
cancelled), ``open_connection`` (the SDK posts with blocking ``requests`` to its class attribute URL;
this posts with httpx to the configured API base, the same body), and ``get_host_ip`` (the SDK opens
a socket towards a public address to learn the local IP, which an intranet host need not reach).

A robot message is ACKed only after ``accept`` returns, that is after its raw text is committed to
the inbox; when ``accept`` raises, no ACK goes out and DingTalk delivers the message again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote_plus

import dingtalk_stream
import httpx
import websockets
from dingtalk_stream import AckMessage, CallbackMessage, ChatbotMessage, SystemMessage

log = logging.getLogger(__name__)

ROBOT_TOPIC = ChatbotMessage.TOPIC  # "/v1.0/im/bot/messages/get"
OPEN_CONNECTION_PATH = "/v1.0/gateway/connections/open"

Accept = Callable[[dict[str, Any]], Awaitable[None]]


class RobotMessageHandler(dingtalk_stream.ChatbotHandler):
    """The robot topic's handler: hand the payload to ``accept`` and ACK once it is stored."""

    def __init__(self, accept: Accept) -> None:
        super().__init__()
        self._accept = accept

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        """Store the message (``accept``) and answer OK; an exception means no ACK (a re-delivery)."""
        try:
            await self._accept(dict(callback.data))
        except Exception as exc:
            # The SDK logs the exception's text, which for a database error holds the message: name it only.
            log.warning("dingtalk: a robot message was not stored (%s); not ACKed", type(exc).__name__)
            raise NotStoredError(type(exc).__name__) from None
        return AckMessage.STATUS_OK, "OK"


class NotStoredError(Exception):
    """A robot message could not be stored; raised so the SDK sends no ACK (DingTalk delivers it again)."""


class StreamClient(dingtalk_stream.DingTalkStreamClient):
    """The SDK's client with a stoppable connection loop that backs off, and a non-blocking login."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        accept: Accept,
        *,
        api_base: str,
        http: httpx.AsyncClient | None = None,
        max_backoff: float = 60.0,
        first_backoff: float = 1.0,
    ) -> None:
        super().__init__(dingtalk_stream.Credential(client_id, client_secret), logger=log)
        self.register_callback_handler(ROBOT_TOPIC, RobotMessageHandler(accept))
        self.open_connection_api = api_base.rstrip("/") + OPEN_CONNECTION_PATH
        self._http = http
        self._first_backoff, self._max_backoff = first_backoff, max_backoff
        self._tasks: set[asyncio.Task[Any]] = set()
        self.connected = asyncio.Event()
        self.connections = 0
        self.delays: deque[float] = deque(maxlen=32)  # the last waits before reconnecting

    def __repr__(self) -> str:
        return f"StreamClient(client_id={self.credential.client_id!r})"

    def get_host_ip(self) -> str:
        """Return no local IP: the gateway does not need it, and probing for it would leave the intranet."""
        return ""

    async def open_connection_async(self) -> dict[str, Any] | None:
        """Ask the gateway for a WebSocket endpoint and ticket (the SDK's request, without blocking)."""
        body = {
            "clientId": self.credential.client_id,
            "clientSecret": self.credential.client_secret,
            "subscriptions": [{"type": "CALLBACK", "topic": t} for t in self.callback_handler_map],
            "ua": f"dingtalk-sdk-python/v{dingtalk_stream.version.VERSION_STRING}-ledgerbot",
            "localIp": self.get_host_ip(),
        }
        http = self._http or httpx.AsyncClient(timeout=15)
        try:
            response = await http.post(self.open_connection_api, json=body)
            if response.status_code >= 400:
                log.error("dingtalk: gateway refused the connection (HTTP %s)", response.status_code)
                return None
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.error("dingtalk: could not open a gateway connection: %s", type(exc).__name__)
            return None
        finally:
            if self._http is None:
                await http.aclose()
        if not isinstance(answer, dict) or not answer.get("endpoint") or not answer.get("ticket"):
            log.error("dingtalk: the gateway's answer has no endpoint and ticket")
            return None
        return answer

    async def start(self) -> None:
        """Connect, receive and ACK until cancelled; reconnect with backoff after any failure."""
        self.pre_start()
        backoff = self._first_backoff
        while True:
            connected_before = self.connections
            connection = await self.open_connection_async()
            if connection is not None:
                try:
                    await self._serve(connection)
                except (OSError, websockets.exceptions.WebSocketException) as exc:
                    log.warning("dingtalk: stream connection lost: %s", type(exc).__name__)
                except Exception:  # whatever else broke this connection must not end the service
                    log.exception("dingtalk: stream connection failed")
            if self.connections > connected_before:
                backoff = self._first_backoff  # a connection that worked: start over quickly
            log.info("dingtalk: reconnecting to the stream gateway in %.1f s", backoff)
            self.delays.append(backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)

    async def _serve(self, connection: dict[str, Any]) -> None:
        uri = f"{connection['endpoint']}?ticket={quote_plus(str(connection['ticket']))}"
        async with websockets.connect(uri, ping_interval=60, ping_timeout=30) as websocket:
            self.websocket = websocket
            self.connections += 1
            self.connected.set()
            log.info("dingtalk: stream connected")
            try:
                async for raw in websocket:
                    try:
                        frame = json.loads(raw)
                    except ValueError:
                        log.warning("dingtalk: a stream frame that is not JSON was ignored")
                        continue
                    task = asyncio.create_task(self.background_task(frame))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            finally:
                self.connected.clear()

    async def route_message(self, json_message: dict[str, Any]) -> str:
        """Answer the gateway's keep-alive pings quietly (the SDK logs each as an unknown topic)."""
        headers = json_message.get("headers") or {}
        if json_message.get("type") == SystemMessage.TYPE and headers.get("topic") == "ping":
            ack = await self.system_handler.raw_process(SystemMessage.from_dict(json_message))
            await self.websocket.send(json.dumps(ack.to_dict()))
            return ""
        return await super().route_message(json_message)

    async def drain(self) -> None:
        """Wait for the frames being processed (their ACKs) to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_frames(self) -> None:
        """Cancel frames still being processed (unACKed: DingTalk delivers them again)."""
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
