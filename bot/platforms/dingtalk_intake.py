"""What both DingTalk modes share: the live sender, the chat queue, inbox recovery and outbox retries.

``accept(payload)`` stores a robot message's raw text in the inbox and commits before it returns (the
Stream ACK and the HTTP 200 come after it), then hands the message to the queue; a duplicate msgId
that was handled already stops there. A message's replies are queued in the outbox in the transaction that
handles it and sent after the commit; a stop releases what it did not send to the next process's first retry
round, and a killed process's are taken over once its hold runs out (they may repeat, never be lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx

from bot.adapters.dingtalk import (
    PLATFORM,
    FileRef,
    file_of,
    session_webhook,
    to_incoming,
    verify_signature,
)
from bot.adapters.dingtalk_api import DingTalkApi, DingTalkError
from bot.adapters.dingtalk_send import DingTalkSender
from bot.app import App, is_embedded
from bot.core.messages import Attachment, IncomingMessage
from bot.core.replies import Outbound
from bot.platforms.chat_queue import ChatQueue, Rest
from bot.platforms.inbox_recovery import recover_inbox
from bot.platforms.outbox_retry import RETRY_INTERVAL, OutboxRetryLoop, RetryRound, retry_all
from bot.platforms.registry import PlatformConfigError
from bot.platforms.reply_delivery import handle_in_parts
from handlers.ledger.limits import CUT_AT

log = logging.getLogger(__name__)


class DingTalkConfigError(PlatformConfigError):
    """The DingTalk settings are incomplete."""


def credentials(app: App) -> tuple[str, str, str]:
    """Return (client id, client secret, robot code), or raise naming what is missing."""
    s = app.settings.dingtalk
    missing = [n for n, v in (("CLIENT_ID", s.client_id), ("CLIENT_SECRET", s.client_secret)) if not v]
    if missing:
        raise DingTalkConfigError("DingTalk needs " + ", ".join(f"LEDGERBOT_DINGTALK__{m}" for m in missing))
    assert s.client_secret is not None
    return s.client_id, s.client_secret.get_secret_value(), s.robot_code or s.client_id


class DingTalkIntake:
    """Accept robot messages into the inbox and the queue; answer them through the live sender."""

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
        self.app = app
        self.client_id, self._secret, self.robot_code = credentials(app)
        self._http = http
        self._drain_timeout = drain_timeout
        self._recover = recover
        self._handler = app.handler_for(PLATFORM, durable=True)
        self._outbox = app.outbox()  # the sender notes sent replies here; written down at stop
        embedded = is_embedded(app.settings.database_url)
        # SQLite takes one writer at a time: its inbox writes and handlers take turns here.
        self._db_turn: asyncio.Lock | contextlib.nullcontext = (
            asyncio.Lock() if embedded else contextlib.nullcontext()
        )
        self.queue = ChatQueue(
            self._process, concurrency=concurrency or (1 if embedded else 8), max_pending=max_pending
        )
        self.api: DingTalkApi | None = None
        self.sender: DingTalkSender | None = None
        # The first round at once: replies a stopped process left go out first.
        self._retries = OutboxRetryLoop(PLATFORM, self._retry_round, interval=retry_interval)
        self.closing = False

    def __repr__(self) -> str:
        return f"DingTalkIntake(client_id={self.client_id!r})"

    def check_signature(self, timestamp: str, signature: str) -> None:
        """Raise BadSignatureError unless the HTTP callback's headers are signed with our secret and fresh."""
        skew = timedelta(seconds=self.app.settings.dingtalk.max_timestamp_skew)
        verify_signature(timestamp, signature, self._secret, self.app.clock, skew)

    async def start(self) -> None:
        """Build the API client and sender, register it, start retrying, re-queue unhandled messages."""
        s = self.app.settings.dingtalk
        self.api = DingTalkApi(
            self.client_id,
            self._secret,
            self.robot_code,
            api_base=s.api_base,
            oapi_base=s.oapi_base,
            http=self._http,
        )
        self.sender = DingTalkSender(self.api, self.app.clock, self._outbox)
        self.app.senders[PLATFORM] = self.sender
        self.closing = False
        self._retries.start()
        if self._recover:
            await recover_inbox(self.app, PLATFORM, self.queue.submit)

    async def stop(self) -> None:
        """Finish (or leave in the inbox) the work in flight, stop retrying, unregister, close."""
        self.closing = True
        left = await self.queue.join(self._drain_timeout)
        if left:
            log.warning("dingtalk: %d message(s) left unhandled in the inbox for the next start", left)
        await self._retries.stop()
        await self._outbox.flush()  # the replies that went out are not sent again by the next process
        if self.app.senders.get(PLATFORM) is self.sender:
            del self.app.senders[PLATFORM]
        if self.api is not None:
            await self.api.aclose()
            self.api = None

    async def accept(self, payload: Mapping[str, Any]) -> bool:
        """Store the message in the inbox (committed) and queue it; return False for a handled duplicate.

        A file's bytes are fetched first and stored with it (up to the upload limit); a file that cannot be
        fetched is stored without them, and the chat is asked to send it again.
        """
        msg = await self._with_file(to_incoming(payload, self.app.clock), file_of(payload))
        async with self._db_turn, self.app.transaction() as tx:
            _, seen = await tx.record_inbox(msg)
            await tx.commit()
        if self.sender is not None:
            self.sender.remember(msg.chat, session_webhook(payload, self.app.settings.dingtalk.oapi_base))
        if seen == "handled":
            return False
        self.queue.submit(msg)
        return True

    async def _with_file(self, msg: IncomingMessage, ref: FileRef | None) -> IncomingMessage:
        """Return ``msg`` with the file it names attached (cut after the upload limit, at ``CUT_AT`` bytes:
        refused when read)."""
        if ref is None or self.api is None:
            return msg
        try:
            content = await self.api.download_file(ref.download_code, CUT_AT - 1)
        except DingTalkError as exc:
            log.warning("dingtalk: could not fetch a file sent by %s (%s)", msg.chat.key, type(exc).__name__)
            return msg
        attachment = Attachment(filename=ref.filename, content=content)  # read by its name and bytes
        return msg.model_copy(update={"attachments": (attachment,)})

    async def _process(self, msg: IncomingMessage) -> Rest | None:
        return await handle_in_parts(self._handler, msg, self._db_turn, self._send, lambda: self._outbox)

    async def _send(self, out: Outbound) -> None:
        if self.sender is None:
            await self.app.deliver([out])  # not started: the outbox keeps it
            return
        try:
            await self.sender.reply(out)  # transient failures go to the outbox inside the sender
        except Exception as exc:
            log.error("dingtalk: delivery to %s failed for good: %s", out.chat.key, exc)

    async def _retry_round(self) -> RetryRound:
        if self.sender is None:
            return RetryRound(sent=0)
        return await retry_all(self.sender.retry_failed)
