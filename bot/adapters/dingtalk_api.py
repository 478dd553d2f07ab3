"""DingTalk HTTP clients: the OpenAPI (access token, robot 1:1 batch send, group send, the download of a file a
member sent), media upload on the old API, and a conversation's sessionWebhook.

Every failure is a ``DingTalkError`` whose ``retryable`` says whether sending later can help. Sends
to one conversation are held to DingTalk's robot rate (20 a minute) by an in-process sliding window.
The access token travels in a header (new API) or the query string (media upload, redacted in logs
by the WeCom adapter's filter, which masks ``access_token=``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import httpx

from bot.adapters.wecom_api import Monotonic, Sleep, SlidingWindowLimiter, install_log_redaction

log = logging.getLogger(__name__)

# DingTalk's limits, kept here so nothing else needs to know them. Text and markdown are cut at
# 4,000 UTF-8 bytes (below the robot's 5,000-character markdown body in any script); media upload
# takes images to 20 MB and files to 20 MB.
TEXT_LIMIT = 4000
MARKDOWN_LIMIT = 4000
MEDIA_LIMIT = 20 * 1024 * 1024
PER_CONVERSATION_PER_MINUTE = 20
TOKEN_MARGIN = 300.0  # seconds before expiry a token is refreshed

# Old-API errcodes: 40014 invalid token, 42001 token expired; -1 busy, 130101 sending too fast.
TOKEN_ERRCODES = frozenset({40014, 42001})
RETRYABLE_ERRCODES = frozenset({-1, 130101, 90018}) | TOKEN_ERRCODES


class DingTalkError(Exception):
    """Any failure talking to DingTalk; ``retryable`` says whether sending again later can help."""

    retryable = False


class DingTalkApiError(DingTalkError):
    """DingTalk answered with an error (HTTP status and code, or a non-zero errcode)."""

    def __init__(self, endpoint: str, status: int, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(f"DingTalk {endpoint} status={status} code={code} message={message}")
        self.status, self.code, self.endpoint = status, code, endpoint
        self._retryable = retryable

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        """Return whether the failure is transient."""
        return self._retryable


class DingTalkTransportError(DingTalkError):
    """No usable answer (network, not JSON)."""

    retryable = True


def _throttled(code: str) -> bool:
    return any(word in code for word in ("Throttl", "QpsLimit", "FlowControl", "LimitExceeded"))


class DingTalkApi:
    """The calls ledgerbot makes, over one httpx client; the access token is cached and refreshed."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        robot_code: str,
        *,
        api_base: str = "https://api.dingtalk.com",
        oapi_base: str = "https://oapi.dingtalk.com",
        http: httpx.AsyncClient | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep | None = None,
    ) -> None:
        self._client_id, self._secret, self.robot_code = client_id, client_secret, robot_code
        self._api, self._oapi = api_base.rstrip("/"), oapi_base.rstrip("/")
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=15)
        self._monotonic = monotonic
        self._token: tuple[str, float] | None = None
        limiter_args: dict[str, Any] = {"monotonic": monotonic}
        if sleep is not None:
            limiter_args["sleep"] = sleep
        self._limiter = SlidingWindowLimiter(PER_CONVERSATION_PER_MINUTE, 60.0, **limiter_args)
        self.token_fetches = 0
        install_log_redaction()

    def __repr__(self) -> str:
        return f"DingTalkApi(client_id={self._client_id!r}, robot_code={self.robot_code!r})"

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_http:
            await self._http.aclose()

    # -- token ----------------------------------------------------------------------------------
    async def token(self, *, fresh: bool = False) -> str:
        """Return a valid access token, fetching one when there is none, it is near expiry, or ``fresh``."""
        if not fresh and self._token is not None and self._monotonic() < self._token[1]:
            return self._token[0]
        body = await self._post_json(
            "oauth2/accessToken",
            f"{self._api}/v1.0/oauth2/accessToken",
            {"appKey": self._client_id, "appSecret": self._secret},
        )
        try:
            token, expires_in = str(body["accessToken"]), float(body["expireIn"])
        except (KeyError, TypeError, ValueError):
            raise DingTalkTransportError("accessToken answer without accessToken/expireIn") from None
        self.token_fetches += 1
        self._token = (token, self._monotonic() + max(expires_in - TOKEN_MARGIN, 0.0))
        return token

    # -- sending --------------------------------------------------------------------------------
    async def send_to_user(self, user_id: str, msg_key: str, param: dict[str, Any]) -> None:
        """Send one robot message to a member's 1:1 chat (robot/oToMessages/batchSend)."""
        await self._limiter.acquire(f"user:{user_id}")
        await self._robot_call(
            "robot/oToMessages/batchSend",
            {"robotCode": self.robot_code, "userIds": [user_id], "msgKey": msg_key, "msgParam": _j(param)},
        )

    async def send_to_group(self, conversation_id: str, msg_key: str, param: dict[str, Any]) -> None:
        """Send one robot message to a group (robot/groupMessages/send)."""
        await self._limiter.acquire(f"group:{conversation_id}")
        await self._robot_call(
            "robot/groupMessages/send",
            {
                "robotCode": self.robot_code,
                "openConversationId": conversation_id,
                "msgKey": msg_key,
                "msgParam": _j(param),
            },
        )

    async def send_by_webhook(self, url: str, key: str, body: dict[str, Any]) -> None:
        """Post a text or markdown message to a conversation's sessionWebhook."""
        await self._limiter.acquire(key)
        answer = await self._post_json("sessionWebhook", url, body)
        _check_errcode("sessionWebhook", answer)

    async def upload_media(self, kind: str, filename: str, content: bytes, media_type: str) -> str:
        """Upload a file or image (media/upload) and return its media_id."""
        if len(content) > MEDIA_LIMIT:
            raise DingTalkError(f"{filename}: {len(content)} bytes is over DingTalk's media limit")
        for attempt in (0, 1):
            token = await self.token(fresh=attempt == 1)
            try:
                response = await self._http.post(
                    f"{self._oapi}/media/upload",
                    params={"access_token": token, "type": kind},
                    files={"media": (filename, content, media_type)},
                )
                answer = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise DingTalkTransportError(f"media/upload: {type(exc).__name__}") from None
            if attempt == 0 and answer.get("errcode") in TOKEN_ERRCODES:
                continue
            _check_errcode("media/upload", answer)
            return str(answer["media_id"])
        raise AssertionError("unreachable")  # pragma: no cover

    # -- receiving ------------------------------------------------------------------------------
    async def download_file(self, download_code: str, most: int) -> bytes:
        """Return the bytes of a file a member sent (robot/messageFiles/download gives a short-lived URL).

        At most ``most`` + 1 bytes are read: a longer answer is cut there, so the caller sees it is too big
        without holding it all.
        """
        answer = await self._robot_call(
            "robot/messageFiles/download", {"downloadCode": download_code, "robotCode": self.robot_code}
        )
        url = str(answer.get("downloadUrl") or "")
        if not url.startswith(("https://", "http://")):
            raise DingTalkTransportError("robot/messageFiles/download answered without a downloadUrl")
        chunks, size = [], 0
        try:
            async with self._http.stream("GET", url) as response:  # the URL is signed: no token is sent
                if response.status_code >= 400:
                    await response.aread()
                    _check_status("file download", response)
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > most:
                        break
        except httpx.HTTPError as exc:
            raise DingTalkTransportError(f"file download: {type(exc).__name__}") from None
        return b"".join(chunks)[: most + 1]

    # -- plumbing -------------------------------------------------------------------------------
    async def _robot_call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST to the OpenAPI with the token (fetched again once on a 401); return the JSON answer."""
        for attempt in (0, 1):
            token = await self.token(fresh=attempt == 1)
            try:
                response = await self._http.post(
                    f"{self._api}/v1.0/{endpoint}", json=body, headers={"x-acs-dingtalk-access-token": token}
                )
            except httpx.HTTPError as exc:
                raise DingTalkTransportError(f"{endpoint}: {type(exc).__name__}") from None
            if response.status_code == 401 and attempt == 0:
                continue  # the token was revoked or expired early: fetch a new one once
            _check_status(endpoint, response)
            try:
                answer = response.json()
            except ValueError:
                return {}
            return answer if isinstance(answer, dict) else {}
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post_json(self, endpoint: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(url, json=body)
        except httpx.HTTPError as exc:
            raise DingTalkTransportError(f"{endpoint}: {type(exc).__name__}") from None
        _check_status(endpoint, response)
        try:
            answer = response.json()
        except ValueError:
            raise DingTalkTransportError(f"{endpoint}: answer is not JSON") from None
        if not isinstance(answer, dict):
            raise DingTalkTransportError(f"{endpoint}: answer is not a JSON object")
        return answer


def _j(param: dict[str, Any]) -> str:
    return json.dumps(param, ensure_ascii=False)


def _check_status(endpoint: str, response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        answer = response.json()
        code, message = str(answer.get("code", "")), str(answer.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", response.reason_phrase
    retryable = response.status_code >= 500 or response.status_code in (401, 429) or _throttled(code)
    raise DingTalkApiError(endpoint, response.status_code, code, message, retryable=retryable)


def _check_errcode(endpoint: str, answer: dict[str, Any]) -> None:
    errcode = answer.get("errcode", 0)
    if errcode in (0, None):
        return
    raise DingTalkApiError(
        endpoint,
        200,
        str(errcode),
        str(answer.get("errmsg", "")),
        retryable=errcode in RETRYABLE_ERRCODES,
    )
