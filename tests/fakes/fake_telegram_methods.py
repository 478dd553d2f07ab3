"""The Bot API methods of the fake Telegram server (``_m_<method>``), mixed into FakeTelegram."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from tests.fakes.fake_telegram_records import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    ApiError,
    RecordedFile,
    parse_html,
    utf16_len,
)


class BotApiMethods:
    """Answers of the Bot API methods; the state (messages, files, updates, webhook) is FakeTelegram's."""

    bot_id: int
    bot_username: str
    messages: dict[tuple[int, int], dict[str, Any]]
    files: dict[str, tuple[str, bytes]]
    updates: list[dict[str, Any]]
    webhook_url: str
    webhook_secret: str

    async def _m_getMe(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        self.webhook_url = self.webhook_secret = ""
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _m_setWebhook(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = str(params.get("secret_token", ""))
        if self.webhook_url and self._webhook_task is None:
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        await self._notify()
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            # An offset confirms every update before it, as on the real server.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

        def ready() -> list[dict[str, Any]]:
            return [u for u in self.updates if u["update_id"] >= offset][:limit]

        assert self._changed is not None and self._closing is not None
        if not ready() and timeout > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(ready()) or self._closing.is_set()), timeout
                    )  # type: ignore[union-attr]
        return ready()

    def _check_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode()) > CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _visible(self, params: dict[str, Any], key: str, limit: int, what: str) -> str:
        text = str(params.get(key, ""))
        visible = parse_html(text) if str(params.get("parse_mode", "")).upper() == "HTML" else text
        if utf16_len(visible) > limit:
            raise ApiError(400, f"Bad Request: {what} is too long")
        return visible

    def _bot_message(self, chat_id: Any, **content: Any) -> dict[str, Any]:
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        message = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_id < 0),
            "from": self.bot_user(),
            **content,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_sendMessage(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        text = self._visible(params, "text", TEXT_LIMIT, "message")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        markup = self._check_markup(params)
        extra = {"reply_markup": markup} if markup else {}
        return self._bot_message(params.get("chat_id"), text=text, **extra)

    def _own_message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self.messages.get(key)  # type: ignore[arg-type]
        if message is None or message["from"]["id"] != self.bot_id:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _m_editMessageText(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        message = self._own_message(params)
        text = self._visible(params, "text", TEXT_LIMIT, "message")
        markup = self._check_markup(params)
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = text
        message.pop("reply_markup", None)  # editMessageText without a keyboard removes it
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return message

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        message = self._own_message(params)
        markup = self._check_markup(params)
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old or query ID is invalid")
        return True

    def _upload(
        self, params: dict[str, Any], files: dict[str, RecordedFile], field_name: str
    ) -> RecordedFile:
        upload = files.get(field_name)
        if upload is None:
            raise ApiError(400, f"Bad Request: there is no {field_name} in the request")
        if not upload.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        self._visible(params, "caption", CAPTION_LIMIT, "message caption")
        return upload

    async def _m_sendDocument(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        upload = self._upload(params, files, "document")
        document = self._store_file("documents", upload.filename, upload.content)
        document.update(file_name=upload.filename, mime_type=upload.content_type)
        extra = {"caption": params["caption"]} if params.get("caption") else {}
        return self._bot_message(params.get("chat_id"), document=document, **extra)

    async def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        upload = self._upload(params, files, "photo")
        size = self._store_file("photos", upload.filename, upload.content)
        size.update(width=800, height=600)
        extra = {"caption": params["caption"]} if params.get("caption") else {}
        return self._bot_message(params.get("chat_id"), photo=[size], **extra)

    async def _m_getFile(self, params: dict[str, Any], files: dict[str, RecordedFile]) -> Any:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }
