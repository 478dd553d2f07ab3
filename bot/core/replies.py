"""Replies that handlers return and adapters send."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.core.messages import ChatRef


class TextReply(BaseModel):
    """Plain text, optionally with choices (buttons on Telegram, a numbered list elsewhere)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["text"] = "text"
    text: str
    choices: tuple[str, ...] = ()


class MarkdownReply(BaseModel):
    """Rich text rendered per platform: Telegram HTML and WeCom markdown versions of one message."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["markdown"] = "markdown"
    plain: str
    html: str = ""
    markdown: str = ""


class FileReply(BaseModel):
    """A file to deliver, such as a Word or Excel ledger."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    kind: Literal["file"] = "file"
    filename: str
    media_type: str
    content: bytes
    caption: str = ""


class ImageReply(BaseModel):
    """A picture (PNG) to deliver."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    kind: Literal["image"] = "image"
    filename: str
    content: bytes
    caption: str = ""


Reply = TextReply | MarkdownReply | FileReply | ImageReply


class Outbound(BaseModel):
    """Replies addressed to a chat, produced outside a conversation (jobs, notifications)."""

    model_config = ConfigDict(frozen=True)

    chat: ChatRef
    replies: tuple[Reply, ...]
    # Its row in the outbox when it was queued there with its message's transaction (never stored itself).
    outbox_id: int | None = Field(default=None, exclude=True)

    def to_payload(self) -> dict:
        """Return a JSON-safe dict (file bytes as base64) for storing."""
        return json.loads(self.model_dump_json())

    @classmethod
    def from_payload(cls, payload: dict) -> Outbound:
        """Rebuild an Outbound stored with ``to_payload``."""
        return cls.model_validate_json(json.dumps(payload))
