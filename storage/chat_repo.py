"""Chat-side state: contacts, invites, groups, the inbox, conversations, dispatch log and outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ContactRow,
    ConversationRow,
    DispatchRow,
    GroupRow,
    InboxRow,
    InviteRow,
    OutboxRow,
    UnitRow,
)
from storage import statements
from storage.schemas import ContactInfo, GroupInfo, InboxEntry, InviteInfo, StoredConversation


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def _insert(session: AsyncSession, table):
    return (postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert)(table)


def _contact(row) -> ContactInfo:
    """Return a contact from an ORM row or a Core row of the contacts table."""
    return ContactInfo(id=row.id, platform=row.platform, user_id=row.user_id, display_name=row.display_name,
                       role=row.role, unit=row.unit_key, chat_id=row.chat_id)


def _stored(row) -> StoredConversation:
    """Return a conversation row (flow, step, data, expires_at, version) as loaded."""
    return StoredConversation(flow=row.flow, step=row.step, data=dict(row.data or {}), expires_at=row.expires_at,
                              version=row.version)


class ChatRepository:
    """Everything the engine and the chat handlers keep besides the ledger itself."""

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
        for r in await self.s.execute(statements.roles_many(), {"p_platform": platform, "p_user_ids": wanted}):
            found[r.user_id].append(_contact(r))
        self._roles.update({(platform, u): roles for u, roles in found.items()})

    async def add_role(self, platform: str, user_id: str, role: str, now: datetime, *, unit: str = "",
                       display_name: str = "", chat_id: str = "") -> tuple[ContactInfo, bool]:
        """Give a person a role (and unit); return it and whether it is new."""
        self._roles.clear()
        row = (await self.s.execute(select(ContactRow).where(
            ContactRow.platform == platform, ContactRow.user_id == user_id, ContactRow.role == role,
            ContactRow.unit_key == unit))).scalar_one_or_none()
        if row is not None:
            if chat_id and row.chat_id != chat_id:
                row.chat_id = chat_id
            return _contact(row), False
        unit_id = await self.s.scalar(select(UnitRow.id).where(UnitRow.name == unit)) if unit else None
        row = ContactRow(platform=platform, user_id=user_id, role=role, unit_id=unit_id, unit_key=unit,
                         display_name=display_name, chat_id=chat_id, created_at=now)
        self.s.add(row)
        await self.s.flush()
        return _contact(row), True

    async def remove_role(self, platform: str, user_id: str, role: str, unit: str = "") -> bool:
        """Take a role (and unit binding) away; return whether there was one."""
        self._roles.clear()
        res = await self.s.execute(delete(ContactRow).where(
            ContactRow.platform == platform, ContactRow.user_id == user_id, ContactRow.role == role,
            ContactRow.unit_key == unit))
        return bool(res.rowcount)

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
        unit = await self.s.scalar(select(UnitRow.name).where(UnitRow.id == row.unit_id)) if row.unit_id else ""
        info = InviteInfo(code=row.code, role=row.role, unit=unit or "", expires_at=row.expires_at,
                          used_at=row.used_at)
        if row.used_at is not None:
            return "used", info
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=now.tzinfo)
        if expires < now:
            return "expired", info
        # Conditional update so two workers cannot both consume the code.
        res = await self.s.execute(update(InviteRow).where(InviteRow.id == row.id, InviteRow.used_at.is_(None))
                                   .values(used_at=now, used_by=by))
        return ("ok" if res.rowcount else "used"), info

    # groups
    async def add_group(self, platform: str, chat_id: str, name: str, now: datetime) -> tuple[GroupInfo, bool]:
        """Register a group chat for summaries; return it and whether it is new."""
        row = (await self.s.execute(select(GroupRow).where(
            GroupRow.platform == platform, GroupRow.chat_id == chat_id))).scalar_one_or_none()
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
        return [GroupInfo(id=r.id, platform=r.platform, chat_id=r.chat_id, name=r.name)
                for r in (await self.s.execute(q)).scalars()]

    # inbox
    async def record_inbox(self, platform: str, message_id: str, chat_id: str, user_id: str, kind: str,
                           text: str, sent_at: datetime, now: datetime) -> tuple[int, str]:
        """Store a raw message once; return its id and state ('new' when just stored)."""
        stmt = statements.insert_inbox(_dialect(self.s))
        new_id = (await self.s.execute(stmt, {
            "p_platform": platform, "p_message_id": message_id, "p_chat_id": chat_id, "p_user_id": user_id,
            "p_kind": kind, "p_text": text, "p_sent_at": sent_at, "p_received_at": now})).scalar_one_or_none()
        if new_id is not None:
            return new_id, "new"
        row = (await self.s.execute(statements.inbox_state(),
                                    {"p_platform": platform, "p_message_id": message_id})).one()
        return row.id, row.state

    async def record_inbox_many(self, rows: list[dict]) -> dict[tuple[str, str], tuple[int, str]]:
        """Store raw messages once each (keys as record_inbox's arguments); return {(platform, message id): (id, state)}."""
        if not rows:
            return {}
        await self.s.execute(statements.insert_inbox_quiet(_dialect(self.s)), [
            {f"p_{k}": v for k, v in row.items()} for row in rows])
        out: dict[tuple[str, str], tuple[int, str]] = {}
        for platform in {row["platform"] for row in rows}:
            ids = sorted({row["message_id"] for row in rows if row["platform"] == platform})
            for r in await self.s.execute(statements.inbox_states(), {"p_platform": platform, "p_message_ids": ids}):
                out[(platform, r.message_id)] = (r.id, r.state)
        return out

    async def claim_inbox_many(self, inbox_ids: list[int]) -> set[int]:
        """Mark received messages handled unless another worker did; return the ids this call claimed."""
        if not inbox_ids:
            return set()
        rows = await self.s.execute(statements.claim_inbox_many(), {"p_ids": sorted(set(inbox_ids))})
        return {r.id for r in rows}

    async def claim_inbox(self, inbox_id: int) -> bool:
        """Mark a received message handled, only if nobody else did (one winner among workers)."""
        res = await self.s.execute(statements.claim_inbox(), {"p_id": inbox_id})
        return bool(res.rowcount)

    async def fail_inbox(self, inbox_id: int, error: str) -> None:
        """Note why handling a message failed (it stays for a retry)."""
        await self.s.execute(update(InboxRow).where(InboxRow.id == inbox_id).values(state="failed",
                                                                                     error=error[:2000]))

    async def inbox(self, *, platform: str | None = None, state: str | None = None,
                    limit: int = 1000) -> list[InboxEntry]:
        """Return stored raw messages, oldest first."""
        q = select(InboxRow).order_by(InboxRow.id).limit(limit)
        if platform:
            q = q.where(InboxRow.platform == platform)
        if state:
            q = q.where(InboxRow.state == state)
        return [InboxEntry.model_validate(r, from_attributes=True) for r in (await self.s.execute(q)).scalars()]

    # conversations
    async def load_conversation(self, platform: str, chat_id: str, user_id: str) -> StoredConversation | None:
        """Return a chat's conversation state and version."""
        row = (await self.s.execute(statements.load_conversation(), {
            "p_platform": platform, "p_chat_id": chat_id, "p_user_id": user_id})).one_or_none()
        if row is None:
            return None
        return _stored(row)

    async def load_conversations(self, platform: str,
                                 keys: list[tuple[str, str]]) -> dict[tuple[str, str], StoredConversation]:
        """Return the conversations of several (chat id, user id) pairs of a platform that have one."""
        wanted = set(keys)
        if not wanted:
            return {}
        rows = await self.s.execute(statements.load_conversations(),
                                    {"p_platform": platform, "p_chat_ids": sorted({c for c, _ in wanted})})
        return {(r.chat_id, r.user_id): _stored(r) for r in rows if (r.chat_id, r.user_id) in wanted}

    async def save_conversations(self, platform: str, rows: list[dict], now: datetime) -> bool:
        """Save several chats' states at once (keys as save_conversation's); False when another worker won.

        Meant after ``load_conversations`` in the same transaction, whose rows stay locked till commit;
        the version check is kept, and verified where the driver counts rows of an executemany.
        """
        updates = [{"p_platform": platform, "p_chat_id": r["chat_id"], "p_user_id": r["user_id"],
                    "p_expected": r["expected_version"], "p_flow": r["flow"], "p_step": r["step"],
                    "p_data": r["data"], "p_expires_at": r["expires_at"], "p_updated_at": now,
                    "p_version": r["expected_version"] + 1} for r in rows if r["expected_version"] is not None]
        if updates:
            res = await self.s.execute(statements.update_conversation(), updates)
            counted = self.s.bind is not None and self.s.bind.dialect.supports_sane_multi_rowcount
            if counted and res.rowcount != len(updates):
                return False
        for r in rows:
            if r["expected_version"] is None and not await self.save_conversation(
                    platform, r["chat_id"], r["user_id"], flow=r["flow"], step=r["step"], data=r["data"],
                    expires_at=r["expires_at"], expected_version=None, now=now):
                return False
        return True

    async def save_conversation(self, platform: str, chat_id: str, user_id: str, *, flow: str, step: str,
                                data: dict, expires_at: datetime | None, expected_version: int | None,
                                now: datetime) -> bool:
        """Save the state if the version is still ``expected_version``; False when another worker won."""
        values = dict(flow=flow, step=step, data=data, expires_at=expires_at, updated_at=now)
        if expected_version is None:
            stmt = _insert(self.s, ConversationRow).values(
                platform=platform, chat_id=chat_id, user_id=user_id, version=1, **values,
            ).on_conflict_do_nothing(index_elements=["platform", "chat_id", "user_id"]).returning(ConversationRow.id)
            return (await self.s.execute(stmt)).scalar_one_or_none() is not None
        res = await self.s.execute(statements.update_conversation(), {
            "p_platform": platform, "p_chat_id": chat_id, "p_user_id": user_id, "p_expected": expected_version,
            "p_flow": flow, "p_step": step, "p_data": data, "p_expires_at": expires_at, "p_updated_at": now,
            "p_version": expected_version + 1})
        return bool(res.rowcount)

    # dispatch log
    async def claim_dispatch(self, job: str, fire_time: str, now: datetime) -> bool:
        """Claim a (job, fire time) posting; False when it was already done or claimed."""
        stmt = _insert(self.s, DispatchRow).values(job=job, fire_time=fire_time, posted=0, created_at=now) \
            .on_conflict_do_nothing(index_elements=["job", "fire_time"]).returning(DispatchRow.id)
        return (await self.s.execute(stmt)).scalar_one_or_none() is not None

    async def set_dispatch_count(self, job: str, fire_time: str, posted: int) -> None:
        """Record how many messages a claimed posting sent."""
        await self.s.execute(update(DispatchRow).where(DispatchRow.job == job, DispatchRow.fire_time == fire_time)
                             .values(posted=posted))

    async def dispatches(self, job: str | None = None) -> list[tuple[str, str, int]]:
        """Return (job, fire time, posted) rows."""
        q = select(DispatchRow.job, DispatchRow.fire_time, DispatchRow.posted).order_by(DispatchRow.id)
        if job:
            q = q.where(DispatchRow.job == job)
        return [tuple(r) for r in (await self.s.execute(q)).all()]

    # outbox
    async def add_outbox(self, platform: str, chat_id: str, payload: dict, error: str, now: datetime) -> int:
        """Keep an undelivered message for a later retry."""
        row = OutboxRow(platform=platform, chat_id=chat_id, payload=payload, error=error[:2000], created_at=now)
        self.s.add(row)
        await self.s.flush()
        return row.id

    async def due_outbox(self, platform: str, limit: int = 50) -> list[tuple[int, dict]]:
        """Return undelivered messages of a platform, oldest first (read only; see claim_outbox)."""
        rows = (await self.s.execute(select(OutboxRow).where(OutboxRow.platform == platform,
                                                             OutboxRow.sent_at.is_(None),
                                                             OutboxRow.dead_at.is_(None))
                                     .order_by(OutboxRow.id).limit(limit))).scalars()
        return [(r.id, r.payload) for r in rows]

    async def claim_outbox(self, platform: str, now: datetime, *, lease: timedelta, max_attempts: int,
                           limit: int = 50) -> tuple[list[tuple[int, dict]], list[int]]:
        """Claim due messages for one retry round; return (claimed rows, ids given up after max_attempts)."""
        free = or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now)
        candidates = (await self.s.execute(select(OutboxRow.id, OutboxRow.attempts, OutboxRow.payload).where(
            OutboxRow.platform == platform, OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_(None), free)
            .order_by(OutboxRow.id).limit(limit))).all()
        claimed, dead = [], []
        for oid, attempts, payload in candidates:
            if attempts >= max_attempts:
                await self.s.execute(update(OutboxRow).where(OutboxRow.id == oid).values(dead_at=now))
                dead.append(oid)
                continue
            res = await self.s.execute(update(OutboxRow).where(OutboxRow.id == oid, free, OutboxRow.sent_at.is_(None))
                                       .values(claimed_until=now + lease, attempts=OutboxRow.attempts + 1))
            if res.rowcount:
                claimed.append((oid, payload))
        return claimed, dead

    async def release_outbox(self, ids: list[int]) -> None:
        """Let other workers retry rows this worker claimed but could not send."""
        await self.s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.sent_at.is_(None))
                             .values(claimed_until=None))

    async def outbox_sent(self, outbox_id: int, now: datetime) -> None:
        """Mark an outbox message delivered."""
        await self.s.execute(update(OutboxRow).where(OutboxRow.id == outbox_id).values(sent_at=now))
