"""The Telegram adapter's test harness: a scripted engine, an in-memory outbox, and reply helpers."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.telegram import TelegramAdapter
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import Outbound, Reply, TextReply
from tests.fakes.fake_telegram import FakeTelegram

SECRET = "s3cret-token_ABC"
USER = 7
PRIVATE = 42
GROUP = -100555


class ScriptedEngine:
    """Stands in for the engine: records messages and answers with ``reply(msg)``."""

    def __init__(self) -> None:
        self.received: list[IncomingMessage] = []
        self.reply: Callable[[IncomingMessage], tuple[Reply, ...]] = lambda m: (
            TextReply(text=f"收到：{m.text}"),
        )
        self.fail = False

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        self.received.append(msg)
        if self.fail:
            raise RuntimeError("database is down")
        return (Outbound(chat=msg.chat, replies=self.reply(msg)),)

    async def handle_many(self, msgs: list[IncomingMessage], **_later: object) -> list[tuple[Outbound, ...]]:
        return [await self.handle(m) for m in msgs]


class MemoryOutbox:
    """In-memory OutboxStore."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Outbound, str]] = {}
        self._next = 1

    async def record_failed(self, outbound: Outbound, error: str) -> int:
        self.rows[self._next] = (outbound, error)
        self._next += 1
        return self._next - 1

    async def due(self, platform: str, limit: int = 50) -> list[tuple[int, Outbound]]:
        return [(i, o) for i, (o, _) in self.rows.items() if o.chat.platform == platform][:limit]

    async def mark_sent(self, outbox_id: int) -> None:
        del self.rows[outbox_id]

    async def sent(self, outbox_id: int) -> None:
        self.rows.pop(outbox_id, None)

    async def flush(self) -> None:
        return None

    async def release(self, outbox_ids: list[int]) -> None:
        return None


MakeAdapter = Callable[..., TelegramAdapter]


def texts(fake: FakeTelegram, chat_id: int = PRIVATE) -> list[str]:
    return [c.params["text"] for c in fake.calls_of("sendMessage") if c.params["chat_id"] == chat_id]


def outbound(*replies: Reply, chat_id: int = PRIVATE) -> Outbound:
    return Outbound(chat=ChatRef(platform="telegram", chat_id=str(chat_id)), replies=replies)
