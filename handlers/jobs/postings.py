"""What each scheduled job posts: the period's opening prompts, reminders, escalations, the weekly summary and
the monthly ledger. Each returns the messages (handlers return, adapters send); ``handlers.jobs.runner`` posts
them exactly once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.messages import ChatRef
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply
from handlers import texts
from handlers.dates import moment_text
from handlers.jobs.as_of import LedgerAsOf
from handlers.jobs.times import (
    ESCALATE,
    JOB_NAMES,
    MONTHLY_LEDGER,
    OPEN_PERIOD,
    REMIND,
    WEEKLY_SUMMARY,
    JobConfig,
    WorkCalendar,
    deadline_fires,
    open_deadline,
    period_code_of,
)
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import MEDIA_TYPES, render
from handlers.manage.prompts import period_prompts
from reports.figures import item_ref
from reports.fonts import FontMissingError
from reports.lights import Thresholds
from storage.schemas import ContactInfo, ItemInfo, LedgerInfo, PeriodInfo
from storage.uow import UnitOfWork

_log = logging.getLogger(__name__)


class NoAudienceError(Exception):
    """A job found nobody to post to (no group registered): its slot stays free for a later run."""


def when_text(when: datetime, fire: datetime, cfg: JobConfig) -> str:
    """Return '4月25日17:00' in the schedule's time zone, with the year when it is not the fire time's."""
    return moment_text(when, fire, cfg.tz)


# ---------------------------------------------------------------- who has not filed
async def missing_items(uow: UnitOfWork, ledger: LedgerInfo, period: PeriodInfo) -> dict[str, list[ItemInfo]]:
    """Return unit → its items with no filed (non-skipped) submission in ``period``, units in ledger order.

    A submission without a unit (imported, or filed by the coordinator) counts for every unit of its item,
    as in the compiled ledger.
    """
    filed: dict[int, set[str]] = {}
    for sub in await uow.submissions.latest(period.id):
        if not sub.skipped:
            filed.setdefault(sub.item_id, set()).add(sub.unit)
    items = await uow.ledgers.items(ledger.id)
    out: dict[str, list[ItemInfo]] = {}
    for unit in await uow.ledgers.units(ledger.id):
        mine = [i for i in items if unit.name in i.units and not ({unit.name, ""} & filed.get(i.id, set()))]
        if mine:
            out[unit.name] = mine
    return out


def _contact_chat(contact: ContactInfo) -> ChatRef:
    return ChatRef(platform=contact.platform, chat_id=contact.chat_id or contact.user_id)


async def _coordinators(uow: UnitOfWork) -> list[ChatRef]:
    seen: dict[str, ChatRef] = {}
    for role in ("admin", "coordinator"):
        for c in await uow.chats.contacts(role=role):
            chat = _contact_chat(c)
            seen.setdefault(chat.key, chat)
    return list(seen.values())


async def _groups(uow: UnitOfWork) -> list[ChatRef]:
    return [ChatRef(platform=g.platform, chat_id=g.chat_id, is_group=True) for g in await uow.chats.groups()]


async def _periods_firing(
    uow: UnitOfWork, job: str, fire: datetime, cfg: JobConfig, cal: WorkCalendar
) -> tuple[LedgerInfo, list[PeriodInfo]] | None:
    """Return the ledger and its periods whose deadline job ``job`` fires at ``fire`` (None: no ledger)."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        return None
    periods = await uow.ledgers.periods(ledger.id)
    return ledger, deadline_fires(job, periods, cfg, cal).get(fire, [])


# ---------------------------------------------------------------- the jobs
async def open_period_job(
    uow: UnitOfWork, fire: datetime, now: datetime, cfg: JobConfig, cal: WorkCalendar
) -> list[Outbound]:
    """Open the period of the fire time's month (deadline: the configured day, postponed to a working day)
    and return a prompt for every bound contact; a period that exists already (opened by hand) is left alone."""
    ledger = await uow.ledgers.get()
    if ledger is None:
        _log.info("open-period: no ledger imported yet")
        return []
    code = period_code_of(fire, cfg)
    if await uow.ledgers.period(ledger.id, code) is not None:
        _log.info("open-period: %s exists already; nothing to open or prompt", code)
        return []
    # save_period directly: a run by hand "as at" a past time may open a period whose deadline has passed.
    period = await uow.ledgers.save_period(
        ledger.id, code, state="open", now=now, deadline=open_deadline(fire, cfg, cal)
    )
    await uow.admin.audit(now, "scheduler", "period.open", code)
    return await period_prompts(uow, ledger, period, now)


async def remind_job(uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar) -> list[Outbound]:
    """Return a reminder for each bound contact whose unit still has items not filed in the open period."""
    firing = await _periods_firing(uow, REMIND, fire, cfg, cal)
    if firing is None:
        return []
    ledger, periods = firing
    out: list[Outbound] = []
    for period in periods:
        if period.state != "open" or period.opened_at >= fire or period.deadline is None:
            continue  # closed, or opened after the reminder time (its prompt has just gone out)
        missing = await missing_items(uow, ledger, period)
        for contact in await uow.chats.contacts(role="contact"):
            items = missing.get(contact.unit)
            if not items:
                continue
            text = texts.REMIND.format(
                unit=contact.unit,
                code=period.code,
                count=len(items),
                deadline=texts.REMIND_DEADLINE.format(deadline=when_text(period.deadline, fire, cfg)),
                items="\n".join(f"{item_ref(i.number)} {i.content}" for i in items),
            )
            out.append(
                Outbound(
                    chat=_contact_chat(contact),
                    replies=(TextReply(text=text, choices=(texts.START_REPORT,)),),
                )
            )
    return out


