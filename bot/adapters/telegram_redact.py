"""Keep the bot token out of logs: PTB and httpx log API URLs, and the token is part of every URL."""

from __future__ import annotations

import logging
from typing import Any


class _TokenRedactor(logging.Filter):
    """Replace bot tokens in log records with <token>."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record is logging's problem; never break the caller
            return True
        if any(token in text for token in self.tokens):
            for token in self.tokens:
                text = text.replace(token, "<token>")
            record.msg, record.args = text, ()
        return True


_REDACTOR = _TokenRedactor()
# PTB logs its API URLs (token included) at DEBUG when a Bot is built; filters are per logger.
_REDACTED_LOGGERS = (
    "telegram.Bot",
    "telegram.ext.ExtBot",
    "telegram.ext.Updater",
    "telegram.ext.Application",
    "httpx",
    "httpcore",
)


def keep_token_out_of_logs(token: str) -> None:
    """Redact ``token`` from PTB's and httpx's log records; quiet httpx's per-request URLs."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    _REDACTOR.tokens.add(token)
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)


def plain_secret(value: Any) -> str:
    """Return a plain string from a str or a pydantic SecretStr."""
    if value is None:
        return ""
    getter = getattr(value, "get_secret_value", None)
    return str(getter() if getter else value)
