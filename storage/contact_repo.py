"""People and chats the bot knows: contacts and their roles, binding codes (invites), registered groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import statements
from storage.models import ContactRow, GroupRow, InviteRow, UnitRow
from storage.schemas import ContactInfo, GroupInfo, InviteInfo
from storage.sql import affected


def _contact(row) -> ContactInfo:
    """Return a contact from an ORM row or a Core row of the contacts table."""
    return ContactInfo(
        id=row.id,
        platform=row.platform,
        user_id=row.user_id,
        display_name=row.display_name,
        role=row.role,
        unit=row.unit_key,
        chat_id=row.chat_id,
    )


class ContactRepository:
    """Contacts with their roles and units, the invites that bind them, and group chats for summaries."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        # Roles read in this unit of work (a batch of messages asks for each sender's); a role change forgets them.
        self._roles: dict[tuple[str, str], list[ContactInfo]] = {}

    # contacts and roles
    async def roles(self, platform: str, user_id: str) -> list[ContactInfo]:
        """Return every role a person holds on a platform."""
        await self.prefetch_roles(platform, [user_id])
        return list(self._roles[(platform, user_id)])

    async def prefetch_roles(self, platform: str, user_ids: list[str]) -> None:
        """Read the roles of several people at once, for the ``roles`` calls that follow."""
        wanted = sorted({u for u in user_ids if (platform, u) not in self._roles})
        if not wanted:
            return
        found: dict[str, list[ContactInfo]] = {u: [] for u in wanted}
        for r in await self.s.execute(
            statements.roles_many(), {"p_platform": platform, "p_user_ids": wanted}
        ):
            found[r.user_id].append(_contact(r))
        self._roles.update({(platform, u): roles for u, roles in found.items()})

    async def add_role(
        self,
        platform: str,
        user_id: str,
        role: str,
        now: datetime,
        *,
        unit: str = "",
        display_name: str = "",
        chat_id: str = "",
    ) -> tuple[ContactInfo, bool]:
        """Give a person a role (and unit); return it and whether it is new."""
        self._roles.clear()
        row = (
            await self.s.execute(
                select(ContactRow).where(
                    ContactRow.platform == platform,
                    ContactRow.user_id == user_id,
                    ContactRow.role == role,
                    ContactRow.unit_key == unit,
                )
            )
        ).scalar_one_or_none()
        if row is not None:
            if chat_id and row.chat_id != chat_id:
                row.chat_id = chat_id
            return _contact(row), False
        unit_id = await self.s.scalar(select(UnitRow.id).where(UnitRow.name == unit)) if unit else None
        row = ContactRow(
            platform=platform,
            user_id=user_id,
            role=role,
            unit_id=unit_id,
            unit_key=unit,
            display_name=display_name,
            chat_id=chat_id,
            created_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        return _contact(row), True

    async def remove_role(self, platform: str, user_id: str, role: str, unit: str = "") -> bool:
        """Take a role (and unit binding) away; return whether there was one."""
        self._roles.clear()
        res = await self.s.execute(
            delete(ContactRow).where(
                ContactRow.platform == platform,
                ContactRow.user_id == user_id,
                ContactRow.role == role,
                ContactRow.unit_key == unit,
            )
        )
        return bool(affected(res))

    async def contacts(self, *, unit: str | None = None, role: str | None = None) -> list[ContactInfo]:
        """Return contacts, optionally of one unit or one role."""
        q = select(ContactRow)
        if unit is not None:
            q = q.where(ContactRow.unit_key == unit)
        if role is not None:
            q = q.where(ContactRow.role == role)
        return [_contact(r) for r in (await self.s.execute(q.order_by(ContactRow.id))).scalars()]

    # invites
    async def add_invite(self, code: str, role: str, unit: str, expires_at: datetime, by: str) -> None:
        """Store a new binding code."""
        unit_id = await self.s.scalar(select(UnitRow.id).where(UnitRow.name == unit)) if unit else None
        self.s.add(InviteRow(code=code, role=role, unit_id=unit_id, created_by=by, expires_at=expires_at))
        await self.s.flush()

    async def use_invite(self, code: str, now: datetime, by: str) -> tuple[str, InviteInfo | None]:
        """Consume a code; return ('ok'|'unknown'|'used'|'expired', the invite)."""
        row = (await self.s.execute(select(InviteRow).where(InviteRow.code == code))).scalar_one_or_none()
        if row is None:
            return "unknown", None
        unit = (
            await self.s.scalar(select(UnitRow.name).where(UnitRow.id == row.unit_id)) if row.unit_id else ""
        )
        info = InviteInfo(
            code=row.code, role=row.role, unit=unit or "", expires_at=row.expires_at, used_at=row.used_at
        )
        if row.used_at is not None:
            return "used", info
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now.tzinfo)
        if expires < now:
            return "expired", info
        # Conditional update so two workers cannot both consume the code.
        res = await self.s.execute(
            update(InviteRow)
            .where(InviteRow.id == row.id, InviteRow.used_at.is_(None))
            .values(used_at=now, used_by=by)
        )
        return ("ok" if affected(res) else "used"), info

    # groups
    async def add_group(
        self, platform: str, chat_id: str, name: str, now: datetime
    ) -> tuple[GroupInfo, bool]:
        """Register a group chat for summaries; return it and whether it is new."""
        row = (
            await self.s.execute(
                select(GroupRow).where(GroupRow.platform == platform, GroupRow.chat_id == chat_id)
            )
        ).scalar_one_or_none()
        created = row is None
        if row is None:
            row = GroupRow(platform=platform, chat_id=chat_id, name=name, created_at=now)
            self.s.add(row)
            await self.s.flush()
        elif name and row.name != name:
            row.name = name
        return GroupInfo(id=row.id, platform=row.platform, chat_id=row.chat_id, name=row.name), created

    async def groups(self, platform: str | None = None) -> list[GroupInfo]:
        """Return registered groups."""
        q = select(GroupRow).order_by(GroupRow.id)
        if platform:
            q = q.where(GroupRow.platform == platform)
        return [
            GroupInfo(id=r.id, platform=r.platform, chat_id=r.chat_id, name=r.name)
            for r in (await self.s.execute(q)).scalars()
        ]

    async def remove_group(self, platform: str, chat_id: str) -> bool:
        """Stop sending summaries to a group chat; return whether it was registered."""
        res = await self.s.execute(
            delete(GroupRow).where(GroupRow.platform == platform, GroupRow.chat_id == chat_id)
        )
        return bool(affected(res))
