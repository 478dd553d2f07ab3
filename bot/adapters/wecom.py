"""WeCom adapter: the app callback (verify, decrypt, parse) and the Sender over the app API and robots.

The web layer answers a callback with HTTP 200 at once and hands the IncomingMessage to the
engine afterwards (WeCom allows 5 s and retries 3 times; the engine dedupes on message_id).
Every ``WeComCallbackError`` maps to its ``http_status`` (4xx).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.adapters.outbox_delivery import RetryReport, UndeliveredError, retry_due, send_or_queue
from bot.adapters.wecom_api import IMAGE_LIMIT, WeComAppClient, WeComError, WeComRobotClient
from bot.adapters.wecom_crypto import (
    StaleTimestampError,
    WeComCallbackError,
    WeComCrypto,
    XmlError,
)
from bot.core.clock import SHANGHAI
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.ports import Clock, OutboxStore
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, Reply, TextReply

log = logging.getLogger(__name__)

PLATFORM = "wecom"
MAX_BODY = 256 * 1024  # callbacks are a few KB; refuse anything that could be a resource attack
DEFAULT_CHOICE_HINT = "回复数字选择"


def parse_xml(body: bytes | str, *, max_bytes: int = MAX_BODY) -> dict[str, str]:
    """Parse a flat WeCom XML document into {tag: text}, refusing DTDs, entities and huge input."""
    size = len(body.encode("utf-8") if isinstance(body, str) else body)
    if size > max_bytes:
        raise XmlError(f"XML body of {size} bytes is too large")
    try:
        # forbid_dtd: a DOCTYPE has no business in a callback, so refuse before any entity exists.
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise XmlError(f"unsafe or malformed XML: {type(exc).__name__}") from None
    return {child.tag: child.text or "" for child in root}


def _require(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise XmlError(f"missing <{name}>")
    return value


def to_incoming(fields: Mapping[str, str]) -> IncomingMessage:
    """Turn a decrypted callback message into an IncomingMessage for the member's private chat."""
    user_id = _require(fields, "FromUserName")
    created = _require(fields, "CreateTime")
    msg_type = _require(fields, "MsgType")
    try:
        sent_at = datetime.fromtimestamp(int(created), SHANGHAI)
    except (ValueError, OverflowError, OSError):
        raise XmlError("bad <CreateTime>") from None
    chat = ChatRef(platform=PLATFORM, chat_id=user_id, is_group=False)
    if msg_type == "event":
        event = _require(fields, "Event")
        # Events carry no MsgId; this triple is what a re-delivery repeats.
        return IncomingMessage(
            message_id=f"event:{user_id}:{created}:{event}",
            chat=chat,
            user_id=user_id,
            text=event,
            sent_at=sent_at,
            kind="event",
        )
    message_id = _require(fields, "MsgId")
    if msg_type == "text":
        return IncomingMessage(
            message_id=message_id,
            chat=chat,
            user_id=user_id,
            text=fields.get("Content", ""),
            sent_at=sent_at,
            kind="text",
        )
    return IncomingMessage(
        message_id=message_id, chat=chat, user_id=user_id, text="", sent_at=sent_at, kind="unsupported"
    )


