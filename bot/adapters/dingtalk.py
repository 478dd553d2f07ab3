"""DingTalk (钉钉) adapter: robot message payloads to IncomingMessage, and the HTTP callback's signature.

One payload shape arrives both ways: the JSON body of an HTTP callback and the ``data`` of a Stream
frame on the topic ``/v1.0/im/bot/messages/get``. 1:1 chats (``conversationType`` "1") are keyed by the
sender's ``senderStaffId``; group chats ("2", the robot @-ed) by ``conversationId`` (the
openConversationId the group send API takes). Text is read, and a file sent in a 1:1 chat (``msgtype``
"file": ``content.downloadCode`` and ``content.fileName``; groups deliver no files) becomes a "file" message
whose bytes the intake downloads (``file_of``); any other type becomes an "unsupported" message, which the
router answers politely.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.core.clock import SHANGHAI
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.ports import Clock

PLATFORM = "dingtalk"
MAX_BODY = 256 * 1024  # a robot callback is a few KB
ONE_TO_ONE = "1"
GROUP = "2"


class DingTalkCallbackError(Exception):
    """A callback that must be refused; ``http_status`` is the answer (no reply is sent)."""

    http_status = 400


class BadSignatureError(DingTalkCallbackError):
    """The ``sign`` header does not match, or the ``timestamp`` is missing, malformed or too far off."""

    http_status = 403


class PayloadError(DingTalkCallbackError):
    """The body is not a robot message this bot understands (not JSON, fields missing)."""

    http_status = 400


def sign(timestamp: str, secret: str) -> str:
    """Return DingTalk's signature: base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret))."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(
    timestamp: str, signature: str, secret: str, clock: Clock, max_age: timedelta = timedelta(hours=1)
) -> None:
    """Raise BadSignatureError unless ``signature`` signs ``timestamp`` (ms) and the time is close to now."""
    try:
        sent_ms = int(timestamp)
    except (TypeError, ValueError):
        raise BadSignatureError("timestamp is not an integer") from None
    if not hmac.compare_digest(sign(timestamp, secret).encode(), (signature or "").encode()):
        raise BadSignatureError("signature mismatch")
    # Both directions: an old request is a replay, a far-future one a skewed or forged clock.
    if abs(clock.now().timestamp() * 1000 - sent_ms) > max_age.total_seconds() * 1000:
        raise BadSignatureError("timestamp outside the accepted window")


def parse_body(body: bytes) -> dict[str, Any]:
    """Parse a callback body as a JSON object."""
    if len(body) > MAX_BODY:
        raise PayloadError("body too large")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("body is not JSON") from None
    if not isinstance(payload, dict):
        raise PayloadError("body is not a JSON object")
    return payload


def _field(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if value is None or str(value).strip() == "":
        raise PayloadError(f"missing {name}")
    return str(value).strip()


def chat_of(payload: Mapping[str, Any]) -> ChatRef:
    """Return the chat a robot message came from (the member's 1:1 chat, or the group)."""
    kind = str(payload.get("conversationType", ONE_TO_ONE))
    if kind == GROUP:
        return ChatRef(platform=PLATFORM, chat_id=_field(payload, "conversationId"), is_group=True)
    return ChatRef(platform=PLATFORM, chat_id=_field(payload, "senderStaffId"), is_group=False)


@dataclass(frozen=True)
class FileRef:
    """A file a member sent the robot: the code that fetches it (robot/messageFiles/download) and its name."""

    download_code: str
    filename: str


def file_of(payload: Mapping[str, Any]) -> FileRef | None:
    """Return the file a 1:1 robot message carries, or None (not a file, or no download code)."""
    content = payload.get("content")
    if payload.get("msgtype") != "file" or not isinstance(content, Mapping):
        return None
    if str(payload.get("conversationType", ONE_TO_ONE)) != ONE_TO_ONE:
        return None
    code = str(content.get("downloadCode") or "").strip()
    name = str(content.get("fileName") or "").strip()
    return FileRef(download_code=code, filename=name or "file") if code else None


def to_incoming(payload: Mapping[str, Any], clock: Clock) -> IncomingMessage:
    """Turn a robot message payload into an IncomingMessage: text, a file (its bytes not attached yet: see
    ``file_of``), or "unsupported" for other types."""
    message_id = _field(payload, "msgId")
    chat = chat_of(payload)
    user_id = _field(payload, "senderStaffId")
    try:
        sent_at = datetime.fromtimestamp(int(payload["createAt"]) / 1000, SHANGHAI)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        sent_at = clock.now()
    common: dict[str, Any] = {
        "message_id": message_id,
        "chat": chat,
        "user_id": user_id,
        "user_name": str(payload.get("senderNick") or ""),
        "sent_at": sent_at,
    }
    text = payload.get("text")
    if payload.get("msgtype") == "text" and isinstance(text, Mapping):
        # In a group the @-mention of the robot is cut from the content, leaving a leading space.
        return IncomingMessage(text=str(text.get("content") or "").strip(), kind="text", **common)
    if file_of(payload) is not None:
        return IncomingMessage(text="", kind="file", **common)
    return IncomingMessage(text="", kind="unsupported", **common)


@dataclass(frozen=True)
class SessionWebhook:
    """The per-conversation reply URL a callback carries, and until when (ms since the epoch) it is valid."""

    url: str
    expires_ms: int

    def valid(self, clock: Clock, margin_ms: int = 60_000) -> bool:
        """Return whether the webhook is still usable (a minute's margin for the send itself)."""
        return clock.now().timestamp() * 1000 + margin_ms < self.expires_ms


def session_webhook(payload: Mapping[str, Any], oapi_base: str) -> SessionWebhook | None:
    """Return the payload's sessionWebhook when it points under ``oapi_base``; never post elsewhere."""
    url = str(payload.get("sessionWebhook") or "")
    try:
        expires = int(payload.get("sessionWebhookExpiredTime") or 0)
    except (TypeError, ValueError):
        return None
    if not url or not under_base(url, oapi_base):
        return None
    return SessionWebhook(url=url, expires_ms=expires)


def under_base(url: str, base: str) -> bool:
    """Return whether ``url`` has the scheme and host (and port) of ``base``, below its path."""
    u, b = urlsplit(url), urlsplit(base)
    if (u.scheme, u.netloc.lower()) != (b.scheme, b.netloc.lower()):
        return False
    prefix = b.path.rstrip("/")
    return u.path == prefix or u.path.startswith(prefix + "/")
