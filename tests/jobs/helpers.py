"""Helpers for the scheduled-job tests: a recording sender, contacts, groups and filed items."""

from __future__ import annotations

from datetime import datetime

from bot.core.clock import SHANGHAI
from bot.core.replies import Outbound
from storage.schemas import NewSubmission

UNITS = {"wj": "区卫健局", "yb": "区医保局", "jt": "区教体局"}


def at(*args) -> datetime:
    """Return an Asia/Shanghai time."""
    return datetime(*args, tzinfo=SHANGHAI)


class Recorder:
    """A Sender that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    async def send(self, outbound: Outbound) -> None:
        self.sent.append(outbound)

    def to(self, chat_id: str) -> list[Outbound]:
        return [o for o in self.sent if o.chat.chat_id == chat_id]

    def texts(self, chat_id: str) -> list[str]:
        return [
            getattr(r, "text", "") or getattr(r, "plain", "") for o in self.to(chat_id) for r in o.replies
        ]


async def setup_chats(app, *, wecom_group: bool = False) -> Recorder:
    """Bind the three console contacts, register a console and a Telegram group, and record console/telegram sends."""
    now = app.clock.now()
    async with app.uow() as uow:
        for user, unit in UNITS.items():
            await uow.chats.add_role("console", user, "contact", now, unit=unit, chat_id=user)
        await uow.chats.add_group("console", "领导群", "领导群", now)
        await uow.chats.add_group("telegram", "-1001", "telegram群", now)
        if wecom_group:
            await uow.chats.add_group("wecom", "robot-1", "企业微信群", now)
        await uow.commit()
    rec = Recorder()
    app.senders["console"] = rec
    app.senders["telegram"] = rec
    return rec


async def file_all(app, unit: str, code: str, *, skip: set[int] = frozenset()) -> int:
    """File every item of ``unit`` in period ``code`` (skipping the numbered ones); return how many."""
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        period = await uow.ledgers.period(ledger.id, code)
        n = 0
        for item in await uow.ledgers.items(ledger.id, unit=unit):
            skipped = item.number in skip
            await uow.submissions.add(
                NewSubmission(
                    period_id=period.id,
                    item_id=item.id,
                    unit=unit,
                    progress="" if skipped else "按计划推进",
                    skipped=skipped,
                    status="in_progress",
                    author=unit,
                ),
                app.clock.now(),
            )
            n += 0 if skipped else 1
        await uow.commit()
    return n


async def dispatch_log(app) -> list[tuple[str, str, int]]:
    async with app.uow() as uow:
        return await uow.chats.dispatches()
