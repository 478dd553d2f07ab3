"""绑定群: a coordinator registers a group chat for summaries."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.deps import Deps
from handlers.turns import say


async def bindgroup_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Register the group this is sent in (coordinators only)."""
    if not msg.chat.is_group:
        return say(texts.BINDGROUP_PRIVATE, state)
    _, created = await deps.uow.chats.add_group(
        msg.chat.platform, msg.chat.chat_id, msg.user_name, deps.now()
    )
    return say(texts.BINDGROUP_DONE if created else texts.BINDGROUP_AGAIN, state)
