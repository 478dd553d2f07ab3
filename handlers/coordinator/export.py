"""导出: the coordinator gets the compiled ledger as a Word, Excel, chart or JSON file in chat."""

from __future__ import annotations

import re

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.replies import FileReply, ImageReply
from handlers import texts
from handlers.commands import parse_command
from handlers.current import current_ledger, latest_period
from handlers.deps import Deps
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import MEDIA_TYPES, render
from handlers.turns import say, turn

_KINDS = {
    "word": "docx",
    "docx": "docx",
    "文档": "docx",
    "excel": "xlsx",
    "xlsx": "xlsx",
    "表格": "xlsx",
    "图表": "png",
    "图片": "png",
    "png": "png",
    "json": "json",
}


async def export_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Render the ledger of a period (default: the current one) and send it as a file."""
    cmd = parse_command(msg.text)
    args = (cmd.args if cmd else "").lower()
    fmt = next((v for k, v in _KINDS.items() if k in args), None)
    if fmt is None:
        return say(texts.EXPORT_USAGE, state)
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})", args)
    if m:
        code = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
        period = await deps.uow.ledgers.period(ledger.id, code)
        if period is None:
            codes = "、".join(p.code for p in await deps.uow.ledgers.periods(ledger.id)) or "无"
            return say(texts.UNKNOWN_PERIOD.format(code=code, codes=codes), state)
    else:
        period = await latest_period(deps, ledger)
        if period is None:
            return say(texts.NO_PERIOD, state)
    compiled = await compile_ledger(deps.uow, ledger, period, deps.config.thresholds)
    data, filename = render(compiled, fmt)
    caption = texts.EXPORT_CAPTION.format(title=compiled.title, period=compiled.period)
    content = data if isinstance(data, bytes) else data.encode("utf-8")
    if fmt == "png":
        return turn(ImageReply(filename=filename, content=content, caption=caption), state=state)
    return turn(
        FileReply(filename=filename, media_type=MEDIA_TYPES[fmt], content=content, caption=caption),
        state=state,
    )
