"""Answers kept between questions and brought up to date per item after a filing say exactly what compiling
everything again says (SQLite and PostgreSQL).

Each step files something on the seed ledger (April open: a unit of a joint item alone, a joint text, a
skip, a second revision, a late March revision that changes what April carries, a progress that ignores
March's plan), then every question is asked twice: through a process cache that has answered before the
filing, and through a unit of work with no cache at all (everything compiled from the database).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI, FakeClock
from bot.core.conversation import IDLE
from bot.core.messages import ChatRef, IncomingMessage
from handlers.coordinator import queries
from handlers.coordinator.query_answers import Question
from handlers.deps import Deps
from handlers.ledger.compile import compile_ledger
from handlers.ledger.importer import import_ledger
from handlers.ledger.reader import read_ledger_file
from handlers.ledger.table import parse_table
from nlp.intents import Query
from nlp.segment import Segmenter
from storage import db
from storage.schemas import NewSubmission
from storage.structure_cache import StructureCache
from storage.uow import UnitOfWork
from tests.conftest import seed_path

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)
QUESTIONS = (
    "概况",
    "哪些项目滞后",
    "谁还没报",
    "报了多少家了",
    "哪些单位已经报了",
    "几家没报",
    "只看红灯",
    "卫健局怎么样",
    "综合行政执法局有没有滞后的",
    "第24项进展",
    "第2项进展",
    "蓝鲸充电站进展",  # words only a filing's progress has: the items' words are kept up to date too
)
SEGMENTER = Segmenter()


@pytest.fixture
async def ledger_db(db_url):
    engine = db.make_engine(db_url)
    await db.upgrade(engine)
    sm = db.make_sessionmaker(engine)
    async with UnitOfWork(sm) as uow:
        await import_ledger(uow, parse_table(read_ledger_file(seed_path())), NOW)
        await uow.commit()
    async with UnitOfWork(sm) as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=NOW)
        await uow.commit()
    yield sm
    await engine.dispose()


async def _ask(sm, cache: StructureCache | None, text: str) -> str:
    async with UnitOfWork(sm, cache) as uow:
        deps = Deps(uow=uow, clock=FakeClock(NOW), segmenter=SEGMENTER)
        msg = IncomingMessage(
            message_id="1", chat=ChatRef(platform="t", chat_id="1"), user_id="1", text=text, sent_at=NOW
        )
        turn = await queries.answer(msg, IDLE, deps)
        assert turn is not None
        return turn.replies[0].text  # type: ignore[union-attr]


async def _file(sm, code: str, number: int, unit: str, **values) -> None:
    async with UnitOfWork(sm) as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        period = await uow.ledgers.period(ledger.id, code)
        assert period is not None
        item = (await uow.ledgers.items(ledger.id))[number - 1]
        new = NewSubmission(period_id=period.id, item_id=item.id, unit=unit, author="t", **values)
        await uow.submissions.add(new, NOW)
        await uow.commit()


async def _compiled_both_ways(sm, cache: StructureCache):
    """Return (the kept-and-updated compiled ledger, compile_ledger's) of the current period."""
    async with UnitOfWork(sm, cache) as uow:
        deps = Deps(uow=uow, clock=FakeClock(NOW), segmenter=SEGMENTER)
        ledger = await uow.ledgers.get()
        assert ledger is not None
        period = await uow.ledgers.period(ledger.id, "2025-04")
        assert period is not None
        vocab, items = await queries.vocabulary(deps, ledger, period)
        by_id = {i.id: i for i in items}
        q = Question(Query(kind="overview"), deps, ledger, period, vocab, by_id)
        kept = await q.whole()
        return kept, await compile_ledger(uow, ledger, period, deps.config.thresholds)


STEPS = (
    # A unit of a joint item (2: 卫健局 and 医保局) files alone: 卫健局 filed in part, 医保局 not at all.
    ("2025-04", 2, "区卫健局", {"progress": "一体化管理已覆盖全部村卫生室", "status": "in_progress"}),
    # A joint text (unit "") counts for both units of item 24; its progress ignores March's plan.
    (
        "2025-04",
        24,
        "",
        {"progress": "充电桩招标完成，蓝鲸充电站投用", "achieved": {1: 420.0}, "status": "in_progress"},
    ),
    # A skip files nothing.
    ("2025-04", 5, "区教体局", {"skipped": True, "status": "in_progress"}),
    # A second revision replaces the first.
    ("2025-04", 2, "区卫健局", {"progress": "一体化管理已完成", "status": "completed"}),
    # A late March revision changes what April carries for an item nobody filed in April.
    (
        "2025-03",
        11,
        "区住建局",
        {"progress": "危房改造全部完成", "achieved": {0: 38.0}, "status": "completed"},
    ),
    # The item's other unit files: no longer partly filed.
    ("2025-04", 2, "区医保局", {"progress": "开通医保联网结算", "status": "in_progress"}),
)


async def test_kept_answers_after_each_filing_equal_compiling_everything(ledger_db):
    sm, cache = ledger_db, StructureCache()
    before = {text: await _ask(sm, cache, text) for text in QUESTIONS}  # kept from here on
    assert before == {text: await _ask(sm, None, text) for text in QUESTIONS}
    for step, (code, number, unit, values) in enumerate(STEPS):
        await _file(sm, code, number, unit, **values)
        for text in QUESTIONS:
            assert await _ask(sm, cache, text) == await _ask(sm, None, text), (step, text)
        kept, whole = await _compiled_both_ways(sm, cache)
        assert kept == whole, step
    after = await _ask(sm, cache, "概况")
    assert after != before["概况"]  # the filings show: the comparison above compared something
    # 发改局 filed its one item (24, jointly); 卫健局, 医保局 and 执法局 filed part; 教体局 only skipped.
    assert "单位：21个，已报送1个，部分报送3个，未报送17个" in after, after
    assert "上月计划在本月进展中未体现：1项" in after, after


async def test_a_filing_after_a_kept_overview_shows_in_the_next(ledger_db):
    sm, cache = ledger_db, StructureCache()
    first = await _ask(sm, cache, "概况")
    assert "已报送0个，部分报送0个，未报送21个" in first
    assert await _ask(sm, cache, "概况") == first  # kept
    await _file(sm, "2025-04", 22, "区综合行政执法局", progress="绿道开工", status="in_progress")
    assert "已报送0个，部分报送1个，未报送20个" in await _ask(sm, cache, "概况")
    assert "[22]" not in (await _ask(sm, cache, "谁还没报")).split("区综合行政执法局")[1].splitlines()[0]


async def test_prepared_at_start_the_first_question_reads_no_more_than_a_repeated_one(ledger_db):
    from sqlalchemy import event

    statements = [0]

    def count(*_):
        statements[0] += 1

    event.listen(ledger_db.kw["bind"].sync_engine, "before_cursor_execute", count)

    async def counted(cache: StructureCache, text: str) -> tuple[str, int]:
        statements[0] = 0
        return await _ask(ledger_db, cache, text), statements[0]

    unprepared = StructureCache()
    first, first_reads = await counted(unprepared, "概况")
    again, again_reads = await counted(unprepared, "概况")
    assert first == again and first_reads > again_reads  # the first question builds what the next ones keep

    prepared = StructureCache()
    async with UnitOfWork(ledger_db, prepared) as uow:
        await queries.prepare(Deps(uow=uow, clock=FakeClock(NOW), segmenter=SEGMENTER))
    answer, reads = await counted(prepared, "概况")
    assert answer == first and reads == again_reads
    lagging, reads = await counted(prepared, "哪些项目滞后")
    assert lagging == await _ask(ledger_db, None, "哪些项目滞后") and reads <= again_reads
