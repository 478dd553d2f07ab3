"""The platform registry: every catalogued platform has its parts, and a platform that is only registered
(no edit to serve, web or the CLI) is run, served and sent to."""

from __future__ import annotations

import asyncio
import io
import os
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from typer.testing import CliRunner

from bot.adapters import console, dingtalk, telegram_send, wecom
from bot.app import App
from bot.cli import app as cli
from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply
from bot.platforms.catalog import PLATFORM_MODULES, default_registry
from bot.platforms.registry import PlatformSpec, Registry
from bot.scheduler import add_console_sender
from bot.serve import make_services, run_until_signal
from bot.settings import Settings
from bot.web import create_web, web_parts

FAKE = "fakechat"


def test_the_catalog_lists_each_platform_once_with_its_parts():
    registry = default_registry()
    specs = {spec.name: spec for spec in registry}
    assert list(specs) == ["console", "telegram", "wecom", "dingtalk"]
    assert len(PLATFORM_MODULES) == len(specs)
    # A spec's name is its adapter's platform (the value stored with every chat).
    assert list(specs) == [console.PLATFORM, telegram_send.PLATFORM, wecom.PLATFORM, dingtalk.PLATFORM]
    assert registry.runnable() == ("telegram", "wecom", "dingtalk")
    for spec in registry:
        assert spec.service or spec.web_part or spec.standalone_sender, spec.name
        if spec.web_part is not None:  # a web platform says how it is turned on
            assert spec.setup_hint is not None and not spec.configured(Settings(_env_file=None)), spec.name
    assert registry.setup_hint() == (
        "set LEDGERBOT_TELEGRAM__TOKEN and/or LEDGERBOT_WECOM__CORP_ID and/or LEDGERBOT_DINGTALK__CLIENT_ID "
        "(see docs/telegram.md, docs/wecom.md, docs/dingtalk.md)"
    )


def test_a_platform_is_registered_once():
    spec = PlatformSpec(name=FAKE)
    with pytest.raises(ValueError, match=FAKE):
        Registry([spec, spec])


def test_the_run_command_accepts_the_runnable_platforms_only(tmp_path):
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'r.db'}", "run", "console"])
    assert result.exit_code == 1
    assert "平台应为 telegram | wecom | dingtalk | all，而不是“console”" in result.output


@dataclass
class FakeSender:
    sent: list[Outbound] = field(default_factory=list)

    async def send(self, outbound: Outbound) -> None:
        self.sent.append(outbound)


class FakeService:
    """A platform's process part: registers its sender while running."""

    def __init__(self, app: App) -> None:
        self.name = FAKE
        self.app = app
        self.sender = FakeSender()
        self.events: list[str] = []
        self.started = asyncio.Event()

    async def start(self) -> None:
        self.app.senders[FAKE] = self.sender
        self.events.append("start")
        self.started.set()

    async def stop(self) -> None:
        del self.app.senders[FAKE]
        self.events.append("stop")

    def routes(self) -> list[BaseRoute]:
        async def hello(request: Request) -> Response:
            return PlainTextResponse(f"{FAKE} {self.events}")

        return [Route(f"/{FAKE}/hook", hello)]


def fake_registry(made: list[FakeService]) -> Registry:
    def service(app: App) -> FakeService:
        made.append(FakeService(app))
        return made[-1]

    spec = PlatformSpec(
        name=FAKE,
        configured=lambda s: True,
        service=service,
        web_part=service,
        standalone_sender=lambda app, out: FakeSender(),
        setup_hint=("FAKE_TOKEN", "docs/fake.md"),
    )
    return Registry([*default_registry(), spec])


async def test_a_registered_platform_is_run_served_and_sent_to(app: App):
    made: list[FakeService] = []
    registry = fake_registry(made)
    assert FAKE in registry.runnable()

    # ledgerbot run fakechat
    [service] = make_services(app, [FAKE], scheduler=False, registry=registry)
    stop = asyncio.Event()
    running = asyncio.create_task(run_until_signal([service], stop))
    await asyncio.wait_for(made[0].started.wait(), 5)
    out = Outbound(chat=ChatRef(platform=FAKE, chat_id="7"), replies=(TextReply(text="你好"),))
    assert await app.deliver([out]) == 1
    assert made[0].sender.sent == [out]
    stop.set()
    await running
    assert made[0].events == ["start", "stop"] and FAKE not in app.senders

    # ledgerbot web (telegram and wecom are not configured in these settings)
    parts = web_parts(app, registry)
    assert [p.name for p in parts] == [FAKE]
    web = create_web(app, parts)
    async with (
        web.router.lifespan_context(web),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://ledgerbot.test") as http,
    ):
        assert (await http.get("/healthz")).json() == {"ok": True, "platforms": [FAKE]}
        assert (await http.get(f"/{FAKE}/hook")).text == f"{FAKE} ['start']"
    assert made[1].events == ["start", "stop"]

    # the scheduler's standalone senders
    add_console_sender(app, io.StringIO(), registry=registry)
    assert {"console", FAKE} <= set(app.senders)


def test_run_all_starts_only_the_platforms_that_are_set_up():
    from bot.settings import Settings

    settings = Settings(_env_file=None, telegram={"token": "123:abc"}, dingtalk={"client_id": "ding1"})
    assert default_registry().set_up(settings) == ("telegram", "dingtalk")
    assert default_registry().set_up(Settings(_env_file=None)) == ()


def test_run_all_with_nothing_set_up_and_a_missing_secret_are_one_line_errors(tmp_path, monkeypatch):
    for name in [k for k in os.environ if k.startswith("LEDGERBOT_")]:
        monkeypatch.delenv(name)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    result = CliRunner().invoke(cli, ["--db", db, "run", "all", "--no-scheduler"])
    assert result.exit_code == 1 and "no platform is set up" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setenv("LEDGERBOT_DINGTALK__CLIENT_ID", "ding1")
    result = CliRunner().invoke(cli, ["--db", db, "run", "dingtalk", "--no-scheduler"])
    assert result.exit_code == 1 and "LEDGERBOT_DINGTALK__CLIENT_SECRET" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
