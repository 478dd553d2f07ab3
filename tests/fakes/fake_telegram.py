"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) that python-telegram-bot talks to via base_url."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

DEFAULT_TOKEN = "123456:TEST-fake-token"
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
# Fields PTB sends JSON-encoded; everything else (text, caption, ids as str) stays as sent.
_JSON_FIELDS = {
    "chat_id",
    "message_id",
    "reply_markup",
    "allowed_updates",
    "offset",
    "timeout",
    "limit",
    "show_alert",
    "cache_time",
    "drop_pending_updates",
    "max_connections",
    "disable_notification",
    "protect_content",
    "link_preview_options",
    "reply_parameters",
    "entities",
    "caption_entities",
    "from_chat_id",
}
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
_HTML_TOKEN = re.compile(r"<(/?)([A-Za-z][\w-]*)([^<>]*)>|&(#\d+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);|([<>&])")


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class RecordedFile:
    """A file uploaded in a multipart request."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One Bot API request as received."""

    method: str
    params: dict[str, Any]
    files: dict[str, RecordedFile] = field(default_factory=dict)
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An injected failure for the next calls of one method."""

    kind: str  # "429", "500" or "hang"
    retry_after: int = 1
    hang_seconds: float = 30.0


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML; raise ApiError as Telegram does on bad markup."""
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    for m in _HTML_TOKEN.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        closing, name, _attrs, entity, bare = m.groups()
        if bare:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected {bare!r} at {m.start()}")
        if entity:
            out.append(html.unescape(f"&{entity};"))
            continue
        name = name.lower()
        if name not in _HTML_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unsupported start tag "{name}"')
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unmatched end tag "{name}"')
    out.append(text[pos:])
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: can't find end tag for \"{stack[-1]}\"")
    return "".join(out)


