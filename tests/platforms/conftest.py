"""Platform fixtures. A Telegram harness: the real App and TelegramPolling/TelegramWebhook against the fake
Bot API server; WeCom bots come from wecom_harness.py."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from sqlalchemy import text

from bot.app import App, build_app
from bot.platforms.telegram_service import TelegramPolling, TelegramWebhook
from bot.settings import Settings, TelegramSettings
from bot.web import create_web
from tests.conftest import import_seed
from tests.fakes.fake_telegram import Call, FakeTelegram, FakeTime
from tests.fakes.fake_wecom import FakeWeCom
from tests.platforms.wecom_harness import WeComBot

SECRET = "webhook-secret_0123456789"
SENT_METHODS = ("sendMessage", "sendDocument", "sendPhoto")


async def unsent(app: App, platform: str, timeout: float = 5.0) -> list:
    """Return the platform's outbox rows not marked sent, once there are none or ``timeout`` seconds passed.

    Replies that went out are marked sent a moment later, several in one transaction (bot/outbox.py).
    """
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with app.uow() as uow:
            left = await uow.chats.due_outbox(platform)
        if not left or asyncio.get_running_loop().time() > deadline:
            return left
        await asyncio.sleep(0.05)


class TelegramBot:
    """The bot process under test: an App on a database plus the Telegram service in one mode."""

    def __init__(
        self,
        mode: str,
        fake: FakeTelegram,
        db_url: str,
        tmp_path,
        clock,
        segmenter,
        time: FakeTime,
        retry_interval: float = 60.0,
    ) -> None:
        self.mode, self.fake, self.db_url, self.tmp_path = mode, fake, db_url, tmp_path
        self.clock, self.segmenter, self.time = clock, segmenter, time
        self.retry_interval = retry_interval
        self.app: App | None = None
        self.service: TelegramPolling | TelegramWebhook | None = None
        self.done: list[int] = []  # update ids the adapter finished with
        self.webhook_url = ""
        self._server: uvicorn.Server | None = None
        self._server_task: asyncio.Task[None] | None = None

    def settings(self, webhook_url: str = "") -> Settings:
        return Settings(
            database_url=self.db_url,
            files_dir=self.tmp_path / "files",
            outbox_dir=self.tmp_path / "outbox",
            telegram=TelegramSettings(
                token=self.fake.token,
                base_url=self.fake.base_url,
                base_file_url=self.fake.base_file_url,
                webhook_secret=SECRET,
                webhook_url=webhook_url,
            ),
            _env_file=None,
        )

    async def build(self, webhook_url: str = "") -> App:
        self.app = await build_app(
            self.settings(webhook_url), clock=self.clock, segmenter=self.segmenter, migrate=True
        )
        return self.app

    async def start(self) -> None:
        """Build the App (same database every time) and start the Telegram service."""
        options: dict[str, Any] = {
            "retry_interval": self.retry_interval,
            "monotonic": self.time.monotonic,
            "sleep": self.time.sleep,
            "poll_timeout": 1.0,
        }
        if self.mode == "polling":
            app = await self.build()
            self.service = TelegramPolling(app, **options)
            self._track(self.service)
            await self.service.start()
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.webhook_url = f"http://127.0.0.1:{sock.getsockname()[1]}/telegram/webhook"
        app = await self.build(self.webhook_url)
        self.service = TelegramWebhook(app, **options)
        self._track(self.service)
        config = uvicorn.Config(
            create_web(app, [self.service]), log_level="warning", access_log=False, lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]  # pytest owns signals
        self._server_task = asyncio.get_running_loop().create_task(self._server.serve(sockets=[sock]))
        await self.fake.wait_for(lambda: self._server.started or self._server_task.done(), 20)
        if self._server_task.done():
            self._server_task.result()
        assert self.fake.webhook_url == self.webhook_url and self.fake.webhook_secret == SECRET

    def _track(self, service) -> None:
        service.adapter.after_batch = lambda updates: self.done.extend(u.update_id for u in updates)

    async def stop(self) -> None:
        """Stop the service and close the database (the process ends)."""
        if self._server is not None:
            self._server.should_exit = True
            assert self._server_task is not None
            await self._server_task
            self._server = self._server_task = None
        elif self.service is not None:
            await self.service.stop()
        self.service = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def chat(self, chat_id: int, user_id: int | None = None, is_group: bool = False) -> TgChat:
        return TgChat(self, chat_id, chat_id if user_id is None else user_id, is_group)

    async def scalar(self, sql: str, **params: Any) -> Any:
        assert self.app is not None
        async with self.app.db_engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    async def seed(self) -> None:
        assert self.app is not None
        await import_seed(self.app)


class TgChat:
    """One Telegram chat driven like a transcript: ``expect(await chat.say("填报"), "…")``."""

    def __init__(self, bot: TelegramBot, chat_id: int, user_id: int, is_group: bool) -> None:
        self.bot, self.chat_id, self.user_id, self.is_group = bot, chat_id, user_id, is_group
        self.received: list[Call] = []

    @property
    def fake(self) -> FakeTelegram:
        return self.bot.fake

    def sent(self) -> list[Call]:
        """Return every successful send of the bot to this chat, in order."""
        return [
            c
            for c in self.fake.calls
            if c.method in SENT_METHODS and c.fault is None and c.params.get("chat_id") == self.chat_id
        ]

    async def deliver(self, update: dict[str, Any], timeout: float = 30.0) -> list[Call]:
        """Queue ``update`` (already pushed) and wait until the adapter finished it; return the new sends."""
        before = len(self.sent())
        uid = update["update_id"]
        await self.fake.wait_for(lambda: uid in self.bot.done, timeout)
        self.received = self.sent()[before:]
        return self.received

    async def say(self, text: str) -> list[str]:
        """Send ``text``; return the texts the bot sent in reply (check them with tests.transcript.expect)."""
        await self.deliver(self.fake.push_text(self.chat_id, self.user_id, text, is_group=self.is_group))
        return self.texts

    async def press(self, label: str) -> list[str]:
        """Press the inline button ``label``; return the texts the bot sent in reply."""
        await self.deliver(self.fake.push_choice(self.chat_id, self.user_id, label))
        return self.texts

    async def send_file(
        self, filename: str, content: bytes, mime_type: str = "application/octet-stream"
    ) -> list[str]:
        await self.deliver(
            self.fake.push_document(
                self.chat_id, self.user_id, filename, content, mime_type, is_group=self.is_group
            )
        )
        return self.texts

    @property
    def texts(self) -> list[str]:
        """The visible texts of the replies to the last message."""
        return [_visible(c) for c in self.received if c.method == "sendMessage"]

    @property
    def last_text(self) -> str:
        return "\n".join(self.texts)

    def buttons(self) -> list[str]:
        """Labels of the inline keyboard on the bot's latest message in this chat."""
        messages = self.fake.bot_messages(self.chat_id)
        markup = messages[-1].get("reply_markup", {}) if messages else {}
        return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def _visible(call: Call) -> str:
    from tests.fakes.fake_telegram import parse_html

    raw = str(call.params.get("text", ""))
    return parse_html(raw) if str(call.params.get("parse_mode", "")).upper() == "HTML" else raw


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(params=["polling", "webhook"])
def mode(request) -> str:
    return request.param


