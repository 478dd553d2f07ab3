"""Administration shared by the CLI and chat: roles, invites, groups."""

from __future__ import annotations

from datetime import datetime

from handlers import operator_texts
from storage.schemas import UnitInfo
from storage.uow import UnitOfWork

ROLES = ("admin", "coordinator", "contact", "viewer")
CONSOLE_ADMIN = "admin"


async def ensure_console_admin(uow: UnitOfWork, now: datetime) -> None:
    """Make the local console's ``admin`` user the coordinator (the embedded default has no other)."""
    await uow.chats.add_role(
        "console", CONSOLE_ADMIN, "admin", now, display_name="本地督查室", chat_id=CONSOLE_ADMIN
    )
    await uow.commit()


async def find_unit(
    uow: UnitOfWork, name: str, ledger_id: int | None = None
) -> tuple[UnitInfo | None, list[UnitInfo]]:
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


class RoleError(ValueError):
    """A role or group change that cannot be made; the message is for the user."""


async def add_role(uow: UnitOfWork, who: str, role: str, now: datetime, by: str = "cli") -> bool:
    """Give PLATFORM:USER_ID a role; return True when it is new."""
    parts = split_who(who)
    if parts is None:
        raise RoleError(operator_texts.CLI_WHO_FORMAT)
    if role not in ("admin", "coordinator", "viewer"):
        raise RoleError(operator_texts.CLI_ADMIN_ROLES)
    _, created = await uow.chats.add_role(parts[0], parts[1], role, now, chat_id=parts[1])
    if created:
        await uow.admin.audit(now, by, "role.add", f"{parts[0]}:{parts[1]} {role}")
    return created


async def add_group(uow: UnitOfWork, where: str, name: str, now: datetime) -> tuple[str, bool]:
    """Register PLATFORM:CHAT_ID as a group for summaries; return its reference and whether it is new."""
    parts = split_who(where)
    if parts is None:
        raise RoleError(operator_texts.CLI_GROUP_FORMAT)
    group, created = await uow.chats.add_group(parts[0], parts[1], name, now)
    if created:
        await uow.admin.audit(now, "cli", "group.add", f"{group.platform}:{group.chat_id}")
    return f"{group.platform}:{group.chat_id}", created


async def remove_group(uow: UnitOfWork, where: str, now: datetime, by: str = "cli") -> str:
    """Stop sending summaries to PLATFORM:CHAT_ID; return its reference."""
    parts = split_who(where)
    if parts is None:
        raise RoleError(operator_texts.CLI_GROUP_FORMAT)
    group = f"{parts[0]}:{parts[1]}"
    if not await uow.chats.remove_group(*parts):
        known = "、".join(f"{g.platform}:{g.chat_id}" for g in await uow.chats.groups()) or "无"
        raise RoleError(operator_texts.CLI_GROUP_UNKNOWN.format(group=group, groups=known))
    await uow.admin.audit(now, by, "group.remove", group)
    return group
