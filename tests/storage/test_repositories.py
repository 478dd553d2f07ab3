"""Storage contract: the same tests on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.core.clock import SHANGHAI
from storage import db
from storage.models import Base
from storage.schemas import NewSubmission, TargetInfo
from storage.uow import UnitOfWork

NOW = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def uow_factory(db_url):
    engine = db.make_engine(db_url)
    await db.upgrade(engine)
    sm = db.make_sessionmaker(engine)
    yield lambda: UnitOfWork(sm)
    await engine.dispose()


async def test_migrations_match_the_models(db_url):
    engine = db.make_engine(db_url)
    await db.upgrade(engine)
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    await engine.dispose()
    assert diff == []


async def _ledger_with_item(uow):
    ledger_id, _created = await uow.ledgers.upsert("2025年民生实事", "标题", 2025, "民生实事", NOW)
    cat, _ = await uow.ledgers.upsert_category(ledger_id, 1, "基层医疗服务提升工程")
    item, _ = await uow.ledgers.upsert_item(ledger_id, cat, 1, "新增停车泊位256个")
    uid = await uow.ledgers.unit_id("区发改局", create=True)
    await uow.ledgers.add_alias(uid, "发改局")
    await uow.ledgers.set_item_units(item, [uid])
    await uow.ledgers.set_targets(
        item, [TargetInfo(idx=0, name="停车泊位", value=256, unit="个", kind="increment")]
    )
    period = await uow.ledgers.save_period(ledger_id, "2025-04", state="open", now=NOW)
    return ledger_id, item, period


async def test_structure_round_trip_and_alias_lookup(uow_factory):
    async with uow_factory() as uow:
        ledger_id, _item_id, _ = await _ledger_with_item(uow)
        await uow.commit()
    async with uow_factory() as uow:
        items = await uow.ledgers.items(ledger_id)
        assert [(i.content, i.units, i.category) for i in items] == [
            ("新增停车泊位256个", ("区发改局",), "基层医疗服务提升工程")
        ]
        assert items[0].targets[0].value == 256
        assert await uow.ledgers.unit_id("发改局") == await uow.ledgers.unit_id("区发改局")
        assert await uow.ledgers.counts(ledger_id) == (1, 1, 1)


async def test_uncommitted_work_is_rolled_back(uow_factory):
    async with uow_factory() as uow:
        await _ledger_with_item(uow)
    async with uow_factory() as uow:
        assert await uow.ledgers.get() is None


async def test_every_revision_is_kept_and_latest_is_newest(uow_factory):
    async with uow_factory() as uow:
        _, item_id, period = await _ledger_with_item(uow)
        for text in ("新增20个", "更正：新增25个"):
            await uow.submissions.add(
                NewSubmission(
                    period_id=period.id, item_id=item_id, unit="区发改局", progress=text, achieved={0: 20.0}
                ),
                NOW,
            )
        await uow.commit()
    async with uow_factory() as uow:
        latest = await uow.submissions.latest(period.id)
        history = await uow.submissions.history(item_id)
    assert [s.progress for s in latest] == ["更正：新增25个"]
    assert [(s.revision, s.progress) for s in history] == [(1, "新增20个"), (2, "更正：新增25个")]
    assert latest[0].achieved == {0: 20.0}


async def test_inbox_stores_a_message_once(uow_factory):
    async with uow_factory() as uow:
        first = await uow.chats.record_inbox("telegram", "m1", "c", "u", "text", "原文", NOW, NOW)
        again = await uow.chats.record_inbox("telegram", "m1", "c", "u", "text", "原文", NOW, NOW)
        other = await uow.chats.record_inbox("wecom", "m1", "c", "u", "text", "原文", NOW, NOW)
        assert first[1] == "new" and again == (first[0], "received") and other[1] == "new"
        assert await uow.chats.claim_inbox(first[0]) is True
        assert await uow.chats.claim_inbox(first[0]) is False
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.chats.record_inbox("telegram", "m1", "c", "u", "text", "x", NOW, NOW))[
            1
        ] == "handled"
        assert [e.text for e in await uow.chats.inbox(platform="telegram")] == ["原文"]


async def test_an_attachment_is_recorded_with_its_message_and_cleared_once_handled(uow_factory):
    data = bytes(range(256)) * 40  # every byte value, NUL included
    async with uow_factory() as uow:
        one, _ = await uow.chats.record_inbox(
            "telegram",
            "f1",
            "c",
            "u",
            "file",
            "说明",
            NOW,
            NOW,
            attachment=("台账.xlsx", "application/x", data),
        )
        found = await uow.chats.record_inbox_many(
            [
                {
                    "platform": "telegram",
                    "message_id": "f2",
                    "chat_id": "c",
                    "user_id": "u",
                    "kind": "file",
                    "text": "",
                    "sent_at": NOW,
                    "received_at": NOW,
                    "attachment": ("b.docx", "application/y", b"\x00b"),
                },
                {
                    "platform": "telegram",
                    "message_id": "t3",
                    "chat_id": "c",
                    "user_id": "u",
                    "kind": "text",
                    "text": "你好",
                    "sent_at": NOW,
                    "received_at": NOW,
                },
            ]
        )
        await uow.commit()
    async with uow_factory() as uow:
        kept = {e.message_id: e.attachment for e in await uow.chats.inbox(platform="telegram")}
        assert kept == {
            "f1": ("台账.xlsx", "application/x", data),
            "f2": ("b.docx", "application/y", b"\x00b"),
            "t3": None,
        }
        assert await uow.chats.claim_inbox(one) is True
        assert await uow.chats.claim_inbox_many([found[("telegram", "f2")][0]]) == {
            found[("telegram", "f2")][0]
        }
        await uow.commit()
    async with uow_factory() as uow:  # handled: the bytes are gone (an upload keeps them with its import)
        assert [e.attachment for e in await uow.chats.inbox(platform="telegram")] == [None, None, None]


async def test_a_later_message_is_claimed_by_no_delivery_only_resumed_once_then_finished(uow_factory):
    async with uow_factory() as uow:
        inbox_id, _ = await uow.chats.record_inbox("telegram", "m1", "c", "u", "file", "", NOW, NOW)
        assert await uow.chats.claim_inbox(inbox_id) is True
        await uow.chats.defer_inbox(inbox_id)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.record_inbox("telegram", "m1", "c", "u", "file", "", NOW, NOW) == (
            inbox_id,
            "later",
        )
        assert await uow.chats.claim_inbox(inbox_id) is False  # a re-delivery does not take it
        assert await uow.chats.claim_inbox_many([inbox_id]) == set()
        assert [e.id for e in await uow.chats.inbox(state="later")] == [inbox_id]
        assert (
            await uow.chats.resume_inbox(inbox_id) is True
        )  # the engine, when its later work is not running
        assert await uow.chats.resume_inbox(inbox_id) is False
        await uow.chats.defer_inbox(inbox_id)
        await uow.chats.finish_inbox(inbox_id)
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.chats.record_inbox("telegram", "m1", "c", "u", "file", "", NOW, NOW))[
            1
        ] == "handled"
        assert await uow.chats.resume_inbox(inbox_id) is False


async def test_conversation_version_check_rejects_a_stale_writer(uow_factory):
    async with uow_factory() as uow:
        assert await uow.chats.save_conversation(
            "console",
            "c",
            "u",
            flow="report",
            step="progress",
            data={"i": 1},
            expires_at=None,
            expected_version=None,
            now=NOW,
        )
        await uow.commit()
    async with uow_factory() as uow:
        row = await uow.chats.load_conversation("console", "c", "u")
        assert (row.flow, row.step, row.data, row.version) == ("report", "progress", {"i": 1}, 1)
        assert await uow.chats.save_conversation(
            "console",
            "c",
            "u",
            flow="report",
            step="problems",
            data={},
            expires_at=None,
            expected_version=1,
            now=NOW,
        )
        assert not await uow.chats.save_conversation(
            "console", "c", "u", flow="x", step="y", data={}, expires_at=None, expected_version=1, now=NOW
        )
        assert not await uow.chats.save_conversation(
            "console", "c", "u", flow="x", step="y", data={}, expires_at=None, expected_version=None, now=NOW
        )


async def test_invite_is_used_once_and_expires(uow_factory):
    async with uow_factory() as uow:
        await _ledger_with_item(uow)
        await uow.chats.add_invite("ABC234", "contact", "区发改局", NOW + timedelta(hours=1), "cli")
        await uow.chats.add_invite("OLD234", "contact", "区发改局", NOW - timedelta(hours=1), "cli")
        await uow.commit()
    async with uow_factory() as uow:
        result, invite = await uow.chats.use_invite("ABC234", NOW, "console:a")
        assert (result, invite.unit) == ("ok", "区发改局")
        assert (await uow.chats.use_invite("ABC234", NOW, "console:b"))[0] == "used"
        assert (await uow.chats.use_invite("OLD234", NOW, "console:b"))[0] == "expired"
        assert (await uow.chats.use_invite("NOPE22", NOW, "console:b"))[0] == "unknown"


async def test_roles_and_groups(uow_factory):
    async with uow_factory() as uow:
        await _ledger_with_item(uow)
        _, new = await uow.chats.add_role("telegram", "7", "contact", NOW, unit="区发改局", chat_id="7")
        _, again = await uow.chats.add_role("telegram", "7", "contact", NOW, unit="区发改局", chat_id="7")
        await uow.chats.add_role("telegram", "7", "viewer", NOW)
        assert (new, again) == (True, False)
        assert sorted(r.role for r in await uow.chats.roles("telegram", "7")) == ["contact", "viewer"]
        assert [c.user_id for c in await uow.chats.contacts(unit="区发改局")] == ["7"]
        assert await uow.chats.remove_role("telegram", "7", "contact", "区发改局")
        assert [r.role for r in await uow.chats.roles("telegram", "7")] == ["viewer"]
        _g, created = await uow.chats.add_group("telegram", "-100", "领导群", NOW)
        assert created and (await uow.chats.add_group("telegram", "-100", "", NOW))[1] is False
        assert [x.name for x in await uow.chats.groups()] == ["领导群"]


async def test_dispatch_is_claimed_once(uow_factory):
    async with uow_factory() as uow:
        assert await uow.chats.claim_dispatch("weekly-summary", "2025-04-25T17:00+08:00", NOW)
        await uow.chats.set_dispatch_count("weekly-summary", "2025-04-25T17:00+08:00", 2)
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.chats.claim_dispatch("weekly-summary", "2025-04-25T17:00+08:00", NOW)
        assert await uow.chats.dispatches() == [("weekly-summary", "2025-04-25T17:00+08:00", 2)]


async def test_outbox_keeps_undelivered_messages(uow_factory):
    async with uow_factory() as uow:
        oid = await uow.chats.add_outbox("telegram", "7", {"x": 1}, "timeout", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.due_outbox("telegram") == [(oid, {"x": 1})]
        await uow.chats.outbox_sent(oid, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.chats.due_outbox("telegram") == []


async def test_outbox_rows_are_claimed_by_one_worker_and_given_up_after_max_attempts(uow_factory):
    lease = timedelta(minutes=5)
    async with uow_factory() as uow:
        first = await uow.chats.add_outbox("wecom", "7", {"x": 1}, "timeout", NOW)
        await uow.commit()
    async with uow_factory() as uow:
        rows, dead = await uow.chats.claim_outbox("wecom", NOW, lease=lease, max_attempts=3)
        await uow.commit()
    assert [r[0] for r in rows] == [first] and dead == []
    async with uow_factory() as uow:  # a second worker in the same minute gets nothing
        rows, _ = await uow.chats.claim_outbox(
            "wecom", NOW + timedelta(minutes=1), lease=lease, max_attempts=3
        )
        await uow.commit()
    assert rows == []
    async with uow_factory() as uow:  # the lease ran out: claimable again, now at its 3rd attempt
        rows, _ = await uow.chats.claim_outbox(
            "wecom", NOW + timedelta(minutes=6), lease=lease, max_attempts=3
        )
        await uow.commit()
    assert [r[0] for r in rows] == [first]
    async with uow_factory() as uow:
        rows, dead = await uow.chats.claim_outbox(
            "wecom", NOW + timedelta(minutes=12), lease=lease, max_attempts=3
        )
        await uow.commit()
    assert rows == [] and dead == [first]
    async with uow_factory() as uow:
        assert await uow.chats.due_outbox("wecom") == []


@pytest.fixture
async def two_processes(db_url):
    """Two units-of-work factories with their own structure caches, as two bot processes would have."""
    from sqlalchemy import event

    from storage.structure_cache import StructureCache

    engines = [db.make_engine(db_url), db.make_engine(db_url)]
    await db.upgrade(engines[0])
    statements = [0, 0]
    for n, engine in enumerate(engines):

        def count(*_, n=n):
            statements[n] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
    factories = []
    for engine in engines:
        sm, cache = db.make_sessionmaker(engine), StructureCache()
        factories.append(lambda sm=sm, cache=cache: UnitOfWork(sm, cache))
    yield factories, statements
    for engine in engines:
        await engine.dispose()


async def test_structure_cache_serves_reads_until_another_process_changes_it(two_processes):
    (first, second), statements = two_processes
    async with first() as uow:
        ledger_id, _item_id, _ = await _ledger_with_item(uow)
        await uow.commit()
    for _ in range(2):  # the second round is served from the cache: one statement (the stamp) for all of it
        before = statements[1]
        async with second() as uow:
            ledger = await uow.ledgers.get()
            items = await uow.ledgers.items(ledger.id)
            period = await uow.ledgers.period(ledger.id, "2025-04")
            uid = await uow.ledgers.unit_id("发改局")
        used = statements[1] - before
    assert used == 1
    assert (items[0].content, period.state, uid is not None) == ("新增停车泊位256个", "open", True)

    async with first() as uow:  # another process edits an item and closes the period
        cat, _ = await uow.ledgers.upsert_category(ledger_id, 1, "基层医疗服务提升工程")
        await uow.ledgers.upsert_item(ledger_id, cat, 1, "新增停车泊位300个")
        await uow.ledgers.save_period(ledger_id, "2025-04", state="closed", now=NOW)
        await uow.commit()
    async with second() as uow:
        assert [i.content for i in await uow.ledgers.items(ledger_id)] == ["新增停车泊位300个"]
        assert (await uow.ledgers.period(ledger_id, "2025-04")).state == "closed"


async def test_structure_cache_never_holds_uncommitted_writes(two_processes):
    (first, _), _ = two_processes
    async with first() as uow:
        ledger_id, _item_id, _ = await _ledger_with_item(uow)
        await uow.commit()
    async with first() as uow:
        assert [i.content for i in await uow.ledgers.items(ledger_id)] == ["新增停车泊位256个"]  # now cached
        cat, _ = await uow.ledgers.upsert_category(ledger_id, 1, "基层医疗服务提升工程")
        await uow.ledgers.upsert_item(ledger_id, cat, 1, "草稿：不会提交")
        assert [i.content for i in await uow.ledgers.items(ledger_id)] == ["草稿：不会提交"]  # its own write
    async with first() as uow:  # rolled back: the same process still reads the committed text
        assert [i.content for i in await uow.ledgers.items(ledger_id)] == ["新增停车泊位256个"]


async def test_two_writers_of_one_item_get_consecutive_revisions(uow_factory):
    import asyncio

    async with uow_factory() as uow:
        _, item_id, period = await _ledger_with_item(uow)
        await uow.commit()
    new = NewSubmission(period_id=period.id, item_id=item_id, unit="区发改局", progress="新增20个")
    async with uow_factory() as first:
        mine = await first.submissions.add(new, NOW)  # revision 1, not committed yet

        async def other_worker():
            async with uow_factory() as second:
                theirs = await second.submissions.add(new.model_copy(update={"progress": "新增25个"}), NOW)
                await second.commit()
                return theirs

        task = asyncio.create_task(other_worker())
        await asyncio.sleep(0.3)
        assert not task.done()  # waiting for the first writer
        await first.commit()
    theirs = await asyncio.wait_for(task, 10)
    assert (mine.revision, theirs.revision) == (1, 2)
    async with uow_factory() as uow:
        assert [s.progress for s in await uow.submissions.history(item_id)] == ["新增20个", "新增25个"]


async def test_a_batch_holds_its_conversations_until_commit_and_a_late_writer_loses(uow_factory):
    import asyncio

    async with uow_factory() as uow:
        assert await uow.chats.save_conversation(
            "telegram",
            "1",
            "1",
            flow="report",
            step="a",
            data={},
            expires_at=None,
            expected_version=None,
            now=NOW,
        )
        inbox_id, _ = await uow.chats.record_inbox("telegram", "m1", "1", "1", "text", "填报", NOW, NOW)
        await uow.commit()
    async with uow_factory() as batch:
        assert await batch.chats.claim_inbox_many([inbox_id]) == {inbox_id}  # as the engine: claim first
        loaded = await batch.chats.load_conversations("telegram", [("1", "1"), ("2", "2")])
        assert list(loaded) == [("1", "1")] and loaded[("1", "1")].version == 1

        async def other_worker() -> bool:
            async with uow_factory() as other:
                ok = await other.chats.save_conversation(
                    "telegram",
                    "1",
                    "1",
                    flow="report",
                    step="x",
                    data={},
                    expires_at=None,
                    expected_version=1,
                    now=NOW,
                )
                await other.commit()
                return ok

        late = asyncio.create_task(other_worker())
        await asyncio.sleep(0.3)
        assert not late.done()  # it waits for the batch
        assert await batch.chats.save_conversations(
            "telegram",
            [
                {
                    "chat_id": "1",
                    "user_id": "1",
                    "flow": "report",
                    "step": "b",
                    "data": {"n": 1},
                    "expires_at": None,
                    "expected_version": 1,
                },
                {
                    "chat_id": "2",
                    "user_id": "2",
                    "flow": "report",
                    "step": "a",
                    "data": {},
                    "expires_at": None,
                    "expected_version": None,
                },
            ],
            NOW,
        )
        await batch.commit()
    assert await asyncio.wait_for(late, 10) is False  # its version was taken by the batch
    async with uow_factory() as uow:
        one = await uow.chats.load_conversation("telegram", "1", "1")
        two = await uow.chats.load_conversation("telegram", "2", "2")
    assert (one.step, one.data, one.version, two.version) == ("b", {"n": 1}, 2, 1)


async def test_a_stale_batch_save_is_refused(uow_factory):
    async with uow_factory() as uow:
        await uow.chats.save_conversation(
            "telegram", "1", "1", flow="f", step="a", data={}, expires_at=None, expected_version=None, now=NOW
        )
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.chats.save_conversations(
            "telegram",
            [
                {
                    "chat_id": "1",
                    "user_id": "1",
                    "flow": "f",
                    "step": "b",
                    "data": {},
                    "expires_at": None,
                    "expected_version": None,
                }
            ],
            NOW,
        )
