"""A job posts what it can (issue 17, case 7): no CJK font, no group yet, a platform with no sender."""

from __future__ import annotations

import logging

from bot.core.replies import ImageReply, MarkdownReply
from handlers.jobs.runner import run_due, run_job
from reports import fonts
from tests.jobs.helpers import Recorder, at, dispatch_log, setup_chats


async def test_without_a_cjk_font_the_weekly_summary_still_posts_its_text(seeded_app, monkeypatch, caplog):
    app = seeded_app
    rec = await setup_chats(app)
    fonts.find_cjk_font.cache_clear()
    fonts.cjk_font_properties.cache_clear()
    monkeypatch.setattr(fonts, "_candidates", lambda: ["/nonexistent/font.ttf"])
    app.clock.set(at(2025, 4, 25, 17, 1))
    try:
        with caplog.at_level(logging.WARNING):
            posted = await run_job(app, "weekly-summary", at(2025, 4, 25, 17))
    finally:
        fonts.find_cjk_font.cache_clear()
        fonts.cjk_font_properties.cache_clear()
    assert posted == 2
    for out in rec.sent:
        kinds = [type(r) for r in out.replies]
        assert kinds == [MarkdownReply]  # the text, without the chart
        assert "台账" in out.replies[0].plain or out.replies[0].plain
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "font" in warnings[0].getMessage().lower()


async def test_with_a_font_the_chart_goes_too(seeded_app):
    app = seeded_app
    rec = await setup_chats(app)
    app.clock.set(at(2025, 4, 25, 17, 1))
    assert await run_job(app, "weekly-summary", at(2025, 4, 25, 17)) == 2
    assert [type(r) for r in rec.sent[0].replies] == [MarkdownReply, ImageReply]


async def test_a_weekly_summary_with_no_group_does_not_use_up_its_slot(seeded_app):
    app = seeded_app
    rec = Recorder()
    app.senders["console"] = rec
    app.clock.set(at(2025, 4, 25, 17, 1))
    assert await run_job(app, "weekly-summary", at(2025, 4, 25, 17)) == 0
    assert await dispatch_log(app) == []  # no claim kept
    async with app.uow() as uow:
        await uow.chats.add_group("console", "领导群", "领导群", app.clock.now())
        await uow.commit()
    app.clock.set(at(2025, 4, 25, 17, 20))
    runs = await run_due(app, jobs=("weekly-summary",))
    assert [(r.job, r.posted) for r in runs] == [("weekly-summary", 1)]
    assert len(rec.sent) == 1


async def test_a_monthly_ledger_with_no_group_does_not_use_up_its_slot(seeded_app):
    from bot.operations import cli_open_period

    app = seeded_app
    rec = Recorder()
    app.senders["console"] = rec
    ok, message = await cli_open_period(app, "2025-04", "2025-04-25 17:00")
    assert ok, message
    fire = at(2025, 4, 25, 17)
    app.clock.set(at(2025, 4, 28, 9, 0))
    from handlers.jobs.runner import latest_due

    due = await latest_due(app, "monthly-ledger", app.clock.now())
    assert due is not None
    assert await run_job(app, "monthly-ledger", due) == 0
    assert await dispatch_log(app) == []
    async with app.uow() as uow:
        await uow.chats.add_group("console", "领导群", "领导群", app.clock.now())
        await uow.commit()
    assert await run_job(app, "monthly-ledger", due) == 1
    assert fire <= due


async def test_a_platform_without_a_sender_is_reported_at_start(seeded_app, caplog):
    from bot.scheduler import SchedulerService

    app = seeded_app
    rec = await setup_chats(app)  # console and telegram groups; the recorder stands in for both senders
    del app.senders["telegram"]
    service = SchedulerService(app, console=False)
    with caplog.at_level(logging.WARNING):
        await service.start()
        try:
            app.clock.set(at(2025, 4, 25, 17, 1))
            assert await run_job(app, "weekly-summary", at(2025, 4, 25, 17)) == 2
        finally:
            await service.stop()
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("telegram: no sender") and "outbox" in m for m in said), said
    assert not any(m.startswith("console:") for m in said)
    assert rec.sent and {o.chat.platform for o in rec.sent} == {"console"}
    # The Telegram group's post waits in the outbox, saying why in plain words.
    from sqlalchemy import select

    from storage.models import OutboxRow

    async with app.uow() as uow:
        rows = (await uow.session.execute(select(OutboxRow.platform, OutboxRow.error))).all()
    assert rows and {p for p, _ in rows} == {"telegram"}
    assert all("ledgerbot run telegram" in error and "no live sender" not in error for _, error in rows)
    assert "telegram" not in app.senders  # the stand-in leaves with the scheduler
