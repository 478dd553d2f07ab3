"""The ledger the bot serves and its current period, asked once per message."""

from __future__ import annotations

from handlers.deps import Deps
from storage.schemas import LedgerInfo, PeriodInfo


async def current_ledger(deps: Deps) -> LedgerInfo | None:
    """Return the ledger the bot serves (the most recently updated one; asked once per message)."""
    if "ledger" not in deps.memo:
        deps.memo["ledger"] = await deps.uow.ledgers.get()
    ledger: LedgerInfo | None = deps.memo["ledger"]
    return ledger


async def open_period(deps: Deps, ledger: LedgerInfo) -> PeriodInfo | None:
    """Return the open period (the latest one if several are open)."""
    periods = [p for p in await deps.uow.ledgers.periods(ledger.id) if p.state == "open"]
    return periods[-1] if periods else None


async def latest_period(deps: Deps, ledger: LedgerInfo) -> PeriodInfo | None:
    """Return the open period, else the most recent one."""
    periods = await deps.uow.ledgers.periods(ledger.id)
    open_ = [p for p in periods if p.state == "open"]
    candidates = open_ or periods
    return candidates[-1] if candidates else None


async def flow_ledger(deps: Deps) -> LedgerInfo:
    """Return the ledger inside a flow, which only starts once a ledger exists (ledgers are never deleted)."""
    ledger = await current_ledger(deps)
    if ledger is None:
        raise LookupError("the ledger of a running flow is gone")
    return ledger
