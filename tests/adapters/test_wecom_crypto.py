"""WeCom callback crypto and parsing, checked against Tencent's published sample values.

Sample vectors: Tencent's official callback sample for Python (WXBizMsgCrypt, author jonyqin),
file ``callback/Sample.py`` as published in https://github.com/sbzhu/weworkapi_python (the
repository Tencent's docs link for the Python SDK): the "使用示例一：验证回调URL" GET values and the
"使用示例二：对用户回复的消息解密" POST values below are copied from it unchanged.
"""

from __future__ import annotations

import base64
import os
import random
import struct
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.wecom import WeComCallback, parse_xml, to_incoming
from bot.adapters.wecom_crypto import (
    DecryptError,
    ReceiverMismatchError,
    SignatureError,
    StaleTimestampError,
    WeComCallbackError,
    WeComCrypto,
    XmlError,
    _pkcs7_pad,
    compute_signature,
)
from bot.core.clock import SHANGHAI, FakeClock
from tests.fakes.fake_wecom import (
    SAMPLE_AES_KEY,
    SAMPLE_CORP_ID,
    SAMPLE_TOKEN,
    callback_body,
    event_xml,
    text_xml,
)

# --- Tencent sample, example 1 (URL verification GET) ---
VERIFY_SIG = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
VERIFY_TS = "1476416373"
VERIFY_NONCE = "47744683"
VERIFY_ECHOSTR = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
# --- Tencent sample, example 2 (encrypted message POST) ---
MSG_SIG = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
MSG_TS = "1476422779"
MSG_NONCE = "1597212914"
MSG_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2"
    "AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8"
    "KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQ"
    "DCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)
MSG_BODY = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA["
    + MSG_ENCRYPT
    + "]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
).encode()


def clock_at(ts: str | int) -> FakeClock:
    return FakeClock(datetime.fromtimestamp(int(ts), SHANGHAI))


def sample_callback(ts: str = MSG_TS, **kw) -> WeComCallback:
    return WeComCallback(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, clock_at(ts), **kw)


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)


# ---------------------------------------------------------------- Tencent's sample vectors
def test_sample_signatures_match():
    assert compute_signature(SAMPLE_TOKEN, VERIFY_TS, VERIFY_NONCE, VERIFY_ECHOSTR) == VERIFY_SIG
    assert compute_signature(SAMPLE_TOKEN, MSG_TS, MSG_NONCE, MSG_ENCRYPT) == MSG_SIG


def test_verify_url_with_sample_answers_the_plain_echostr():
    echo = sample_callback(VERIFY_TS).verify_url(VERIFY_SIG, VERIFY_TS, VERIFY_NONCE, VERIFY_ECHOSTR)
    assert echo == "1288432023552776189"


def test_sample_message_uses_more_than_16_bytes_of_padding(crypto):
    # The sample's padding is 22 bytes: a 16-byte PKCS#7 unpadder would reject it.
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(SAMPLE_AES_KEY + "=")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = dec.update(base64.b64decode(MSG_ENCRYPT)) + dec.finalize()
    assert plain[-1] == 22
    unpadder = padding.PKCS7(128).unpadder()
    with pytest.raises(ValueError, match="padding"):
        unpadder.update(plain) + unpadder.finalize()
    assert crypto.decrypt(MSG_ENCRYPT).startswith(b"<xml><ToUserName>ww1436e0e65a779aee</ToUserName>")


def test_decrypt_sample_message_into_incoming_message():
    msg = sample_callback().decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY)
    assert msg.message_id == "1456453720"
    assert msg.user_id == "ChenJiaShun"
    assert msg.text == "你好"
    assert msg.kind == "text"
    assert msg.chat.platform == "wecom" and msg.chat.chat_id == "ChenJiaShun" and not msg.chat.is_group
    assert msg.sent_at == datetime.fromtimestamp(1476422779, SHANGHAI)


# ---------------------------------------------------------------- round trips
def test_round_trip_many_lengths(crypto):
    rng = random.Random(8)
    for length in [*list(range(100)), 255, 256, 1000, 2047, 2048, 2049, 5000, 65536]:
        message = bytes(rng.getrandbits(8) for _ in range(length))
        encrypted = crypto.encrypt(message)
        assert len(base64.b64decode(encrypted)) % 32 == 0
        assert crypto.decrypt(encrypted) == message


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_round_trip_unicode_text(text):
    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    assert crypto.decrypt(crypto.encrypt(text.encode())).decode() == text


def test_padding_always_between_1_and_32_bytes():
    for n in range(70):
        padded = _pkcs7_pad(b"x" * n)
        assert len(padded) % 32 == 0 and 1 <= padded[-1] <= 32 and len(padded) - n == padded[-1]


