"""看板: a coordinator or viewer gets a personal, signed, expiring link to the dashboard in a private chat."""

from __future__ import annotations

import logging

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.access import COORDINATORS, has_role, roles_of
from handlers.board.tokens import issue
from handlers.commands import normalize, parse_command
from handlers.deps import Deps
from handlers.turns import say

_log = logging.getLogger(__name__)
WORDS = frozenset({"看板", "领导看板", "dashboard", "board"})


def is_board_request(text: str) -> bool:
    """Return True for 看板 (or /看板, /dashboard, /board) alone in a message."""
    cmd = parse_command(text)
    if cmd is not None and cmd.slash:
        return cmd.name.lower() in WORDS and not cmd.args
    return normalize(text).lower() in WORDS


def link(base_url: str, token: str) -> str:
    """Return the dashboard URL carrying ``token`` in its query string."""
    return f"{base_url}?t={token}"


async def board_link_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Reply with the sender's own dashboard link (in a private chat only: the link names the person)."""
    cfg = deps.config
    if not cfg.board_secret:
        return say(texts.BOARD_OFF, state)
    if msg.chat.is_group:
        return say(texts.BOARD_LINK_GROUP, state)
    roles = await roles_of(deps, msg)
    role = "coordinator" if has_role(roles, *COORDINATORS) else "viewer"
    name = next((r.display_name for r in roles if r.display_name), msg.user_name)
    token = issue(
        cfg.board_secret,
        platform=msg.chat.platform,
        user_id=msg.user_id,
        name=name,
        role=role,
        now=deps.now(),
        hours=cfg.board_hours,
    )
    _log.info("dashboard link issued to %s:%s as %s", msg.chat.platform, msg.user_id, role)
    return say(texts.BOARD_LINK.format(hours=cfg.board_hours, url=link(cfg.board_url, token)), state)
