"""上传台账: a coordinator sends a ledger file in chat; a preview, then 确认 imports it; 撤销导入 undoes it.

Reading a file takes the worker process a while, so it is never awaited inside the message's transaction
(on SQLite that would hold the one writer lock and every other chat with it): the step keeps the file's
bytes, moves the chat to READING (or APPLYING) and hands the read back as later work (``Later`` in
bot/core/conversation.py); the preview, or the import, is recorded in a second short transaction once the read is done. A chat still
found at READING or APPLYING (a stop cut the read off) has the kept file read again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from bot.core.conversation import IDLE, ConversationState, Later, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.deps import Deps
from handlers.flows import UPLOAD, UploadStep, upload_at
from handlers.ledger.imports import apply_import, preview_import, preview_text, undo_last_import
from handlers.ledger.limits import check_size
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.table import ParsedLedger
from handlers.ledger.worker import parse_in_worker
from handlers.turns import say

_log = logging.getLogger(__name__)


async def upload_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Keep a coordinator's ledger file and have it read (in the worker process) to show the preview."""
    if _at(state, UploadStep.READING) and state.data.get("inbox_id") == deps.inbox_id:
        return await resume_step(msg, state, deps)  # this very file again: a stop cut its read off
    if not msg.attachments or not msg.attachments[0].content:
        return say(texts.UPLOAD_NO_CONTENT, state)
    attachment = msg.attachments[0]
    content = attachment.content
    assert content is not None  # checked above
    try:
        check_size(attachment.filename, content)  # refused before it is kept or handed to the worker
    except LedgerFileError as exc:
        return say(texts.UPLOAD_FAILED.format(error=exc), state)
    author = f"{msg.chat.platform}:{msg.user_id}"
    import_id = await deps.uow.imports.add(attachment.filename, content, author, deps.now())
    return _read(UploadStep.READING, import_id, deps.inbox_id, attachment.filename, content, deps.now())


async def confirm_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """确认 has the kept file read again and imported; 取消 drops it; anything else asks again."""
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
    return _read(UploadStep.APPLYING, import_id, deps.inbox_id, kept.filename, kept.data, kept.created_at)


async def resume_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """The chat is still at READING or APPLYING, so a stop cut the read off: read the kept file again."""
    import_id = int(state.data.get("import_id", 0))
    kept = await deps.uow.imports.get(import_id)
    if kept is None or kept.state != "pending":
        return say(texts.I14_GONE, IDLE)
    step = UploadStep(state.step)
    return _read(step, import_id, deps.inbox_id, kept.filename, kept.data, kept.created_at)


def _read(
    step: UploadStep, import_id: int, inbox_id: int | None, filename: str, data: bytes, now: datetime
) -> Turn:
    """Leave the chat at ``step`` and hand back the file's read; what is done with it follows the step."""
    left = upload_at(step, {"import_id": import_id, "inbox_id": inbox_id})
    then = _previewed if step is UploadStep.READING else _imported
    return Turn(state=left, later=Later(work=partial(_parse, filename, data, now), then=partial(then, left)))


async def _parse(filename: str, data: bytes, now: datetime) -> ParsedLedger | LedgerFileError:
    """Read the file in the worker process (no transaction is open); a refusal is a result too."""
    try:
        return await parse_in_worker(filename, data, now)
    except LedgerFileError as exc:
        return exc


def _at(state: ConversationState, step: UploadStep) -> bool:
    return state.flow == UPLOAD and state.step == step.value


async def _previewed(
    left: ConversationState, parsed: ParsedLedger | LedgerFileError, state: ConversationState, deps: Deps
) -> Turn:
    """The file is read: show the preview and wait for 确认, or say why the file was refused."""
    import_id = left.data["import_id"]
    if not _at(state, UploadStep.READING) or state.data.get("import_id") != import_id:
        return Turn(state=state)  # the chat has moved on meanwhile: nothing more to say about this file
    if isinstance(parsed, LedgerFileError):
        await deps.uow.imports.set_state(import_id, "refused")
        return say(texts.UPLOAD_FAILED.format(error=parsed), IDLE)
    preview = await preview_import(deps.uow, parsed)
    _log.info("previewed import %d (%s, %d items)", import_id, parsed.period, preview.items)
    return say(
        preview_text(parsed, preview),
        upload_at(UploadStep.CONFIRM, {"import_id": import_id}),
        choices=texts.I14_CHOICES,
    )


async def _imported(
    left: ConversationState, parsed: ParsedLedger | LedgerFileError, state: ConversationState, deps: Deps
) -> Turn:
    """The confirmed file is read again: import it (with the conversation state, in one transaction)."""
    import_id = left.data["import_id"]
    if not _at(state, UploadStep.APPLYING) or state.data.get("import_id") != import_id:
        return Turn(state=state)  # the chat has moved on meanwhile
    kept = await deps.uow.imports.get(import_id)
    if kept is None or kept.state != "pending":
        return say(texts.I14_GONE, IDLE)
    if isinstance(parsed, LedgerFileError):
        await deps.uow.imports.set_state(import_id, "refused")
        return say(texts.UPLOAD_FAILED.format(error=parsed), IDLE)
    # The engine commits this together with the conversation state (and the inbox entry).
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
