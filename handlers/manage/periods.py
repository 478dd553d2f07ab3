"""Open, close and re-time reporting periods (shared by the CLI and the coordinator's chat commands)."""

from __future__ import annotations

import re
from datetime import datetime

from bot.core.clock import SHANGHAI
from bot.core.replies import Outbound
from handlers import operator_texts
from handlers.manage.prompts import period_prompts
from storage.schemas import LedgerInfo, PeriodInfo
from storage.uow import UnitOfWork


class PeriodError(ValueError):
    """A period command that cannot be carried out; the message is for the user."""


def parse_code(text: str) -> str:
    """Return a period code YYYY-MM from '2025-04', '2025年4月', '202504'."""
    m = re.search(r"(\d{4})\s*(?:-|年|/|\.)?\s*(\d{1,2})\s*月?", text or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PeriodError(f"报送期“{text}”格式不对，应为 YYYY-MM，例如 2025-04。")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def parse_deadline(text: str, code: str) -> datetime:
    """Return an Asia/Shanghai deadline from '2025-04-25 17:00', '4月25日17:00', '4月25日' (17:00 by default)."""
    text = (text or "").strip()
    year = int(code[:4])
    m = re.fullmatch(
        r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*(\d{1,2})[:：点时](\d{2})?分?)?",
        text.replace(" ", " "),
    )
    if not m:
        m2 = re.fullmatch(
            r"(\d{1,2})\s*[月/-]\s*(\d{1,2})\s*日?\s*(?:(\d{1,2})\s*[:：点时]\s*(\d{2})?\s*分?)?", text
        )
        if not m2:
            raise PeriodError(f"截止时间“{text}”看不懂，请写成“4月25日17:00”或“2025-04-25 17:00”。")
        month, day, hour, minute = m2.groups()
        y = year + 1 if int(month) < int(code[5:7]) else year
    else:
        year_text, month, day, hour, minute = m.groups()
        y = int(year_text)
    try:
        return datetime(y, int(month), int(day), int(hour or 17), int(minute or 0), tzinfo=SHANGHAI)
    except ValueError as exc:
        raise PeriodError(f"截止时间“{text}”不是有效日期。") from exc


async def open_period(
    uow: UnitOfWork,
    ledger: LedgerInfo,
    code: str,
    deadline: datetime | None,
    now: datetime,
    by: str = "cli",
) -> PeriodInfo:
    """Open (or re-open) a period with a deadline; other open periods stay as they are."""
    if deadline is not None and deadline < now:
        raise PeriodError(f"截止时间 {deadline:%Y-%m-%d %H:%M} 已经过去了，请设一个将来的时间。")
    await uow.admin.audit(
        now, by, "period.open", f"{code} {deadline.isoformat() if deadline else ''}".strip()
    )
    return await uow.ledgers.save_period(ledger.id, code, state="open", now=now, deadline=deadline)


async def close_period(
    uow: UnitOfWork, ledger: LedgerInfo, code: str, now: datetime, by: str = "cli"
) -> PeriodInfo:
    """Close a period: contacts can no longer change it without the coordinator."""
    if await uow.ledgers.period(ledger.id, code) is None:
        raise PeriodError(f"没有{code}报送期。")
    await uow.admin.audit(now, by, "period.close", code)
    return await uow.ledgers.save_period(ledger.id, code, state="closed", now=now)


async def set_deadline(
    uow: UnitOfWork, ledger: LedgerInfo, code: str, deadline: datetime, now: datetime, by: str = "cli"
) -> PeriodInfo:
    """Move a period's deadline."""
    period = await uow.ledgers.period(ledger.id, code)
    if period is None:
        raise PeriodError(f"没有{code}报送期，请先开启。")
    await uow.admin.audit(now, by, "period.deadline", f"{code} {deadline.isoformat()}")
    return await uow.ledgers.save_period(ledger.id, code, state=period.state, now=now, deadline=deadline)


async def open_and_prompt(
    uow: UnitOfWork, code: str, deadline: str | None, now: datetime
) -> tuple[PeriodInfo, list[Outbound]]:
    """Open a period by its code and deadline text and return it with the prompts for bound contacts."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise PeriodError(operator_texts.CLI_NO_LEDGER)
    code = parse_code(code)
    period = await open_period(uow, ledger, code, parse_deadline(deadline, code) if deadline else None, now)
    return period, await period_prompts(uow, ledger, period)


async def close_by_code(uow: UnitOfWork, code: str, now: datetime) -> PeriodInfo:
    """Close the period with this code of the current ledger."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        raise PeriodError(operator_texts.CLI_NO_LEDGER)
    return await close_period(uow, ledger, parse_code(code), now)
