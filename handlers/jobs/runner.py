"""Scheduled jobs: open the period, remind, escalate, the weekly summary and the monthly ledger — each posted once.

Each job is a function that returns the messages to post (handlers return, adapters send). ``run_job`` makes a
posting exactly-once: in one transaction it claims (job, fire time) in the dispatch log, builds the messages
(opening the period for open-period) and commits; only then are the messages delivered. A second run for the
same time — a restart, a manual run, another scheduler process on the same database — finds the claim taken and
posts nothing. A failure while building rolls the claim back with everything else, so the next tick retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.messages import ChatRef
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply
from handlers import texts
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import MEDIA_TYPES, render
from handlers.jobs.times import (
    DEADLINE_JOBS,
    ESCALATE,
    JOB_NAMES,
    MONTHLY_LEDGER,
    OPEN_PERIOD,
    REMIND,
    WEEKLY_SUMMARY,
    JobConfig,
    WorkCalendar,
    deadline_fires,
    fire_key,
    last_fire,
    open_deadline,
    period_code_of,
)
from handlers.manage.prompts import period_prompts
from reports.lights import Thresholds
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo
from storage.uow import UnitOfWork

_log = logging.getLogger(__name__)
_SKIPPED: set[tuple[str, datetime]] = set()


@dataclass(frozen=True)
class JobRun:
    """The outcome of one attempt: whether this process claimed the posting, and how many messages it posted."""

    job: str
    fire_time: datetime
    claimed: bool
    posted: int

    @property
    def key(self) -> str:
        """Return the dispatch-log key of the fire time."""
        return fire_key(self.fire_time)


def when_text(when: datetime, cfg: JobConfig) -> str:
    """Return '4月25日17:00' in the schedule's time zone."""
    d = when.astimezone(cfg.tz)
    return f"{d.month}月{d.day}日{d:%H:%M}"


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
        mine = [i for i in items if unit.name in i.units
                and not ({unit.name, ""} & filed.get(i.id, set()))]
        if mine:
            out[unit.name] = mine
    return out


def _contact_chat(contact) -> ChatRef:
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


async def _periods_firing(uow: UnitOfWork, job: str, fire: datetime, cfg: JobConfig,
                          cal: WorkCalendar) -> tuple[LedgerInfo | None, list[PeriodInfo]]:
    ledger = await uow.ledgers.get()
    if ledger is None:
        return None, []
    periods = await uow.ledgers.periods(ledger.id)
    return ledger, deadline_fires(job, periods, cfg, cal).get(fire, [])


# ---------------------------------------------------------------- the jobs
async def open_period_job(uow: UnitOfWork, fire: datetime, now: datetime, cfg: JobConfig,
                          cal: WorkCalendar) -> list[Outbound]:
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
    period = await uow.ledgers.save_period(ledger.id, code, state="open", now=now,
                                           deadline=open_deadline(fire, cfg, cal))
    return await period_prompts(uow, ledger, period)


async def remind_job(uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar) -> list[Outbound]:
    """Return a reminder for each bound contact whose unit still has items not filed in the open period."""
    ledger, periods = await _periods_firing(uow, REMIND, fire, cfg, cal)
    out: list[Outbound] = []
    for period in periods:
        if period.state != "open" or period.opened_at >= fire:
            continue  # closed, or opened after the reminder time (its prompt has just gone out)
        missing = await missing_items(uow, ledger, period)
        for contact in await uow.chats.contacts(role="contact"):
            items = missing.get(contact.unit)
            if not items:
                continue
            text = texts.REMIND.format(
                unit=contact.unit, code=period.code, count=len(items),
                deadline=texts.REMIND_DEADLINE.format(deadline=when_text(period.deadline, cfg)),
                items="\n".join(f"[{i.number}] {i.content}" for i in items))
            out.append(Outbound(chat=_contact_chat(contact),
                                replies=(TextReply(text=text, choices=(texts.START_REPORT,)),)))
    return out


async def escalate_job(uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar) -> list[Outbound]:
    """Return, for every coordinator and admin, the units that missed the deadline and their items."""
    ledger, periods = await _periods_firing(uow, ESCALATE, fire, cfg, cal)
    out: list[Outbound] = []
    for period in periods:
        if period.state != "open":
            continue
        missing = await missing_items(uow, ledger, period)
        if not missing:
            continue
        lines = [texts.ESCALATE_HEAD.format(code=period.code, deadline=when_text(period.deadline, cfg),
                                            count=len(missing))]
        lines += [texts.ESCALATE_LINE.format(unit=unit, numbers="、".join(str(i.number) for i in items))
                  for unit, items in missing.items()]
        lines.append(texts.ESCALATE_TAIL)
        reply = TextReply(text="\n".join(lines))
        out += [Outbound(chat=chat, replies=(reply,)) for chat in await _coordinators(uow)]
    return out


