"""Secrets never reach a log line or an error message (issue 17, case 6)."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactingFormatter, failure_line, redact, remember_secrets, secrets_of
from bot.settings import Settings


def test_settings_secrets_are_masked_wherever_they_appear():
    settings = Settings(
        _env_file=None,
        telegram={"token": "55555:configured-token-value-abcdefgh", "webhook_secret": "hook-secret-42"},
        wecom={"secret": "wecom-app-secret", "robot_key": "grp=robot-key-0001"},
    )
    found = secrets_of(settings)
    assert "hook-secret-42" in found and "wecom-app-secret" in found and "grp=robot-key-0001" in found
    remember_secrets(found)
    text = redact("POST /x?key=robot-key-0001 secret hook-secret-42 wecom-app-secret")
    assert "robot-key-0001" not in text and "hook-secret-42" not in text and "wecom-app-secret" not in text


def test_token_shapes_and_url_passwords_are_masked_even_when_not_configured():
    text = redact(
        "The token `123456789:AAFake_token-never-configured-xyz` was rejected; postgresql://u:pw0rd@db/x"
    )
    assert "AAFake" not in text and "pw0rd" not in text and "postgresql://u:***@db/x" in text


def test_a_logged_traceback_is_redacted():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s"))
    log = logging.getLogger("test_redaction")
    log.addHandler(handler)
    try:
        raise RuntimeError("bad token 424242:ZZsecret-token-in-traceback-000")
    except RuntimeError:
        log.exception("failed with postgresql://admin:hunter2@127.0.0.1/db")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "Traceback" in out and "ZZsecret" not in out and "hunter2" not in out


def test_failure_line_is_one_line_from_the_root_cause():
    try:
        try:
            raise ValueError("first line 777777:Zsecret-token-in-cause-000000\nsecond line")
        except ValueError as inner:
            raise RuntimeError("wrapper") from inner
    except RuntimeError as exc:
        line = failure_line(exc)
    assert line.startswith("ValueError: first line") and "\n" not in line and "Zsecret" not in line


async def test_an_outbox_row_keeps_no_secret(app):
    from bot.core.messages import ChatRef
    from bot.core.replies import Outbound, TextReply

    out = Outbound(chat=ChatRef(platform="telegram", chat_id="1"), replies=(TextReply(text="hi"),))
    error = "NetworkError: https://api.telegram.org/bot123456789:AAsecret-token-in-url-0000000000/sendMessage"
    await app.outbox().record_failed(out, error)
    stored = await _outbox_errors(app)
    assert stored and all("AAsecret" not in e and "/sendMessage" in e for e in stored)


async def _outbox_errors(app) -> list[str]:
    from sqlalchemy import select

    from storage.models import OutboxRow

    async with app.uow() as uow:
        return list((await uow.session.execute(select(OutboxRow.error))).scalars())
