"""Messages handled together (one transaction per polling batch) end exactly as when handled one by one."""

from __future__ import annotations

from datetime import datetime

from bot.app import build_app
from bot.core.clock import SHANGHAI, FakeClock
from bot.core.messages import ChatRef, IncomingMessage
from bot.settings import Settings
from tests.conftest import import_seed
from tests.handlers.dialogue_helpers import open_april

UNITS = ["区卫健局", "区医保局", "区住建局"]
SCRIPT = [
    "填报",
    "进展：已完成前期手续，正在施工 问题：无 计划：月底完工",
    "确认",
    "我的",
    "修改 1",
    "已建成12处，完成率40% 问题：资金紧张 计划：下月验收",
    "确认",
    "哪些项目滞后？",
]


async def _app(url: str, files, segmenter):
    clock = FakeClock(datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI))
    app = await build_app(
        Settings(database_url=url, files_dir=files, _env_file=None),
        clock=clock,
        segmenter=segmenter,
        migrate=True,
    )
    await import_seed(app)
    await open_april(app)
    async with app.uow() as uow:
        for n, unit in enumerate(UNITS):
            await uow.chats.add_role(
                "telegram", str(100 + n), "contact", clock.now(), unit=unit, chat_id=str(100 + n)
            )
        await uow.commit()
    return app


def _messages() -> list[IncomingMessage]:
    """The script said by every contact in turn, as updates from three chats interleave."""
    out = []
    for step, text in enumerate(SCRIPT):
        for n in range(len(UNITS)):
            chat = str(100 + n)
            out.append(
                IncomingMessage(
                    message_id=f"{chat}:{step}",
                    chat=ChatRef(platform="telegram", chat_id=chat),
                    user_id=chat,
                    text=text,
                    sent_at=datetime(2025, 4, 21, 2, 0, tzinfo=SHANGHAI),
                )
            )
    return out


async def _outcome(app, replies) -> tuple[list, list]:
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        period = await uow.ledgers.period(ledger.id, "2025-04")
        raw = {e.id: e.message_id for e in await uow.chats.inbox()}
        filed = [
            (s.item_id, s.unit, s.revision, s.progress, s.status, s.achieved, raw[s.inbox_id])
            for s in await uow.submissions.latest(period.id)
        ]
        assert all(state == "handled" for state in [e.state for e in await uow.chats.inbox()])
    texts = [[(o.chat.chat_id, r.text) for o in outbound for r in o.replies] for outbound in replies]
    return texts, filed


async def test_batches_end_as_one_by_one(db_url, tmp_path, segmenter, caplog):
    caplog.set_level("INFO", logger="bot.core.engine")
    single = await _app(f"sqlite:///{tmp_path / 'single.db'}", tmp_path / "single", segmenter)
    batched = await _app(db_url, tmp_path / "batched", segmenter)  # SQLite, and PostgreSQL when configured
    try:
        msgs = _messages()
        one_by_one = [await single.handler_for("telegram").handle(m) for m in msgs]
        together = []
        for start in range(0, len(msgs), 7):  # batch edges fall mid-dialogue
            together += await batched.handler_for("telegram").handle_many(msgs[start : start + 7])
        assert "one by one" not in caplog.text  # every batch went through in one transaction
        expected, got = await _outcome(single, one_by_one), await _outcome(batched, together)
        assert got == expected
        assert len(expected[1]) >= len(UNITS)  # the dialogue really filed updates
        assert any("已记录" in t for replies in expected[0] for _, t in replies)

        again = await batched.handler_for("telegram").handle_many(msgs[:7])  # a batch delivered twice
        assert again == [()] * 7
        assert await _outcome(batched, together) == got
    finally:
        await single.close()
        await batched.close()


async def test_a_binding_counts_for_the_next_message_of_the_same_batch(db_url, tmp_path, segmenter, caplog):
    from tests.handlers.dialogue_helpers import invite_code

    caplog.set_level("INFO", logger="bot.core.engine")
    app = await _app(db_url, tmp_path / "files", segmenter)
    try:
        code = await invite_code(app, "区发改局")
        sent_at = datetime(2025, 4, 21, 2, 0, tzinfo=SHANGHAI)

        def said(mid: str, text: str) -> IncomingMessage:
            return IncomingMessage(
                message_id=mid,
                chat=ChatRef(platform="telegram", chat_id="777"),
                user_id="777",
                text=text,
                sent_at=sent_at,
            )

        before = await app.handler_for("telegram").handle_many([said("a", "填报"), said("b", "帮助")])
        assert "绑定" in before[0][0].replies[0].text  # not a contact yet
        out = await app.handler_for("telegram").handle_many(
            [said("c", f"绑定 {code}"), said("d", "填报"), said("d", "填报")]
        )  # d delivered twice
        assert "绑定成功" in out[0][0].replies[0].text
        assert "新增停车泊位256个" in out[1][0].replies[0].text  # 填报 already sees the new role
        assert out[2] == ()
        assert "one by one" not in caplog.text
    finally:
        await app.close()
