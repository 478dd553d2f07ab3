"""Messages that go out to contacts without them asking: the prompt when a period opens."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply
from handlers import texts
from handlers.dates import moment_text
from reports.figures import item_ref
from storage.schemas import LedgerInfo, PeriodInfo
from storage.uow import UnitOfWork


def deadline_text(period: PeriodInfo, now: datetime) -> str:
    """Return '，截止4月25日17:00' (with the year when it is not this year's) or ''."""
    if period.deadline is None:
        return ""
    return texts.DEADLINE_PART.format(deadline=moment_text(period.deadline, now))


async def period_prompts(
    uow: UnitOfWork,
    ledger: LedgerInfo,
    period: PeriodInfo,
    now: datetime,
    *,
    units: set[str] | None = None,
) -> list[Outbound]:
    """Return one prompt per bound contact and unit (only the given units when named)."""
    out = []
    for contact in await uow.chats.contacts(role="contact"):
        if not contact.unit or (units is not None and contact.unit not in units):
            continue
        items = await uow.ledgers.items(ledger.id, unit=contact.unit)
        listing = "\n".join(f"{item_ref(i.number)} {i.content}" for i in items)
        text = texts.PERIOD_PROMPT.format(
            unit=contact.unit,
            code=period.code,
            deadline=deadline_text(period, now),
            count=len(items),
            items=listing,
        )
        out.append(
            Outbound(
                chat=ChatRef(platform=contact.platform, chat_id=contact.chat_id or contact.user_id),
                replies=(TextReply(text=text, choices=(texts.START_REPORT,)),),
            )
        )
    return out
