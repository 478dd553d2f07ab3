"""Engines and migrations: nothing happens at import, everything from a URL."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

_log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


def async_url(url: str) -> str:
    """Return ``url`` with an async driver (sqlite → aiosqlite, postgresql → asyncpg)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername != "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend == "postgresql" and parsed.drivername != "postgresql+asyncpg":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def unreachable(exc: BaseException) -> bool:
    """Return whether ``exc`` means the database could not be reached (refused, reset, timed out, the
    connection dropped) rather than a fault in a statement or in our code: callers then retry quietly."""
    seen: BaseException | None = exc
    for _ in range(5):  # the error itself, then what it wraps (SQLAlchemy's ``orig``, ``__cause__``)
        if seen is None:
            return False
        if isinstance(seen, OSError):  # ConnectionRefusedError, ConnectionResetError, TimeoutError …
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def safe_url(url: str) -> str:
    """Return ``url`` with any password masked, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets a reader and a writer (two processes) share the file; storage.sqlite_driver waits out locks.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create an async engine for ``url`` with sensible pool and SQLite settings."""
    full = async_url(url)
    backend = make_url(full).get_backend_name()
    kwargs: dict = {"echo": echo}
    if backend == "postgresql":
        kwargs.update(pool_size=5, max_overflow=5, pool_pre_ping=True)
    database = make_url(full).database
    if backend == "sqlite" and database not in (None, "", ":memory:"):
        from storage import sqlite_driver

        kwargs["async_creator"] = sqlite_driver.creator(database)
    engine = create_async_engine(full, **kwargs)
    if backend == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    """Return a session factory whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    command.upgrade(_alembic_config(connection), revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision``."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the database's migration revision, or None when it has none."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
