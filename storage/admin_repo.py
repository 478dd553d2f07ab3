"""What guards and records administration: wrong binding codes, the audit log, invites listed and revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRow, BindFailureRow, InviteRow, UnitRow
from storage.schemas import AuditEntry, InviteInfo
from storage.sql import affected


class AdminRepository:
    """Bind failures, the audit log and invite administration on one session (``uow.admin``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # wrong binding codes
    async def add_bind_failure(self, platform: str, user_id: str, chat_id: str, at: datetime) -> None:
        """Record one wrong code from a user in a chat."""
        self.s.add(BindFailureRow(platform=platform, user_id=user_id, chat_id=chat_id, at=at))
        await self.s.flush()

    async def recent_bind_failures(
        self, platform: str, user_id: str, chat_id: str, since: datetime
    ) -> list[datetime]:
        """Return the times of wrong codes since ``since`` from this user or in this chat, newest first."""
        q = (
            select(BindFailureRow.at)
            .where(
                BindFailureRow.platform == platform,
                BindFailureRow.at >= since,
                or_(BindFailureRow.user_id == user_id, BindFailureRow.chat_id == chat_id),
            )
            .order_by(BindFailureRow.at.desc())
        )
        return list((await self.s.execute(q)).scalars())

    # the audit log
    async def audit(self, at: datetime, actor: str, action: str, detail: str = "") -> None:
        """Append an administrative act to the audit log (it shares the caller's transaction)."""
        self.s.add(AuditRow(at=at, actor=actor, action=action, detail=detail))
        await self.s.flush()

    async def audit_entries(self, *, limit: int = 200, since: datetime | None = None) -> list[AuditEntry]:
        """Return the newest ``limit`` acts, oldest first."""
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if since is not None:
            q = q.where(AuditRow.at >= since)
        rows = list((await self.s.execute(q)).scalars())
        return [AuditEntry.model_validate(r) for r in reversed(rows)]

    # invites
    async def invites(self, now: datetime, *, include_spent: bool = False) -> list[InviteInfo]:
        """Return the invites still usable (every invite with ``include_spent``), oldest first."""
        q = select(InviteRow, UnitRow.name).outerjoin(UnitRow, UnitRow.id == InviteRow.unit_id)
        if not include_spent:
            q = q.where(InviteRow.used_at.is_(None), InviteRow.expires_at >= now)
        rows = (await self.s.execute(q.order_by(InviteRow.id))).all()
        return [
            InviteInfo(code=r.code, role=r.role, unit=name or "", expires_at=r.expires_at, used_at=r.used_at)
            for r, name in rows
        ]

    async def revoke_invite(self, code: str, now: datetime, by: str) -> bool:
        """Spend an unused code without binding anyone; return whether it was still usable."""
        res = await self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == code, InviteRow.used_at.is_(None), InviteRow.expires_at >= now)
            .values(used_at=now, used_by=f"revoked by {by}"[:200])
        )
        return bool(affected(res))
