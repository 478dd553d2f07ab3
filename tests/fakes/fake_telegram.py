"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) that python-telegram-bot talks to via base_url."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.fake_telegram_methods import BotApiMethods
from tests.fakes.fake_telegram_records import (
    ApiError,
    Call,
    FakeTime,
    Fault,
    RecordedFile,
    parse_html,
    read_params,
    utf16_len,
)

# Callers import the records from here too.
__all__ = ["ApiError", "Call", "FakeTelegram", "FakeTime", "Fault", "RecordedFile", "parse_html", "utf16_len"]

DEFAULT_TOKEN = "123456:TEST-fake-token"


class FakeTelegram(BotApiMethods):
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
        # Seconds every send waits before it is answered (a slow network or a busy Bot API); getUpdates does not.
        self.send_latency = 0.0
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
        params, files = await read_params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        if self.send_latency and method.startswith("send"):
            await asyncio.sleep(self.send_latency)
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
