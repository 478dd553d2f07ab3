"""Later work (bot/core/conversation.py ``Later``): a step's long part runs after its commit, none open."""

from __future__ import annotations

import asyncio

from bot.core.conversation import ConversationState, Later, Turn
from bot.core.engine import Engine
from bot.core.replies import TextReply
from bot.core.routing import Router
from tests.core.test_engine import NOW, FakeStore, FakeTransaction, message


class Store(FakeStore):
    def __init__(self):
        super().__init__()
        self.open = 0  # transactions open now


class Transaction(FakeTransaction):
    """The fake transaction, counting open transactions and keeping the inbox's "later" state."""

    async def __aenter__(self):
        self.store.open += 1
        return self

    async def __aexit__(self, *exc):
        self.store.open -= 1
        await super().__aexit__(*exc)

    def _set(self, inbox_id, state):
        self._pending.append(lambda: self.store.inbox[str(inbox_id)].__setitem__(1, state))

    async def claim_inbox(self, inbox_id):
        if self.store.inbox[str(inbox_id)][1] in ("handled", "later"):
            return False
        self._set(inbox_id, "handled")
        return True

    async def defer_inbox(self, inbox_id):
        self._set(inbox_id, "later")

    async def resume_inbox(self, inbox_id):
        if self.store.inbox[str(inbox_id)][1] != "later":
            return False
        self._set(inbox_id, "handled")
        return True

    async def finish_inbox(self, inbox_id):
        self._set(inbox_id, "handled")


READING = ConversationState(flow="f", step="reading")


def reading_router(steps: list, seen: list, release: asyncio.Event, started: asyncio.Event | None = None):
    """A step that hands back work (the first one held until ``release``); ``seen`` notes what it saw."""
    r = Router()
    started = started or asyncio.Event()

    async def step(msg, state, deps):
        steps.append(msg.text)

        first = len(steps) == 1

        async def work():
            seen.append(("open transactions", deps.open, "commits", deps.commits))
            started.set()
            if first:  # only the first step's work is held (a wrong second one must not hang the test)
                await release.wait()
            return f"读完{msg.text}"

        async def then(result, now, deps):
            if now != READING:
                return Turn(state=now)
            return Turn(replies=(TextReply(text=result),), state=ConversationState(flow="f", step="done"))

        return Turn(state=READING, later=Later(work, then))

    r.fallback = step
    return r


async def test_later_work_runs_after_the_commit_with_no_transaction_open_and_its_result_is_kept():
    store, steps, seen, release = Store(), [], [], asyncio.Event()
    release.set()
    engine = Engine(
        lambda: Transaction(store), reading_router(steps, seen, release), error_text="出错", now=lambda: NOW
    )
    out = await engine.handle(message("1", "文件"))
    assert [r.text for o in out for r in o.replies] == ["读完文件"]
    assert seen == [("open transactions", 0, "commits", 2)]  # the inbox, then the step's turn
    assert store.states["u"][0].step == "done" and store.inbox["1"][1] == "handled"


async def test_a_duplicate_delivered_while_later_work_waits_is_dropped():
    store, steps, seen, release, started = Store(), [], [], asyncio.Event(), asyncio.Event()
    engine = Engine(
        lambda: Transaction(store),
        reading_router(steps, seen, release, started),
        error_text="出错",
        now=lambda: NOW,
    )
    upload = asyncio.create_task(engine.handle(message("1", "文件")))
    await started.wait()  # the work has started (and holds no transaction)
    assert store.inbox["1"][1] == "later"
    assert await engine.handle(message("1", "文件")) == ()  # the same message again: no second step, no reply
    assert steps == ["文件"] and not upload.done()
    release.set()
    assert [r.text for o in await upload for r in o.replies] == ["读完文件"]
    assert store.inbox["1"][1] == "handled"


async def test_a_message_whose_later_work_a_stop_cut_off_is_routed_again_when_delivered_again():
    store, steps, seen, release, started = Store(), [], [], asyncio.Event(), asyncio.Event()
    engine = Engine(
        lambda: Transaction(store),
        reading_router(steps, seen, release, started),
        error_text="出错",
        now=lambda: NOW,
    )
    upload = asyncio.create_task(engine.handle(message("1", "文件")))
    await started.wait()
    upload.cancel()  # the process stops mid-work
    await asyncio.gather(upload, return_exceptions=True)
    assert store.inbox["1"][1] == "later" and store.states["u"][0] == READING
    release.set()
    restarted = Engine(
        lambda: Transaction(store), reading_router(steps, seen, release), error_text="出错", now=lambda: NOW
    )
    out = await restarted.handle(message("1", "文件"))  # inbox recovery (or the platform) delivers it again
    assert [r.text for o in out for r in o.replies] == ["读完文件"]
    assert steps == ["文件", "文件"] and store.inbox["1"][1] == "handled"
    assert await restarted.handle(message("1", "文件")) == ()


async def test_later_work_that_fails_is_answered_with_the_apology():
    store = Store()
    r = Router()

    async def step(msg, state, deps):
        async def work():
            raise RuntimeError("worker gone")

        async def then(result, now, deps):  # pragma: no cover - the work fails first
            return Turn(state=now)

        return Turn(state=READING, later=Later(work, then))

    r.fallback = step
    engine = Engine(lambda: Transaction(store), r, error_text="抱歉出错", now=lambda: NOW)
    out = await engine.handle(message("1", "文件"))
    assert [r.text for o in out for r in o.replies] == ["抱歉出错"]
