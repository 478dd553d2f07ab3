"""Which unit a contact acts for (a person may serve several units: the bot asks which)."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import filing_texts, texts
from handlers.access import contact_units, roles_of
from handlers.deps import Deps
from handlers.flows import FILING, FilingStep, filing_at
from handlers.turns import say


async def unit_for(msg: IncomingMessage, state: ConversationState, deps: Deps, entry: str) -> str | Turn:
    """Return the unit the contact acts for, or a turn that asks or refuses."""
    roles = await roles_of(deps, msg)
    units = contact_units(roles)
    if not units:
        if not roles:
            return say(texts.HELP_UNBOUND, state)
        return say(filing_texts.NOT_A_CONTACT, state)
    if len(units) == 1:
        return units[0]
    chosen = state.data.get("unit") if state.flow == FILING else None
    if isinstance(chosen, str) and chosen in units:
        return chosen
    return say(
        texts.CHOOSE_UNIT, filing_at(FilingStep.CHOOSE_UNIT, {"units": units, "entry": entry}), choices=units
    )