async def weekly_summary_job(uow: UnitOfWork, fire: datetime, thresholds: Thresholds | None = None) -> list[Outbound]:
    """Return the weekly summary (text for each platform + chart) for every registered group.

    It covers the open period (else the latest one); "what changed" compares with the same period compiled
    from the submissions that existed a week before ``fire``.
    """
    groups = await _groups(uow)
    ledger = await uow.ledgers.get()
    if not groups or ledger is None:
        return []
    periods = await uow.ledgers.periods(ledger.id)
    open_ = [p for p in periods if p.state == "open"]
    period = (open_ or periods or [None])[-1]
    if period is None:
        return []
    from reports.to_png import items_chart
    from reports.to_text import summary_text

    compiled = await compile_ledger(uow, ledger, period, thresholds)
    previous = await compile_ledger(_AsOf(uow, ledger, fire - timedelta(days=7)), ledger, period, thresholds)
    text = MarkdownReply(plain=summary_text(compiled, previous, "plain"), html=summary_text(compiled, previous, "html"),
                         markdown=summary_text(compiled, previous, "markdown"))
    chart = ImageReply(filename=f"周报-{compiled.period}.png",
                       content=items_chart(compiled, top=40 if len(compiled.rows) > 40 else None),
                       caption=texts.WEEKLY_CHART_CAPTION.format(title=compiled.title, period=compiled.period))
    return [Outbound(chat=chat, replies=(text, chart)) for chat in groups]


async def monthly_ledger_job(uow: UnitOfWork, fire: datetime, cfg: JobConfig, cal: WorkCalendar,
                             thresholds: Thresholds | None = None) -> list[Outbound]:
    """Return the compiled ledger of the period whose deadline passed, as Word and Excel, for every group."""
    groups = await _groups(uow)
    ledger, periods = await _periods_firing(uow, MONTHLY_LEDGER, fire, cfg, cal)
    out: list[Outbound] = []
    for period in periods if groups else []:
        compiled = await compile_ledger(uow, ledger, period, thresholds)
        caption = texts.MONTHLY_LEDGER_CAPTION.format(title=compiled.title, period=compiled.period)
        files = []
        for fmt in ("docx", "xlsx"):
            data, filename = render(compiled, fmt)
            files.append(FileReply(filename=filename, media_type=MEDIA_TYPES[fmt], content=data, caption=caption))
        out += [Outbound(chat=chat, replies=tuple(files)) for chat in groups]
    return out


async def build_job(name: str, uow: UnitOfWork, fire: datetime, now: datetime, cfg: JobConfig, cal: WorkCalendar,
                    thresholds: Thresholds | None = None) -> list[Outbound]:
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


# ---------------------------------------------------------------- exactly once
def _config(app, config: JobConfig | None) -> JobConfig:
    return config or JobConfig.from_settings(app.settings)


def _thresholds(app) -> Thresholds | None:
    lights = getattr(app.settings, "lights", None)
    return Thresholds(yellow=lights.yellow, red=lights.red) if lights is not None else None


async def run_job_once(app, name: str, fire_time: datetime, *, config: JobConfig | None = None,
                       calendar: WorkCalendar | None = None) -> JobRun:
    """Claim (job, fire time), build and commit, then deliver; a posting already claimed posts nothing."""
    if name not in JOB_NAMES:
        raise ValueError(f"unknown job {name!r}; jobs: {', '.join(JOB_NAMES)}")
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    key = fire_key(fire_time, cfg.tz)
    now = app.clock.now()
    async with app.uow() as uow:
        # The claim is the transaction's first write: a concurrent claimer waits on the unique key
        # (PostgreSQL) or the write lock (SQLite) and then finds it taken.
        if not await uow.chats.claim_dispatch(name, key, now):
            _log.info("%s at %s was already posted; nothing to do", name, key)
            return JobRun(name, fire_time, False, 0)
        outbound = await build_job(name, uow, fire_time, now, cfg, cal, _thresholds(app))
        await uow.commit()
    posted = await app.deliver(outbound)
    async with app.uow() as uow:
        await uow.chats.set_dispatch_count(name, key, posted)
        await uow.commit()
    _log.info("%s at %s posted %d message(s)", name, key, posted)
    return JobRun(name, fire_time, True, posted)


