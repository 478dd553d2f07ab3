"""上传台账: a coordinator sends a ledger file in chat; a preview, then 确认 imports it; 撤销导入 undoes it."""

from __future__ import annotations

import logging

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.deps import Deps
from handlers.flows import UploadStep, upload_at
from handlers.ledger.imports import apply_import, preview_import, preview_text, undo_last_import
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.worker import parse_in_worker
from handlers.turns import say

_log = logging.getLogger(__name__)


async def upload_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Read a coordinator's ledger file (in a worker process), keep its bytes and show the preview."""
    if not msg.attachments or not msg.attachments[0].content:
        return say(texts.UPLOAD_NO_CONTENT, state)
    attachment = msg.attachments[0]
    content = attachment.content
    assert content is not None  # checked above
    try:
        parsed = await parse_in_worker(attachment.filename, content, deps.now())
    except LedgerFileError as exc:
        return say(texts.UPLOAD_FAILED.format(error=exc), state)
    author = f"{msg.chat.platform}:{msg.user_id}"
    import_id = await deps.uow.imports.add(attachment.filename, content, author, deps.now())
    preview = await preview_import(deps.uow, parsed)
    _log.info("previewed import %d (%s, %d items) for %s", import_id, parsed.period, preview.items, author)
    return say(
        preview_text(parsed, preview),
        upload_at(UploadStep.CONFIRM, {"import_id": import_id}),
        choices=texts.I14_CHOICES,
    )


async def confirm_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """确认 imports the kept file; 取消 drops it; anything else asks again."""
    answer = msg.text.strip()
    import_id = int(state.data.get("import_id", 0))
    if answer in texts.I14_NO_WORDS:
        await deps.uow.imports.set_state(import_id, "cancelled")
        return say(texts.I14_CANCELLED, IDLE)
    if answer not in texts.I14_YES_WORDS:
        return say(texts.I14_CONFIRM_AGAIN, state, choices=texts.I14_CHOICES)
    kept = await deps.uow.imports.get(import_id)
    if kept is None or kept.state != "pending":
        return say(texts.I14_GONE, IDLE)
    try:
        parsed = await parse_in_worker(kept.filename, kept.data, kept.created_at)
    except LedgerFileError as exc:
        return say(texts.UPLOAD_FAILED.format(error=exc), IDLE)
    # The engine commits this together with the conversation state (and the inbox claim).
    summary = await apply_import(deps.uow, import_id, parsed, deps.now(), author=kept.author, commit=False)
    _log.info("imported kept file %d (%s)", import_id, summary.period)
    await deps.uow.admin.audit(deps.now(), kept.author, "import", f"{summary.ledger} {summary.period}")
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
        IDLE,
    )


def is_undo(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
    """Return True for 撤销导入."""
    return msg.text.strip() in texts.I14_UNDO_WORDS


async def undo_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """撤销导入: restore the ledger as it was before the last import."""
    result = await undo_last_import(deps.uow, deps.now(), commit=False)
    if result is None:
        return say(texts.I14_NOTHING_TO_UNDO, state)
    restored = texts.I14_UNDONE_RESTORED if result.restored else texts.I14_UNDONE_EMPTY
    return say(
        texts.I14_UNDONE.format(
            ledger=result.ledger,
            filename=result.filename,
            removed=result.removed_submissions,
            restored=restored,
        ),
        state,
    )