def utf16_len(text: str) -> int:
    """Return the length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    """In-process Bot API: queues updates, answers methods, records every call, injects faults."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, bot_username: str = "ledger_test_bot", bot_id: int = 7000001
    ) -> None:
        self.token, self.bot_username, self.bot_id = token, bot_username, bot_id
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed by an offset
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.port = 0
        self._faults: dict[str, list[Fault | None]] = {}  # None lets one call through
        self._update_ids = itertools.count(10_000)
        self._message_ids: dict[int, itertools.count] = {}
        self._file_ids = itertools.count(1)
        self._changed: asyncio.Condition | None = None
        self._closing: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """The base_url to give python-telegram-bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The base_file_url to give python-telegram-bot."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> FakeTelegram:
        """Listen on 127.0.0.1 on a free port."""
        self._changed, self._closing = asyncio.Condition(), asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        """Release waiting long polls and hung calls, then stop listening."""
        if self._closing is not None:
            self._closing.set()
            await self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ inspection

    def calls_of(self, method: str, *, include_faults: bool = False) -> list[Call]:
        """Return the calls of ``method``, by default only those answered normally."""
        return [c for c in self.calls if c.method == method and (include_faults or c.fault is None)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds; fail with TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.01)

    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until ``count`` calls of ``method`` succeeded; return them."""
        await self.wait_for(lambda: len(self.calls_of(method)) >= count, timeout)
        return self.calls_of(method)

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Return the messages the bot sent to a chat, in order, as they are now."""
        return [
            m
            for (c, _), m in sorted(self.messages.items())
            if c == chat_id and m["from"]["id"] == self.bot_id
        ]

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        kind: str = "500",
        retry_after: int = 1,
        hang_seconds: float = 30.0,
        after: int = 0,
    ) -> None:
        """Make ``times`` calls of ``method`` fail, after ``after`` good ones: kind "429", "500" or "hang"."""
        queue = self._faults.setdefault(method, [])
        queue.extend(None for _ in range(after))
        queue.extend(Fault(kind, retry_after, hang_seconds) for _ in range(times))

    # ------------------------------------------------------------ building updates

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    @staticmethod
    def chat(chat_id: int, is_group: bool = False) -> dict[str, Any]:
        """Return a Chat object."""
        if is_group:
            return {"id": chat_id, "type": "supergroup", "title": f"群{chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}

    @staticmethod
    def user(user_id: int, name: str = "") -> dict[str, Any]:
        """Return a User object."""
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": name or f"用户{user_id}",
            "username": f"user{user_id}",
        }

    def bot_user(self) -> dict[str, Any]:
        """Return the bot's own User object."""
        return {"id": self.bot_id, "is_bot": True, "first_name": "Ledger", "username": self.bot_username}

    def user_message(
        self, chat_id: int, user_id: int, is_group: bool = False, **content: Any
    ) -> dict[str, Any]:
        """Store and return a new message from a user."""
        message = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self.chat(chat_id, is_group),
            "from": self.user(user_id),
            **content,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def push_update(self, update: dict[str, Any], *, new_id: bool = True) -> dict[str, Any]:
        """Queue a raw update (a copy, with a fresh update_id unless told otherwise)."""
        update = copy.deepcopy(update)
        if new_id or "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self._schedule_notify()
        return update

    def push_text(self, chat_id: int, user_id: int, text: str, is_group: bool = False) -> dict[str, Any]:
        """Queue a text message; a leading /command gets its bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0]) if text.split() else 1
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self.push_update({"message": self.user_message(chat_id, user_id, is_group, **content)})

    def push_callback(self, chat_id: int, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """Queue a button press on the bot's message ``message_id``."""
        message = copy.deepcopy(self.messages[(chat_id, message_id)])
        query = {
            "id": f"{next(self._update_ids)}{user_id}",
            "from": self.user(user_id),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def push_choice(self, chat_id: int, user_id: int, label: str) -> dict[str, Any]:
        """Press the button labelled ``label`` on the bot's latest message that has it."""
        for message in reversed(self.bot_messages(chat_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == label:
                        return self.push_callback(
                            chat_id, user_id, message["message_id"], button["callback_data"]
                        )
        raise KeyError(f"no button {label!r} in chat {chat_id}")

    def push_edit(self, chat_id: int, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """Queue an edit of the user's message ``message_id`` to ``text``."""
        message = self.messages[(chat_id, message_id)]
        message.update(text=text, edit_date=int(time.time()) + 1)
        return self.push_update({"edited_message": copy.deepcopy(message)})

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        caption: str = "",
        is_group: bool = False,
    ) -> dict[str, Any]:
        """Queue a document; its bytes are served through getFile and the file URL."""
        document = self._store_file("documents", filename, content)
        document.update(file_name=filename, mime_type=mime_type)
        extra = {"caption": caption} if caption else {}
        return self.push_update(
            {"message": self.user_message(chat_id, user_id, is_group, document=document, **extra)}
        )

    def push_sticker(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """Queue a sticker."""
        sticker = {
            "file_id": f"sticker{next(self._file_ids)}",
            "file_unique_id": "stk",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self.push_update({"message": self.user_message(chat_id, user_id, sticker=sticker)})

    def push_photo(self, chat_id: int, user_id: int, caption: str = "") -> dict[str, Any]:
        """Queue a photo."""
        size = self._store_file("photos", "photo.jpg", b"\xff\xd8fakejpeg")
        size.update(width=90, height=90)
        extra = {"caption": caption} if caption else {}
        return self.push_update({"message": self.user_message(chat_id, user_id, photo=[size], **extra)})

    def _store_file(self, folder: str, filename: str, content: bytes) -> dict[str, Any]:
        n = next(self._file_ids)
        file_id = f"file{n}"
        self.files[file_id] = (f"{folder}/file_{n}_{filename}", content)
        return {"file_id": file_id, "file_unique_id": f"u{n}", "file_size": len(content)}

    # ------------------------------------------------------------ webhooks

    async def post_webhook(self, url: str, update: dict[str, Any], secret_token: str | None = None) -> int:
        """POST ``update`` to ``url`` as Telegram does, with the secret header if given; return the status."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        async with self._http.post(url, data=json.dumps(update).encode(), headers=headers) as resp:
            await resp.read()
            return resp.status

    async def _webhook_loop(self) -> None:
        """Deliver queued updates to the webhook in order, retrying failures like Telegram."""
        assert self._changed is not None
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self.updates and self.webhook_url))
            update = self.updates[0]
            try:
                status = await self.post_webhook(self.webhook_url, update, self.webhook_secret or None)
            except aiohttp.ClientError:
                status = 0
            self.webhook_deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                self.updates.remove(update)
            else:
                await asyncio.sleep(0.05)

    # ------------------------------------------------------------ HTTP handlers

    def _schedule_notify(self) -> None:
        # Pushed before the loop runs: the next poll sees it anyway.
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for file_path, content in self.files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._read_params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            faults = self._faults.get(method)
            fault = faults.pop(0) if faults else None
            if fault is not None:
                await self._inject(call, fault)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params, files)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.status)
        return web.json_response({"ok": True, "result": result})

    async def _inject(self, call: Call, fault: Fault) -> None:
        call.fault = fault.kind
        if fault.kind == "429":
            raise ApiError(
                429, f"Too Many Requests: retry after {fault.retry_after}", {"retry_after": fault.retry_after}
            )
        if fault.kind == "hang":
            assert self._closing is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.hang_seconds)
            raise ApiError(504, "Gateway Timeout")
        raise ApiError(500, "Internal Server Error")

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, RecordedFile]]:
        raw: dict[str, str] = dict(request.query)
        files: dict[str, RecordedFile] = {}
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            return {**raw, **body}, files
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:
                    data = await part.read()
                    files[part.name or ""] = RecordedFile(
                        part.name or "",
                        part.filename,
                        bytes(data),
                        part.headers.get("Content-Type", "application/octet-stream"),
                    )
                else:
                    raw[part.name or ""] = await part.text()
        elif request.can_read_body:
            raw.update((await request.post()).items())  # type: ignore[arg-type]
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _JSON_FIELDS:
                try:
                    params[key] = json.loads(value)
                    continue
                except (TypeError, ValueError):
                    pass
            params[key] = value
        return params, files

    # ------------------------------------------------------------ methods

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


class FakeTime:
    """A monotonic clock that moves only when something sleeps (flood limits and 429 waits cost nothing)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)