@pytest.mark.parametrize("content", ["填报 进展：新增停车泊位35个", "a", "x" * 2048, "<&>\"'"])
def test_callback_round_trip_of_text_messages(crypto, content):
    now = 1_700_000_000
    cb = sample_callback(now)
    inner = text_xml("zhangsan", content.replace("]]>", ""), "7000000000000000001", now)
    sig, body = callback_body(crypto, SAMPLE_CORP_ID, inner, str(now), "n1")
    msg = cb.decrypt_message(sig, str(now), "n1", body)
    assert (msg.text, msg.user_id, msg.message_id) == (content, "zhangsan", "7000000000000000001")


def test_encrypt_reply_round_trips_through_decrypt_message():
    now = 1_700_000_000
    cb = sample_callback(now)
    reply = cb.encrypt_reply(text_xml("lisi", "收到", "42", now), str(now), "99")
    fields = parse_xml(reply.encode())
    msg = cb.decrypt_message(fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"], reply.encode())
    assert msg.text == "收到" and msg.user_id == "lisi"


# ---------------------------------------------------------------- events and other kinds
@pytest.mark.parametrize("event", ["enter_agent", "subscribe"])
def test_events_become_event_messages_with_a_stable_id(crypto, event):
    now = 1_700_000_100
    inner = event_xml("wangwu", event, now)
    sig, body = callback_body(crypto, SAMPLE_CORP_ID, inner, str(now), "n2")
    first = sample_callback(now).decrypt_message(sig, str(now), "n2", body)
    # WeCom re-delivers the same event with a fresh envelope: the id must not change.
    sig2, body2 = callback_body(crypto, SAMPLE_CORP_ID, inner, str(now + 5), "n3")
    again = sample_callback(now + 5).decrypt_message(sig2, str(now + 5), "n3", body2)
    assert first.kind == "event" and first.text == event and first.user_id == "wangwu"
    assert first.message_id == again.message_id == f"event:wangwu:{now}:{event}"


def test_retried_text_message_keeps_msgid():
    now = 1_700_000_000
    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    inner = text_xml("u1", "hi", "123456789", now)
    ids = {
        sample_callback(now).decrypt_message(*_signed(crypto, inner, now, nonce)).message_id
        for nonce in ("a", "b", "c")
    }
    assert ids == {"123456789"}


def _signed(crypto, inner, now, nonce):
    sig, body = callback_body(crypto, SAMPLE_CORP_ID, inner, str(now), nonce)
    return sig, str(now), nonce, body


def test_image_message_is_unsupported_not_an_error():
    fields = {
        "FromUserName": "u1",
        "CreateTime": "1700000000",
        "MsgType": "image",
        "PicUrl": "http://x",
        "MediaId": "m",
        "MsgId": "55",
    }
    msg = to_incoming(fields)
    assert msg.kind == "unsupported" and msg.message_id == "55" and msg.text == ""


# ---------------------------------------------------------------- rejections
def test_bad_signature_is_rejected():
    bad = "0" * 40
    with pytest.raises(SignatureError):
        sample_callback(VERIFY_TS).verify_url(bad, VERIFY_TS, VERIFY_NONCE, VERIFY_ECHOSTR)
    with pytest.raises(SignatureError):
        sample_callback().decrypt_message(bad, MSG_TS, MSG_NONCE, MSG_BODY)
    # The nonce is signed too.
    with pytest.raises(SignatureError):
        sample_callback().decrypt_message(MSG_SIG, MSG_TS, "1597212915", MSG_BODY)


def test_tampered_ciphertext_without_resigning_fails_the_signature():
    raw = bytearray(base64.b64decode(MSG_ENCRYPT))
    raw[-1] ^= 1
    tampered = MSG_BODY.replace(MSG_ENCRYPT.encode(), base64.b64encode(bytes(raw)))
    with pytest.raises(SignatureError):
        sample_callback().decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, tampered)


@pytest.mark.parametrize("flip_at", [-1, -17, -33])
def test_tampered_ciphertext_with_valid_signature_fails_decryption(flip_at):
    # An attacker who could sign still cannot forge: flipping the last blocks breaks padding/CorpID.
    raw = bytearray(base64.b64decode(MSG_ENCRYPT))
    raw[flip_at] ^= 0x5A
    enc = base64.b64encode(bytes(raw)).decode()
    body = MSG_BODY.replace(MSG_ENCRYPT.encode(), enc.encode())
    sig = compute_signature(SAMPLE_TOKEN, MSG_TS, MSG_NONCE, enc)
    with pytest.raises((DecryptError, ReceiverMismatchError)):
        sample_callback().decrypt_message(sig, MSG_TS, MSG_NONCE, body)


