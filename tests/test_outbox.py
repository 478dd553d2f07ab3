"""The database outbox seen by two workers: one claims, the other waits; failures come back to the claimer."""

from __future__ import annotations

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
