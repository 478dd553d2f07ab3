"""Open, close and re-time reporting periods (shared by the CLI and the coordinator's chat commands)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.core.clock import SHANGHAI
from bot.core.replies import Outbound
from handlers import dates, operator_texts, texts
from handlers.dates import Deadline
from handlers.jobs.postings import missing_items
from handlers.jobs.schedule import Schedule
from handlers.manage.prompts import period_prompts
from storage.schemas import LedgerInfo, PeriodInfo
from storage.uow import UnitOfWork

DEFAULT_TIME = (
    Schedule().deadline_time
)  # a deadline written without a time (the configured one: HandlerConfig)


class PeriodError(ValueError):
    """A period command that cannot be carried out; the message is for the user."""


class OtherPeriodOpenError(PeriodError):
    """Another period is open: opening this one too needs the coordinator's say-so (--force, 确认)."""

    def __init__(self, code: str, others: list[str]) -> None:
        self.code, self.others = code, others
        super().__init__(operator_texts.CLI_PERIOD_OTHER_OPEN.format(code=code, others="、".join(others)))


def parse_code(text: str, now: datetime) -> str:
    """Return a period code YYYY-MM from '2025-04', '2025年4月', '202504'."""
    m = re.search(r"(\d{4})\s*(?:-|年|/|\.)?\s*(\d{1,2})\s*月?", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(
            texts.PERIOD_BAD_CODE.format(text=text, example=f"{now.astimezone(SHANGHAI):%Y-%m}")
        )
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def parse_deadline(text: str, code: str, now: datetime, default_time: str = DEFAULT_TIME) -> Deadline:
    """Read a deadline for ``code`` (handlers.dates.parse_deadline) and refuse one that is past."""
    try:
        deadline = dates.parse_deadline(text, code, now, default_time)
    except dates.DateError as exc:
        raise PeriodError(str(exc)) from exc
    _refuse_past(deadline.at, now)
    return deadline


def _refuse_past(deadline: datetime | None, now: datetime) -> None:
    """The one refusal of a past deadline, whichever way it was set."""
    if deadline is not None and deadline < now:
        raise PeriodError(texts.DEADLINE_PAST.format(when=dates.moment_text(deadline, now)))


async def open_period(
    uow: UnitOfWork,
    ledger: LedgerInfo,
    code: str,
    deadline: datetime | None,
    now: datetime,
    by: str = "cli",
    *,
    force: bool = False,
) -> PeriodInfo:
    """Open (or re-open) a period with a deadline; while another period is open, only with ``force``."""
    _refuse_past(deadline, now)
    periods = {p.code: p for p in await uow.ledgers.periods(ledger.id)}
    others = [c for c, p in periods.items() if p.state == "open" and c != code]
    already = code in periods and periods[code].state == "open"  # re-opened: no more periods open than before
    if others and not already and not force:
        raise OtherPeriodOpenError(code, others)
    await uow.admin.audit(
        now, by, "period.open", f"{code} {deadline.isoformat() if deadline else ''}".strip()
    )
    return await uow.ledgers.save_period(ledger.id, code, state="open", now=now, deadline=deadline)


async def close_period(
    uow: UnitOfWork, ledger: LedgerInfo, code: str, now: datetime, by: str = "cli"
) -> PeriodInfo:
    """Close a period: contacts can no longer change it without the coordinator."""
    await _existing(uow, ledger, code)
    await uow.admin.audit(now, by, "period.close", code)
    return await uow.ledgers.save_period(ledger.id, code, state="closed", now=now)


async def set_deadline(
    uow: UnitOfWork, ledger: LedgerInfo, code: str, deadline: datetime, now: datetime, by: str = "cli"
) -> PeriodInfo:
    """Move a period's deadline (refused when it is past, as when opening)."""
    _refuse_past(deadline, now)
    period = await _existing(uow, ledger, code)
    await uow.admin.audit(now, by, "period.deadline", f"{code} {deadline.isoformat()}")
    return await uow.ledgers.save_period(ledger.id, code, state=period.state, now=now, deadline=deadline)


async def _existing(uow: UnitOfWork, ledger: LedgerInfo, code: str) -> PeriodInfo:
    period = await uow.ledgers.period(ledger.id, code)
    if period is None:
        codes = "、".join(p.code for p in await uow.ledgers.periods(ledger.id)) or "无"
        raise PeriodError(texts.UNKNOWN_PERIOD.format(code=code, codes=codes))
    return period


async def open_and_prompt(
    uow: UnitOfWork,
    code: str,
    deadline: str | None,
    now: datetime,
    *,
    force: bool = False,
    default_time: str = DEFAULT_TIME,
) -> tuple[PeriodInfo, Deadline | None, list[Outbound]]:
    """Open a period by its code and deadline text; return it, the deadline as read and the prompts for
    bound contacts."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise PeriodError(operator_texts.CLI_NO_LEDGER)
    code = parse_code(code, now)
    due = parse_deadline(deadline, code, now, default_time) if deadline else None
    period = await open_period(uow, ledger, code, due.at if due else None, now, force=force)
    return period, due, await period_prompts(uow, ledger, period, now)


async def close_by_code(uow: UnitOfWork, code: str, now: datetime) -> PeriodInfo:
    """Close the period with this code of the current ledger."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise PeriodError(operator_texts.CLI_NO_LEDGER)
    return await close_period(uow, ledger, parse_code(code, now), now)


class PeriodRow(BaseModel):
    """One period as `ledgerbot period list` shows it: open or closed, its deadline, items filed of all."""

    model_config = ConfigDict(frozen=True)

    code: str
    state: str
    deadline: datetime | None
    filed: int
    total: int


async def period_rows(uow: UnitOfWork) -> list[PeriodRow]:
    """Return every period of the current ledger, oldest first; an item counts as filed when every unit of
    it has filed (as 谁还没报 counts)."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise PeriodError(operator_texts.CLI_NO_LEDGER)
    ids = {i.id for i in await uow.ledgers.items(ledger.id)}
    rows = []
    for p in await uow.ledgers.periods(ledger.id):
        missing = {i.id for items in (await missing_items(uow, ledger, p)).values() for i in items}
        rows.append(
            PeriodRow(
                code=p.code, state=p.state, deadline=p.deadline, filed=len(ids - missing), total=len(ids)
            )
        )
    return rows
