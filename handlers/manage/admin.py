"""Who may do what, and which codes still bind: listing and removing roles, listing and revoking invites.

Shared by the CLI (`ledgerbot admin list|remove`, `ledgerbot invite list|revoke`) and the coordinators' chat
commands. Every change is written to the audit log in the same transaction; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from handlers import operator_texts, texts
from handlers.manage.roles import ROLES, RoleError, find_unit, split_who
from storage.schemas import ContactInfo, InviteInfo
from storage.uow import UnitOfWork


async def people(uow: UnitOfWork) -> list[ContactInfo]:
    """Return everyone with a role: admins, coordinators, viewers, then contacts by unit."""
    everyone = await uow.chats.contacts()
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(everyone, key=lambda c: (order.get(c.role, len(order)), c.unit, c.platform, c.user_id))


def person_line(c: ContactInfo) -> str:
    """Return one line about a person: role (unit), PLATFORM:USER_ID, name."""
    role = texts.ROLE_NAMES.get(c.role, c.role)
    what = f"{role}（{c.unit}）" if c.unit else role
    name = f" {c.display_name}" if c.display_name else ""
    return f"{what} {c.platform}:{c.user_id}{name}"


async def remove_person(
    uow: UnitOfWork, who: str, now: datetime, by: str, role: str | None = None
) -> list[ContactInfo]:
    """Remove PLATFORM:USER_ID's roles (only ``role`` when given); return what was removed."""
    parts = split_who(who)
    if parts is None:
        raise RoleError(operator_texts.CLI_WHO_FORMAT)
    platform, user_id = parts
    if role is not None and role not in ROLES:
        raise RoleError(operator_texts.CLI_ROLE_CHOICES.format(roles=" | ".join(ROLES)))
    mine = [
        c
        for c in await uow.chats.contacts()
        if c.platform == platform and c.user_id == user_id and (role is None or c.role == role)
    ]
    if not mine:
        raise RoleError(texts.ADMIN_NOBODY.format(who=who))
    for c in mine:
        await uow.chats.remove_role(c.platform, c.user_id, c.role, c.unit)
        await uow.admin.audit(now, by, "role.remove", f"{c.platform}:{c.user_id} {c.role} {c.unit}".strip())
    return mine


async def unbind_unit(uow: UnitOfWork, unit: str, now: datetime, by: str) -> tuple[str, list[ContactInfo]]:
    """Unbind every contact of the unit called ``unit``; return the unit's name and who was unbound."""
    ledger = await uow.ledgers.get()
    found, units = await find_unit(uow, unit, ledger.id if ledger else None)
    if found is None:
        raise RoleError(texts.UNKNOWN_UNIT.format(name=unit, units="、".join(u.name for u in units) or "无"))
    contacts = await uow.chats.contacts(unit=found.name, role="contact")
    for c in contacts:
        await uow.chats.remove_role(c.platform, c.user_id, "contact", found.name)
        await uow.admin.audit(now, by, "unbind", f"{c.platform}:{c.user_id} {found.name}")
    return found.name, contacts


async def live_invites(uow: UnitOfWork, now: datetime) -> list[InviteInfo]:
    """Return the codes that can still bind someone."""
    return await uow.admin.invites(now)


def invite_line(i: InviteInfo, now: datetime) -> str:
    """Return one line about a live code: the code, whom it binds, when it expires."""
    who = i.unit or texts.ROLE_NAMES.get(i.role, i.role)
    left = max(int((i.expires_at - now).total_seconds() // 3600), 0)
    return texts.INVITE_LINE.format(code=i.code, who=who, hours=left)


async def revoke_invite(uow: UnitOfWork, code: str, now: datetime, by: str) -> bool:
    """Make a code unusable; return False when it was not live (unknown, used or expired)."""
    code = code.strip().upper()
    revoked = await uow.admin.revoke_invite(code, now, by)
    if revoked:
        await uow.admin.audit(now, by, "invite.revoke", code)
    return revoked
