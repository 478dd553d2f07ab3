"""WeCom HTTP clients: the self-built app API (gettoken, message/send, media/upload) and the group robot.

Both are async httpx clients that surface every non-zero errcode as ``WeComApiError`` and respect
WeCom's send rate limits (per member for the app, per robot key for the group robot): with an in-process
sliding window in one process, or with send slots shared by every process (``SharedLimiter`` over a
``KeyedRate`` the app wires: Redis or PostgreSQL). Secrets travel only in query strings, which the log
filter below redacts.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
import time
from typing import Any, Literal

import httpx

from bot.adapters.wecom_limits import (
    APP_MEMBER_LIMITS,
    ROBOT_LIMITS,
    Limiter,
    Monotonic,
    Sleep,
    SlidingWindowLimiter,
)
from bot.adapters.wecom_text import split_utf8

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"

# Platform limits (bytes of UTF-8), kept here so nothing else needs to know them.
APP_TEXT_LIMIT = 2048
APP_MARKDOWN_LIMIT = 2048
ROBOT_TEXT_LIMIT = 2048
ROBOT_MARKDOWN_LIMIT = 4096
IMAGE_LIMIT = 2 * 1024 * 1024
FILE_LIMIT = 20 * 1024 * 1024
MEDIA_MIN = 6  # WeCom rejects media of 5 bytes or less.

# 40014 invalid access_token, 42001 access_token expired: fetch a new token once and retry.
TOKEN_ERRORS = frozenset({40014, 42001})
# System busy, frequency limits, concurrency limit: worth trying again later.
RETRYABLE_ERRORS = frozenset({-1, 45009, 45033, 45011}) | TOKEN_ERRORS
FREQUENCY_LIMITED = 45009


class WeComError(Exception):
    """Any failure talking to WeCom; ``retryable`` says whether sending again later can help."""

    retryable = False


class WeComApiError(WeComError):
    """WeCom answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str, endpoint: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        self.endpoint = endpoint
        super().__init__(f"WeCom {endpoint or 'API'} errcode={errcode} errmsg={errmsg}")

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        """Return whether this errcode is transient."""
        return self.errcode in RETRYABLE_ERRORS


class WeComTransportError(WeComError):
    """The request did not get a usable answer (network, HTTP status, not JSON)."""

    retryable = True


class MediaTooLargeError(WeComError):
    """A file or image is beyond what WeCom accepts; sending again cannot help."""


_SECRET_QUERY = re.compile(r"(access_token|corpsecret|key)=[^&\s\"']+")


