"""What the fake Telegram server reads, records and checks: request parameters, calls, uploaded files,
injected faults, Telegram HTML, and the fake clock its clients sleep on."""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
_HTML_TOKEN = re.compile(r"<(/?)([A-Za-z][\w-]*)([^<>]*)>|&(#\d+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);|([<>&])")


# Fields PTB sends JSON-encoded; everything else (text, caption, ids as str) stays as sent.
_JSON_FIELDS = {
    "chat_id",
    "message_id",
    "reply_markup",
    "allowed_updates",
    "offset",
    "timeout",
    "limit",
    "show_alert",
    "cache_time",
    "drop_pending_updates",
    "max_connections",
    "disable_notification",
    "protect_content",
    "link_preview_options",
    "reply_parameters",
    "entities",
    "caption_entities",
    "from_chat_id",
}


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class RecordedFile:
    """A file uploaded in a multipart request."""

    field: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class Call:
    """One Bot API request as received."""

    method: str
    params: dict[str, Any]
    files: dict[str, RecordedFile] = field(default_factory=dict)
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An injected failure for the next calls of one method."""

    kind: str  # "429", "500" or "hang"
    retry_after: int = 1
    hang_seconds: float = 30.0


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML; raise ApiError as Telegram does on bad markup."""
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    for m in _HTML_TOKEN.finditer(text):
        out.append(text[pos : m.start()])
        pos = m.end()
        closing, name, _attrs, entity, bare = m.groups()
        if bare:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected {bare!r} at {m.start()}")
        if entity:
            out.append(html.unescape(f"&{entity};"))
            continue
        name = name.lower()
        if name not in _HTML_TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unsupported start tag "{name}"')
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise ApiError(400, f'Bad Request: can\'t parse entities: unmatched end tag "{name}"')
    out.append(text[pos:])
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: can't find end tag for \"{stack[-1]}\"")
    return "".join(out)


def utf16_len(text: str) -> int:
    """Return the length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class FakeTime:
    """A monotonic clock that moves only when something sleeps (flood limits and 429 waits cost nothing)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        await asyncio.sleep(0)


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, RecordedFile]]:
    """Return the parameters (JSON-encoded ones decoded) and uploaded files of a Bot API request."""
    raw: dict[str, str] = dict(request.query)
    files: dict[str, RecordedFile] = {}
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        return {**raw, **body}, files
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                data = await part.read()
                files[part.name or ""] = RecordedFile(
                    part.name or "",
                    part.filename,
                    bytes(data),
                    part.headers.get("Content-Type", "application/octet-stream"),
                )
            else:
                raw[part.name or ""] = await part.text()
    elif request.can_read_body:
        raw.update((await request.post()).items())  # type: ignore[arg-type]
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS:
            try:
                params[key] = json.loads(value)
                continue
            except (TypeError, ValueError):
                pass
        params[key] = value
    return params, files
