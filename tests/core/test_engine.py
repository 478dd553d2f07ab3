"""The engine's contract, with an in-memory fake transaction: inbox first, version check, replies after commit."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.engine import Engine
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import TextReply
from bot.core.routing import Router

NOW = datetime(2025, 4, 21, tzinfo=UTC)


class FakeStore:
    """Committed state shared by fake transactions."""

    def __init__(self):
        self.inbox: dict[str, list] = {}
        self.states: dict[str, tuple[ConversationState, int]] = {}
        self.commits = 0
        self.steal_next_save = 0  # pretend another worker saved first this many times
        self.lane_calls = 0


class FakeTransaction:
    def __init__(self, store: FakeStore):
        self.store = store
        self.deps = store
        self._pending = []
        self._saved = {}

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self._pending.clear()

    async def record_inbox(self, msg):
        inbox_id = int(msg.message_id)
        if msg.message_id in self.store.inbox:
            return inbox_id, self.store.inbox[msg.message_id][1]
        self._pending.append(lambda: self.store.inbox.setdefault(msg.message_id, [msg.text, "received"]))
        return inbox_id, "new"

    async def record_inbox_many(self, msgs):
        return [await self.record_inbox(m) for m in msgs]

    async def claim_inbox(self, inbox_id):
        return True

    async def lane_keys(self, msgs):
        self.store.lane_calls += 1
        return [m.user_id for m in msgs]

    async def claim_inbox_many(self, inbox_ids):
        return {i for i in inbox_ids if self.store.inbox[str(i)][1] != "handled"}

    async def load_states(self, msgs):
        out = {}
        for m in msgs:
            if m.user_id in self._saved or m.user_id in self.store.states:
                out[(m.chat.platform, m.chat.chat_id, m.user_id)] = await self.load_state(m)
        return out

    async def fail_inbox(self, inbox_id, error):
        pass

    async def load_state(self, msg):
        # like a database transaction, it sees its own uncommitted saves
        state, version = self._saved.get(msg.user_id) or self.store.states.get(msg.user_id, (IDLE, None))
        return state, version

    async def save_state(self, msg, state, version):
        if self.store.steal_next_save:
            self.store.steal_next_save -= 1
            return False
        saved = (state, (version or 0) + 1)
        self._saved[msg.user_id] = saved
        self._pending.append(lambda: self.store.states.__setitem__(msg.user_id, saved))
        return True

    async def save_states(self, saves):
        for msg, state, version in saves:
            if not await self.save_state(msg, state, version):
                return False
        return True

    async def commit(self):
        for action in self._pending:
            action()
        self._pending.clear()
        self.store.commits += 1


def message(mid: str, text: str) -> IncomingMessage:
    return IncomingMessage(
        message_id=mid, chat=ChatRef(platform="console", chat_id="u"), user_id="u", text=text, sent_at=NOW
    )


def counting_router(calls: list):
    r = Router()

    async def step(msg, state, deps):
        calls.append(msg.text)
        n = state.data.get("n", 0) + 1
        return Turn(
            replies=(TextReply(text=f"第{n}条"),), state=ConversationState(flow="f", step="s", data={"n": n})
        )

    r.fallback = step
    r.step("f", "s", step)
    return r


async def test_replies_come_after_commit_and_state_is_kept():
    store, calls = FakeStore(), []
    engine = Engine(
        lambda: FakeTransaction(store), counting_router(calls), error_text="出错", now=lambda: NOW
    )
    out = await engine.handle(message("1", "a"))
    out2 = await engine.handle(message("2", "b"))
    assert [o.replies[0].text for o in out + out2] == ["第1条", "第2条"]
    assert store.states["u"][0].data == {"n": 2}


async def test_a_redelivered_message_is_dropped_after_it_was_handled():
    store, calls = FakeStore(), []
    engine = Engine(
        lambda: FakeTransaction(store), counting_router(calls), error_text="出错", now=lambda: NOW
    )
    await engine.handle(message("1", "a"))
    store.inbox["1"][1] = "handled"
    assert await engine.handle(message("1", "a")) == ()
    assert calls == ["a"]


async def test_a_stale_version_reruns_once_then_gives_up_without_losing_the_message():
    store, calls = FakeStore(), []
    engine = Engine(
        lambda: FakeTransaction(store), counting_router(calls), error_text="出错了", now=lambda: NOW
    )
    store.steal_next_save = 1
    out = await engine.handle(message("1", "a"))
    assert calls == ["a", "a"] and out[0].replies[0].text == "第1条"
    store.steal_next_save = 2
    out = await engine.handle(message("2", "b"))
    assert out[0].replies[0].text == "出错了"
    assert "2" in store.inbox  # the raw text was committed before handling


async def test_a_handler_crash_answers_politely_and_keeps_the_raw_text():
    store = FakeStore()
    r = Router()

    async def boom(msg, state, deps):
        raise RuntimeError("bug")

    r.fallback = boom
    engine = Engine(lambda: FakeTransaction(store), r, error_text="抱歉出错", now=lambda: NOW)
    out = await engine.handle(message("9", "原文"))
    assert out[0].replies[0].text == "抱歉出错" and store.inbox["9"][0] == "原文"


async def test_a_batch_is_handled_in_one_transaction_with_each_state_following_the_last():
    store, calls = FakeStore(), []
    engine = Engine(
        lambda: FakeTransaction(store), counting_router(calls), error_text="出错", now=lambda: NOW
    )
    out = await engine.handle_many([message("1", "a"), message("2", "b"), message("3", "c")])
    assert [o[0].replies[0].text for o in out] == ["第1条", "第2条", "第3条"]
    assert store.commits == 2  # the raw texts, then all three turns
    assert store.states["u"][0].data == {"n": 3} and calls == ["a", "b", "c"]


async def test_one_failing_message_in_a_batch_does_not_cost_the_others_their_answers():
    store = FakeStore()
    r = counting_router([])
    step = r.fallback

    async def sometimes(msg, state, deps):
        if msg.text == "坏":
            raise RuntimeError("bug")
        return await step(msg, state, deps)

    r.fallback = sometimes
    r.step("f", "s", sometimes)
    engine = Engine(lambda: FakeTransaction(store), r, error_text="抱歉出错", now=lambda: NOW)
    out = await engine.handle_many([message("1", "a"), message("2", "坏"), message("3", "c")])
    assert [o[0].replies[0].text for o in out] == ["第1条", "抱歉出错", "第2条"]
    assert store.states["u"][0].data == {"n": 2}  # the failed batch left nothing; one by one kept a and c
    assert {k: v[0] for k, v in store.inbox.items()} == {"1": "a", "2": "坏", "3": "c"}


async def test_a_message_delivered_twice_in_one_batch_is_answered_once():
    store, calls = FakeStore(), []
    engine = Engine(
        lambda: FakeTransaction(store), counting_router(calls), error_text="出错", now=lambda: NOW
    )
    store.inbox["1"] = ["a", "handled"]
    out = await engine.handle_many([message("1", "a"), message("2", "b")])
    assert out[0] == () and [o.replies[0].text for o in out[1]] == ["第1条"] and calls == ["b"]


async def test_lanes_run_concurrently_and_keep_each_keys_order():
    import asyncio

    store, calls = FakeStore(), []
    inside, most = 0, 0
    base = counting_router(calls)

    async def slow(msg, state, deps):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)  # a database round trip
        inside -= 1
        return await base.fallback(msg, state, deps)

    r = Router()
    r.fallback = slow
    r.step("f", "s", slow)
    engine = Engine(lambda: FakeTransaction(store), r, error_text="出错", now=lambda: NOW, lanes=2)
    said = [
        IncomingMessage(
            message_id=str(i + 1),
            chat=ChatRef(platform="console", chat_id=user),
            user_id=user,
            text=f"{user}{i}",
            sent_at=NOW,
        )
        for i, user in enumerate(["甲", "乙", "甲", "丙", "甲"])
    ]
    out = await engine.handle_many(said)
    assert [o[0].replies[0].text for o in out] == ["第1条", "第1条", "第2条", "第1条", "第3条"]
    assert [c for c in calls if c.startswith("甲")] == ["甲0", "甲2", "甲4"]  # one key, one lane, in order
    assert most == 2 and store.lane_calls == 1
