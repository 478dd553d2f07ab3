"""Logging to stderr with levels; secrets and whole message texts never reach INFO; secrets never anywhere."""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, SecretStr

# Secrets known from the settings (tokens, keys, passwords): replaced wherever they appear.
_SECRETS: set[str] = set()
# Shapes of secrets even when not configured here: Telegram bot tokens, passwords in URLs.
_TELEGRAM_TOKEN = re.compile(r"(?<![0-9])\d{5,12}:[A-Za-z0-9_-]{20,}")  # also inside .../bot<TOKEN>/...
_URL_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")
MASK = "***"


def remember_secrets(values: Iterable[str]) -> None:
    """Add secret values to redact from every log line and error message."""
    _SECRETS.update(v for v in values if v and len(v) >= 4)


def secrets_of(model: BaseModel) -> list[str]:
    """Return every SecretStr value in a settings model, nested models and lists included."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            found.append(secret)
            if "=" in secret:  # a WeCom robot entry NAME=KEY: the key alone appears in URLs
                found.append(secret.rsplit("=", 1)[1])
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(model)
    return found


def redact(text: str) -> str:
    """Return ``text`` with known secrets, Telegram tokens and URL passwords masked."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _TELEGRAM_TOKEN.sub(MASK, text)
    return _URL_PASSWORD.sub(rf"\g<1>{MASK}@", text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose output (message and traceback) never carries a secret."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(verbose: bool = False, quiet: bool = False, file: Path | None = None) -> None:
    """Send logs to stderr (or append them to ``file``): DEBUG with --verbose, WARNING for interactive
    commands, INFO otherwise."""
    level = logging.DEBUG if verbose else (logging.WARNING if quiet else logging.INFO)
    handler: logging.Handler = (
        logging.FileHandler(file, encoding="utf-8") if file is not None else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Client libraries log request URLs, which carry the Telegram token: keep them quiet.
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "jieba", "aiosqlite", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def same_place(a: object, b: object) -> bool:
    """Return True when two streams end up in the same place (one terminal, one file or pipe).

    Streams without a file descriptor (a test runner's capture) count as the same place unless they are
    known to differ: they are usually shown together.
    """
    try:
        fa, fb = a.fileno(), b.fileno()  # type: ignore[attr-defined]
        sa, sb = os.fstat(fa), os.fstat(fb)
    except (AttributeError, OSError, ValueError):
        return True
    if os.isatty(fa) and os.isatty(fb):
        return os.ttyname(fa) == os.ttyname(fb)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def failure_line(exc: BaseException) -> str:
    """Return one line saying what failed: the exception's kind and the first line of its message, redacted."""
    chain = [exc]
    while chain[-1].__cause__ is not None and len(chain) < 10:
        chain.append(chain[-1].__cause__)
    root = chain[-1]
    message = next((line.strip() for line in str(root).splitlines() if line.strip()), "")
    return redact(f"{type(root).__name__}: {message}" if message else type(root).__name__)


def failure_traceback(exc: BaseException) -> str:
    """Return the exception's traceback, redacted (shown with --verbose only)."""
    return redact("".join(traceback.format_exception(exc)))
