"""我的: what a contact's unit has filed in the open period."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import filing_texts, texts
from handlers.current import current_ledger, latest_period
from handlers.deps import Deps
from handlers.filing.units import unit_for
from handlers.filing.view import mine_line
from handlers.turns import say


async def mine_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Show the unit's filed items of the current period and what is still missing."""
    unit = await unit_for(msg, state, deps, "我的")
    if isinstance(unit, Turn):
        return unit
    return await mine_for_unit(deps, unit)


async def mine_for_unit(deps: Deps, unit: str) -> Turn:
    """Return the 我的 listing for one unit."""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER)
    period = await latest_period(deps, ledger)
    if period is None:
        return say(filing_texts.NO_OPEN_PERIOD)
    items = await deps.uow.ledgers.items(ledger.id, unit=unit)
    mine = {i.id for i in items}
    latest: dict = {}
    for sub in await deps.uow.submissions.latest(period.id):
        # the unit's own part wins; a joint (imported) text counts for every unit of the item
        if sub.item_id not in mine or sub.skipped:
            continue
        if sub.unit == unit or (sub.unit == "" and sub.item_id not in latest):
            latest[sub.item_id] = sub
    if not latest:
        return say(texts.MINE_NONE.format(unit=unit, code=period.code))
    lines = [texts.MINE_HEAD.format(unit=unit, code=period.code)]
    lines += [mine_line(i, latest[i.id], deps.now()) for i in items if i.id in latest]
    missing = [str(i.number) for i in items if i.id not in latest]
    if missing:
        lines.append(texts.MINE_MISSING.format(numbers="、".join(missing)))
    return say("\n".join(lines))
