"""DingTalk settings and wiring: the environment, the mode choosing `ledgerbot web`'s route and
`ledgerbot run dingtalk`'s service, and what is missing named at start."""

from __future__ import annotations

import asyncio

import pytest

from bot.platforms.dingtalk_callback import CALLBACK_PATH, DingTalkCallbackPart
from bot.platforms.dingtalk_intake import DingTalkConfigError
from bot.platforms.dingtalk_service import DingTalkStreamService
from bot.platforms.web_server import WebService
from bot.serve import make_services
from bot.settings import DingTalkSettings, Settings
from bot.web import create_web, web_parts
from tests.platforms.dingtalk_harness import (  # noqa: F401
    dingtalk_fake_fixture,
    dingtalk_settings,
    make_dingtalk_fixture,
)


def test_the_environment_configures_dingtalk(monkeypatch):
    env = {
        "CLIENT_ID": "dingabc",
        "CLIENT_SECRET": "s3cret",
        "ROBOT_CODE": "dingrobot",
        "MODE": "http",
        "API_BASE": "http://127.0.0.1:9",
        "OAPI_BASE": "http://127.0.0.1:10",
    }
    for name, value in env.items():
        monkeypatch.setenv(f"LEDGERBOT_DINGTALK__{name}", value)
    s = Settings(_env_file=None).dingtalk
    assert (s.client_id, s.robot_code, s.mode, s.api_base, s.oapi_base) == (
        "dingabc",
        "dingrobot",
        "http",
        "http://127.0.0.1:9",
        "http://127.0.0.1:10",
    )
    assert s.client_secret is not None and s.client_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(s)
    for name in ("MODE", "API_BASE", "OAPI_BASE", "ROBOT_CODE"):
        monkeypatch.delenv(f"LEDGERBOT_DINGTALK__{name}")
    s = Settings(_env_file=None).dingtalk
    assert (s.mode, s.api_base, s.oapi_base, s.robot_code) == (
        "stream",
        "https://api.dingtalk.com",
        "https://oapi.dingtalk.com",
        "",
    )
    monkeypatch.setenv("LEDGERBOT_DINGTALK__MODE", "websocket")
    with pytest.raises(ValueError, match="mode"):
        Settings(_env_file=None)


async def test_the_mode_chooses_the_web_route_and_the_run_service(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http", seed=False)
    assert bot.app is not None
    parts = web_parts(bot.app)
    assert [p.name for p in parts] == ["dingtalk"]
    assert CALLBACK_PATH in [r.path for r in create_web(bot.app, parts).routes]
    [service] = make_services(bot.app, ["dingtalk"], scheduler=False)
    assert isinstance(service, WebService) and isinstance(service.parts[0], DingTalkCallbackPart)

    stream = bot.app.settings.model_copy(update={"dingtalk": dingtalk_settings(dingtalk_fake, "stream")})
    bot.app.settings = stream
    assert web_parts(bot.app) == []  # Stream mode needs no route
    [service] = make_services(bot.app, ["dingtalk"], scheduler=False)
    assert isinstance(service, DingTalkStreamService)
    bot.app.settings = bot.app.settings.model_copy(update={"dingtalk": DingTalkSettings()})
    assert web_parts(bot.app) == []


async def test_a_missing_secret_is_named_at_start(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http", seed=False)
    assert bot.app is not None
    settings = bot.app.settings
    bot.app.settings = settings.model_copy(
        update={"dingtalk": dingtalk_settings(dingtalk_fake, "stream", client_secret=None)}
    )
    with pytest.raises(DingTalkConfigError, match="LEDGERBOT_DINGTALK__CLIENT_SECRET"):
        make_services(bot.app, ["dingtalk"], scheduler=False)
    bot.app.settings = settings


async def test_a_wrong_client_secret_keeps_retrying_the_gateway(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("http", seed=False)
    assert bot.app is not None
    bot.app.settings = bot.app.settings.model_copy(
        update={"dingtalk": dingtalk_settings(dingtalk_fake, "stream", client_secret="wrong")}
    )
    service = DingTalkStreamService(bot.app, first_backoff=0.01, max_backoff=0.02)
    await service.start()
    try:
        async with asyncio.timeout(10):
            while True:
                # the fake counts a refusal before the client records its wait: wait for both
                if dingtalk_fake.refused_logins >= 4 and len(service.client.delays) >= 4:
                    break
                await asyncio.sleep(0.01)  # the gateway is retried in the background
        assert dingtalk_fake.connections == 0
        assert list(service.client.delays)[:4] == [0.01, 0.02, 0.02, 0.02]  # doubling, up to the cap
    finally:
        await service.stop()
