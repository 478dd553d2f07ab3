"""Administration shared by the CLI and chat: roles, invites, groups."""

from __future__ import annotations

from datetime import datetime

from storage.schemas import UnitInfo
from storage.uow import UnitOfWork

ROLES = ("admin", "coordinator", "contact", "viewer")
CONSOLE_ADMIN = "admin"


async def ensure_console_admin(uow: UnitOfWork, now: datetime) -> None:
    """Make the local console's ``admin`` user the coordinator (the embedded default has no other)."""
    await uow.chats.add_role("console", CONSOLE_ADMIN, "admin", now, display_name="本地督查室",
                             chat_id=CONSOLE_ADMIN)
    await uow.commit()


async def find_unit(uow: UnitOfWork, name: str, ledger_id: int | None = None) -> tuple[UnitInfo | None, list[UnitInfo]]:
    """Return the unit called ``name`` (full name, alias, or a unique part of a name) and all units."""
    units = await uow.ledgers.units(ledger_id)
    name = name.strip()
    for u in units:
        if name == u.name or name in u.aliases:
            return u, units
    partial = [u for u in units if name and (name in u.name or u.name.endswith(name))]
    return (partial[0] if len(partial) == 1 else None), units


def split_who(who: str) -> tuple[str, str] | None:
    """Split 'PLATFORM:USER_ID'."""
    platform, sep, user = who.partition(":")
    if not sep or not platform or not user:
        return None
    return platform.strip().lower(), user.strip()
