"""The in-loop SQLite driver: a locked file is waited for without stopping the event loop."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc, text

from storage import db, sqlite_driver


@pytest.fixture
async def engine(tmp_path):
    eng = db.make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield eng
    await eng.dispose()


async def test_file_urls_use_the_in_loop_driver(engine):
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.Connection)
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_second_writer_waits_while_the_loop_keeps_running(engine):
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    async with engine.connect() as first:
        await first.execute(text("INSERT INTO t (v) VALUES ('first')"))  # holds the write lock, uncommitted

        async def second_writer() -> None:
            async with engine.begin() as second:
                await second.execute(text("INSERT INTO t (v) VALUES ('second')"))

        tick_task = asyncio.create_task(ticker())
        writer = asyncio.create_task(second_writer())
        await asyncio.sleep(0.2)
        assert not writer.done()  # still waiting for the lock
        ticks_while_waiting = ticks
        await first.commit()
        await asyncio.wait_for(writer, 5)
        stop.set()
        await tick_task
    assert ticks_while_waiting >= 10  # the loop ran other work while the second writer waited
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all() == [
            "first",
            "second",
        ]


async def test_a_lock_held_too_long_fails_clearly(engine, monkeypatch):
    monkeypatch.setattr(sqlite_driver, "LOCK_WAIT_S", 0.2)
    async with engine.connect() as first:
        await first.execute(text("INSERT INTO t (v) VALUES ('first')"))
        with pytest.raises(exc.OperationalError, match="locked"):
            async with engine.begin() as second:
                await second.execute(text("INSERT INTO t (v) VALUES ('second')"))
        await first.rollback()


async def test_errors_and_rollback_behave_as_with_any_driver(engine):
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))

    async def insert_b_then_a_again() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (v) VALUES ('b')"))
            await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))

    with pytest.raises(exc.IntegrityError):
        await insert_b_then_a_again()
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT v FROM t"))).scalars().all() == ["a"]  # 'b' rolled back
        await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "x"}, {"v": "y"}])  # executemany
        await conn.commit()
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 3
