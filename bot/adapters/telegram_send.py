"""Deliver replies to Telegram: split text, build keyboards, respect flood limits, retry, keep failures."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import telegram
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram_pacing import FloodLimiter, Monotonic, Sleep
from bot.core.messages import ChatRef
from bot.core.ports import OutboxStore
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, Reply, TextReply

log = logging.getLogger(__name__)

PLATFORM = "telegram"
TEXT_LIMIT = 4096  # characters after entity parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
PHOTO_BYTES_LIMIT = 10 * 1024 * 1024
CHOICE_PREFIX = "c:"
SHORT_LABEL = 8  # labels up to this width share a keyboard row


# ---------------------------------------------------------------- text splitting

_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);|\n|[^<&\n]")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)")


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit Telegram's limits use."""
    return len(text.encode("utf-16-le")) // 2


def html_to_plain(fragment: str) -> str:
    """Return the visible text of a Telegram-HTML fragment."""
    return html.unescape(re.sub(r"<[^<>]*>", "", fragment))


@dataclass
class _Chunk:
    """One message being assembled, with the tags open at its start and now."""

    start_stack: list[tuple[str, str]]
    stack: list[tuple[str, str]]
    parts: list[str] = field(default_factory=list)
    width: int = 0

    def add(self, token: str, width: int) -> None:
        self.parts.append(token)
        self.width += width
        tag = _TAG_NAME.match(token) if token.startswith("<") else None
        if tag is None:
            return
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if not closing:
            self.stack.append((name, token))
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == name:
                del self.stack[i:]
                break

    def render(self) -> str:
        opening = "".join(markup for _, markup in self.start_stack)
        closing = "".join(f"</{name}>" for name, _ in reversed(self.stack))
        return opening + "".join(self.parts) + closing

    def successor(self) -> _Chunk:
        return _Chunk(start_stack=list(self.stack), stack=list(self.stack))


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most ``limit`` visible characters, between lines.

    A line longer than ``limit`` is cut between characters (never inside a tag or an entity);
    tags open at a cut are closed at the end of one message and reopened at the start of the next.
    """
    if utf16_len(text) <= limit:  # markup counts too, so the visible text surely fits: most replies
        return [text] if html_to_plain(text).strip() else []
    lines: list[list[tuple[str, int]]] = [[]]
    for token in _TOKEN.findall(text):
        if token == "\n":
            lines.append([])
        elif token.startswith("<") and len(token) > 1:
            lines[-1].append((token, 0))
        else:
            lines[-1].append((token, utf16_len(html.unescape(token))))
    chunks: list[str] = []
    chunk = _Chunk(start_stack=[], stack=[])
    fresh = True
    for line in lines:
        width = sum(w for _, w in line)
        if not fresh and chunk.width + 1 + width > limit:
            chunks.append(chunk.render())
            chunk, fresh = chunk.successor(), True
        if not fresh:
            chunk.add("\n", 1)
        fresh = False
        for token, w in line:
            if chunk.width + w > limit:
                chunks.append(chunk.render())
                chunk = chunk.successor()
            chunk.add(token, w)
    chunks.append(chunk.render())
    # Telegram refuses a message with no visible text.
    return [c for c in chunks if html_to_plain(c).strip()]


def escape(text: str) -> str:
    """Escape plain text for parse_mode HTML."""
    return html.escape(text, quote=False)


# ---------------------------------------------------------------- keyboards


def choice_data(index: int) -> str:
    """Return the callback_data of the ``index``-th choice: short and far below 64 bytes."""
    data = f"{CHOICE_PREFIX}{index}"
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    return data


def choice_keyboard(choices: Sequence[str]) -> telegram.InlineKeyboardMarkup:
    """Build an inline keyboard: short labels three to a row, long ones on their own rows."""
    buttons = [
        telegram.InlineKeyboardButton(label, callback_data=choice_data(i)) for i, label in enumerate(choices)
    ]
    per_row = 3 if all(utf16_len(c) <= SHORT_LABEL for c in choices) else 1
    return telegram.InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


# ---------------------------------------------------------------- sending


class DeliveryError(Exception):
    """A reply could not be delivered; ``remaining`` holds what was not sent."""

    def __init__(self, remaining: Outbound, cause: BaseException, permanent: bool) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.remaining, self.cause, self.permanent = remaining, cause, permanent


def retry_after_seconds(exc: RetryAfter) -> float:
    """Return the wait a 429 asks for, in seconds."""
    with warnings.catch_warnings():
        # PTB 22 warns that the int form is deprecated; accept either form.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# Bot API calls a sender makes at once (the adapter's HTTP pool has these and a few more): the flood limits allow
# 30 sends a second, each a few milliseconds.
SEND_CONNECTIONS = 10


class TelegramSender:
    """Send Outbounds through a PTB Bot; implements the Sender port."""

    def __init__(
        self,
        bot: telegram.Bot,
        outbox: OutboxStore | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        limiter: FloodLimiter | None = None,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_retry_after: float = 60.0,
        redact: str = "",
        connections: int = SEND_CONNECTIONS,
    ) -> None:
        self._bot, self._outbox, self._sleep = bot, outbox, sleep
        # Calls in flight at once, at most the HTTP pool's connections: a reply waiting for a connection waits
        # here, without the pool's time-out (which would be taken for a network error and backed off).
        self._in_flight = asyncio.Semaphore(connections)
        self._limiter = limiter or FloodLimiter(monotonic=monotonic, sleep=sleep)
        self._max_attempts, self._max_retry_after = max_attempts, max_retry_after
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._redact = redact

    async def send(self, outbound: Outbound) -> None:
        """Deliver ``outbound``; record what fails to the outbox (or raise without one).

        An outbound already queued in the outbox (``outbox_id``) is noted sent there once it went out.
        """
        queued = outbound.outbox_id if self._outbox is not None else None
        try:
            await self.deliver(outbound)
        except DeliveryError as exc:
            reason = self._describe(exc)
            if exc.permanent:
                # Retrying a refused message (blocked bot, bad chat) can never succeed.
                log.error("telegram: dropping undeliverable reply to %s: %s", outbound.chat.key, reason)
                if queued is not None and self._outbox is not None:
                    await self._outbox.sent(queued)
                return
            if self._outbox is None:
                raise
            outbox_id = await self._outbox.record_failed(exc.remaining, reason)
            if queued is not None:  # what is left lives on in the new row
                await self._outbox.mark_sent(queued)
            log.warning("telegram: reply to %s kept in outbox #%s: %s", outbound.chat.key, outbox_id, reason)
            return
        if queued is not None and self._outbox is not None:
            await self._outbox.sent(queued)

    async def retry_failed(self, limit: int = 50) -> int:
        """Try the outbox's due Telegram deliveries again; return how many went out."""
        if self._outbox is None:
            return 0
        delivered = 0
        for outbox_id, outbound in await self._outbox.due(PLATFORM, limit):
            try:
                await self.deliver(outbound)
            except DeliveryError as exc:
                reason = self._describe(exc)
                if exc.permanent:
                    log.error("telegram: giving up outbox #%s: %s", outbox_id, reason)
                    await self._outbox.mark_sent(outbox_id)
                elif exc.remaining.replies != outbound.replies:
                    # Part went out: keep only the rest so it is not sent twice.
                    await self._outbox.record_failed(exc.remaining, reason)
                    await self._outbox.mark_sent(outbox_id)
                continue
            await self._outbox.mark_sent(outbox_id)
            delivered += 1
        return delivered

    async def deliver(self, outbound: Outbound) -> None:
        """Deliver every reply in order; raise DeliveryError naming what was left unsent."""
        chat = outbound.chat
        for i, reply in enumerate(outbound.replies):
            try:
                chat = await self._deliver_reply(chat, reply)
            except TelegramError as exc:
                permanent = isinstance(exc, (BadRequest, Forbidden))
                remaining = Outbound(chat=chat, replies=outbound.replies[i:])
                raise DeliveryError(remaining, exc, permanent) from exc

    async def _deliver_reply(self, chat: ChatRef, reply: Reply) -> ChatRef:
        if isinstance(reply, TextReply):
            return await self._send_html(chat, split_html(escape(reply.text)), reply.choices)
        if isinstance(reply, MarkdownReply):
            return await self._send_html(chat, split_html(reply.html or escape(reply.plain)), ())
        if isinstance(reply, FileReply):
            return await self._send_file(chat, "document", reply.content, reply.filename, reply.caption)
        if isinstance(reply, ImageReply):
            kind = "photo" if len(reply.content) <= PHOTO_BYTES_LIMIT else "document"
            return await self._send_file(chat, kind, reply.content, reply.filename, reply.caption)
        raise TypeError(f"unknown reply type {type(reply).__name__}")

    async def _send_html(self, chat: ChatRef, chunks: list[str], choices: Sequence[str]) -> ChatRef:
        for n, chunk in enumerate(chunks):
            markup = choice_keyboard(choices) if choices and n == len(chunks) - 1 else None
            try:
                chat = await self._call(
                    chat, partial(self._bot.send_message, text=chunk, parse_mode="HTML", reply_markup=markup)
                )
            except BadRequest as exc:
                if "parse" not in str(exc).lower():
                    raise
                # Malformed HTML from a renderer still reaches the user, as plain text.
                log.warning("telegram: HTML refused (%s); sending plain text", exc)
                plain = html_to_plain(chunk)
                chat = await self._call(
                    chat, partial(self._bot.send_message, text=plain, reply_markup=markup)
                )
        return chat

    async def _send_file(
        self, chat: ChatRef, kind: str, content: bytes, filename: str, caption: str
    ) -> ChatRef:
        fits = utf16_len(caption) <= CAPTION_LIMIT
        cap = caption if caption and fits else None
        if kind == "photo":
            try:
                chat = await self._call(
                    chat, lambda cid: self._bot.send_photo(cid, content, caption=cap, filename=filename)
                )
            except BadRequest as exc:
                # Very tall or wide ledger charts break photo limits; a document always works.
                log.warning("telegram: photo refused (%s); sending as a document", exc)
                kind = "document"
        if kind == "document":
            chat = await self._call(
                chat, lambda cid: self._bot.send_document(cid, content, caption=cap, filename=filename)
            )
        if caption and not fits:
            chat = await self._send_html(chat, split_html(escape(caption)), ())
        return chat

    async def _call(self, chat: ChatRef, op: Callable[[int | str], Awaitable[Any]]) -> ChatRef:
        """Run one Bot API call under the flood limits, retrying 429s and network errors."""
        attempt = 0
        while True:
            attempt += 1
            await self._limiter.acquire(chat)
            try:
                async with self._in_flight:
                    await op(_chat_id(chat))
                return chat
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt >= self._max_attempts or wait > self._max_retry_after:
                    raise
                log.info("telegram: flood limit on %s, waiting %.1f s", chat.key, wait)
                await self._sleep(wait)
            except ChatMigrated as exc:
                # A group became a supergroup: the same conversation under a new id.
                log.warning("telegram: chat %s migrated to %s", chat.chat_id, exc.new_chat_id)
                chat = chat.model_copy(update={"chat_id": str(exc.new_chat_id)})
                if attempt >= self._max_attempts:
                    raise
            except (BadRequest, Forbidden):
                raise
            except NetworkError as exc:
                if attempt >= self._max_attempts:
                    raise
                wait = min(self._backoff_cap, self._backoff_base * 2 ** (attempt - 1))
                log.info("telegram: %s on %s, retrying in %.1f s", self._clean(str(exc)), chat.key, wait)
                await self._sleep(wait)

    def _describe(self, exc: DeliveryError) -> str:
        return self._clean(str(exc))

    def _clean(self, text: str) -> str:
        return text.replace(self._redact, "<token>") if self._redact else text


def _chat_id(chat: ChatRef) -> int | str:
    try:
        return int(chat.chat_id)
    except ValueError:
        return chat.chat_id  # "@channelname"