@pytest.fixture
async def make_bot(fake, db_url, tmp_path, clock, segmenter, fake_time):
    """Return a factory of started bots (seeded with the ledger); stops them at the end."""
    bots: list[TelegramBot] = []

    async def make(mode: str, *, retry_interval: float = 60.0, seed: bool = True) -> TelegramBot:
        bot = TelegramBot(mode, fake, db_url, tmp_path, clock, segmenter, fake_time, retry_interval)
        bots.append(bot)
        await bot.start()
        if seed:
            await bot.seed()
        return bot

    yield make
    for bot in bots:
        await bot.stop()


@pytest.fixture
async def tg(make_bot, mode) -> TelegramBot:
    """A started, seeded bot in polling and in webhook mode."""
    return await make_bot(mode)


# ---------------------------------------------------------------- WeCom
@pytest.fixture
async def wecom_fake() -> AsyncIterator[FakeWeCom]:
    async with FakeWeCom() as server:
        yield server


@pytest.fixture
async def make_wecom(wecom_fake, db_url, tmp_path, clock, segmenter):
    """Return a factory of started, seeded WeCom bots; stops them at the end."""
    bots: list[WeComBot] = []

    async def make(*, serve: str = "asgi", seed: bool = True, **part_options: Any) -> WeComBot:
        bot = WeComBot(wecom_fake, db_url, tmp_path, clock, segmenter, serve=serve, **part_options)
        bots.append(bot)
        await bot.start()
        if seed:
            await bot.seed()
        return bot

    yield make
    for bot in bots:
        await bot.stop()
