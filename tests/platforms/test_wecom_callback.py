"""The /wecom/callback route of `ledgerbot web`: URL verification, refusals with nothing stored, answers
after HTTP 200, work kept across shutdowns and crashes, and failed sends retried from the outbox."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

from bot.adapters.wecom import MAX_BODY
from bot.adapters.wecom_crypto import WeComCrypto
from bot.platforms.wecom_callback import CALLBACK_PATH
from handlers import texts
from tests.fakes.fake_wecom import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN, text_xml
from tests.transcript import expect

BOMB_DTD = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


# ---------------------------------------------------------------- URL verification (GET)
async def test_url_verification_answers_the_decrypted_echostr_verbatim(make_wecom):
    bot = await make_wecom(seed=False)
    crypto, ts = bot.crypto, str(bot.now())
    echo = crypto.encrypt(b"1616140317555161061")
    query = {
        "msg_signature": crypto.signature(ts, "1597212914", echo),
        "timestamp": ts,
        "nonce": "1597212914",
        "echostr": echo,
    }
    response = await bot.http.get(CALLBACK_PATH, params=query)
    assert (response.status_code, response.text) == (200, "1616140317555161061")
    assert response.headers["content-type"].startswith("text/plain")
    # A proxy that leaves "+" unencoded turns it into a space; the signed value still verifies.
    while "+" not in echo:
        echo = crypto.encrypt(b"1616140317555161061")
    query.update(echostr=echo, msg_signature=crypto.signature(ts, "1597212914", echo))
    raw = "&".join(f"{k}={quote(v, safe='+/=')}" for k, v in query.items())
    response = await bot.http.get(f"{CALLBACK_PATH}?{raw}")
    assert (response.status_code, response.text) == (200, "1616140317555161061")


async def test_url_verification_with_a_bad_signature_or_old_timestamp_is_refused(make_wecom):
    bot = await make_wecom(seed=False)
    crypto = bot.crypto
    echo = crypto.encrypt(b"12345")
    for ts, signature in (
        (str(bot.now()), "0" * 40),
        (str(bot.now() - 3600), crypto.signature(str(bot.now() - 3600), "n", echo)),
    ):
        response = await bot.http.get(
            CALLBACK_PATH, params={"msg_signature": signature, "timestamp": ts, "nonce": "n", "echostr": echo}
        )
        assert response.status_code == 403 and "12345" not in response.text
    assert (await bot.http.get(CALLBACK_PATH)).status_code == 403


# ---------------------------------------------------------------- refusals (POST)
def _bad_signature(bot):
    query, body = bot.signed(text_xml("mallory", "填报", "1001", bot.now()))
    return {**query, "msg_signature": "0" * 40}, body


def _tampered(bot):
    query, body = bot.signed(text_xml("mallory", "填报", "1002", bot.now()))
    start = body.index(b"<Encrypt><![CDATA[") + len(b"<Encrypt><![CDATA[")
    flipped = b"A" if body[start + 10 : start + 11] != b"A" else b"B"
    return query, body[: start + 10] + flipped + body[start + 11 :]


def _garbage_signed_with_the_token(bot):
    # Whoever holds the token but not the key: the signature matches, the ciphertext does not decrypt.
    ts, nonce, encrypted = str(bot.now()), "n", "QUJDREVGR0hJSktMTU5PUA=="
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    signature = bot.crypto.signature(ts, nonce, encrypted)
    return {"msg_signature": signature, "timestamp": ts, "nonce": nonce}, body


def _wrong_corp_id(bot):
    other = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, "wwOTHERCORP000000")
    return bot.signed(
        text_xml("mallory", "填报", "1003", bot.now(), corp_id="wwOTHERCORP000000"), crypto=other
    )


def _stale(bot):
    return bot.signed(text_xml("mallory", "填报", "1004", bot.now() - 301), timestamp=bot.now() - 301)


def _from_the_future(bot):
    return bot.signed(text_xml("mallory", "填报", "1005", bot.now()), timestamp=bot.now() + 301)


def _bomb_outside(bot):
    query, body = bot.signed(text_xml("mallory", "填报", "1006", bot.now()))
    return query, BOMB_DTD.encode() + body.replace(b"<xml>", b"<xml>&lol3;", 1)


def _bomb_inside(bot):
    # Signed and encrypted correctly: only the decrypted XML carries the entities.
    return bot.signed(
        BOMB_DTD + text_xml("mallory", "&lol3;", "1007", bot.now()).replace("<![CDATA[&lol3;]]>", "&lol3;")
    )


def _huge(bot):
    query, body = bot.signed(text_xml("mallory", "填报", "1008", bot.now()))
    return query, body.replace(b"</xml>", b"<Pad>" + b"x" * MAX_BODY + b"</Pad></xml>")


def _no_encrypt(bot):
    ts = str(bot.now())
    return {"msg_signature": bot.crypto.signature(ts, "n", ""), "timestamp": ts, "nonce": "n"}, b"<xml></xml>"


def _not_xml(bot):
    query, _ = bot.signed(text_xml("mallory", "填报", "1009", bot.now()))
    return query, b"\xff\xfe not xml"


REFUSED = {
    "bad signature": (_bad_signature, 403),
    "tampered ciphertext": (_tampered, 403),
    "undecryptable ciphertext": (_garbage_signed_with_the_token, 400),
    "wrong CorpID": (_wrong_corp_id, 403),
    "stale timestamp": (_stale, 403),
    "future timestamp": (_from_the_future, 403),
    "entity bomb in the envelope": (_bomb_outside, 400),
    "entity bomb in the message": (_bomb_inside, 400),
    "oversized body": (_huge, 413),
    "no Encrypt element": (_no_encrypt, 400),
    "not XML": (_not_xml, 400),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_bad_callback_gets_4xx_and_nothing_is_processed(make_wecom, wecom_fake, case):
    bot = await make_wecom()
    build, status = REFUSED[case]
    query, body = build(bot)
    response = await bot.post(query, body)
    assert response.status_code == status, response.text
    assert SAMPLE_TOKEN not in response.text and SAMPLE_CORP_ID not in response.text
    await bot.settle()
    assert await bot.inbox() == []
    assert wecom_fake.send_attempts == 0 and wecom_fake.gettoken_calls == 0


async def test_the_same_callback_is_accepted_once_its_problem_is_gone(make_wecom, wecom_fake):
    """The refusals above are about the request: a good one from the same member goes through."""
    bot = await make_wecom()
    expect(await bot.member("mallory").say("填报"), "绑定码")
    assert [e.text for e in await bot.inbox()] == ["填报"]


# ---------------------------------------------------------------- answers after the 200
async def test_http_200_comes_before_the_work_and_the_answer_follows(make_wecom, wecom_fake):
    bot = await make_wecom()
    gate = asyncio.Event()
    handle = bot.part._handler.handle_many

    async def slow(msgs, **options):
        await gate.wait()
        return await handle(msgs, **options)

    bot.part._handler.handle_many = slow
    response = await bot.post(*bot.signed(text_xml("zhangsan", "你好", "2001", bot.now())))
    assert response.status_code == 200
    [entry] = await bot.inbox()
    assert (entry.text, entry.state) == ("你好", "received")  # stored before WeCom heard back
    assert wecom_fake.texts_to("zhangsan") == []
    gate.set()
    await bot.settle()
    assert "绑定码" in wecom_fake.texts_to("zhangsan")[0]
    assert [e.state for e in await bot.inbox()] == ["handled"]


async def test_an_event_is_greeted(make_wecom, wecom_fake):
    bot = await make_wecom(seed=False)
    assert await bot.member("zhangsan").open_app("subscribe") == [texts.EVENT_GREETING]


async def test_one_members_messages_are_handled_in_order_while_others_run(make_wecom, wecom_fake):
    bot = await make_wecom(concurrency=4)
    handled: list[str] = []
    handle = bot.part._handler.handle_many

    async def record(msgs, **options):
        [msg] = msgs
        await asyncio.sleep(0.05 if msg.text == "第一" else 0)
        handled.append(f"{msg.user_id}:{msg.text}")
        return await handle(msgs, **options)

    bot.part._handler.handle_many = record
    posts = [
        bot.signed(text_xml(user, word, f"30{i}{j}", bot.now()))
        for i, user in enumerate(("a", "b"))
        for j, word in enumerate(("第一", "第二", "第三"))
    ]
    for query, body in posts:
        assert (await bot.post(query, body)).status_code == 200
    await bot.settle()
    for user in ("a", "b"):
        assert [h for h in handled if h.startswith(user)] == [f"{user}:第一", f"{user}:第二", f"{user}:第三"]
    assert len(await bot.inbox()) == 6


# ---------------------------------------------------------------- shutdown, crash, restart
async def test_shutdown_finishes_the_work_in_flight(make_wecom, wecom_fake):
    bot = await make_wecom()
    handle = bot.part._handler.handle_many

    async def slow(msgs, **options):
        await asyncio.sleep(0.2)
        return await handle(msgs, **options)

    bot.part._handler.handle_many = slow
    for i, user in enumerate(("u1", "u2", "u3")):
        assert (await bot.post(*bot.signed(text_xml(user, "你好", f"400{i}", bot.now())))).status_code == 200
    await bot.stop()  # before anything was answered
    assert all(wecom_fake.texts_to(user) for user in ("u1", "u2", "u3"))
    await bot.start()
    assert {e.state for e in await bot.inbox()} == {"handled"}


async def test_a_message_stored_before_a_crash_is_handled_on_redelivery(make_wecom, wecom_fake):
    bot = await make_wecom(drain_timeout=0.0, recover=False)
    bot.part._handler.handle_many = _hang
    callback = bot.signed(text_xml("zhangsan", "你好", "5001", bot.now()))
    assert (await bot.post(*callback)).status_code == 200
    await asyncio.sleep(0.05)
    await bot.restart()  # the handler never finished: the process "died" with the message in the inbox
    assert [(e.text, e.state) for e in await bot.inbox()] == [("你好", "received")]
    assert wecom_fake.texts_to("zhangsan") == []
    # WeCom re-posts the same callback (same MsgId): it is handled now, and only once.
    assert (await bot.post(*callback)).status_code == 200
    await bot.settle()
    assert (await bot.post(*callback)).status_code == 200
    await bot.settle()
    assert len(wecom_fake.texts_to("zhangsan")) == 1
    assert [(e.text, e.state) for e in await bot.inbox()] == [("你好", "handled")]


async def test_a_message_left_in_the_inbox_is_handled_at_the_next_start(make_wecom, wecom_fake):
    bot = await make_wecom(drain_timeout=0.0)
    bot.part._handler.handle_many = _hang
    assert (await bot.post(*bot.signed(text_xml("zhangsan", "你好", "6001", bot.now())))).status_code == 200
    await asyncio.sleep(0.05)
    await bot.restart()
    await bot.settle()
    assert "绑定码" in wecom_fake.texts_to("zhangsan")[0]
    assert [(e.text, e.state) for e in await bot.inbox()] == [("你好", "handled")]


async def test_callbacks_during_shutdown_get_503_so_wecom_retries(make_wecom, wecom_fake):
    bot = await make_wecom()
    bot.part._closing = True  # what stop() sets first
    response = await bot.post(*bot.signed(text_xml("zhangsan", "你好", "7001", bot.now())))
    assert response.status_code == 503
    assert await bot.inbox() == []
    bot.part._closing = False


async def _hang(msgs, **_options):
    await asyncio.Event().wait()


# ---------------------------------------------------------------- failed sends
async def test_a_failed_reply_is_kept_in_the_outbox(make_wecom, wecom_fake):
    bot = await make_wecom(retry_interval=3600)
    wecom_fake.fail_next("message/send", errcode=-1, errmsg="system busy")
    await bot.member("zhangsan").say("你好")
    assert wecom_fake.texts_to("zhangsan") == []
    [(_, kept)] = await bot.app.outbox().due("wecom")
    assert kept.chat.chat_id == "zhangsan" and "绑定码" in kept.replies[0].text


async def test_a_failed_reply_is_retried_periodically(make_wecom, wecom_fake):
    bot = await make_wecom(retry_interval=0.05)
    wecom_fake.fail_next("message/send", times=2, errcode=-1, errmsg="system busy")
    await bot.member("zhangsan").say("你好")
    for _ in range(250):
        if wecom_fake.texts_to("zhangsan") and not await bot.scalar(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
        ):
            break
        await asyncio.sleep(0.02)
    assert "绑定码" in wecom_fake.texts_to("zhangsan")[0]
    assert wecom_fake.send_attempts == 3  # the reply, a failed retry, a good one
    assert await bot.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    # The reply queued with its message (closed when the failure kept it as a new row) and that row, sent.
    assert await bot.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == 2


async def test_a_reply_that_can_never_be_delivered_is_not_retried_forever(make_wecom, wecom_fake):
    bot = await make_wecom(retry_interval=0.05)
    wecom_fake.fail_next("message/send", errcode=40003, errmsg="invalid userid")
    await bot.member("ghost").say("你好")
    # The reply was queued with its message; giving up closes that row (written down within a second).
    for _ in range(250):
        if not await bot.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL"):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # a few retry intervals
    assert wecom_fake.send_attempts == 1
    assert await bot.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
