"""WeCom settings and wiring: robot keys, the environment, `ledgerbot web` and `ledgerbot run wecom`."""

from __future__ import annotations

import httpx
import pytest

from bot.platforms.web_server import WebService
from bot.platforms.wecom_callback import (
    CALLBACK_PATH,
    WeComCallbackPart,
    WeComConfigError,
    robot_chats,
)
from bot.serve import make_services
from bot.settings import Settings, WeComSettings
from bot.web import create_web, web_parts
from tests.fakes.fake_wecom import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN, event_xml
from tests.platforms.wecom_harness import wecom_settings


# ---------------------------------------------------------------- settings and wiring
def test_robot_keys_name_their_group_chats():
    s = WeComSettings(robot_key=["leaders=k1", " office = k2 ", ""])
    assert robot_chats(s) == {"leaders": "k1", "office": "k2"}
    assert robot_chats(WeComSettings(robot_key=["only-key"])) == {"default": "only-key"}
    pasted = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"
    assert robot_chats(
        WeComSettings(
            robot_key=[
                pasted,
            ]
        )
    ) == {"default": "abc-123"}
    assert robot_chats(WeComSettings(robot_key=[f"leaders={pasted}"])) == {"leaders": "abc-123"}
    with pytest.raises(WeComConfigError, match="configured twice") as err:
        robot_chats(WeComSettings(robot_key=["key-one", "key-two"]))
    assert "key-one" not in str(err.value)  # keys are secrets


def test_the_environment_configures_the_app_and_several_robots(monkeypatch):
    env = {
        "CORP_ID": SAMPLE_CORP_ID,
        "AGENT_ID": "1000002",
        "SECRET": "s3cret",
        "TOKEN": SAMPLE_TOKEN,
        "ENCODING_AES_KEY": SAMPLE_AES_KEY,
        "API_BASE": "http://127.0.0.1:9",
        "ROBOT_KEY": "leaders=k1,office=k2",
    }
    for name, value in env.items():
        monkeypatch.setenv(f"LEDGERBOT_WECOM__{name}", value)
    s = Settings(_env_file=None).wecom
    assert (s.corp_id, s.agent_id, s.api_base, s.max_timestamp_skew) == (
        SAMPLE_CORP_ID,
        "1000002",
        "http://127.0.0.1:9",
        300,
    )
    assert s.secret.get_secret_value() == "s3cret" and s.token.get_secret_value() == SAMPLE_TOKEN
    assert robot_chats(s) == {"leaders": "k1", "office": "k2"}
    assert "k1" not in repr(s)
    monkeypatch.setenv("LEDGERBOT_WECOM__ROBOT_KEY", "plain-key")  # one robot: not JSON, still fine
    assert robot_chats(Settings(_env_file=None).wecom) == {"default": "plain-key"}
    monkeypatch.setenv("LEDGERBOT_WECOM__ROBOT_KEY", '["a=1", "b=2"]')
    assert robot_chats(Settings(_env_file=None).wecom) == {"a": "1", "b": "2"}
    monkeypatch.delenv("LEDGERBOT_WECOM__API_BASE")
    assert Settings(_env_file=None).wecom.api_base == "https://qyapi.weixin.qq.com"


async def test_ledgerbot_web_serves_the_callback_when_wecom_is_configured(make_wecom, wecom_fake):
    bot = await make_wecom(seed=False)
    parts = web_parts(bot.app)
    assert [p.name for p in parts] == ["wecom"]
    paths = [r.path for r in create_web(bot.app, parts).routes]
    assert CALLBACK_PATH in paths
    no_wecom = bot.app.settings.model_copy(update={"wecom": WeComSettings()})
    bot.app.settings = no_wecom
    assert web_parts(bot.app) == []


async def test_a_callback_without_token_or_key_is_refused_at_start(make_wecom, wecom_fake):
    bot = await make_wecom(seed=False)
    settings = bot.app.settings
    for missing in ("token", "encoding_aes_key"):
        broken = wecom_settings(wecom_fake, **{missing: None})
        bot.app.settings = settings.model_copy(update={"wecom": broken})
        with pytest.raises(WeComConfigError, match=missing.upper()):
            WeComCallbackPart(bot.app)
    bot.app.settings = settings.model_copy(update={"wecom": wecom_settings(wecom_fake, secret=None)})
    part = WeComCallbackPart(bot.app)
    with pytest.raises(WeComConfigError, match="SECRET"):
        await part.start()
    bot.app.settings = settings


async def test_ledgerbot_run_wecom_serves_http_registers_the_sender_and_stops(make_wecom, wecom_fake):
    bot = await make_wecom(seed=False)
    [service] = make_services(bot.app, ["wecom"], scheduler=False)
    assert isinstance(service, WebService) and service.name == "wecom"
    [part] = service.parts
    assert isinstance(part, WeComCallbackPart)
    await service.start()
    try:
        assert bot.app.senders["wecom"] is part.sender
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}") as http:
            assert (await http.get("/healthz")).json() == {"ok": True, "platforms": ["wecom"]}
            query, body = bot.signed(event_xml("wangwu", "enter_agent", bot.now()))
            assert (await http.post(CALLBACK_PATH, params=query, content=body)).status_code == 200
        await part.queue.wait_idle()
        assert wecom_fake.texts_to("wangwu") == ["您好，我是进展情况台账机器人。发送“帮助”查看可用指令。"]
    finally:
        await service.stop()
    assert bot.app.senders.get("wecom") is not part.sender