async def escalate_job(uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar) -> list[Outbound]:
    """Return, for every coordinator and admin, the units that missed the deadline and their items."""
    firing = await _periods_firing(uow, ESCALATE, fire, cfg, cal)
    if firing is None:
        return []
    ledger, periods = firing
    out: list[Outbound] = []
    for period in periods:
        if period.state != "open" or period.deadline is None:
            continue
        missing = await missing_items(uow, ledger, period)
        if not missing:
            continue
        lines = [
            texts.ESCALATE_HEAD.format(
                code=period.code, deadline=when_text(period.deadline, fire, cfg), count=len(missing)
            )
        ]
        lines += [
            texts.ESCALATE_LINE.format(unit=unit, numbers="、".join(str(i.number) for i in items))
            for unit, items in missing.items()
        ]
        lines.append(texts.ESCALATE_TAIL)
        reply = TextReply(text="\n".join(lines))
        out += [Outbound(chat=chat, replies=(reply,)) for chat in await _coordinators(uow)]
    return out


async def weekly_summary_job(
    uow: UnitOfWork, fire: datetime, thresholds: Thresholds | None = None
) -> list[Outbound]:
    """Return the weekly summary (text for each platform + chart) for every registered group.

    It covers the open period (else the latest one); "what changed" compares with the same period compiled
    from the submissions that existed a week before ``fire``.
    """
    groups = await _groups(uow)
    ledger = await uow.ledgers.get()
    if ledger is None:
        return []
    if not groups:
        raise NoAudienceError("no group registered")
    periods = await uow.ledgers.periods(ledger.id)
    open_ = [p for p in periods if p.state == "open"]
    candidates = open_ or periods
    if not candidates:
        return []
    period = candidates[-1]
    from reports.to_png import items_chart
    from reports.to_text import summary_text

    compiled = await compile_ledger(uow, ledger, period, thresholds)
    previous = await compile_ledger(
        LedgerAsOf(uow, ledger, fire - timedelta(days=7)), ledger, period, thresholds
    )
    text = MarkdownReply(
        plain=summary_text(compiled, previous, "plain"),
        html=summary_text(compiled, previous, "html"),
        markdown=summary_text(compiled, previous, "markdown"),
    )
    try:
        content = items_chart(compiled, top=40 if len(compiled.rows) > 40 else None)
    except FontMissingError as exc:
        # The text is the summary; the chart is a picture of it. Post what can be posted.
        _log.warning("weekly summary: chart skipped, the text goes alone (%s)", str(exc).split(".")[0])
        return [Outbound(chat=chat, replies=(text,)) for chat in groups]
    chart = ImageReply(
        filename=f"周报-{compiled.period}.png",
        content=content,
        caption=texts.WEEKLY_CHART_CAPTION.format(title=compiled.title, period=compiled.period),
    )
    return [Outbound(chat=chat, replies=(text, chart)) for chat in groups]


async def monthly_ledger_job(
    uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar, thresholds: Thresholds | None = None
) -> list[Outbound]:
    """Return the compiled ledger of the period whose deadline passed, as Word and Excel, for every group."""
    groups = await _groups(uow)
    firing = await _periods_firing(uow, MONTHLY_LEDGER, fire, cfg, cal)
    if firing is None:
        return []
    ledger, periods = firing
    if periods and not groups:
        raise NoAudienceError("no group registered")
    out: list[Outbound] = []
    for period in periods:
        compiled = await compile_ledger(uow, ledger, period, thresholds)
        caption = texts.MONTHLY_LEDGER_CAPTION.format(title=compiled.title, period=compiled.period)
        files = []
        for fmt in ("docx", "xlsx"):
            data, filename = render(compiled, fmt)
            content = data if isinstance(data, bytes) else data.encode("utf-8")
            files.append(
                FileReply(filename=filename, media_type=MEDIA_TYPES[fmt], content=content, caption=caption)
            )
        out += [Outbound(chat=chat, replies=tuple(files)) for chat in groups]
    return out


async def build_job(
    name: str,
    uow: UnitOfWork,
    fire: datetime,
    now: datetime,
    cfg: JobConfig,
    cal: WorkCalendar,
    thresholds: Thresholds | None = None,
) -> list[Outbound]:
    """Return the messages job ``name`` posts for ``fire`` (open-period also opens the period in ``uow``)."""
    if name == OPEN_PERIOD:
        return await open_period_job(uow, fire, now, cfg, cal)
    if name == REMIND:
        return await remind_job(uow, fire, cfg, cal)
    if name == ESCALATE:
        return await escalate_job(uow, fire, cfg, cal)
    if name == WEEKLY_SUMMARY:
        return await weekly_summary_job(uow, fire, thresholds)
    if name == MONTHLY_LEDGER:
        return await monthly_ledger_job(uow, fire, cfg, cal, thresholds)
    raise ValueError(f"unknown job {name!r}; jobs: {', '.join(JOB_NAMES)}")
