"""上传台账: a coordinator sends a .docx/.xlsx/.txt ledger file in chat and it is imported."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.deps import Deps
from handlers.ledger.files import parse_ledger_file
from handlers.ledger.importer import import_ledger
from handlers.ledger.reader import LedgerFileError
from handlers.turns import say

_log = logging.getLogger(__name__)


async def upload_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Import a coordinator's ledger file inside the engine's transaction and summarise it."""
    if not msg.attachments or not msg.attachments[0].content:
        return say(texts.UPLOAD_NO_CONTENT, state)
    attachment = msg.attachments[0]
    try:
        parsed = parse_ledger_file(Path(attachment.filename), data=attachment.content)
    except LedgerFileError as exc:
        return say(texts.UPLOAD_FAILED.format(error=exc), state)
    author = f"{msg.chat.platform}:{msg.user_id}"
    # The engine commits this together with the conversation state (and the inbox claim).
    summary = await import_ledger(deps.uow, parsed, deps.now(), author=author, commit=False)
    _log.info("imported %s (%s) from a file sent by %s", attachment.filename, summary.period, author)
    await deps.uow.admin.audit(deps.now(), author, "import", f"{summary.ledger} {summary.period}")
    template = texts.UPLOAD_DONE if summary.changed else texts.UPLOAD_UNCHANGED
    return say(
        template.format(
            ledger=summary.ledger,
            period=summary.period,
            categories=summary.categories,
            items=summary.items,
            units=summary.units,
            created=summary.items_created,
            changed=summary.items_changed,
            retired=summary.items_retired,
            added=summary.submissions_added,
        ),
        state,
    )
