"""Shared fixtures: databases (SQLite always, PostgreSQL when LEDGERBOT_TEST_POSTGRES_URL is set), the app, a console chat."""

from __future__ import annotations

import io
import os
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from bot.core.clock import SHANGHAI, FakeClock

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_a58c56e4ce870659.txt"
SAMPLE = Path(__file__).resolve().parents[1] / "bot" / "sample" / "ledger_2025q1.txt"
PG_ENV = "LEDGERBOT_TEST_POSTGRES_URL"


def seed_path() -> Path:
    """Return the seed ledger (the shared copy when present, else the bundled identical sample)."""
    return SEED if SEED.exists() else SAMPLE


def pytest_generate_tests(metafunc):
    if "db_url" in metafunc.fixturenames:
        backends = ["sqlite"] + (["postgres"] if os.environ.get(PG_ENV) else [])
        metafunc.parametrize("backend", backends, indirect=False)


@pytest.fixture
async def db_url(backend, tmp_path):
    """Yield the URL of a fresh, empty database on ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(os.environ[PG_ENV])
    name = f"ledgerbot_test_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql", database=base.database or "postgres").render_as_string(
        hide_password=False
    )
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield base.set(database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def segmenter():
    """One jieba tokenizer for the whole run (it costs most of a second to build)."""
    from nlp.segment import Segmenter

    return Segmenter()


@pytest.fixture
def clock():
    """A clock standing at 2025-04-21 10:00 Asia/Shanghai (the April period is being filled)."""
    return FakeClock(datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def settings(tmp_path):
    """Settings for a test: files and outbox in the test's folder."""
    from bot.settings import Settings

    return Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        files_dir=tmp_path / "files",
        outbox_dir=tmp_path / "outbox",
        _env_file=None,
    )


@pytest.fixture
async def app(settings, clock, segmenter):
    """A wired application on a fresh SQLite database."""
    from bot.app import build_app

    application = await build_app(settings, clock=clock, segmenter=segmenter)
    yield application
    await application.close()


@pytest.fixture
async def seeded_app(app):
    """The application with the seed ledger imported and the console admin in place."""
    await import_seed(app)
    return app


async def import_seed(application):
    """Import the seed ledger into ``application`` and make console:admin the coordinator."""
    from handlers.ledger.importer import import_ledger
    from handlers.ledger.reader import read_ledger_file
    from handlers.ledger.table import parse_table
    from handlers.manage.roles import ensure_console_admin

    async with application.uow() as uow:
        summary = await import_ledger(
            uow, parse_table(read_ledger_file(seed_path())), application.clock.now()
        )
    async with application.uow() as uow:
        await ensure_console_admin(uow, application.clock.now())
    return summary


@pytest.fixture
def chat(app):
    """A console chat on the app (transcript style: ``expect(await chat.say("填报"), "…")``)."""
    from bot.adapters.console import ConsoleChat

    return ConsoleChat(
        app.engine,
        io.StringIO(),
        files_dir=app.settings.files_dir,
        outbox_dir=app.settings.outbox_dir,
        now=app.clock.now,
    )