class RedactSecretsFilter(logging.Filter):
    """Mask access_token, corpsecret and robot key values in log records (httpx logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drop it."""
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        redacted = _SECRET_QUERY.sub(r"\1=***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction() -> None:
    """Attach the redaction filter to the ``httpx`` logger once."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
        logger.addFilter(RedactSecretsFilter())


class _HttpBase:
    """Shared httpx plumbing: JSON in, errcode checked, no secrets in exceptions."""

    def __init__(self, api_base: str, http: httpx.AsyncClient | None, timeout: float) -> None:
        install_log_redaction()
        self._base = api_base.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._owns_http = http is None

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any],
        json: Any = None,
        files: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call ``path`` and return the JSON body; raise WeComApiError on a non-zero errcode."""
        endpoint = path.removeprefix("/cgi-bin/")
        try:
            resp = await self._http.request(method, self._base + path, params=params, json=json, files=files)
        except httpx.HTTPError as exc:
            # str(exc) may carry the URL and with it the token or robot key: keep only the type.
            raise WeComTransportError(f"{endpoint}: {type(exc).__name__}") from None
        if resp.status_code != 200:
            raise WeComTransportError(f"{endpoint}: HTTP {resp.status_code}")
        try:
            data = resp.json()
        except ValueError:
            raise WeComTransportError(f"{endpoint}: answer is not JSON") from None
        errcode = int(data.get("errcode", 0) or 0)
        if errcode:
            raise WeComApiError(errcode, str(data.get("errmsg", "")), endpoint)
        return data


def _check_media(content: bytes, limit: int, what: str) -> None:
    if len(content) > limit:
        raise MediaTooLargeError(f"{what} of {len(content)} bytes exceeds {limit}")
    if len(content) < MEDIA_MIN:
        raise MediaTooLargeError(f"{what} of {len(content)} bytes is below WeCom's minimum")


class WeComAppClient(_HttpBase):
    """Client of a self-built app (自建应用): cached access token, sends to members, uploads media."""

    def __init__(
        self,
        corp_id: str,
        agent_id: int | str,
        secret: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        http: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        per_user_per_minute: int = APP_MEMBER_LIMITS[0][0],
        token_margin: float = 300.0,
        limiter: Limiter | None = None,
    ) -> None:
        super().__init__(api_base, http, timeout)
        self._corp_id = corp_id
        self._agent_id = int(agent_id)
        self._secret = secret
        self._monotonic = monotonic
        self._token_margin = token_margin
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()
        # WeCom drops (not queues) more than 30 app messages a minute to one member.
        self._limiter: Limiter = limiter or SlidingWindowLimiter(
            per_user_per_minute, 60.0, monotonic=monotonic, sleep=sleep
        )

    def __repr__(self) -> str:
        return f"WeComAppClient(agent_id={self._agent_id})"

    async def access_token(self, *, force: bool = False, stale: str | None = None) -> str:
        """Return a valid access token, fetching one when none is cached, it expired, or ``force``."""
        async with self._token_lock:
            fresh = self._token and self._monotonic() < self._token_expires
            # ``stale``: only refresh if nobody replaced the rejected token while we waited.
            if fresh and not force and (stale is None or stale != self._token):
                return self._token  # type: ignore[return-value]
            data = await self._request(
                "GET", "/cgi-bin/gettoken", params={"corpid": self._corp_id, "corpsecret": self._secret}
            )
            self._token = str(data["access_token"])
            ttl = float(data.get("expires_in", 7200))
            self._token_expires = self._monotonic() + max(ttl - self._token_margin, ttl / 2)
            log.info("wecom: fetched an access token valid for %.0f s", ttl)
            return self._token

    async def _api(self, method: str, path: str, *, params: dict[str, Any] | None = None, **kw: Any) -> dict:
        """Call an access-token API, refreshing the token once if WeCom rejects it."""
        token = await self.access_token()
        try:
            return await self._request(method, path, params={**(params or {}), "access_token": token}, **kw)
        except WeComApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("wecom: access token rejected (errcode %s); refreshing once", exc.errcode)
        token = await self.access_token(stale=token)
        return await self._request(method, path, params={**(params or {}), "access_token": token}, **kw)

    async def send_message(self, user_id: str, msgtype: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send one message of ``msgtype`` to a member, waiting for the per-member rate limit."""
        await self._limiter.acquire(user_id)
        payload = {"touser": user_id, "msgtype": msgtype, "agentid": self._agent_id, msgtype: body}
        data = await self._api("POST", "/cgi-bin/message/send", json=payload)
        if data.get("invaliduser"):
            # errcode 0 with the member listed as invalid: nothing was delivered.
            raise WeComApiError(81013, "invalid user", "message/send")
        return data

    async def send_text(self, user_id: str, text: str) -> None:
        """Send text, split on line boundaries into 2,048-byte messages."""
        for chunk in split_utf8(text, APP_TEXT_LIMIT):
            await self.send_message(user_id, "text", {"content": chunk})

    async def send_markdown(self, user_id: str, content: str) -> None:
        """Send markdown, split on line boundaries into 2,048-byte messages."""
        for chunk in split_utf8(content, APP_MARKDOWN_LIMIT):
            await self.send_message(user_id, "markdown", {"content": chunk})

    async def upload_media(
        self,
        kind: Literal["file", "image"],
        filename: str,
        content: bytes,
        media_type: str = "application/octet-stream",
    ) -> str:
        """Upload temporary media (valid 3 days) and return its media_id."""
        _check_media(content, IMAGE_LIMIT if kind == "image" else FILE_LIMIT, kind)
        data = await self._api(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": kind},
            files={"media": (filename, content, media_type)},
        )
        return str(data["media_id"])

    async def send_file(self, user_id: str, media_id: str) -> None:
        """Send an uploaded file to a member."""
        await self.send_message(user_id, "file", {"media_id": media_id})

    async def send_image(self, user_id: str, media_id: str) -> None:
        """Send an uploaded image to a member."""
        await self.send_message(user_id, "image", {"media_id": media_id})


class WeComRobotClient(_HttpBase):
    """Client of group robots (群机器人) addressed by webhook key; at most 20 messages a minute each."""

    def __init__(
        self,
        *,
        api_base: str = DEFAULT_API_BASE,
        http: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        per_minute: int = ROBOT_LIMITS[0][0],
        limiter: Limiter | None = None,
    ) -> None:
        super().__init__(api_base, http, timeout)
        self._limiter: Limiter = limiter or SlidingWindowLimiter(
            per_minute, 60.0, monotonic=monotonic, sleep=sleep
        )

    def __repr__(self) -> str:
        return "WeComRobotClient()"

    async def send_message(self, key: str, msgtype: str, body: dict[str, Any]) -> None:
        """Post one message through robot ``key``, waiting for its rate limit."""
        await self._limiter.acquire(key)
        await self._request(
            "POST", "/cgi-bin/webhook/send", params={"key": key}, json={"msgtype": msgtype, msgtype: body}
        )

    async def send_text(self, key: str, text: str) -> None:
        """Post text, split on line boundaries into 2,048-byte messages."""
        for chunk in split_utf8(text, ROBOT_TEXT_LIMIT):
            await self.send_message(key, "text", {"content": chunk})

    async def send_markdown(self, key: str, content: str) -> None:
        """Post markdown, split on line boundaries into 4,096-byte messages."""
        for chunk in split_utf8(content, ROBOT_MARKDOWN_LIMIT):
            await self.send_message(key, "markdown", {"content": chunk})

    async def send_image(self, key: str, content: bytes) -> None:
        """Post a JPG/PNG image of at most 2 MB inline (base64 + md5)."""
        _check_media(content, IMAGE_LIMIT, "image")
        await self.send_message(
            key,
            "image",
            {
                "base64": base64.b64encode(content).decode("ascii"),
                "md5": hashlib.md5(content).hexdigest(),  # WeCom's integrity check, not security
            },
        )

    async def upload_file(
        self, key: str, filename: str, content: bytes, media_type: str = "application/octet-stream"
    ) -> str:
        """Upload a file (at most 20 MB) for robot ``key`` and return its media_id."""
        _check_media(content, FILE_LIMIT, "file")
        data = await self._request(
            "POST",
            "/cgi-bin/webhook/upload_media",
            params={"key": key, "type": "file"},
            files={"media": (filename, content, media_type)},
        )
        return str(data["media_id"])

    async def send_file(self, key: str, media_id: str) -> None:
        """Post an uploaded file."""
        await self.send_message(key, "file", {"media_id": media_id})
