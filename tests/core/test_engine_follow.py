"""``Engine.handle_many(..., follow=...)``: the engine returns after a step's commit and hands its later work,
and the rest of that conversation's messages, to the caller's line (bot/core/lines.py)."""

from __future__ import annotations

import asyncio

from bot.core.conversation import ConversationState, Later, Turn
from bot.core.engine import Engine
from bot.core.lines import ChatLines, line_key
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import TextReply
from bot.core.routing import Router
from tests.core.test_engine import NOW
from tests.core.test_engine_later import READING, Store, Transaction


def said(mid: str, user: str, text: str) -> IncomingMessage:
    return IncomingMessage(
        message_id=mid, chat=ChatRef(platform="console", chat_id=user), user_id=user, text=text, sent_at=NOW
    )


def router(release: asyncio.Event, started: asyncio.Event) -> Router:
    """文件 hands back a read held until ``release``; anything else is answered with where the chat stands."""
    r = Router()

    async def step(msg, state, deps):
        if msg.text != "文件":
            return Turn(replies=(TextReply(text=f"{msg.text}@{state.step or '-'}"),), state=state)

        async def work():
            started.set()
            await release.wait()
            return "读完"

        async def then(result, now, deps):
            return Turn(replies=(TextReply(text=result),), state=ConversationState(flow="f", step="done"))

        return Turn(state=READING, later=Later(work, then))

    r.fallback = step
    return r


def texts(outbound) -> list[str]:
    return [r.text for o in outbound for r in o.replies]


async def test_later_work_and_the_chat_s_next_message_are_handed_on_while_other_chats_are_answered():
    store, release, started = Store(), asyncio.Event(), asyncio.Event()
    engine = Engine(lambda: Transaction(store), router(release, started), error_text="出错", now=lambda: NOW)
    handed: list[tuple[str, object]] = []
    out = await engine.handle_many(
        [said("1", "boss", "文件"), said("2", "boss", "确认"), said("3", "wang", "帮助")],
        follow=lambda key, part: handed.append((key, part)),
    )
    # returned with the read not even started: the other chat is answered, the boss's 确认 waits its turn
    assert [texts(o) for o in out] == [[], [], ["帮助@-"]] and not started.is_set()
    assert [key for key, _ in handed] == ["console:boss/boss"] * 2
    assert store.inbox["1"][1] == "later" and store.inbox["2"][1] == "received"
    read = asyncio.create_task(handed[0][1]())
    await started.wait()
    assert store.open == 0  # no transaction is held during the read
    release.set()
    assert texts(await read) == ["读完"] and store.inbox["1"][1] == "handled"
    assert texts(await handed[1][1]()) == ["确认@done"]  # handled after the read, from where it left the chat


async def test_a_message_of_a_busy_line_is_only_recorded_and_handed_on():
    store, release, started = Store(), asyncio.Event(), asyncio.Event()
    engine = Engine(lambda: Transaction(store), router(release, started), error_text="出错", now=lambda: NOW)
    sent: list[list[str]] = []

    async def send(outbound):
        sent.append(texts(outbound))

    lines = ChatLines(send)
    boss = said("1", "boss", "文件")
    assert await engine.handle_many([boss], follow=lines.follow) == [()]
    assert lines.busy() == {line_key(boss)}
    out = await engine.handle_many([said("2", "boss", "帮助")], busy=lines.busy(), follow=lines.follow)
    assert out == [()] and store.inbox["2"][1] == "received"  # recorded, so a stop does not lose it
    await started.wait()
    release.set()
    assert await lines.join(timeout=30) == 0
    assert sent == [["读完"], ["帮助@done"]] and not lines.busy()


async def test_a_line_cut_off_by_a_stop_leaves_its_messages_in_the_inbox():
    store, release, started = Store(), asyncio.Event(), asyncio.Event()
    engine = Engine(lambda: Transaction(store), router(release, started), error_text="出错", now=lambda: NOW)
    lines = ChatLines(lambda outbound: asyncio.sleep(0))
    await engine.handle_many([said("1", "boss", "文件"), said("2", "boss", "帮助")], follow=lines.follow)
    await started.wait()
    assert await lines.join(timeout=0) == 2  # the read and the message behind it, cancelled
    assert store.inbox["1"][1] == "later" and store.inbox["2"][1] == "received"  # for inbox recovery
