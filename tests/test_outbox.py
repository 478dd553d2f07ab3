"""The database outbox seen by two workers: one claims, the other waits; failures come back to the claimer."""

from __future__ import annotations

from datetime import timedelta

from bot.core.messages import ChatRef
from bot.core.replies import FileReply, Outbound, TextReply


async def test_two_workers_never_get_the_same_row_and_a_failed_row_comes_back(app):
    worker_a, worker_b = app.outbox(), app.outbox()
    out = Outbound(
        chat=ChatRef(platform="telegram", chat_id="7"),
        replies=(
            TextReply(text="你好", choices=("确认",)),
            FileReply(filename="台账.docx", media_type="application/x", content=bytes(range(256))),
        ),
    )
    oid = await worker_a.record_failed(out, "timeout")
    first = await worker_a.due("telegram")
    assert first == [(oid, out)]  # file bytes survive the JSON column
    assert await worker_b.due("telegram") == []  # held by worker A
    again = await worker_a.due("telegram")  # A failed to send it: its next round may take it again
    assert [r[0] for r in again] == [oid]
    await worker_a.mark_sent(oid)
    assert await worker_a.due("telegram") == [] and await worker_b.due("telegram") == []


async def test_replies_queued_in_one_statement_get_their_own_ids_in_order(app):
    now = app.clock.now()
    async with app.uow() as uow:
        await uow.chats.add_pending_outbox([("telegram", "0", {"n": -1})], now, now)  # ids do not start at 1
        ids = await uow.chats.add_pending_outbox(
            [("telegram", str(n), {"n": n}) for n in range(7)], now, now + timedelta(minutes=5)
        )
        await uow.commit()
    async with app.uow() as uow:
        stored = dict(await uow.chats.due_outbox("telegram", limit=20))
    assert [stored[i]["n"] for i in ids] == list(range(7))
