"""A process-wide copy of the ledger's structure, valid while the database's structure stamp is unchanged."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StampRow
from storage.sql import affected

STRUCTURE = "structure"


class StructureCache:
    """Ledgers, items, units and periods read once per change, shared by every unit of work of a process."""

    def __init__(self) -> None:
        self._stamp: int | None = None
        self._values: dict[tuple, object] = {}

    def values_for(self, stamp: int) -> dict[tuple, object]:
        """Return the cached values for ``stamp``, emptied when the stamp moved on."""
        if stamp != self._stamp:
            self._stamp, self._values = stamp, {}
        return self._values


async def read_stamp(session: AsyncSession) -> int | None:
    """Return the structure stamp, or None on a database without one."""
    return await session.scalar(select(StampRow.value).where(StampRow.name == STRUCTURE))


async def bump_stamp(session: AsyncSession) -> None:
    """Mark the structure changed, in the caller's transaction (other processes see it on commit)."""
    done = await session.execute(
        update(StampRow).where(StampRow.name == STRUCTURE).values(value=StampRow.value + 1)
    )
    if affected(done) == 0:
        session.add(StampRow(name=STRUCTURE, value=1))
        await session.flush()
