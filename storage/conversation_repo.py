"""Conversation state per chat and user, saved with a version check so one worker wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage import statements
from storage.models import ConversationRow
from storage.schemas import StoredConversation
from storage.sql import affected, insert


def _stored(row) -> StoredConversation:
    """Return a conversation row (flow, step, data, expires_at, version) as loaded."""
    return StoredConversation(
        flow=row.flow,
        step=row.step,
        data=dict(row.data or {}),
        expires_at=row.expires_at,
        version=row.version,
    )


class ConversationRepository:
    """Load and save conversation states."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # conversations
    async def load_conversation(self, platform: str, chat_id: str, user_id: str) -> StoredConversation | None:
        """Return a chat's conversation state and version."""
        row = (
            await self.s.execute(
                statements.load_conversation(),
                {"p_platform": platform, "p_chat_id": chat_id, "p_user_id": user_id},
            )
        ).one_or_none()
        if row is None:
            return None
        return _stored(row)

    async def load_conversations(
        self, platform: str, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], StoredConversation]:
        """Return the conversations of several (chat id, user id) pairs of a platform that have one."""
        wanted = set(keys)
        if not wanted:
            return {}
        rows = await self.s.execute(
            statements.load_conversations(),
            {"p_platform": platform, "p_chat_ids": sorted({c for c, _ in wanted})},
        )
        return {(r.chat_id, r.user_id): _stored(r) for r in rows if (r.chat_id, r.user_id) in wanted}

    async def save_conversations(self, platform: str, rows: list[dict], now: datetime) -> bool:
        """Save several chats' states at once (keys as save_conversation's); False when another worker won.

        Meant after ``load_conversations`` in the same transaction, whose rows stay locked till commit;
        the version check is kept, and verified where the driver counts rows of an executemany.
        """
        updates = [
            {
                "p_platform": platform,
                "p_chat_id": r["chat_id"],
                "p_user_id": r["user_id"],
                "p_expected": r["expected_version"],
                "p_flow": r["flow"],
                "p_step": r["step"],
                "p_data": r["data"],
                "p_expires_at": r["expires_at"],
                "p_updated_at": now,
                "p_version": r["expected_version"] + 1,
            }
            for r in rows
            if r["expected_version"] is not None
        ]
        if updates:
            res = await self.s.execute(statements.update_conversation(), updates)
            counted = self.s.bind is not None and self.s.bind.dialect.supports_sane_multi_rowcount
            if counted and affected(res) != len(updates):
                return False
        for r in rows:
            if r["expected_version"] is None and not await self.save_conversation(
                platform,
                r["chat_id"],
                r["user_id"],
                flow=r["flow"],
                step=r["step"],
                data=r["data"],
                expires_at=r["expires_at"],
                expected_version=None,
                now=now,
            ):
                return False
        return True

    async def save_conversation(
        self,
        platform: str,
        chat_id: str,
        user_id: str,
        *,
        flow: str,
        step: str,
        data: dict,
        expires_at: datetime | None,
        expected_version: int | None,
        now: datetime,
    ) -> bool:
        """Save the state if the version is still ``expected_version``; False when another worker won."""
        values = {"flow": flow, "step": step, "data": data, "expires_at": expires_at, "updated_at": now}
        if expected_version is None:
            stmt = (
                insert(self.s, ConversationRow)
                .values(
                    platform=platform,
                    chat_id=chat_id,
                    user_id=user_id,
                    version=1,
                    **values,
                )
                .on_conflict_do_nothing(index_elements=["platform", "chat_id", "user_id"])
                .returning(ConversationRow.id)
            )
            return (await self.s.execute(stmt)).scalar_one_or_none() is not None
        res = await self.s.execute(
            statements.update_conversation(),
            {
                "p_platform": platform,
                "p_chat_id": chat_id,
                "p_user_id": user_id,
                "p_expected": expected_version,
                "p_flow": flow,
                "p_step": step,
                "p_data": data,
                "p_expires_at": expires_at,
                "p_updated_at": now,
                "p_version": expected_version + 1,
            },
        )
        return bool(affected(res))
