"""A whole month with a controllable clock: opening, reminder, weekly summary, escalation, monthly ledger."""

from __future__ import annotations

from bot.core.replies import FileReply, ImageReply, MarkdownReply
from handlers.jobs.postings import missing_items, remind_job
from handlers.jobs.runner import run_due, run_job
from handlers.jobs.times import JobConfig, WorkCalendar
from tests.jobs.helpers import at, dispatch_log, file_all, setup_chats


async def tick_hourly(app, until, **kw) -> list[tuple[str, str, int]]:
    """Move the clock an hour at a time up to ``until``, running the scheduler's tick at each step."""
    runs = []
    while app.clock.now() < until:
        app.clock.advance(hours=1)
        runs += [(r.job, r.key, r.posted) for r in await run_due(app, **kw)]
    return runs


async def period(app, code):
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        return await uow.ledgers.period(ledger.id, code)


async def test_a_whole_month_from_opening_to_ledger(seeded_app):
    app = seeded_app
    app.clock.set(at(2025, 4, 19, 12, 0))
    rec = await setup_chats(app, wecom_group=True)  # no live WeCom sender: its posts wait in the outbox

    # The 20th is a Sunday: nothing opens until Monday 09:00.
    assert await tick_hourly(app, at(2025, 4, 21, 8, 0)) == []
    assert await period(app, "2025-04") is None
    assert await tick_hourly(app, at(2025, 4, 21, 9, 0)) == [("open-period", "2025-04-21T09:00+08:00", 3)]
    april = await period(app, "2025-04")
    assert april.state == "open" and april.deadline == at(2025, 4, 25, 17)
    assert {o.chat.chat_id for o in rec.sent} == {"wj", "yb", "jt"}
    assert "截止4月25日17:00" in rec.texts("yb")[0]

    # 卫健局 files everything, 医保局 all but one (skipped), 教体局 nothing.
    app.clock.set(at(2025, 4, 22, 10, 0))
    assert await file_all(app, "区卫健局", "2025-04") > 0
    yb_items = await file_all(app, "区医保局", "2025-04", skip={4})
    assert yb_items > 0
    rec.sent.clear()
    assert await tick_hourly(app, at(2025, 4, 23, 13, 0)) == [("remind", "2025-04-23T13:00+08:00", 2)]
    assert {o.chat.chat_id for o in rec.sent} == {"yb", "jt"}  # only the units still missing
    assert (
        "[4]" in rec.texts("yb")[0]
        and "[3]" not in rec.texts("yb")[0]
        and "4月25日17:00截止" in rec.texts("yb")[0]
    )

    rec.sent.clear()
    runs = await tick_hourly(app, at(2025, 4, 25, 18, 0))
    assert runs == [
        ("weekly-summary", "2025-04-25T17:00+08:00", 3),
        ("escalate", "2025-04-25T18:00+08:00", 1),
    ]
    groups = [o for o in rec.sent if o.chat.is_group]
    assert {o.chat.key for o in groups} == {"console:领导群", "telegram:-1001"}
    for out in groups:
        text, chart = out.replies
        assert isinstance(text, MarkdownReply) and "周报" in text.plain and "<b>" in text.html
        assert text.markdown.startswith("## ")
        assert isinstance(chart, ImageReply) and chart.content.startswith(b"\x89PNG")
    escalation = rec.texts("admin")[0]
    assert "区教体局" in escalation and "区医保局：4" in escalation and "区卫健局" not in escalation

    # The day after the deadline is a Saturday; Sunday the 27th is a make-up working day (调休).
    rec.sent.clear()
    assert await tick_hourly(app, at(2025, 4, 28, 12, 0)) == [("monthly-ledger", "2025-04-27T09:00+08:00", 3)]
    for out in rec.sent:
        docx, xlsx = out.replies
        assert (
            isinstance(docx, FileReply) and docx.filename == "台账-2025-04.docx" and docx.content[:2] == b"PK"
        )
        assert isinstance(xlsx, FileReply) and xlsx.filename == "台账-2025-04.xlsx"

    assert await dispatch_log(app) == [
        ("open-period", "2025-04-21T09:00+08:00", 3),
        ("remind", "2025-04-23T13:00+08:00", 2),
        ("weekly-summary", "2025-04-25T17:00+08:00", 3),
        ("escalate", "2025-04-25T18:00+08:00", 1),
        ("monthly-ledger", "2025-04-27T09:00+08:00", 3),
    ]
    queued = await app.outbox().due("wecom")
    assert [o.chat.chat_id for _, o in queued] == ["robot-1", "robot-1"]  # the summary and the ledger


async def test_the_opening_waits_for_the_end_of_the_spring_festival(seeded_app):
    app = seeded_app
    app.clock.set(at(2026, 2, 19, 12, 0))
    await setup_chats(app)
    assert await tick_hourly(app, at(2026, 2, 24, 8, 0)) == []
    runs = await tick_hourly(app, at(2026, 2, 24, 9, 0))
    assert runs == [("open-period", "2026-02-24T09:00+08:00", 3)]
    assert (await period(app, "2026-02")).deadline == at(2026, 2, 25, 17)


async def test_with_holidays_off_the_opening_keeps_its_day(seeded_app):
    app = seeded_app
    app.clock.set(at(2026, 2, 20, 8, 30))
    await setup_chats(app)
    runs = await tick_hourly(app, at(2026, 2, 20, 9, 30), config=JobConfig(holidays=False))
    assert runs == [("open-period", "2026-02-20T09:00+08:00", 3)]


async def test_a_reminder_goes_only_to_units_with_items_missing(seeded_app):
    app = seeded_app
    app.clock.set(at(2025, 4, 21, 9, 0))
    rec = await setup_chats(app)
    assert await run_job(app, "open-period", at(2025, 4, 21, 9)) == 3
    await file_all(app, "区卫健局", "2025-04")
    await file_all(app, "区医保局", "2025-04")
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        april = await uow.ledgers.period(ledger.id, "2025-04")
        missing = await missing_items(uow, ledger, april)
        reminders = await remind_job(uow, at(2025, 4, 23, 13), JobConfig(), WorkCalendar())
    assert "区卫健局" not in missing and "区医保局" not in missing and "区教体局" in missing
    assert [o.chat.chat_id for o in reminders] == ["jt"]
    rec.sent.clear()
    app.clock.set(at(2025, 4, 23, 13, 5))
    assert await run_job(app, "remind", at(2025, 4, 23, 13)) == 1
    assert [o.chat.chat_id for o in rec.sent] == ["jt"]
