"""Conversation state that survives restarts, and the result of one handler step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.core.replies import Outbound, Reply


class ConversationState(BaseModel):
    """Where a chat stands in a flow; step names are stable strings (they are stored)."""

    model_config = ConfigDict(frozen=True)

    flow: str = ""
    step: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    expires_at: datetime | None = None

    @property
    def idle(self) -> bool:
        """Return True when no flow is active."""
        return not self.flow


IDLE = ConversationState()


class Turn(BaseModel):
    """What a handler step returns: replies for this chat, the next state, and messages for others."""

    model_config = ConfigDict(frozen=True)

    replies: tuple[Reply, ...] = ()
    state: ConversationState = IDLE
    outbound: tuple[Outbound, ...] = ()