async def run_job(app, name: str, fire_time: datetime, *, config: JobConfig | None = None,
                  calendar: WorkCalendar | None = None) -> int:
    """Run job ``name`` for ``fire_time`` once; return how many messages it posted (0 when already done)."""
    return (await run_job_once(app, name, fire_time, config=config, calendar=calendar)).posted


async def scheduled_periods(app) -> list[PeriodInfo]:
    """Return the periods of the current ledger (deadline jobs fire from their deadlines)."""
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        return await uow.ledgers.periods(ledger.id) if ledger else []


async def latest_due(app, name: str, at: datetime, *, config: JobConfig | None = None,
                     calendar: WorkCalendar | None = None) -> datetime | None:
    """Return the latest fire time of job ``name`` at or before ``at`` (the run a manual ``jobs run`` stands for)."""
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    periods = await scheduled_periods(app) if name in DEADLINE_JOBS else []
    return last_fire(name, at, cfg, cal, periods)


async def run_due(app, *, jobs: tuple[str, ...] = JOB_NAMES, config: JobConfig | None = None,
                  calendar: WorkCalendar | None = None) -> list[JobRun]:
    """Run, once, each job's latest fire time that has passed within the grace window and is not in the log.

    This is the catch-up on start and the scheduler's tick: missed runs are coalesced into the latest one,
    and older ones (beyond ``grace_seconds``) are skipped, never replayed.
    """
    cfg = _config(app, config)
    cal = calendar or WorkCalendar(cfg.holidays)
    now = app.clock.now()
    periods = await scheduled_periods(app)
    async with app.uow() as uow:
        done = {(job, key) for job, key, _ in await uow.chats.dispatches()}
    runs = []
    for name in jobs:
        fire = last_fire(name, now, cfg, cal, periods)
        if fire is None or (name, fire_key(fire, cfg.tz)) in done:
            continue
        if now - fire > cfg.grace:
            if (name, fire) not in _SKIPPED:  # said once per process, not on every tick
                _SKIPPED.add((name, fire))
                _log.warning("%s at %s was missed by more than the grace window; skipped", name,
                             fire_key(fire, cfg.tz))
            continue
        runs.append(await run_job_once(app, name, fire, config=cfg, calendar=cal))
    return runs


# ---------------------------------------------------------------- the ledger as it stood a week ago
class _AsOf:
    """A read-only unit of work showing only submissions created up to ``cutoff`` (for "what changed")."""

    def __init__(self, uow: UnitOfWork, ledger: LedgerInfo, cutoff: datetime) -> None:
        self.ledgers = uow.ledgers
        self.submissions = _AsOfSubmissions(uow, ledger, cutoff)


class _AsOfSubmissions:
    """The two reads ``compile_ledger`` makes, answered from each item's full history cut at ``cutoff``."""

    def __init__(self, uow: UnitOfWork, ledger: LedgerInfo, cutoff: datetime) -> None:
        self._uow, self._ledger, self._cutoff = uow, ledger, cutoff
        self._history: dict[int, list[SubmissionInfo]] = {}

    async def _item(self, item_id: int) -> list[SubmissionInfo]:
        if item_id not in self._history:
            self._history[item_id] = [s for s in await self._uow.submissions.history(item_id)
                                      if s.created_at <= self._cutoff]
        return self._history[item_id]

    @staticmethod
    def _newest(subs: list[SubmissionInfo]) -> list[SubmissionInfo]:
        best: dict[tuple[int, str], SubmissionInfo] = {}
        for s in subs:
            k = (s.item_id, s.unit)
            if k not in best or s.revision > best[k].revision:
                best[k] = s
        return [best[k] for k in sorted(best)]

    async def latest(self, period_id: int, *, item_id: int | None = None,
                     unit: str | None = None) -> list[SubmissionInfo]:
        """Return the latest revision per item and unit of a period as of the cutoff."""
        ids = [item_id] if item_id is not None else [i.id for i in await self._uow.ledgers.items(self._ledger.id)]
        subs = [s for i in ids for s in await self._item(i)
                if s.period_id == period_id and (unit is None or s.unit == unit)]
        return self._newest(subs)

    async def previous(self, ledger_id: int, before_code: str, item_id: int) -> list[SubmissionInfo]:
        """Return the item's latest revisions in the most recent earlier period with any, as of the cutoff."""
        subs = [s for s in await self._item(item_id) if s.period_code < before_code]
        codes = [s.period_code for s in subs if not s.skipped]
        if not codes:
            return []
        code = max(codes)
        return self._newest([s for s in subs if s.period_code == code])
