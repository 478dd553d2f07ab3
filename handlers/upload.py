"""上传台账: a coordinator sends a .docx/.xlsx/.txt ledger file in chat and it is imported."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers.common import COORDINATOR_ROLES, has_role, roles_of, say
from handlers.deps import Deps
from handlers.importer import import_ledger
from handlers.ledger_file import LedgerFileError, read_ledger_file
from handlers.ledger_parse import parse_table
from handlers import texts

_log = logging.getLogger(__name__)

# TODO(texts): move these three strings into handlers/texts.py (kept here to stay out of a file being edited).
UPLOAD_NO_CONTENT = "没有收到文件内容，请重新发送台账文件（.docx、.xlsx 或 .txt）。"
UPLOAD_FAILED = "台账文件没有导入：{error}\n请检查后重新发送。"
UPLOAD_DONE = ("已导入台账《{ledger}》（{period}）：共{categories}类、{items}个项目、{units}个单位。\n"
               "新增{created}项，修改{changed}项，停用{retired}项，导入进展{added}条。")
UPLOAD_UNCHANGED = ("台账《{ledger}》（{period}）与已有内容一致，没有变化：共{categories}类、{items}个项目、"
                    "{units}个单位。")


async def upload_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Import a coordinator's ledger file inside the engine's transaction and summarise it."""
    roles = await roles_of(deps, msg)
    if not has_role(roles, *COORDINATOR_ROLES):
        _log.warning("refused a file from %s:%s (not a coordinator)", msg.chat.platform, msg.user_id)
        return say(texts.FILE_NOT_ALLOWED, state)
    if not msg.attachments or not msg.attachments[0].content:
        return say(UPLOAD_NO_CONTENT, state)
    attachment = msg.attachments[0]
    try:
        parsed = parse_table(read_ledger_file(Path(Path(attachment.filename).name), data=attachment.content))
    except LedgerFileError as exc:
        return say(UPLOAD_FAILED.format(error=exc), state)
    author = f"{msg.chat.platform}:{msg.user_id}"
    # The engine commits this together with the conversation state (and the inbox claim).
    summary = await import_ledger(deps.uow, parsed, deps.now(), author=author, commit=False)
    _log.info("imported %s (%s) from a file sent by %s", attachment.filename, summary.period, author)
    template = UPLOAD_DONE if summary.changed else UPLOAD_UNCHANGED
    return say(template.format(ledger=summary.ledger, period=summary.period, categories=summary.categories,
                               items=summary.items, units=summary.units, created=summary.items_created,
                               changed=summary.items_changed, retired=summary.items_retired,
                               added=summary.submissions_added), state)
