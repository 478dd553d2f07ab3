"""The engine's Transaction port on top of the storage unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.conversation import IDLE, ConversationState
from bot.core.messages import IncomingMessage
from bot.core.ports import Transaction
from bot.core.replies import Outbound
from bot.outbox import LEASE
from handlers.deps import Deps
from handlers.ledger.limits import MAX_FILE_BYTES
from storage.uow import UnitOfWork


class StorageTransaction:
    """One unit of work seen through the engine's eyes."""

    def __init__(self, uow: UnitOfWork, make_deps: Callable[[UnitOfWork], Deps], now: Callable[[], datetime]):
        self._uow = uow
        self._make_deps = make_deps
        self._now = now
        self.deps: Deps | None = None

    async def __aenter__(self) -> StorageTransaction:
        await self._uow.__aenter__()
        self.deps = self._make_deps(self._uow)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._uow.__aexit__(*exc)

    async def record_inbox(self, msg: IncomingMessage) -> tuple[int, str]:
        """Store the raw message once; return its id and state."""
        return await self._uow.chats.record_inbox(
            msg.chat.platform,
            msg.message_id,
            msg.chat.chat_id,
            msg.user_id,
            msg.kind,
            msg.text,
            msg.sent_at,
            self._now(),
            attachment=_kept(msg),
        )

    async def record_inbox_many(self, msgs: list[IncomingMessage]) -> list[tuple[int, str]]:
        """Store several raw messages once each; return each one's id and state, in order."""
        now = self._now()
        found = await self._uow.chats.record_inbox_many(
            [
                {
                    "platform": m.chat.platform,
                    "message_id": m.message_id,
                    "chat_id": m.chat.chat_id,
                    "user_id": m.user_id,
                    "kind": m.kind,
                    "text": m.text,
                    "sent_at": m.sent_at,
                    "received_at": now,
                    "attachment": _kept(m),
                }
                for m in msgs
            ]
        )
        return [found[(m.chat.platform, m.message_id)] for m in msgs]

    async def lane_keys(self, msgs: list[IncomingMessage]) -> list[str]:
        """Return each message's lane key: the sender's unit when a contact (its items' revisions), else its chat."""
        keys = []
        for platform in {m.chat.platform for m in msgs}:
            await self._uow.chats.prefetch_roles(
                platform, [m.user_id for m in msgs if m.chat.platform == platform]
            )
        for m in msgs:
            units = sorted(r.unit for r in await self._uow.chats.roles(m.chat.platform, m.user_id) if r.unit)
            keys.append(f"unit:{units[0]}" if units else f"chat:{m.chat.key}")
        return keys

    async def claim_inbox_many(self, inbox_ids: list[int]) -> set[int]:
        """Mark messages handled unless another worker did; return those claimed here."""
        return await self._uow.chats.claim_inbox_many(inbox_ids)

    async def load_states(
        self, msgs: list[IncomingMessage]
    ) -> dict[tuple[str, str, str], tuple[ConversationState, int | None]]:
        """Return the state and version of each message's chat and user (and read the senders' roles)."""
        out: dict[tuple[str, str, str], tuple[ConversationState, int | None]] = {}
        for platform in {m.chat.platform for m in msgs}:
            mine = [m for m in msgs if m.chat.platform == platform]
            rows = await self._uow.chats.load_conversations(
                platform, [(m.chat.chat_id, m.user_id) for m in mine]
            )
            await self._uow.chats.prefetch_roles(platform, [m.user_id for m in mine])
            for (chat_id, user_id), row in rows.items():
                out[(platform, chat_id, user_id)] = (
                    ConversationState(flow=row.flow, step=row.step, data=row.data, expires_at=row.expires_at),
                    row.version,
                )
        return out

    async def claim_inbox(self, inbox_id: int) -> bool:
        """Mark the message handled unless another worker did."""
        return await self._uow.chats.claim_inbox(inbox_id)

    async def defer_inbox(self, inbox_id: int) -> None:
        """Mark a claimed message "later" (its later work has not run yet)."""
        await self._uow.chats.defer_inbox(inbox_id)

    async def resume_inbox(self, inbox_id: int) -> bool:
        """Claim a message left "later" by a stop, unless another worker did."""
        return await self._uow.chats.resume_inbox(inbox_id)

    async def finish_inbox(self, inbox_id: int) -> None:
        """Mark a "later" message handled."""
        await self._uow.chats.finish_inbox(inbox_id)

    async def fail_inbox(self, inbox_id: int, error: str) -> None:
        """Note a failure; the raw text stays."""
        await self._uow.chats.fail_inbox(inbox_id, error)

    async def queue_outbox(self, outbound: list[Outbound]) -> list[int]:
        """Queue replies in the outbox with this transaction, held by this process to send; return their ids."""
        now = self._now()
        return await self._uow.chats.add_pending_outbox(
            [(o.chat.platform, o.chat.chat_id, o.to_payload()) for o in outbound], now, now + LEASE
        )

    async def load_state(self, msg: IncomingMessage) -> tuple[ConversationState, int | None]:
        """Return the chat's state and version."""
        row = await self._uow.chats.load_conversation(msg.chat.platform, msg.chat.chat_id, msg.user_id)
        if row is None:
            return IDLE, None
        return ConversationState(
            flow=row.flow, step=row.step, data=row.data, expires_at=row.expires_at
        ), row.version

    async def save_state(self, msg: IncomingMessage, state: ConversationState, version: int | None) -> bool:
        """Save the state with a version check."""
        return await self._uow.chats.save_conversation(
            msg.chat.platform,
            msg.chat.chat_id,
            msg.user_id,
            flow=state.flow,
            step=state.step,
            data=state.data,
            expires_at=state.expires_at,
            expected_version=version,
            now=self._now(),
        )

    async def save_states(self, saves: list[tuple[IncomingMessage, ConversationState, int | None]]) -> bool:
        """Save the last state of several chats (read by load_states in this transaction); False on a conflict."""
        by_platform: dict[str, list[dict]] = {}
        for msg, state, version in saves:
            by_platform.setdefault(msg.chat.platform, []).append(
                {
                    "chat_id": msg.chat.chat_id,
                    "user_id": msg.user_id,
                    "flow": state.flow,
                    "step": state.step,
                    "data": state.data,
                    "expires_at": state.expires_at,
                    "expected_version": version,
                }
            )
        for platform, rows in by_platform.items():
            if not await self._uow.chats.save_conversations(platform, rows, self._now()):
                return False
        return True

    async def commit(self) -> None:
        """Commit the unit of work."""
        await self._uow.commit()


if TYPE_CHECKING:

    def _as_port(tx: StorageTransaction) -> Transaction:
        """Make mypy prove that StorageTransaction satisfies the engine's Transaction port."""
        return tx


def _kept(msg: IncomingMessage) -> tuple[str, str, bytes | None] | None:
    """What the inbox keeps of a message's file: its name, type and bytes — no bytes over the upload limit
    (such a file is refused anyway, and the inbox is no store for big blobs). Adapters send one file a message."""
    if not msg.attachments:
        return None
    file = msg.attachments[0]
    return file.filename, file.media_type, file.content if len(file.content) <= MAX_FILE_BYTES else None
