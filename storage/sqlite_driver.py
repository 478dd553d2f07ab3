"""SQLite for the async engine without a thread per connection: statements run in the event loop.

aiosqlite hands every statement to a worker thread and back; for SQLite on a local file that hop costs far
more than the statement (about half of a chat message's handling time). Here each statement runs directly,
and a locked database is waited for with ``asyncio.sleep`` instead of SQLite's blocking busy handler, so a
writer in another coroutine (or process) can finish while this one waits. SQLAlchemy's aiosqlite dialect
drives these objects through its documented ``async_creator`` hook.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

# How long a statement waits for another writer before "database is locked" is raised (as busy_timeout did).
LOCK_WAIT_S = 10.0
_FIRST_BACKOFF_S = 0.001
_MAX_BACKOFF_S = 0.05


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


async def _retry_locked(call: Callable[[], Any]) -> Any:
    """Run ``call``; while the database is locked by another connection, wait without blocking the loop."""
    deadline = None
    backoff = _FIRST_BACKOFF_S
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            now = time.monotonic()
            deadline = deadline or now + LOCK_WAIT_S
            if now >= deadline:
                raise
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _MAX_BACKOFF_S)


class Cursor:
    """An aiosqlite-shaped cursor whose coroutines finish without suspending (unless the file is locked)."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        await _retry_locked(lambda: self._cursor.execute(operation, parameters))
        return self

    async def executemany(self, operation: str, seq_of_parameters: Iterable[Any]) -> Cursor:
        rows = list(seq_of_parameters)
        await _retry_locked(lambda: self._cursor.executemany(operation, rows))
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *sizes: Any) -> None:
        return None

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """An aiosqlite-shaped connection over a plain ``sqlite3`` connection used only from the event loop."""

    def __init__(self, path: str) -> None:
        # Legacy transaction control, as pysqlite and aiosqlite use it: BEGIN before the first write.
        self._connection: sqlite3.Connection | None = sqlite3.connect(path, check_same_thread=False)
        self._connection.execute("PRAGMA busy_timeout=0")  # waiting is done by _retry_locked

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> Cursor:
        return Cursor(self._open().cursor())

    async def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        cursor = self.cursor()
        return await cursor.execute(operation, parameters)

    async def commit(self) -> None:
        conn = self._open()
        await _retry_locked(conn.commit)

    async def rollback(self) -> None:
        self._open().rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        """Close at once (SQLAlchemy's forced termination)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def creator(path: str) -> Callable[[], Coroutine[Any, Any, Connection]]:
    """Return the ``async_creator`` for a SQLite file at ``path``."""

    async def connect() -> Connection:
        return Connection(path)

    return connect
