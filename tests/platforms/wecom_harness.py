"""A WeCom harness: the real App and `ledgerbot web` against the fake WeCom API.

The fixtures ``wecom_fake`` and ``make_wecom`` (in conftest.py) build ``WeComBot``s from here.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import text

from bot.adapters.wecom_crypto import WeComCrypto
from bot.app import App, build_app
from bot.platforms.web_server import WebService
from bot.platforms.wecom_callback import (
    CALLBACK_PATH,
    WeComCallbackPart,
)
from bot.settings import Settings, WeComSettings
from bot.web import create_web
from tests.conftest import import_seed
from tests.fakes.fake_wecom import (
    SAMPLE_AES_KEY,
    SAMPLE_CORP_ID,
    SAMPLE_TOKEN,
    FakeWeCom,
    callback_body,
    event_xml,
    text_xml,
)

ROBOT_KEY = "robot-key-1"
LEADERS = "leaders"


def wecom_settings(fake: FakeWeCom, **overrides: Any) -> WeComSettings:
    """Return settings of the sample app pointed at the fake, with the robot as group wecom:leaders."""
    values: dict[str, Any] = {
        "corp_id": SAMPLE_CORP_ID,
        "agent_id": str(fake.agent_id),
        "secret": fake.secret,
        "token": SAMPLE_TOKEN,
        "encoding_aes_key": SAMPLE_AES_KEY,
        "api_base": fake.base_url,
        "robot_key": [f"{LEADERS}={ROBOT_KEY}"],
    }
    values.update(overrides)
    return WeComSettings(**values)


class WeComBot:
    """The bot process under test: an App plus `ledgerbot web` (ASGI in-process, or uvicorn on 127.0.0.1)."""

    def __init__(
        self,
        fake: FakeWeCom,
        db_url: str,
        tmp_path,
        clock,
        segmenter,
        *,
        serve: str = "asgi",
        **part_options: Any,
    ) -> None:
        self.fake, self.db_url, self.tmp_path = fake, db_url, tmp_path
        self.clock, self.segmenter = clock, segmenter
        self.serve = serve
        self.part_options = part_options
        self.crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
        self.app: App | None = None
        self.part: WeComCallbackPart | None = None
        self.http: httpx.AsyncClient | None = None
        self._lifespan: Any = None
        self._service: WebService | None = None
        self._nonces = itertools.count(1)

    def settings(self) -> Settings:
        return Settings(
            database_url=self.db_url,
            files_dir=self.tmp_path / "files",
            outbox_dir=self.tmp_path / "outbox",
            web_host="127.0.0.1",
            web_port=0,
            wecom=wecom_settings(self.fake),
            _env_file=None,
        )

    async def start(self) -> None:
        """Build the App on the (same) database and start serving the callback."""
        self.app = await build_app(self.settings(), clock=self.clock, segmenter=self.segmenter, migrate=True)
        self.part = WeComCallbackPart(self.app, **self.part_options)
        if self.serve == "uvicorn":
            self._service = WebService(self.app, [self.part], name="wecom")
            await self._service.start()
            self.http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self._service.port}", timeout=10)
        else:
            web = create_web(self.app, [self.part])
            self._lifespan = web.router.lifespan_context(web)
            await self._lifespan.__aenter__()
            self.http = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=web), base_url="http://ledgerbot.test"
            )

    async def stop(self) -> None:
        """Stop serving (work in flight drains) and close the database, like the process ending."""
        if self.http is not None:
            await self.http.aclose()
            self.http = None
        if self._service is not None:
            await self._service.stop()
            self._service = None
        if self._lifespan is not None:
            await self._lifespan.__aexit__(None, None, None)
            self._lifespan = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def restart(self, **part_options: Any) -> None:
        await self.stop()
        self.part_options = {**self.part_options, **part_options}
        await self.start()

    # -- callbacks ------------------------------------------------------------------------------
    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def signed(
        self, inner_xml: str, *, crypto: WeComCrypto | None = None, timestamp: int | None = None
    ) -> tuple[dict[str, str], bytes]:
        """Return (query, body) of a callback carrying ``inner_xml`` as WeCom would post it."""
        ts = str(self.now() if timestamp is None else timestamp)
        nonce = f"n{next(self._nonces)}"
        signature, body = callback_body(crypto or self.crypto, SAMPLE_CORP_ID, inner_xml, ts, nonce)
        return {"msg_signature": signature, "timestamp": ts, "nonce": nonce}, body

    async def post(self, query: dict[str, str], body: bytes) -> httpx.Response:
        assert self.http is not None
        return await self.http.post(
            CALLBACK_PATH, params=query, content=body, headers={"Content-Type": "text/xml"}
        )

    async def settle(self) -> None:
        """Wait until every accepted callback has been handled and answered."""
        assert self.part is not None
        await self.part.queue.wait_idle()

    def member(self, user_id: str) -> Member:
        return Member(self, user_id)

    # -- database -------------------------------------------------------------------------------
    async def seed(self) -> None:
        assert self.app is not None
        await import_seed(self.app)

    async def scalar(self, sql: str, **params: Any) -> Any:
        assert self.app is not None
        async with self.app.db_engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    async def inbox(self) -> list:
        assert self.app is not None
        async with self.app.uow() as uow:
            return await uow.chats.inbox(platform="wecom")


class Member:
    """A member in a private chat with the app: ``await member.say("填报")`` returns the bot's answer."""

    _ids = itertools.count(7_000_000_000_000_000_001)

    def __init__(self, bot: WeComBot, user_id: str) -> None:
        self.bot, self.user_id = bot, user_id
        self.received: list[str] = []
        self.last_msg: tuple[dict[str, str], bytes] | None = None

    def _texts(self) -> list[str]:
        return self.bot.fake.texts_to(self.user_id)

    async def deliver(self, query: dict[str, str], body: bytes) -> list[str]:
        """Post a prepared callback, wait for the work, and return what the bot sent meanwhile."""
        before = len(self._texts())
        response = await self.bot.post(query, body)
        assert response.status_code == 200, response.text
        assert response.content == b""  # no passive reply: answers go through the app API
        await self.bot.settle()
        self.received = self._texts()[before:]
        return list(self.received)

    async def say(self, content: str) -> list[str]:
        self.last_msg = self.bot.signed(text_xml(self.user_id, content, str(next(self._ids)), self.bot.now()))
        return await self.deliver(*self.last_msg)

    async def open_app(self, event: str = "enter_agent") -> list[str]:
        return await self.deliver(*self.bot.signed(event_xml(self.user_id, event, self.bot.now())))

    @property
    def last_text(self) -> str:
        return "\n".join(self.received)
