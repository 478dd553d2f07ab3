"""The DingTalk adapter without a network: signatures, payload mapping, webhook hosts, rate limits, titles."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC

from bot.adapters.dingtalk import (
    BadSignatureError,
    PayloadError,
    session_webhook,
    sign,
    to_incoming,
    under_base,
    verify_signature,
)
from bot.adapters.dingtalk_api import DingTalkApi, DingTalkApiError
from bot.adapters.dingtalk_send import markdown_title
from bot.core.clock import SHANGHAI, FakeClock
from tests.fakes.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, FakeDingTalk
from tests.fakes.fake_wecom import FakeTime

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)
NOW_MS = int(NOW.timestamp() * 1000)
SECRET = "this-is-the-app-secret"


def reference_sign(timestamp: str, secret: str) -> str:
    """DingTalk's documented recipe, computed with another HMAC implementation (cryptography's)."""
    mac = HMAC(secret.encode(), hashes.SHA256())
    mac.update(f"{timestamp}\n{secret}".encode())
    return base64.b64encode(mac.finalize()).decode()


def test_the_signature_is_base64_hmac_sha256_of_timestamp_newline_secret():
    assert sign(str(NOW_MS), SECRET) == reference_sign(str(NOW_MS), SECRET)
    assert sign(str(NOW_MS), SECRET) != sign(str(NOW_MS + 1), SECRET)


def test_a_signature_is_checked_and_the_timestamp_kept_within_an_hour():
    clock = FakeClock(NOW)
    verify_signature(str(NOW_MS), reference_sign(str(NOW_MS), SECRET), SECRET, clock)
    almost = str(NOW_MS - 3_599_000)
    verify_signature(almost, reference_sign(almost, SECRET), SECRET, clock)
    for ts, signature in [
        (str(NOW_MS), reference_sign(str(NOW_MS), "another-secret")),
        (str(NOW_MS), ""),
        ("", reference_sign("", SECRET)),
        ("12ab", reference_sign("12ab", SECRET)),
        (str(NOW_MS - 3_601_000), reference_sign(str(NOW_MS - 3_601_000), SECRET)),
        (str(NOW_MS + 3_601_000), reference_sign(str(NOW_MS + 3_601_000), SECRET)),
    ]:
        with pytest.raises(BadSignatureError):
            verify_signature(ts, signature, SECRET, clock)


def payload(**extra):
    base = {
        "msgId": "msgA",
        "msgtype": "text",
        "text": {"content": " 填报 "},
        "conversationType": "1",
        "conversationId": "cidXYZ",
        "senderStaffId": "staff01",
        "senderNick": "张三",
        "createAt": NOW_MS,
    }
    base.update(extra)
    return base


def test_a_one_to_one_message_is_the_members_chat_and_a_group_message_the_groups():
    clock = FakeClock(NOW)
    private = to_incoming(payload(), clock)
    assert (private.chat.chat_id, private.chat.is_group, private.user_id) == ("staff01", False, "staff01")
    assert (private.text, private.kind, private.message_id, private.user_name) == (
        "填报",
        "text",
        "msgA",
        "张三",
    )
    assert private.sent_at == NOW
    group = to_incoming(payload(conversationType="2"), clock)
    assert (group.chat.chat_id, group.chat.is_group, group.user_id) == ("cidXYZ", True, "staff01")
    picture = to_incoming(payload(msgtype="picture", text=None), clock)
    assert (picture.kind, picture.text) == ("unsupported", "")
    for missing in ("msgId", "senderStaffId"):
        with pytest.raises(PayloadError):
            to_incoming({k: v for k, v in payload().items() if k != missing}, clock)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://oapi.dingtalk.com/robot/sendBySession?session=abc", True),
        ("https://OAPI.dingtalk.com/robot/sendBySession?session=abc", True),
        ("http://oapi.dingtalk.com/robot/sendBySession?session=abc", False),
        ("https://oapi.dingtalk.com.evil.example/robot/sendBySession", False),
        ("https://oapi.dingtalk.com@evil.example/robot/sendBySession", False),
        ("https://oapi.dingtalk.com:8443/robot/sendBySession", False),
        ("https://evil.example/https://oapi.dingtalk.com/robot", False),
    ],
)
def test_a_session_webhook_is_used_only_under_the_oapi_base(url, ok):
    assert under_base(url, "https://oapi.dingtalk.com") is ok
    hook = session_webhook(
        {"sessionWebhook": url, "sessionWebhookExpiredTime": NOW_MS + 1}, "https://oapi.dingtalk.com"
    )
    assert (hook is not None) is ok


def test_a_session_webhook_is_valid_until_a_minute_before_it_expires():
    hook = session_webhook(
        {
            "sessionWebhook": "https://oapi.dingtalk.com/robot/x",
            "sessionWebhookExpiredTime": NOW_MS + 120_000,
        },
        "https://oapi.dingtalk.com",
    )
    assert hook is not None
    assert hook.valid(FakeClock(NOW)) and not hook.valid(FakeClock(NOW + timedelta(seconds=61)))


def test_a_markdown_title_is_its_first_line_without_marks():
    assert markdown_title("## 2025年4月 台账\n\n正文") == "2025年4月 台账"
    assert markdown_title("\n\n**重点项目**进展") == "重点项目**进展"
    assert markdown_title("") == "…"


async def test_sends_to_one_conversation_are_held_to_twenty_a_minute():
    time = FakeTime()
    async with FakeDingTalk() as fake:
        api = DingTalkApi(
            CLIENT_ID,
            CLIENT_SECRET,
            CLIENT_ID,
            api_base=fake.base_url,
            oapi_base=fake.base_url,
            monotonic=time,
            sleep=time.sleep,
        )
        try:
            for i in range(20):
                await api.send_to_user("staff01", "sampleText", {"content": str(i)})
            await api.send_to_group("cidOther", "sampleText", {"content": "other"})
            assert time.sleeps == []  # 20 to one member, and another conversation, go at once
            await api.send_to_user("staff01", "sampleText", {"content": "20"})
            assert len(time.sleeps) == 1 and 59 <= time.sleeps[0] <= 60
            assert len(fake.to("staff01")) == 21 and fake.token_calls == 1
        finally:
            await api.aclose()


async def test_an_unknown_app_is_a_permanent_error_and_a_server_error_a_transient_one():
    async with FakeDingTalk() as fake:
        wrong = DingTalkApi(CLIENT_ID, "wrong", CLIENT_ID, api_base=fake.base_url, oapi_base=fake.base_url)
        with pytest.raises(DingTalkApiError) as refused:
            await wrong.send_to_user("staff01", "sampleText", {"content": "x"})
        assert not refused.value.retryable
        await wrong.aclose()
        api = DingTalkApi(
            CLIENT_ID, CLIENT_SECRET, CLIENT_ID, api_base=fake.base_url, oapi_base=fake.base_url
        )
        fake.fail_next("groupSend", 502)
        with pytest.raises(DingTalkApiError) as busy:
            await api.send_to_group("cid1", "sampleText", {"content": "x"})
        assert busy.value.retryable and busy.value.status == 502
        fake.fail_next("batchSend", 403, code="Forbidden.AccessDenied.QpsLimitForApi")
        with pytest.raises(DingTalkApiError) as throttled:
            await api.send_to_user("staff01", "sampleText", {"content": "x"})
        assert throttled.value.retryable  # DingTalk's flow control: later helps
        fake.fail_next("batchSend", 400, code="staffId.notExisted")
        with pytest.raises(DingTalkApiError) as unknown:
            await api.send_to_user("nobody", "sampleText", {"content": "x"})
        assert not unknown.value.retryable
        await api.aclose()
