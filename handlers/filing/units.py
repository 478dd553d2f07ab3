"""Which unit a contact acts for (a person may serve several units: the bot asks which)."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.flows import FILING, FilingStep, filing_at
from handlers.access import contact_units, roles_of
from handlers.turns import say
from handlers.deps import Deps



async def unit_for(msg: IncomingMessage, state: ConversationState, deps: Deps,
                   entry: str) -> tuple[str | None, Turn | None]:
    """Return the unit the contact acts for, or a turn that asks or refuses."""
    roles = await roles_of(deps, msg)
    units = contact_units(roles)
    if not units:
        if not roles:
            return None, say(texts.HELP_UNBOUND, state)
        return None, say(texts.NOT_A_CONTACT, state)
    if len(units) == 1:
        return units[0], None
    chosen = state.data.get("unit") if state.flow == FILING else None
    if chosen in units:
        return chosen, None
    return None, say(texts.CHOOSE_UNIT, filing_at(FilingStep.CHOOSE_UNIT, {"units": units, "entry": entry}), choices=units)
