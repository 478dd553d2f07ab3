"""Inbox recovery on start: messages stored as "received" but never handled, or "later" with their later
work cut off (bot/core/conversation.py ``Later``), are handed to the platform's queue again (a crash or
shutdown left them). A message never handled comes back with the file it brought (the inbox keeps its bytes
until the message is handled); a "later" one without, its step reading the file it kept (an upload's import)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.core.messages import Attachment, ChatRef, IncomingMessage

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


async def recover_inbox(app: App, platform: str, submit: Callable[[IncomingMessage], Any]) -> int:
    """Submit the platform's inbox entries still "received" or "later"; return how many there were."""
    async with app.uow() as uow:
        entries = await uow.chats.inbox(platform=platform, state="received")
        entries += await uow.chats.inbox(platform=platform, state="later")
    entries.sort(key=lambda entry: entry.id)
    for entry in entries:
        # The inbox keeps no send time; its arrival is the closest we have.
        # model_validate checks the stored kind against the message kinds.
        submit(
            IncomingMessage.model_validate(
                {
                    "message_id": entry.message_id,
                    "chat": ChatRef(platform=platform, chat_id=entry.chat_id),
                    "user_id": entry.user_id,
                    "text": entry.text,
                    "kind": entry.kind,
                    "sent_at": entry.received_at,
                    "attachments": _attachments(entry.attachment),
                }
            )
        )
    if entries:
        log.info("%s: re-queued %d unhandled message(s) from the inbox", platform, len(entries))
    return len(entries)


def _attachments(kept: tuple[str, str, bytes] | None) -> tuple[Attachment, ...]:
    """The file the inbox kept with the message (cleared once handled: a "later" upload's is with its import)."""
    if kept is None:
        return ()
    filename, media_type, content = kept
    return (Attachment(filename=filename, media_type=media_type, content=content),)
