"""previous_all reads for every item at once what previous() reads for one (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.core.clock import SHANGHAI
from handlers.ledger.importer import import_ledger
from handlers.ledger.reader import read_ledger_file
from handlers.ledger.table import parse_table
from storage import db
from storage.schemas import NewSubmission
from storage.uow import UnitOfWork
from tests.conftest import seed_path

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def uow_factory(db_url):
    engine = db.make_engine(db_url)
    await db.upgrade(engine)
    sm = db.make_sessionmaker(engine)
    yield lambda: UnitOfWork(sm)
    await engine.dispose()


async def test_previous_all_equals_previous_item_by_item(uow_factory):
    async with uow_factory() as uow:
        await import_ledger(uow, parse_table(read_ledger_file(seed_path())), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        april = await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=NOW)
        items = await uow.ledgers.items(ledger.id)
        # April: item 24 filed twice by one unit (the newest counts), item 2 skipped (March still counts).
        for revision_text, item, skipped in (
            ("a", items[23], False),
            ("b", items[23], False),
            ("", items[1], True),
        ):
            await uow.submissions.add(
                NewSubmission(
                    period_id=april.id,
                    item_id=item.id,
                    unit=item.units[0],
                    status="in_progress",
                    progress=revision_text,
                    skipped=skipped,
                    source="chat",
                    author="t",
                ),
                NOW,
            )
        await uow.commit()
    async with uow_factory() as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        items = await uow.ledgers.items(ledger.id)
        for before in ("2025-03", "2025-04", "2025-05"):
            every = await uow.reports.previous_all(ledger.id, before)
            for item in items:
                assert every.get(item.id, []) == await uow.submissions.previous(ledger.id, before, item.id)
        may = await uow.reports.previous_all(ledger.id, "2025-05")
        assert [s.progress for s in may[items[23].id]] == ["b"]
        assert may[items[1].id][0].period_code == "2025-03"
        assert await uow.reports.previous_all(ledger.id, "2025-03") == {}
