"""Dialect-aware helpers the repositories share: which database a session talks to, and rows changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    """Return the session's dialect name ('sqlite' or 'postgresql')."""
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def insert_for(dialect: str) -> Any:
    """Return the dialect's INSERT construct (both have ON CONFLICT DO NOTHING)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def insert(session: AsyncSession, table: Any) -> Any:
    """Return an INSERT with ON CONFLICT support for the session's dialect."""
    return insert_for(dialect_name(session))(table)


def affected(result: Result[Any]) -> int:
    """Return how many rows an UPDATE or DELETE changed."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected the result of an UPDATE or DELETE, got {type(result).__name__}")
    return result.rowcount


def table_of(row_class: Any) -> Table:
    """Return the Core table of an ORM class (for plain Core statements on it)."""
    table = row_class.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{row_class.__name__} is not mapped to a single table")
    return table