class WeComCallback:
    """Verify and decrypt the self-built app's callback requests (GET URL check, POST messages)."""

    def __init__(
        self, token: str, aes_key: str, corp_id: str, clock: Clock, max_age: timedelta = timedelta(minutes=5)
    ) -> None:
        self._crypto = WeComCrypto(token, aes_key, corp_id)
        self._corp_id = corp_id
        self._clock = clock
        self._max_age = max_age

    def __repr__(self) -> str:
        return "WeComCallback(<redacted>)"

    def _check_timestamp(self, timestamp: str) -> None:
        try:
            sent = int(timestamp)
        except (TypeError, ValueError):
            raise StaleTimestampError("timestamp is not an integer") from None
        # Both directions: an old request is a replay, a far-future one a skewed or forged clock.
        if abs(self._clock.now().timestamp() - sent) > self._max_age.total_seconds():
            raise StaleTimestampError("timestamp outside the accepted window")

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Check a URL-verification GET and return the decrypted echostr to answer verbatim."""
        self._crypto.verify_signature(msg_signature, timestamp, nonce, echostr)
        self._check_timestamp(timestamp)
        try:
            return self._crypto.decrypt(echostr).decode("utf-8")
        except UnicodeDecodeError:
            raise XmlError("echostr is not UTF-8") from None

    def decrypt_message(self, msg_signature: str, timestamp: str, nonce: str, body: bytes) -> IncomingMessage:
        """Check and decrypt a callback POST body and return it as an IncomingMessage."""
        encrypted = _require(parse_xml(body), "Encrypt")
        self._crypto.verify_signature(msg_signature, timestamp, nonce, encrypted)
        self._check_timestamp(timestamp)
        return to_incoming(parse_xml(self._crypto.decrypt(encrypted)))

    def encrypt_reply(self, plain_xml: str, timestamp: str | None = None, nonce: str | None = None) -> str:
        """Return a signed, encrypted passive-reply XML (also the shape tests post as a callback)."""
        ts = timestamp or str(int(self._clock.now().timestamp()))
        nonce = nonce or str(secrets.randbelow(10**10))
        encrypted = self._crypto.encrypt(plain_xml.encode("utf-8"))
        signature = self._crypto.signature(ts, nonce, encrypted)
        return (
            f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{escape(ts)}</TimeStamp><Nonce><![CDATA[{escape(nonce)}]]></Nonce></xml>"
        )


def render_choices(text: str, choices: tuple[str, ...], hint: str) -> str:
    """Render choices as a numbered list under the text, with a hint to reply with a number."""
    if not choices:
        return text
    lines = [f"{i}. {choice}" for i, choice in enumerate(choices, 1)]
    return "\n".join(([text, ""] if text else []) + lines + [hint])


class WeComSender:
    """Deliver Outbounds: private chats via the app API, group chats via their group robot."""

    def __init__(
        self,
        app_client: WeComAppClient,
        robot_client: WeComRobotClient,
        robot_chats: Mapping[str, str],
        outbox: OutboxStore | None = None,
        *,
        choice_hint: str = DEFAULT_CHOICE_HINT,
    ) -> None:
        self._app = app_client
        self._robot = robot_client
        self._robot_chats = dict(robot_chats)
        self._outbox = outbox
        self._choice_hint = choice_hint

    def __repr__(self) -> str:
        return f"WeComSender(groups={sorted(self._robot_chats)})"

    async def send(self, outbound: Outbound) -> None:
        """Deliver every reply in order; a transient failure queues the rest in the outbox.

        Raises WeComError for a permanent failure (bad user, unknown group, oversized file) or
        when there is no outbox to queue a transient one in.
        """
        await send_or_queue(PLATFORM, outbound, self._deliver, self._outbox, _retryable)

    async def retry_failed(self, limit: int = 50) -> RetryReport:
        """Try the outbox's due WeCom deliveries again; partial progress is re-queued as the rest."""
        return await retry_due(PLATFORM, self._deliver, self._outbox, limit)

    async def _deliver(self, outbound: Outbound) -> None:
        chat = outbound.chat
        if chat.platform != PLATFORM:
            raise ValueError(f"not a WeCom chat: {chat.key}")
        for index, reply in enumerate(outbound.replies):
            try:
                if chat.is_group:
                    await self._to_group(self._robot_key(chat), reply)
                else:
                    await self._to_member(chat.chat_id, reply)
            except WeComError as exc:
                raise UndeliveredError(index, exc) from exc

    def _robot_key(self, chat: ChatRef) -> str:
        try:
            return self._robot_chats[chat.chat_id]
        except KeyError:
            raise UnknownGroupError(f"no group robot configured for chat {chat.chat_id!r}") from None

    async def _to_member(self, user_id: str, reply: Reply) -> None:
        app = self._app
        if isinstance(reply, TextReply):
            await app.send_text(user_id, render_choices(reply.text, reply.choices, self._choice_hint))
        elif isinstance(reply, MarkdownReply):
            if reply.markdown:
                await app.send_markdown(user_id, reply.markdown)
            else:
                # Plain text sent as markdown would have its * and # interpreted.
                await app.send_text(user_id, reply.plain)
        elif isinstance(reply, ImageReply) and len(reply.content) <= IMAGE_LIMIT:
            await app.send_image(
                user_id,
                await app.upload_media("image", reply.filename, reply.content, _image_type(reply.filename)),
            )
        elif isinstance(reply, (FileReply, ImageReply)):
            media_type = reply.media_type if isinstance(reply, FileReply) else _image_type(reply.filename)
            media_id = await app.upload_media("file", reply.filename, reply.content, media_type)
            await app.send_file(user_id, media_id)
        else:  # pragma: no cover - the Reply union is closed
            raise TypeError(f"unknown reply {type(reply).__name__}")
        if isinstance(reply, (FileReply, ImageReply)) and reply.caption:
            await app.send_text(user_id, reply.caption)

    async def _to_group(self, key: str, reply: Reply) -> None:
        robot = self._robot
        if isinstance(reply, TextReply):
            await robot.send_text(key, render_choices(reply.text, reply.choices, self._choice_hint))
        elif isinstance(reply, MarkdownReply):
            if reply.markdown:
                await robot.send_markdown(key, reply.markdown)
            else:
                await robot.send_text(key, reply.plain)
        elif isinstance(reply, ImageReply) and len(reply.content) <= IMAGE_LIMIT:
            await robot.send_image(key, reply.content)
        elif isinstance(reply, (FileReply, ImageReply)):
            media_type = reply.media_type if isinstance(reply, FileReply) else _image_type(reply.filename)
            media_id = await robot.upload_file(key, reply.filename, reply.content, media_type)
            await robot.send_file(key, media_id)
        else:  # pragma: no cover
            raise TypeError(f"unknown reply {type(reply).__name__}")
        if isinstance(reply, (FileReply, ImageReply)) and reply.caption:
            await robot.send_text(key, reply.caption)


class UnknownGroupError(WeComError):
    """A group chat has no robot key configured; retrying cannot help."""


def _retryable(exc: Exception) -> bool:
    return bool(getattr(exc, "retryable", False))


def _image_type(filename: str) -> str:
    return "image/jpeg" if filename.lower().endswith((".jpg", ".jpeg")) else "image/png"


__all__ = [
    "RetryReport",
    "UnknownGroupError",
    "WeComCallback",
    "WeComCallbackError",
    "WeComSender",
    "parse_xml",
    "render_choices",
    "to_incoming",
]
