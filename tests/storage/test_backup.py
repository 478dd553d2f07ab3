"""Backup and restore round trips on both backends, and across them (issue 17, case 5)."""

from __future__ import annotations

import contextlib
import os
import uuid
from datetime import UTC

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.settings import Settings
from storage import db
from storage.backup import SQLITE_MAGIC, BackupError, backup, restore, tables
from tests.conftest import PG_ENV, import_seed


@contextlib.asynccontextmanager
async def other_database(backend: str, tmp_path):
    """Yield the URL of a second fresh, empty database on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'other-{uuid.uuid4().hex[:6]}.db'}"
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(os.environ[PG_ENV])
    name = f"ledgerbot_restore_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql", database=base.database or "postgres").render_as_string(
        hide_password=False
    )
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def _norm(value):
    if hasattr(value, "astimezone") and getattr(value, "tzinfo", None) is not None:
        return value.astimezone(UTC)
    return value


async def everything(url: str) -> dict[str, list[tuple]]:
    engine = db.make_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                t.name: [
                    tuple(_norm(v) for v in row)
                    for row in (await conn.execute(select(t).order_by(*t.primary_key.columns))).all()
                ]
                for t in tables()
            }
    finally:
        await engine.dispose()


async def _filled(url: str, tmp_path, clock, segmenter):
    settings = Settings(database_url=url, files_dir=tmp_path / "f", outbox_dir=tmp_path / "o", _env_file=None)
    application = await build_app(settings, clock=clock, segmenter=segmenter, migrate=True)
    await import_seed(application)
    from bot.operations import cli_invite, cli_open_period

    assert (await cli_open_period(application, "2025-04", "2025-04-25 17:00"))[0]
    assert (await cli_invite(application, "区发改局", "contact"))[0]
    async with application.uow() as uow:  # an uploaded file is kept as bytes (every byte value)
        await uow.imports.add("台账.xlsx", bytes(range(256)), "console:admin", clock.now())
        await uow.commit()
    return application


async def test_backup_and_restore_round_trip(backend, db_url, tmp_path, clock, segmenter):
    application = await _filled(db_url, tmp_path, clock, segmenter)
    try:
        before = await everything(db_url)
        assert before["items"] and before["invites"] and before["audit_log"] and before["periods"]
        assert before["ledger_imports"]
        path = tmp_path / "backup.ledgerbot"
        counts = await backup(db_url, application.db_engine, path)
        assert counts["items"] == len(before["items"])
        is_sqlite_file = path.read_bytes()[: len(SQLITE_MAGIC)] == SQLITE_MAGIC
        assert is_sqlite_file == (backend == "sqlite")  # SQLite: the online backup API; PostgreSQL: a dump
    finally:
        await application.close()

    async with other_database(backend, tmp_path) as other:
        engine = db.make_engine(other)
        try:
            restored = await restore(engine, path)
            assert restored["items"] == len(before["items"])
            # A second restore into the now filled database is refused, and changes nothing …
            with pytest.raises(BackupError, match="--force"):
                await restore(engine, path)
            # … unless forced.
            await restore(engine, path, force=True)
        finally:
            await engine.dispose()
        assert await everything(other) == before
        # The restored database works: new rows get fresh ids.
        settings = Settings(database_url=other, files_dir=tmp_path / "f2", _env_file=None)
        again = await build_app(settings, clock=clock, segmenter=segmenter, migrate=True)
        try:
            from bot.operations import cli_invite

            ok, message = await cli_invite(again, "区卫健局", "contact")
            assert ok, message
        finally:
            await again.close()


async def test_a_backup_restores_on_the_other_backend(backend, db_url, tmp_path, clock, segmenter):
    if not os.environ.get(PG_ENV):
        pytest.skip(f"needs PostgreSQL ({PG_ENV}) for the other backend")
    application = await _filled(db_url, tmp_path, clock, segmenter)
    try:
        before = await everything(db_url)
        path = tmp_path / "cross.backup"
        await backup(db_url, application.db_engine, path)
    finally:
        await application.close()
    other_backend = "postgres" if backend == "sqlite" else "sqlite"
    async with other_database(other_backend, tmp_path) as other:
        engine = db.make_engine(other)
        try:
            await restore(engine, path)
        finally:
            await engine.dispose()
        assert await everything(other) == before


async def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello", encoding="utf-8")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(BackupError, match="neither"):
            await restore(engine, bad)
    finally:
        await engine.dispose()
