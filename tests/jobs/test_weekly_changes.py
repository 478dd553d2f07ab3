"""The weekly summary's "what changed" compares only items that had a revision a week before (issue 19)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.replies import MarkdownReply
from handlers.jobs.postings import weekly_summary_job
from storage.schemas import NewSubmission
from tests.conftest import import_seed
from tests.jobs.helpers import at, file_all, setup_chats

FIRE = at(2025, 4, 25, 17, 0)


async def _open_april(app):
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        await uow.ledgers.save_period(
            ledger.id, "2025-04", state="open", now=app.clock.now(), deadline=at(2025, 4, 30, 17)
        )
        await uow.commit()


async def _summary(app) -> str:
    async with app.uow() as uow:
        posts = await weekly_summary_job(uow, FIRE)
    text = posts[0].replies[0]
    assert isinstance(text, MarkdownReply)
    return text.plain.split("与上周相比\n")[1]


async def test_the_first_weekly_summary_lists_no_change_for_items_that_had_no_revision(app):
    # The ledger is imported and the month opened this week: a week ago nothing had been filed at all.
    app.clock.set(at(2025, 4, 22, 9, 0))
    await import_seed(app)
    await setup_chats(app)
    await _open_april(app)
    app.clock.set(at(2025, 4, 23, 10, 0))
    assert await file_all(app, "区卫健局", "2025-04") > 0
    changes = await _summary(app)
    assert "→" not in changes, changes  # was 33 lines of "未启动 → 推进中" and the like
    # The import (March's figures carried) and 卫健局's filing are all this week's: nothing to compare with.
    assert changes.splitlines()[0] == "33 项上周还没有任何填报，不作比较。"


async def test_an_item_filed_before_the_week_is_compared(app):
    app.clock.set(at(2025, 4, 1, 9, 0))
    await import_seed(app)
    await setup_chats(app)
    await _open_april(app)
    app.clock.set(at(2025, 4, 16, 10, 0))
    await file_all(app, "区卫健局", "2025-04")  # before the week: these have an earlier revision
    app.clock.set(FIRE - timedelta(days=1))
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        april = await uow.ledgers.period(ledger.id, "2025-04")
        item = (await uow.ledgers.items(ledger.id, unit="区卫健局"))[0]
        await uow.submissions.add(
            NewSubmission(
                period_id=april.id,
                item_id=item.id,
                unit="区卫健局",
                progress="已全部建成",
                status="completed",
                author="区卫健局",
            ),
            app.clock.now(),
        )
        await uow.commit()
    changes = await _summary(app)
    lines = [line for line in changes.splitlines() if "→" in line]
    assert len(lines) == 1 and lines[0].startswith(f"· [{item.number}] ") and "推进中 → 已完成" in lines[0]
    assert "不作比较" not in changes