@pytest.mark.parametrize("garbage", ["not base64!!", "AAAA", base64.b64encode(b"x" * 17).decode(), ""])
def test_malformed_ciphertext_is_a_decrypt_error(crypto, garbage):
    with pytest.raises(DecryptError):
        crypto.decrypt(garbage)


def test_inner_length_beyond_plaintext_is_a_decrypt_error(crypto):
    key = base64.b64decode(SAMPLE_AES_KEY + "=")
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    plain = _pkcs7_pad(os.urandom(16) + struct.pack(">I", 10_000) + b"short" + SAMPLE_CORP_ID.encode())
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    with pytest.raises(DecryptError):
        crypto.decrypt(base64.b64encode(enc.update(plain) + enc.finalize()).decode())


def test_wrong_corp_id_is_rejected():
    other = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, "wwsomeothercorp00")
    with pytest.raises(ReceiverMismatchError):
        other.decrypt(MSG_ENCRYPT)
    cb = WeComCallback(SAMPLE_TOKEN, SAMPLE_AES_KEY, "wwsomeothercorp00", clock_at(MSG_TS))
    with pytest.raises(ReceiverMismatchError):
        cb.decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY)


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_stale_or_future_timestamp_is_rejected(offset):
    cb = WeComCallback(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, clock_at(int(MSG_TS) - offset))
    with pytest.raises(StaleTimestampError):
        cb.decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY)


def test_timestamp_window_is_configurable_and_inclusive():
    assert sample_callback(int(MSG_TS) + 300).decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY)
    late = WeComCallback(
        SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, clock_at(int(MSG_TS) + 3000), max_age=timedelta(hours=1)
    )
    assert late.decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY).text == "你好"
    tight = WeComCallback(
        SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, clock_at(int(MSG_TS) + 61), max_age=timedelta(minutes=1)
    )
    with pytest.raises(StaleTimestampError):
        tight.decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, MSG_BODY)


def test_stale_timestamp_on_url_verification_is_rejected():
    with pytest.raises(StaleTimestampError):
        sample_callback(int(VERIFY_TS) + 3600).verify_url(VERIFY_SIG, VERIFY_TS, VERIFY_NONCE, VERIFY_ECHOSTR)


def test_non_numeric_timestamp_is_rejected(crypto):
    enc = crypto.encrypt(b"x")
    with pytest.raises(StaleTimestampError):
        sample_callback().verify_url(crypto.signature("abc", "n", enc), "abc", "n", enc)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><Encrypt>&lol4;</Encrypt></xml>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_bomb_in_outer_body_is_refused(body):
    with pytest.raises(XmlError):
        sample_callback().decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, body)


def test_entity_bomb_inside_a_validly_signed_message_is_refused(crypto):
    now = 1_700_000_000
    sig, body = callback_body(crypto, SAMPLE_CORP_ID, BILLION_LAUGHS.decode(), str(now), "n")
    with pytest.raises(XmlError):
        sample_callback(now).decrypt_message(sig, str(now), "n", body)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<xml>",
        b"not xml",
        b"<xml><ToUserName>x</ToUserName></xml>",
        b"<xml><Encrypt>" + b"A" * 300_000 + b"</Encrypt></xml>",
    ],
)
def test_malformed_or_oversized_body_is_an_xml_error(body):
    with pytest.raises(XmlError):
        sample_callback().decrypt_message(MSG_SIG, MSG_TS, MSG_NONCE, body)


def test_decrypted_message_without_required_fields_is_an_xml_error(crypto):
    now = 1_700_000_000
    sig, body = callback_body(crypto, SAMPLE_CORP_ID, "<xml><MsgType>text</MsgType></xml>", str(now), "n")
    with pytest.raises(XmlError):
        sample_callback(now).decrypt_message(sig, str(now), "n", body)


def test_every_rejection_maps_to_a_4xx():
    for exc in (SignatureError, StaleTimestampError, DecryptError, ReceiverMismatchError, XmlError):
        assert issubclass(exc, WeComCallbackError) and 400 <= exc.http_status < 500


@pytest.mark.parametrize("key", ["short", "!" * 43, SAMPLE_AES_KEY[:-1] + "*"])
def test_bad_encoding_aes_key_is_refused_without_echoing_it(key):
    with pytest.raises(ValueError, match="EncodingAESKey") as info:
        WeComCrypto(SAMPLE_TOKEN, key, SAMPLE_CORP_ID)
    assert key not in str(info.value)


def test_repr_hides_secrets(crypto):
    assert SAMPLE_TOKEN not in repr(crypto) and SAMPLE_AES_KEY not in repr(sample_callback())
