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


async def test_latest_of_and_previous_of_read_what_the_item_by_item_reads_do(uow_factory):
    async with uow_factory() as uow:
        await import_ledger(uow, parse_table(read_ledger_file(seed_path())), NOW)
        await uow.commit()
    async with uow_factory() as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        april = await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=NOW)
        items = await uow.ledgers.items(ledger.id)
        for text, item in (("a", items[23]), ("b", items[23]), ("c", items[1])):
            new = NewSubmission(period_id=april.id, item_id=item.id, unit=item.units[-1], progress=text)
            await uow.submissions.add(new, NOW)
        await uow.commit()
        some = [items[1].id, items[23].id, items[4].id]
        assert await uow.reports.latest_of(april.id, some) == [
            s for s in await uow.submissions.latest(april.id) if s.item_id in some
        ]
        assert [s.progress for s in await uow.reports.latest_of(april.id, some)] == ["c", "b"]
        every = await uow.reports.previous_all(ledger.id, "2025-05")
        assert await uow.reports.previous_of(ledger.id, "2025-05", some) == {i: every[i] for i in some}
        assert await uow.reports.latest_of(april.id, []) == []


async def test_memo_updates_a_kept_value_with_the_items_filed_since_and_rebuilds_after_a_removal(
    db_url, monkeypatch
):
    from storage import report_reads
    from storage.structure_cache import StructureCache

    engine = db.make_engine(db_url)
    await db.upgrade(engine)
    sm, cache = db.make_sessionmaker(engine), StructureCache()
    async with UnitOfWork(sm, cache) as uow:
        await import_ledger(uow, parse_table(read_ledger_file(seed_path())), NOW)
        await uow.commit()
    async with UnitOfWork(sm, cache) as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        april = await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=NOW)
        await uow.commit()
    calls: list[object] = []

    async def ask() -> object:
        async def load() -> str:
            calls.append("load")
            return "built"

        async def refresh(kept: str, changed: frozenset[int]) -> str:
            calls.append(changed)
            return "updated"

        async with UnitOfWork(sm, cache) as uow:
            return await uow.reports.memo(ledger.id, ("k",), load, refresh)

    async def file(*numbers: int) -> list[int]:
        async with UnitOfWork(sm, cache) as uow:
            items = await uow.ledgers.items(ledger.id)
            ids = []
            for n in numbers:
                new = NewSubmission(period_id=april.id, item_id=items[n - 1].id, unit=items[n - 1].units[0])
                ids.append((await uow.submissions.add(new, NOW)).id)
            await uow.commit()
            return ids

    async with UnitOfWork(sm, cache) as uow:
        items = await uow.ledgers.items(ledger.id)
    assert [await ask(), await ask()] == ["built", "built"] and calls == ["load"]
    first = await file(4, 6, 4)
    assert await ask() == "updated" and calls[-1] == frozenset({items[3].id, items[5].id})
    assert await ask() == "updated" and len(calls) == 2  # kept again until the next change
    async with UnitOfWork(sm, cache) as uow:  # an undone import takes revisions away
        assert await uow.imports.delete_submissions(first[:1]) == 1
        await uow.commit()
    await file(7)
    assert await ask() == "built" and calls[-1] == "load"  # one added, one taken away: built again
    monkeypatch.setattr(report_reads, "MAX_REFRESH", 1)
    await file(8, 9)
    assert await ask() == "built" and calls[-1] == "load"  # too many to update one by one
    await engine.dispose()
