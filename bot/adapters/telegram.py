"""Telegram adapter: python-telegram-bot as the transport between Telegram and the engine."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import telegram
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.adapters.telegram_http import AiohttpRequest
from bot.adapters.telegram_mapping import acknowledge, update_to_message, with_download
from bot.adapters.telegram_pacing import ChatSendQueue, GlobalRate
from bot.adapters.telegram_redact import keep_token_out_of_logs, plain_secret
from bot.adapters.telegram_send import (
    SEND_CONNECTIONS,
    FloodLimiter,
    Monotonic,
    Sleep,
    TelegramSender,
    retry_after_seconds,
)
from bot.core.lines import ChatLines, line_key
from bot.core.messages import IncomingMessage
from bot.core.ports import MessageHandler, OutboxStore
from bot.core.replies import Outbound

log = logging.getLogger(__name__)
Line = asyncio.Task[None]  # a part of a chat's line (bot/core/lines.py), running

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")


@dataclass(frozen=True)
class TelegramConfig:
    """What the adapter needs from the settings; any object with these attributes will do."""

    token: str
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_secret: str = ""
    webhook_url: str = ""


# Connections beside the SEND_CONNECTIONS replies use: other calls (button answers, file downloads) never wait
# behind a burst of replies.
OTHER_CONNECTIONS = 4
# Replies queued for sending beyond which polling waits before fetching more updates.
MAX_QUEUED_REPLIES = 2000


class TelegramAdapter:
    """Receive Telegram updates (long polling or webhook), run the engine, send its replies."""

    def __init__(
        self,
        config: Any,
        handler: MessageHandler,
        outbox: OutboxStore | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
        poll_timeout: float = 10.0,
        request_timeout: float = 10.0,
        max_attempts: int = 5,
        limiter: FloodLimiter | None = None,
        rate: GlobalRate | None = None,
    ) -> None:
        self._token = plain_secret(config.token)
        keep_token_out_of_logs(self._token)
        self._webhook_secret = plain_secret(getattr(config, "webhook_secret", ""))
        self._webhook_url = plain_secret(getattr(config, "webhook_url", ""))
        self._handler, self._outbox = handler, outbox
        self._sleep, self._now = sleep, now or (lambda: datetime.now(UTC))
        self._poll_timeout, self._max_attempts = poll_timeout, max_attempts
        # ``rate``: the global slots, when shared with other processes (else this process's own).
        self._limiter = limiter or FloodLimiter(monotonic=monotonic, sleep=sleep, rate=rate)
        self._monotonic = monotonic
        self.app: Application = (
            Application.builder()
            .token(self._token)
            .base_url(getattr(config, "base_url", None) or TelegramConfig.base_url)
            .base_file_url(getattr(config, "base_file_url", None) or TelegramConfig.base_file_url)
            .request(
                AiohttpRequest(
                    connection_pool_size=SEND_CONNECTIONS + OTHER_CONNECTIONS,
                    read_timeout=request_timeout,
                    write_timeout=request_timeout,
                )
            )
            .get_updates_request(
                AiohttpRequest(
                    connection_pool_size=1, read_timeout=request_timeout, write_timeout=request_timeout
                )
            )
            .job_queue(None)
            .build()
        )
        self.app.add_handler(TypeHandler(telegram.Update, self._on_update))
        self.app.add_error_handler(self._on_error)
        self.sender: TelegramSender | None = None
        # Told the updates of each finished batch (their replies sent or kept); tests and benches listen here.
        self.after_batch: Callable[[list[telegram.Update]], None] | None = None
        self.bot_username = ""
        self._start_lock = asyncio.Lock()
        self._poll_task: asyncio.Task | None = None
        self._sends: ChatSendQueue | None = None  # made on the running loop
        self._batches: set[asyncio.Task[None]] = set()
        # Polling: later work (a file's read) and the messages of its chat behind it run here, in the background.
        self._lines = ChatLines(self._send_part)

    async def start(self) -> None:
        """Connect (getMe) without receiving updates: enough for sending and for webhooks."""
        async with self._start_lock:  # concurrent first webhook requests initialise once
            if self.sender is not None:
                return
            try:
                await self.app.initialize()
            except BaseException:
                await self.app.bot.shutdown()  # a rejected token (getMe) leaves the HTTP sessions open
                raise
            self.bot_username = self.app.bot.username or ""
            self.sender = TelegramSender(
                self.app.bot,
                self._outbox,
                monotonic=self._monotonic,
                sleep=self._sleep,
                limiter=self._limiter,
                max_attempts=self._max_attempts,
                redact=self._token,
            )

    async def start_polling(self) -> None:
        """Start long polling (deleteWebhook, then getUpdates) and processing updates.

        Messages handed to ``resume`` before (inbox recovery) are handled before their chats' new ones.
        """
        await self.start()
        await self.app.bot.delete_webhook()
        self._poll_task = asyncio.create_task(self._poll_loop(), name="telegram-polling")

    async def _poll_loop(self) -> None:
        """Fetch updates and handle each batch, acknowledging it only after the engine committed it.

        PTB's own updater confirms a batch with its next getUpdates before the batch is processed, so a
        crash would lose what was fetched; here the offset moves past an update only once the engine has
        recorded and handled it (a re-fetched update is then dropped or finished by the inbox). When the
        engine raises (the database is unreachable: per-message failures are kept by the engine itself),
        the offset stays and the same updates are fetched again after a back-off. A batch's
        replies go out while the next batch is fetched and handled; that batch's replies wait for them.

        Later work (a file's read, ``Later``) does not hold the loop: the engine commits the step and hands
        the rest to the chat's line (``ChatLines``), and the chat's next messages wait in that line. The
        offset moves on as for any update: the message is in the inbox ("later"), and a stop before its
        later work is recorded leaves it to inbox recovery (``resume``) on the next start.
        """
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset,
                    timeout=int(self._poll_timeout),
                    allowed_updates=list(ALLOWED_UPDATES),
                    read_timeout=self._poll_timeout + 10,
                )
                failures = 0
            except asyncio.CancelledError:
                raise
            except telegram.error.Conflict:
                log.error("telegram: another process is polling this token (409); retrying in 30 s")
                await asyncio.sleep(30)
                continue
            except telegram.error.RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except TelegramError as exc:  # network errors, timeouts, 5xx: back off and poll again
                failures += 1
                delay = min(30.0, 2.0 ** min(failures, 5))
                log.warning("telegram: getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            if not updates:
                continue
            try:
                replies, handed = await self._handle(updates, detach=True)
                failures = 0
            except Exception as exc:  # the database is away: keep the offset, fetch the same updates again
                failures += 1
                delay = min(30.0, 2.0 ** min(failures - 1, 5))
                log.warning(
                    "telegram: updates %s..%s not recorded (%s); fetching them again in %.0f s",
                    updates[0].update_id,
                    updates[-1].update_id,
                    type(exc).__name__,
                    delay,
                    exc_info=log.isEnabledFor(logging.DEBUG),
                )
                await asyncio.sleep(delay)
                continue
            offset = updates[-1].update_id + 1
            # The replies go out in the background, each chat in order, while the next batch is fetched.
            self._send_later(updates, replies, handed)
            await self._queue().wait_room(MAX_QUEUED_REPLIES)

    def _queue(self) -> ChatSendQueue:
        if self._sends is None:
            self._sends = ChatSendQueue(self._send_one)
        return self._sends

    def _send_later(
        self, updates: list[telegram.Update], per_chat: dict[str, list[Outbound]], handed: list[Line]
    ) -> None:
        task = asyncio.create_task(self._send(updates, per_chat, handed), name="telegram-replies")
        self._batches.add(task)
        task.add_done_callback(self._batch_done)

    def _batch_done(self, task: asyncio.Task[None]) -> None:
        self._batches.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("telegram: replies of a batch failed", exc_info=task.exception())

    def resume(self, msg: IncomingMessage) -> None:
        """Handle a message the inbox kept (inbox recovery) in its chat's line, before the chat's new ones."""
        self._lines.follow(line_key(msg), partial(self._handler.handle, msg))

    async def drain(self, grace: float) -> int:
        """Finish the chats' lines and send what is queued for up to ``grace`` seconds; release the rest in the
        outbox, return its count.

        A reply cut off mid-send may have gone out: it is released too, so it may repeat but is never lost.
        A line cut off (a file still being read) leaves its messages in the inbox for the next start.
        """
        end = asyncio.get_running_loop().time() + grace
        if cut := await self._lines.join(grace):
            log.warning("telegram: %d message(s) still being handled are left to the next start", cut)
        grace = max(0.0, end - asyncio.get_running_loop().time())
        left = await self._queue().join(grace) if self._sends is not None else []
        if self._batches:
            await asyncio.gather(*list(self._batches), return_exceptions=True)
        if self._outbox is not None:
            await self._outbox.flush()
            await self._outbox.release([o.outbox_id for o in left if o.outbox_id is not None])
        return len(left)

    async def start_webhook(self, set_webhook: bool = True) -> None:
        """Connect and, when a webhook URL is configured, register it with the secret token."""
        await self.start()
        if set_webhook and self._webhook_url:
            if not self._webhook_secret:
                raise ValueError("a Telegram webhook needs webhook_secret")
            await self.app.bot.set_webhook(
                self._webhook_url, secret_token=self._webhook_secret, allowed_updates=list(ALLOWED_UPDATES)
            )

    async def stop(self, grace: float = 60.0) -> None:
        """Stop polling, send what is queued (up to ``grace`` seconds), then close the HTTP connections."""
        task, self._poll_task = self._poll_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        left = await self.drain(grace)
        if left:
            log.warning("telegram: %d queued reply(ies) left in the outbox for the next start", left)
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        if self.sender is not None:
            await self.app.shutdown()
            self.sender = None

    async def process_webhook(self, body: bytes, secret_header: str | None) -> int:
        """Handle one webhook POST and return the HTTP status to answer.

        403 for a missing or wrong secret (or none configured), 400 for a body that is not an
        update, 500 when the engine failed (Telegram then delivers it again), 200 otherwise.
        """
        if (
            not self._webhook_secret
            or secret_header is None
            or not hmac.compare_digest(secret_header.encode(), self._webhook_secret.encode())
        ):
            return 403
        if self.sender is None:
            await self.start()
        try:
            update = telegram.Update.de_json(json.loads(body), self.app.bot)
        except Exception:  # any malformed body is the caller's problem, not ours
            log.warning("telegram: webhook body is not an update")
            return 400
        try:
            await self.dispatch(update)
        except Exception:
            log.exception("telegram: failed to handle update %s", update.update_id)
            return 500
        return 200

    async def retry_failed(self, limit: int = 50) -> int:
        """Resend failed deliveries kept in the outbox; return how many went out."""
        await self.start()
        assert self.sender is not None
        return await self.sender.retry_failed(limit)

    async def dispatch(self, update: telegram.Update) -> None:
        """Map one update, run the engine on it, and send the replies it committed."""
        await self.dispatch_many([update])

    async def dispatch_many(self, updates: list[telegram.Update]) -> None:
        """Map updates, run the engine on them together, then send what it committed."""
        await self._send(updates, *await self._handle(updates))

    async def _handle(
        self, updates: list[telegram.Update], detach: bool = False
    ) -> tuple[dict[str, list[Outbound]], list[Line]]:
        """Map updates and run the engine on them together; return the committed replies per chat.

        ``detach``: later work goes on in the chats' lines; their tasks are returned too.
        """
        msgs = []
        for update in updates:
            try:
                msg = await self._message_of(update)
            except Exception:  # one unreadable update (a failed download) must not hold up the others
                log.exception("telegram: update %s could not be read", update.update_id)
                continue
            if msg is not None:
                msgs.append(msg)
        per_chat: dict[str, list[Outbound]] = {}
        handed: list[Line] = []
        if msgs:
            follow = (lambda key, part: handed.append(self._lines.follow(key, part))) if detach else None
            for outbound in await self._handler.handle_many(msgs, busy=self._lines.busy(), follow=follow):
                for out in outbound:
                    per_chat.setdefault(out.chat.key, []).append(out)
        return per_chat, handed

    async def _send(
        self, updates: list[telegram.Update], per_chat: dict[str, list[Outbound]], handed: Sequence[Line] = ()
    ) -> None:
        """Send a batch's replies through the chat queue: chats at once, each chat's in order.

        The batch is finished (``after_batch``) when every reply went out or was kept in the outbox, those
        of the later work it handed to the chats' lines too.
        """
        try:
            await self._send_part(tuple(out for outs in per_chat.values() for out in outs))
            await asyncio.gather(*handed, return_exceptions=True)
        finally:
            if self.after_batch is not None:
                self.after_batch(updates)

    async def _send_part(self, outbound: tuple[Outbound, ...]) -> None:
        queue = self._queue()
        failed = await asyncio.gather(*(queue.put(out) for out in outbound), return_exceptions=True)
        errors = [e for e in failed if isinstance(e, Exception)]
        if errors:
            raise errors[0]

    async def _message_of(self, update: telegram.Update) -> IncomingMessage | None:
        msg = update_to_message(update, self.bot_username, now=self._now())
        if update.callback_query is not None:
            await acknowledge(update.callback_query, msg.text if msg and msg.kind == "choice" else None)
        if msg is not None and msg.kind == "file" and update.message is not None and update.message.document:
            msg = await with_download(
                msg, update.message.document, max_attempts=self._max_attempts, sleep=self._sleep
            )
        return msg

    async def _send_one(self, outbound: Outbound) -> None:
        assert self.sender is not None
        await self.sender.send(outbound)

    async def _on_update(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, telegram.Update):
            await self.dispatch(update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = getattr(update, "update_id", None)
        log.error("telegram: update %s failed", update_id, exc_info=context.error)
