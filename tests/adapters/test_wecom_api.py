"""The WeCom app and group-robot clients against the fake WeCom server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.wecom_api import (
    MediaTooLargeError,
    RedactSecretsFilter,
    SlidingWindowLimiter,
    WeComApiError,
    WeComAppClient,
    WeComRobotClient,
    WeComTransportError,
)
from bot.adapters.wecom_text import split_utf8
from tests.fakes.fake_wecom import FakeTime, FakeWeCom

ROBOT = "robot-key-1"
# Any character a handler could produce on one line (no newline, no lone surrogate).
LINE_CHARS = st.characters(blacklist_characters="\n", blacklist_categories=("Cs",))


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def wecom(clock):
    async with FakeWeCom(clock=clock) as fake:
        yield fake


@pytest.fixture
async def app(wecom, clock):
    async with WeComAppClient(
        wecom.corp_id,
        wecom.agent_id,
        wecom.secret,
        api_base=wecom.base_url,
        monotonic=clock,
        sleep=clock.sleep,
    ) as client:
        yield client


@pytest.fixture
async def robot(wecom, clock):
    async with WeComRobotClient(api_base=wecom.base_url, monotonic=clock, sleep=clock.sleep) as client:
        yield client


# ---------------------------------------------------------------- access token
async def test_token_is_fetched_once_and_cached(app, wecom):
    await app.send_text("u1", "一")
    await app.send_text("u1", "二")
    assert wecom.gettoken_calls == 1
    assert wecom.texts_to("u1") == ["一", "二"]


async def test_token_is_refreshed_before_it_expires(app, wecom, clock):
    wecom.token_ttl = 600
    await app.send_text("u1", "a")
    clock.advance(301)  # inside the 300 s safety margin of a 600 s token
    await app.send_text("u1", "b")
    assert wecom.gettoken_calls == 2 and len(wecom.sent) == 2


@pytest.mark.parametrize("invalidate", ["expire_tokens", "revoke_tokens"])
async def test_rejected_token_is_refreshed_once(app, wecom, invalidate):
    await app.send_text("u1", "a")
    getattr(wecom, invalidate)()  # 42001 or 40014 on the next call, although our cache says valid
    await app.send_text("u1", "b")
    assert wecom.gettoken_calls == 2
    assert wecom.texts_to("u1") == ["a", "b"]


async def test_token_refresh_happens_only_once(app, wecom):
    await app.send_text("u1", "a")
    wecom.fail_next("message/send", times=2, errcode=42001, errmsg="access_token expired")
    with pytest.raises(WeComApiError) as info:
        await app.send_text("u1", "b")
    assert info.value.errcode == 42001 and wecom.gettoken_calls == 2 and wecom.send_attempts == 3


async def test_wrong_secret_surfaces_errcode_without_the_secret(wecom, clock):
    async with WeComAppClient(
        wecom.corp_id,
        wecom.agent_id,
        "wrong-secret-value",
        api_base=wecom.base_url,
        monotonic=clock,
        sleep=clock.sleep,
    ) as client:
        with pytest.raises(WeComApiError) as info:
            await client.send_text("u1", "x")
    assert info.value.errcode == 40001 and info.value.errmsg == "invalid credential"
    assert info.value.endpoint == "gettoken" and "wrong-secret-value" not in str(info.value)
    assert not info.value.retryable


async def test_concurrent_first_calls_fetch_one_token(app, wecom):
    import asyncio

    await asyncio.gather(*(app.send_text(f"u{i}", "x") for i in range(5)))
    assert wecom.gettoken_calls == 1 and len(wecom.sent) == 5


# ---------------------------------------------------------------- message/send
async def test_text_payload_shape(app, wecom):
    await app.send_text("zhangsan", "请回复本月进展")
    (payload,) = wecom.sent
    assert payload == {
        "touser": "zhangsan",
        "msgtype": "text",
        "agentid": wecom.agent_id,
        "text": {"content": "请回复本月进展"},
    }


async def test_long_text_is_split_on_lines_within_2048_bytes(app, wecom):
    lines = [f"第{i}项：新增停车泊位{i}个，累计建成公共充电桩{i * 3}个" for i in range(200)]
    await app.send_text("u1", "\n".join(lines))
    parts = wecom.texts_to("u1")
    assert len(parts) > 1
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert "\n".join(parts).split("\n") == lines  # whole lines, in order, nothing lost


async def test_markdown_is_split_to_2048_bytes(app, wecom):
    await app.send_markdown("u1", "\n".join(["**标题**"] + ["> 进展" * 30] * 40))
    assert all(
        p["msgtype"] == "markdown" and len(p["markdown"]["content"].encode()) <= 2048 for p in wecom.sent
    )
    assert len(wecom.sent) > 1


async def test_upload_then_file_and_image(app, wecom):
    media_id = await app.upload_media("file", "台账.docx", b"PK\x03\x04docx-bytes", "application/msword")
    await app.send_file("u1", media_id)
    image_id = await app.upload_media("image", "chart.png", b"\x89PNG\r\n\x1a\nrest", "image/png")
    await app.send_image("u1", image_id)
    assert wecom.media[media_id].filename == "台账.docx"
    assert wecom.media[media_id].content == b"PK\x03\x04docx-bytes"
    assert wecom.media[image_id].kind == "image"
    assert [p["msgtype"] for p in wecom.sent] == ["file", "image"]
    assert wecom.sent[0]["file"] == {"media_id": media_id}


async def test_oversized_media_is_refused_before_upload(app, wecom):
    with pytest.raises(MediaTooLargeError):
        await app.upload_media("image", "big.png", b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(MediaTooLargeError):
        await app.upload_media("file", "tiny.txt", b"abc")
    assert wecom.media == {}


async def test_app_frequency_limit_surfaces_as_retryable_45009(app, wecom):
    wecom.app_rate_limit = 2
    await app.send_text("u1", "1")
    await app.send_text("u2", "2")
    with pytest.raises(WeComApiError) as info:
        await app.send_text("u3", "3")
    assert info.value.errcode == 45009 and info.value.retryable


async def test_app_waits_for_the_per_member_limit(wecom, clock):
    async with WeComAppClient(
        wecom.corp_id,
        wecom.agent_id,
        wecom.secret,
        api_base=wecom.base_url,
        monotonic=clock,
        sleep=clock.sleep,
        per_user_per_minute=3,
    ) as client:
        for i in range(4):
            await client.send_text("u1", str(i))
        await client.send_text("u2", "other member is not held up")
    assert clock.sleeps == [60.0]
    assert len(wecom.sent) == 5


# ---------------------------------------------------------------- faults and error surfacing
async def test_injected_errcode_is_surfaced_with_code_and_message(app, wecom):
    wecom.fail_next("message/send", errcode=81013, errmsg="user & party & tag all invalid")
    with pytest.raises(WeComApiError) as info:
        await app.send_text("nobody", "x")
    err = info.value
    assert (err.errcode, err.errmsg) == (81013, "user & party & tag all invalid")
    assert err.endpoint == "message/send"
    assert not err.retryable and "81013" in str(err)


async def test_system_busy_is_retryable(app, wecom):
    wecom.fail_next("message/send", errcode=-1, errmsg="system busy")
    with pytest.raises(WeComApiError) as info:
        await app.send_text("u1", "x")
    assert info.value.retryable


async def test_http_500_is_a_transport_error(app, wecom):
    wecom.fail_next("media/upload", status=502)
    with pytest.raises(WeComTransportError) as info:
        await app.upload_media("file", "a.txt", b"123456")
    assert info.value.retryable and "502" in str(info.value)


async def test_dropped_connection_is_a_transport_error_without_the_token(app, wecom):
    await app.send_text("u1", "warm up")
    token = next(iter(wecom.tokens))
    wecom.fail_next("message/send", drop=True)
    with pytest.raises(WeComTransportError) as info:
        await app.send_text("u1", "x")
    assert token not in str(info.value) and info.value.retryable


async def test_unreachable_server_is_a_transport_error(clock):
    async with WeComAppClient(
        "c", 1, "s", api_base="http://127.0.0.1:9", monotonic=clock, sleep=clock.sleep
    ) as client:
        with pytest.raises(WeComTransportError):
            await client.access_token()


# ---------------------------------------------------------------- group robot
async def test_robot_markdown_split_to_4096_bytes(robot, wecom):
    await robot.send_markdown(ROBOT, "\n".join(f"**{i}** 卫健局：推进中" for i in range(400)))
    contents = [p["markdown"]["content"] for _, p in wecom.robot_sent]
    assert len(contents) > 1 and all(len(c.encode()) <= 4096 for c in contents)
    assert max(len(c.encode()) for c in contents) > 2048  # uses the robot's larger limit


async def test_robot_image_is_base64_with_md5(robot, wecom):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    await robot.send_image(ROBOT, png)
    ((key, payload),) = wecom.robot_sent
    assert key == ROBOT and payload["msgtype"] == "image"
    assert base64.b64decode(payload["image"]["base64"]) == png
    assert payload["image"]["md5"] == hashlib.md5(png).hexdigest()


async def test_robot_image_over_2_mb_is_refused(robot, wecom):
    with pytest.raises(MediaTooLargeError):
        await robot.send_image(ROBOT, b"x" * (2 * 1024 * 1024 + 1))
    assert wecom.robot_sent == []


async def test_robot_file_via_upload_media(robot, wecom):
    media_id = await robot.upload_file(ROBOT, "台账.xlsx", b"PK\x03\x04xlsx-bytes")
    await robot.send_file(ROBOT, media_id)
    assert wecom.media[media_id].owner == ROBOT and wecom.media[media_id].filename == "台账.xlsx"
    assert wecom.robot_sent == [(ROBOT, {"msgtype": "file", "file": {"media_id": media_id}})]


async def test_unknown_robot_key_is_surfaced_without_the_key(robot):
    with pytest.raises(WeComApiError) as info:
        await robot.send_text("secret-unknown-key", "x")
    assert info.value.errcode == 93000 and "secret-unknown-key" not in str(info.value)


async def test_robot_waits_instead_of_hitting_20_per_minute(robot, wecom, clock):
    for i in range(45):
        await robot.send_text(ROBOT, f"消息{i}")
    # The fake enforces WeCom's 20/min with 45009: none was refused, and we waited twice.
    assert len(wecom.robot_sent) == 45
    assert clock.sleeps == [60.0, 60.0]


async def test_robot_limit_is_per_key(robot, wecom, clock):
    wecom.robot_keys.add("robot-key-2")
    for i in range(20):
        await robot.send_text(ROBOT, str(i))
        await robot.send_text("robot-key-2", str(i))
    assert clock.sleeps == [] and len(wecom.robot_sent) == 40


async def test_fake_enforces_robot_limit_so_the_limiter_test_can_fail(wecom, clock):
    async with WeComRobotClient(
        api_base=wecom.base_url, monotonic=clock, sleep=clock.sleep, per_minute=100
    ) as greedy:
        for i in range(20):
            await greedy.send_text(ROBOT, str(i))
        with pytest.raises(WeComApiError) as info:
            await greedy.send_text(ROBOT, "21st")
    assert info.value.errcode == 45009


# ---------------------------------------------------------------- limiter and splitting units
async def test_sliding_window_limiter(clock):
    limiter = SlidingWindowLimiter(2, 10.0, monotonic=clock, sleep=clock.sleep)
    assert await limiter.acquire("k") == 0
    clock.advance(4)
    assert await limiter.acquire("k") == 0
    assert await limiter.acquire("k") == pytest.approx(6.0)  # waits for the first to leave the window
    assert await limiter.acquire("k") == pytest.approx(4.0)
    assert await limiter.acquire("other") == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(LINE_CHARS, max_size=120), max_size=60), st.sampled_from([16, 64, 2048]))
def test_split_utf8_properties(lines, limit):
    text = "\n".join(lines)
    chunks = split_utf8(text, limit)
    assert all(len(c.encode()) <= limit for c in chunks)
    # Nothing but line breaks (and whitespace-only chunks) may be lost, and order is kept.
    squash = lambda s: "".join(s.split())  # noqa: E731
    assert squash("".join(chunks)) == squash(text)
    if all(len(line.encode()) <= limit for line in lines) and len(text.encode()) > limit:
        for chunk in chunks:  # whole lines only when every line fits
            assert all(part in lines for part in chunk.split("\n"))


def test_split_utf8_short_text_is_one_chunk():
    assert split_utf8("你好", 2048) == ["你好"]
    assert split_utf8("", 2048) == [""]


def test_log_filter_redacts_tokens_and_keys():
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        'HTTP Request: %s %s "%s"',
        (
            "POST",
            "https://q/cgi-bin/message/send?access_token=SECRET1&x=1",
            "https://q/cgi-bin/webhook/send?key=SECRET2",
        ),
        None,
    )
    assert RedactSecretsFilter().filter(record)
    message = record.getMessage()
    assert "SECRET1" not in message and "SECRET2" not in message and "access_token=***" in message


async def test_httpx_request_logs_do_not_leak_the_token(app, wecom, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # another adapter may have quietened httpx
    await app.send_text("u1", "x")
    token = next(iter(wecom.tokens))
    assert "HTTP Request" in caplog.text  # httpx did log the URL...
    assert token not in caplog.text and wecom.secret not in caplog.text  # ...without secrets
