"""Signed, expiring dashboard tokens: who may look (person and role), until when, and at what.

A token is ``base64url(json payload) "." base64url(HMAC-SHA256)``; the key is derived from the board secret
and the scope, so a token signed for another purpose never opens the board. Tokens carry no ledger text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, ValidationError

SCOPE = "board"
ROLES = ("coordinator", "viewer")


class TokenError(ValueError):
    """A token that is malformed, tampered with, expired or for another scope."""


class Grant(BaseModel):
    """What a valid token grants: a named person with a role, until ``expires`` (epoch seconds)."""

    model_config = ConfigDict(frozen=True)

    platform: str
    user_id: str
    name: str = ""
    role: str
    expires: int
    scope: str = SCOPE


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str, scope: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), f"ledgerbot:{scope}".encode(), hashlib.sha256).digest()


def sign(grant: Grant, secret: str) -> str:
    """Return the token of ``grant`` signed with ``secret``."""
    if not secret:
        raise ValueError("no secret to sign dashboard links with")
    body = _b64(json.dumps(grant.model_dump(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    mac = hmac.new(_key(secret, grant.scope), body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def issue(
    secret: str, *, platform: str, user_id: str, name: str, role: str, now: datetime, hours: int
) -> str:
    """Return a token for a person and role that expires ``hours`` after ``now``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if hours <= 0:
        raise ValueError("hours must be positive")
    expires = int((now + timedelta(hours=hours)).timestamp())
    return sign(Grant(platform=platform, user_id=user_id, name=name, role=role, expires=expires), secret)


def verify(token: str, secret: str, now: datetime, scope: str = SCOPE) -> Grant:
    """Return the grant of a token signed with ``secret`` for ``scope`` and not expired at ``now``."""
    if not secret:
        raise TokenError("the board has no secret")
    body, dot, mac = (token or "").partition(".")
    if not dot or not body or not mac or len(token) > 2048:
        raise TokenError("malformed")
    try:
        expected = hmac.new(_key(secret, scope), body.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise TokenError("bad signature")
        grant = Grant.model_validate(json.loads(_unb64(body)))
    except (UnicodeError, binascii.Error, ValueError, ValidationError) as exc:
        if isinstance(exc, TokenError):
            raise
        raise TokenError("malformed") from exc
    if grant.scope != scope or grant.role not in ROLES:
        raise TokenError("wrong scope or role")
    if grant.expires <= now.timestamp():
        raise TokenError("expired")
    return grant
