"""Dashboard tokens: signed, expiring, scoped; tampered, expired and foreign tokens are refused."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import pytest

from bot.core.clock import SHANGHAI
from handlers.board.tokens import Grant, TokenError, issue, sign, verify

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)
SECRET = "s3cret"


def _token(**kw):
    args = {
        "platform": "wecom",
        "user_id": "zhangsan",
        "name": "张三",
        "role": "viewer",
        "now": NOW,
        "hours": 24,
    }
    return issue(SECRET, **{**args, **kw})


def test_a_token_names_the_person_and_role_until_it_expires():
    grant = verify(_token(), SECRET, NOW + timedelta(hours=23, minutes=59))
    assert (grant.platform, grant.user_id, grant.name, grant.role) == ("wecom", "zhangsan", "张三", "viewer")
    assert grant.expires == int((NOW + timedelta(hours=24)).timestamp())


def test_an_expired_token_is_refused():
    with pytest.raises(TokenError, match="expired"):
        verify(_token(hours=1), SECRET, NOW + timedelta(hours=1))


def test_a_tampered_token_is_refused():
    token = _token()
    body, mac = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "coordinator"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenError, match="signature"):
        verify(f"{forged}.{mac}", SECRET, NOW)
    flipped = mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")
    with pytest.raises(TokenError):
        verify(f"{body}.{flipped}", SECRET, NOW)


def test_another_secret_or_scope_does_not_open_the_board():
    with pytest.raises(TokenError):
        verify(_token(), "another secret", NOW)
    other = sign(Grant(platform="x", user_id="y", role="viewer", expires=2**40, scope="export"), SECRET)
    with pytest.raises(TokenError):
        verify(other, SECRET, NOW)


@pytest.mark.parametrize("bad", ["", "abc", ".", "a.b", "!!!.???", "x" * 3000 + ".y", "e30.e30"])
def test_malformed_tokens_are_refused(bad):
    with pytest.raises(TokenError):
        verify(bad, SECRET, NOW)


def test_only_board_roles_are_issued():
    with pytest.raises(ValueError, match="role"):
        _token(role="contact")
    with pytest.raises(ValueError, match="hours"):
        _token(hours=0)
