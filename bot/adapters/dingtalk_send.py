"""DingTalk's Sender: replies through the conversation's sessionWebhook while it is valid, otherwise (and
for prompts, reminders, summaries, files and the chart) through the robot OpenAPI; failures to the outbox.

Text and markdown longer than DingTalk takes are cut at line breaks; choices become a numbered list.
"""

from __future__ import annotations

import logging

from bot.adapters.dingtalk import PLATFORM, SessionWebhook
from bot.adapters.dingtalk_api import MARKDOWN_LIMIT, TEXT_LIMIT, DingTalkApi, DingTalkError
from bot.adapters.outbox_delivery import RetryReport, UndeliveredError, retry_due, send_or_queue
from bot.adapters.wecom import DEFAULT_CHOICE_HINT, render_choices
from bot.adapters.wecom_text import split_utf8
from bot.core.messages import ChatRef
from bot.core.ports import Clock, OutboxStore
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, Reply, TextReply

log = logging.getLogger(__name__)


def _retryable(exc: Exception) -> bool:
    return isinstance(exc, DingTalkError) and exc.retryable


def markdown_title(markdown: str) -> str:
    """Return the notification title of a markdown message: its first non-blank line, without marks."""
    for line in markdown.splitlines():
        title = line.strip().lstrip("#>*- ").strip().strip("*")
        if title:
            return title[:40]
    return "…"


class DingTalkSender:
    """Deliver Outbounds to DingTalk 1:1 chats (by staff id) and groups (by openConversationId)."""

    def __init__(
        self,
        api: DingTalkApi,
        clock: Clock,
        outbox: OutboxStore | None = None,
        *,
        choice_hint: str = DEFAULT_CHOICE_HINT,
    ) -> None:
        self._api = api
        self._clock = clock
        self._outbox = outbox
        self._choice_hint = choice_hint
        self._webhooks: dict[str, SessionWebhook] = {}

    def __repr__(self) -> str:
        return f"DingTalkSender(webhooks={len(self._webhooks)})"

    def remember(self, chat: ChatRef, webhook: SessionWebhook | None) -> None:
        """Keep the latest sessionWebhook of a conversation for the replies to it."""
        if webhook is not None:
            self._webhooks[chat.key] = webhook

    def _webhook(self, chat: ChatRef) -> SessionWebhook | None:
        hook = self._webhooks.get(chat.key)
        if hook is not None and not hook.valid(self._clock):
            del self._webhooks[chat.key]
            return None
        return hook

    async def send(self, outbound: Outbound) -> None:
        """Deliver through the OpenAPI (prompts, reminders, summaries); a transient failure goes to the outbox.

        Raises DingTalkError for a permanent failure, or a transient one with no outbox to keep it in.
        """
        await self._send(outbound, by_webhook=False)

    async def reply(self, outbound: Outbound) -> None:
        """Deliver the answer to a message: by the conversation's sessionWebhook while valid, else as ``send``."""
        await self._send(outbound, by_webhook=True)

    async def _send(self, outbound: Outbound, *, by_webhook: bool) -> None:
        async def deliver(out: Outbound) -> None:
            await self._deliver(out, by_webhook=by_webhook)

        await send_or_queue(PLATFORM, outbound, deliver, self._outbox, _retryable)

    async def retry_failed(self, limit: int = 50) -> RetryReport:
        """Try the outbox's due DingTalk deliveries again; what went out of a partial one is not resent."""

        async def deliver(out: Outbound) -> None:
            await self._deliver(out, by_webhook=False)

        return await retry_due(PLATFORM, deliver, self._outbox, limit)

    async def _deliver(self, outbound: Outbound, *, by_webhook: bool) -> None:
        if outbound.chat.platform != PLATFORM:
            raise ValueError(f"not a DingTalk chat: {outbound.chat.key}")
        hook = self._webhook(outbound.chat) if by_webhook else None
        for index, reply in enumerate(outbound.replies):
            try:
                await self._one(outbound.chat, reply, hook)
            except DingTalkError as exc:
                raise UndeliveredError(index, exc) from exc

    async def _one(self, chat: ChatRef, reply: Reply, hook: SessionWebhook | None) -> None:
        if isinstance(reply, TextReply):
            for part in split_utf8(render_choices(reply.text, reply.choices, self._choice_hint), TEXT_LIMIT):
                await self._text(chat, part, hook)
        elif isinstance(reply, MarkdownReply):
            if reply.markdown:
                for part in split_utf8(reply.markdown, MARKDOWN_LIMIT):
                    await self._markdown(chat, part, hook)
            else:
                for part in split_utf8(reply.plain, TEXT_LIMIT):
                    await self._text(chat, part, hook)
        elif isinstance(reply, ImageReply):
            media_id = await self._api.upload_media(
                "image", reply.filename, reply.content, _image_type(reply)
            )
            await self._openapi(chat, "sampleImageMsg", {"photoURL": media_id})
        elif isinstance(reply, FileReply):
            media_id = await self._api.upload_media("file", reply.filename, reply.content, reply.media_type)
            suffix = reply.filename.rsplit(".", 1)[-1].lower() if "." in reply.filename else "file"
            await self._openapi(
                chat, "sampleFile", {"mediaId": media_id, "fileName": reply.filename, "fileType": suffix}
            )
        else:  # pragma: no cover - the Reply union is closed
            raise TypeError(f"unknown reply {type(reply).__name__}")
        if isinstance(reply, (FileReply, ImageReply)) and reply.caption:
            await self._text(chat, reply.caption, hook)

    async def _text(self, chat: ChatRef, text: str, hook: SessionWebhook | None) -> None:
        if hook and await self._by_webhook(chat, hook, {"msgtype": "text", "text": {"content": text}}):
            return
        await self._openapi(chat, "sampleText", {"content": text})

    async def _markdown(self, chat: ChatRef, markdown: str, hook: SessionWebhook | None) -> None:
        param = {"title": markdown_title(markdown), "text": markdown}
        if hook and await self._by_webhook(chat, hook, {"msgtype": "markdown", "markdown": param}):
            return
        await self._openapi(chat, "sampleMarkdown", param)

    async def _by_webhook(self, chat: ChatRef, hook: SessionWebhook, body: dict) -> bool:
        if not hook.valid(self._clock) or self._webhooks.get(chat.key) is not hook:
            return False  # expired, or failed earlier in this delivery
        try:
            await self._api.send_by_webhook(hook.url, _limit_key(chat), body)
        except DingTalkError as exc:
            # The webhook may have been revoked early: the OpenAPI reaches the chat as well.
            log.info("dingtalk: sessionWebhook of %s failed (%s); using the OpenAPI", chat.key, exc)
            self._webhooks.pop(chat.key, None)
            return False
        return True

    async def _openapi(self, chat: ChatRef, msg_key: str, param: dict) -> None:
        if chat.is_group:
            await self._api.send_to_group(chat.chat_id, msg_key, param)
        else:
            await self._api.send_to_user(chat.chat_id, msg_key, param)


def _limit_key(chat: ChatRef) -> str:
    return f"group:{chat.chat_id}" if chat.is_group else f"user:{chat.chat_id}"


def _image_type(reply: ImageReply) -> str:
    return "image/jpeg" if reply.filename.lower().endswith((".jpg", ".jpeg")) else "image/png"
