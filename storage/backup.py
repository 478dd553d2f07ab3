"""Backup and restore of the whole database, made by the project (no pg_dump, no sqlite3 tool).

* SQLite: ``backup`` copies the live file with SQLite's online backup API — a consistent snapshot even while
  the bot writes — into a SQLite file.
* PostgreSQL: ``backup`` writes a portable JSON dump: every table in dependency order, read in one
  REPEATABLE READ transaction (one snapshot), values typed by the models.

``restore`` reads either kind of file and loads it into a database at the same schema revision, table by table
in dependency order in one transaction; a database holding data is refused unless ``force`` (then its rows are
deleted first). So a SQLite backup restores into PostgreSQL and a dump into SQLite too.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, create_engine, delete, func, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db
from storage.models import Base
from storage.types import UtcDateTime

DUMP_FORMAT = "ledgerbot-dump"
DUMP_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
ALEMBIC_TABLE = "alembic_version"
# Seeded by the migrations, so an empty database has them: they do not make a database "in use".
SEEDED = {"stamps"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message is for the operator."""


def tables() -> list[Table]:
    """Return every table in dependency order (a table after the ones it refers to)."""
    return list(Base.metadata.sorted_tables)


def _sqlite_path(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return str(parsed.database)


def _atomic_target(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


# ---------------------------------------------------------------- backup
async def backup(url: str, engine: AsyncEngine, path: Path) -> dict[str, int]:
    """Write a consistent snapshot of the database at ``url`` to ``path``; return rows per table."""
    tmp = _atomic_target(path)
    try:
        source = _sqlite_path(url)
        if source is not None:
            _sqlite_backup(source, tmp)
            counts = _counts_in_file(tmp)
        else:
            counts = await _json_dump(engine, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _sqlite_backup(source: str, target: Path) -> None:
    if not Path(source).exists():
        raise BackupError(f"no database file at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)  # the online backup API: pages copied under SQLite's own locking
    finally:
        dst.close()
        src.close()


def _counts_in_file(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in tables()}
    finally:
        con.close()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")  # kept files (LargeBinary): JSON has no bytes
    return value


async def _json_dump(engine: AsyncEngine, path: Path) -> dict[str, int]:
    async with engine.connect() as conn:
        snap = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with snap.begin():
            revision = await snap.run_sync(_revision)
            dump: dict[str, Any] = {"format": DUMP_FORMAT, "version": DUMP_VERSION, "revision": revision}
            out: dict[str, Any] = {}
            for table in tables():
                columns = [c.name for c in table.columns]
                rows = (await snap.execute(select(table).order_by(*table.primary_key.columns))).all()
                out[table.name] = {"columns": columns, "rows": [[_plain(v) for v in row] for row in rows]}
            dump["tables"] = out
    with path.open("w", encoding="utf-8") as f:
        json.dump(dump, f, ensure_ascii=False)
    return {name: len(t["rows"]) for name, t in out.items()}


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


# ---------------------------------------------------------------- reading a backup
def read_backup(path: Path) -> tuple[str | None, dict[str, list[dict[str, Any]]]]:
    """Return (schema revision, rows per table as dicts with model-typed values) of a backup file."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return _read_sqlite(path)
    try:
        dump = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is neither a SQLite backup nor a ledgerbot dump ({exc})") from None
    if not isinstance(dump, dict) or dump.get("format") != DUMP_FORMAT:
        raise BackupError(f"{path} is not a ledgerbot dump")
    if dump.get("version") != DUMP_VERSION:
        raise BackupError(f"{path}: dump version {dump.get('version')} is not {DUMP_VERSION}")
    rows: dict[str, list[dict[str, Any]]] = {}
    by_name = {t.name: t for t in tables()}
    for name, data in dump.get("tables", {}).items():
        table = by_name.get(name)
        if table is None:
            raise BackupError(f"{path}: unknown table {name}")
        rows[name] = [_typed(table, dict(zip(data["columns"], r, strict=True))) for r in data["rows"]]
    return dump.get("revision"), rows


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, str):
            if isinstance(column.type, UtcDateTime | DateTime):
                row[column.name] = datetime.fromisoformat(value)
            elif isinstance(column.type, Date):
                row[column.name] = date.fromisoformat(value)
            elif isinstance(column.type, LargeBinary):
                row[column.name] = base64.b64decode(value)
    return row


def _read_sqlite(path: Path) -> tuple[str | None, dict[str, list[dict[str, Any]]]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            revision = _revision(conn)
            rows = {
                t.name: [dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in tables()
            }
    finally:
        engine.dispose()
    return revision, rows


# ---------------------------------------------------------------- restore
async def restore(engine: AsyncEngine, path: Path, *, force: bool = False) -> dict[str, int]:
    """Load the backup at ``path`` into the database of ``engine``; return rows per table.

    The database is migrated to the current schema first; the backup must be at the same revision.
    """
    revision, rows = read_backup(path)
    await db.upgrade(engine)
    async with engine.begin() as conn:
        head = await conn.run_sync(_revision)
        if revision != head:
            raise BackupError(f"the backup is at schema {revision}, this database at {head}; they must match")
        used = await _tables_in_use(conn)
        if used and not force:
            raise BackupError(
                f"the database is not empty ({', '.join(used)}); restore into an empty one, or add --force "
                "to replace everything in it"
            )
        for table in reversed(tables()):
            await conn.execute(delete(table))
        for table in tables():
            batch = rows.get(table.name, [])
            for start in range(0, len(batch), 500):
                await conn.execute(insert(table), batch[start : start + 500])
        if conn.dialect.name == "postgresql":
            await _reset_sequences(conn)
    return {t.name: len(rows.get(t.name, [])) for t in tables()}


async def _tables_in_use(conn) -> list[str]:
    used = []
    for table in tables():
        if table.name in SEEDED:
            continue
        if await conn.scalar(select(func.count()).select_from(table)):
            used.append(table.name)
    return used


async def _reset_sequences(conn) -> None:
    """Move each id sequence past the restored ids (inserts with explicit ids do not advance it)."""
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id":
            continue
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
            )
        )


def iter_counts(counts: dict[str, int]) -> Iterator[str]:
    """Yield 'table rows' lines for the tables that have rows."""
    for name, n in counts.items():
        if n:
            yield f"{name} {n}"
