"""Platform-neutral incoming messages and chat references."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MessageKind = Literal["text", "command", "choice", "edit", "file", "unsupported", "event"]


class ChatRef(BaseModel):
    """A chat on one platform: a private chat with a person or a group."""

    model_config = ConfigDict(frozen=True)

    platform: str
    chat_id: str
    is_group: bool = False

    @property
    def key(self) -> str:
        """Return a stable string key such as ``telegram:12345``."""
        return f"{self.platform}:{self.chat_id}"


class Attachment(BaseModel):
    """A file a user sent along with a message."""

    model_config = ConfigDict(frozen=True)

    filename: str
    media_type: str = "application/octet-stream"
    content: bytes = b""


class IncomingMessage(BaseModel):
    """One message from a user, as the engine sees it; ids are strings, no platform objects."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    chat: ChatRef
    user_id: str
    user_name: str = ""
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    sent_at: datetime
    kind: MessageKind = "text"
    reply_to: str | None = Field(default=None, description="platform id of the message this answers")
