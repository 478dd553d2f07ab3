"""A DingTalk harness: the real App in Stream mode (the SDK over WebSocket) or HTTP mode (signed callbacks
to `ledgerbot web` on 127.0.0.1), against the fake DingTalk."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.adapters.dingtalk import sign
from bot.app import App, build_app
from bot.platforms.dingtalk_callback import CALLBACK_PATH, DingTalkCallbackPart
from bot.platforms.dingtalk_service import DingTalkStreamService
from bot.platforms.web_server import WebService
from bot.settings import DingTalkSettings, Settings
from tests.conftest import import_seed
from tests.fakes.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, FakeDingTalk

GROUP = "cidLeadersGroup00001"


def dingtalk_settings(fake: FakeDingTalk, mode: str, **overrides: Any) -> DingTalkSettings:
    """Return settings of the fake app, every base pointed at the fake."""
    values: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "mode": mode,
        "api_base": fake.base_url,
        "oapi_base": fake.base_url,
    }
    values.update(overrides)
    return DingTalkSettings(**values)


class DingTalkBot:
    """The bot process under test, in ``mode`` "stream" or "http"."""

    _ids = itertools.count(1)

    def __init__(
        self, fake: FakeDingTalk, mode: str, db_url: str, tmp_path, clock, segmenter, **options: Any
    ):
        self.fake, self.mode, self.db_url, self.tmp_path = fake, mode, db_url, tmp_path
        self.clock, self.segmenter, self.options = clock, segmenter, options
        self.app: App | None = None
        self.part: DingTalkCallbackPart | DingTalkStreamService | None = None
        self.http: httpx.AsyncClient | None = None
        self._web: WebService | None = None

    def settings(self) -> Settings:
        return Settings(
            database_url=self.db_url,
            files_dir=self.tmp_path / "files",
            outbox_dir=self.tmp_path / "outbox",
            web_host="127.0.0.1",
            web_port=0,
            dingtalk=dingtalk_settings(self.fake, self.mode),
            _env_file=None,
        )

    async def start(self) -> None:
        self.app = await build_app(self.settings(), clock=self.clock, segmenter=self.segmenter, migrate=True)
        if self.mode == "stream":
            self.part = DingTalkStreamService(self.app, first_backoff=0.05, max_backoff=0.2, **self.options)
            await self.part.start()
            await asyncio.wait_for(self.part.client.connected.wait(), 10)
        else:
            self.part = DingTalkCallbackPart(self.app, **self.options)
            self._web = WebService(self.app, [self.part], name="dingtalk")
            await self._web.start()
            self.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self._web.port}", timeout=10)

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.aclose()
            self.http = None
        if self._web is not None:
            await self._web.stop()
            self._web = None
        elif isinstance(self.part, DingTalkStreamService):
            await self.part.stop()
        self.part = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def seed(self) -> None:
        assert self.app is not None
        await import_seed(self.app)

    # -- messages -------------------------------------------------------------------------------
    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def payload(
        self, staff_id: str, content: str, *, group: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Return a robot message as DingTalk sends it (1:1 unless ``group``)."""
        conversation = group or f"cid{staff_id}"
        payload: dict[str, Any] = {
            "msgId": f"msg{next(self._ids):08d}",
            "msgtype": "text",
            "text": {"content": f" {content}" if group else content},
            "conversationType": "2" if group else "1",
            "conversationId": conversation,
            "senderStaffId": staff_id,
            "senderId": f"$:{staff_id}",
            "senderNick": staff_id,
            "chatbotUserId": "$:robot",
            "robotCode": CLIENT_ID,
            "createAt": self.now_ms(),
            "sessionWebhook": self.fake.webhook_for(group or staff_id),
            "sessionWebhookExpiredTime": self.now_ms() + 90 * 60 * 1000,
        }
        payload.update(extra)
        return payload

    def file_payload(self, staff_id: str, filename: str, content: bytes) -> dict[str, Any]:
        """Return a file sent in a member's 1:1 chat, as DingTalk sends it (its bytes kept by the fake)."""
        payload = self.payload(staff_id, "")
        del payload["text"]
        code = self.fake.add_file(content)
        payload.update(msgtype="file", content={"downloadCode": code, "fileName": filename, "fileId": code})
        return payload

    def signed_headers(self, timestamp: int | None = None, secret: str = CLIENT_SECRET) -> dict[str, str]:
        ts = str(self.now_ms() if timestamp is None else timestamp)
        return {"timestamp": ts, "sign": sign(ts, secret), "Content-Type": "application/json"}

    async def post(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        assert self.http is not None
        body = json.dumps(payload, ensure_ascii=False).encode()
        return await self.http.post(CALLBACK_PATH, content=body, headers=headers or self.signed_headers())

    async def deliver(self, payload: dict[str, Any]) -> None:
        """Hand one message to the bot (a Stream frame, ACKed; or a signed callback, 200) and wait for the work."""
        if self.mode == "stream":
            frame = await self.fake.push(payload)
            ack = await self.fake.wait_ack(frame)
            assert ack["code"] == 200, ack
        else:
            response = await self.post(payload)
            assert response.status_code == 200, response.text
        await self.settle()

    async def settle(self) -> None:
        assert self.part is not None
        await self.part.queue.wait_idle()

    def member(self, staff_id: str, group: str | None = None) -> Member:
        return Member(self, staff_id, group)

    async def inbox(self) -> list:
        assert self.app is not None
        async with self.app.uow() as uow:
            return await uow.chats.inbox(platform="dingtalk")


class Member:
    """A member talking to the robot (1:1, or @-ing it in ``group``): ``await m.say("填报")`` returns answers."""

    def __init__(self, bot: DingTalkBot, staff_id: str, group: str | None) -> None:
        self.bot, self.staff_id, self.group = bot, staff_id, group
        self.received: list[str] = []

    async def say(self, content: str) -> list[str]:
        where = self.group or self.staff_id
        before = len(self.bot.fake.to(where))
        await self.bot.deliver(self.bot.payload(self.staff_id, content, group=self.group))
        self.received = self.bot.fake.texts_to(where)[before:]
        return list(self.received)

    async def send_file(self, filename: str, content: bytes) -> list[str]:
        """Send a file in the member's 1:1 chat; return the answers."""
        before = len(self.bot.fake.to(self.staff_id))
        await self.bot.deliver(self.bot.file_payload(self.staff_id, filename, content))
        self.received = self.bot.fake.texts_to(self.staff_id)[before:]
        return list(self.received)


@pytest.fixture(name="dingtalk_fake")
async def dingtalk_fake_fixture() -> AsyncIterator[FakeDingTalk]:
    async with FakeDingTalk() as server:
        yield server


@pytest.fixture(name="make_dingtalk")
async def make_dingtalk_fixture(dingtalk_fake, db_url, tmp_path, clock, segmenter):
    """Return a factory of started, seeded DingTalk bots; stops them at the end."""
    bots: list[DingTalkBot] = []

    async def make(mode: str, *, seed: bool = True, **options: Any) -> DingTalkBot:
        bot = DingTalkBot(dingtalk_fake, mode, db_url, tmp_path, clock, segmenter, **options)
        bots.append(bot)
        await bot.start()
        if seed:
            await bot.seed()
        return bot

    yield make
    for bot in bots:
        await bot.stop()
