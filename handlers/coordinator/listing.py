"""The coordinator's list of categories and items (台账)."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.current import current_ledger
from handlers.deps import Deps
from handlers.turns import say
from reports.figures import item_ref


async def items_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """List every category and item of the ledger with its number and units."""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    items = await deps.uow.ledgers.items(ledger.id)
    cats = {(i.seq, i.category) for i in items}
    lines = [texts.LEDGER_HEAD.format(title=ledger.title, categories=len(cats), items=len(items))]
    last = None
    for item in items:
        if (item.seq, item.category) != last:
            last = (item.seq, item.category)
            lines.append(texts.LEDGER_CATEGORY.format(seq=item.seq, name=item.category))
        lines.append(
            texts.LEDGER_ITEM.format(
                ref=item_ref(item.number), content=item.content, units="、".join(item.units)
            )
        )
    return say("\n".join(lines), state)
