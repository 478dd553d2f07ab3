"""A ledger file is read outside any transaction: another chat is answered while the read is held in the
worker, a duplicate delivery is dropped, a read a stop cut off is done again after the restart, and a file
recorded but never handled (the process stopped in between) is previewed after the restart from the inbox."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.adapters.console import ConsoleChat
from bot.app import build_app
from bot.core.engine import Engine
from bot.core.messages import Attachment, ChatRef, IncomingMessage
from bot.platforms.inbox_recovery import recover_inbox
from bot.settings import Settings
from handlers import texts
from handlers.ledger.limits import MAX_FILE_BYTES
from handlers.ledger.worker import stop_worker
from handlers.router import build_router
from storage.models import ImportRow
from tests.conftest import import_seed, seed_path
from tests.handlers.dialogue_helpers import bind
from tests.handlers.worker_hold import hold_worker, waiting_behind_hold
from tests.ledger_files import make_xlsx, read_seed_rows
from tests.transcript import expect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _one_item_file() -> bytes:
    title, header, rows = read_seed_rows(seed_path())
    return make_xlsx(title, header, rows[:1])


def _file_message(data: bytes) -> IncomingMessage:
    return IncomingMessage(
        message_id="file-1",
        chat=ChatRef(platform="console", chat_id="admin"),
        user_id="admin",
        text="",
        attachments=(Attachment(filename="one.xlsx", media_type=XLSX, content=data),),
        sent_at=datetime.now(UTC),
        kind="file",
    )


async def _app(db_url: str, tmp_path, clock, segmenter):
    settings = Settings(
        database_url=db_url, files_dir=tmp_path / "f", outbox_dir=tmp_path / "o", _env_file=None
    )
    return await build_app(settings, clock=clock, segmenter=segmenter, migrate=True)


def _console(app) -> ConsoleChat:
    return ConsoleChat(
        app.engine,
        io.StringIO(),
        files_dir=app.settings.files_dir,
        outbox_dir=app.settings.outbox_dir,
        now=app.clock.now,
    )


async def _until_read_waits() -> None:
    """Return once the file's read has been handed to the worker, where it waits behind the hold."""
    while waiting_behind_hold() < 1:  # noqa: ASYNC110 - the executor's queue has no event to wait on
        await asyncio.sleep(0.01)


async def _imports(app) -> list[str]:
    async with app.uow() as uow:
        return list((await uow.session.execute(select(ImportRow.state).order_by(ImportRow.id))).scalars())


async def _items(app) -> int:
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        return len(await uow.ledgers.items(ledger.id))


def _text(outs) -> str:
    return "\n".join(r.text for o in outs for r in o.replies)


async def _answered_while_held(app, tmp_path, name: str, held, contact: ConsoleChat):
    """With a file read held in the worker, a contact in another chat is answered; the read still waits."""
    release = tmp_path / name
    hold_worker(release)  # the read handed to the worker next waits behind this
    try:
        task = asyncio.create_task(held())
        await _until_read_waits()
        asked = asyncio.create_task(contact.say("帮助"))
        done, _ = await asyncio.wait({task, asked}, return_when=asyncio.FIRST_COMPLETED)
        assert asked in done and task not in done  # answered before the read could finish
        expect(asked.result(), texts.HELP_CONTACT.splitlines()[0])
    finally:
        release.touch()
    return await task


async def test_another_chat_is_answered_while_a_file_is_read_and_confirmed(
    db_url, tmp_path, clock, segmenter
):
    app = await _app(db_url, tmp_path, clock, segmenter)
    try:
        await import_seed(app)
        boss, contact = _console(app), _console(app)
        await bind(app, contact, "wang", "区卫健局")
        boss.switch("admin")
        upload = _file_message(_one_item_file())

        async def send_file():
            outs = await boss.deliver(upload)
            assert await boss.deliver(upload) == []  # a duplicate after the read: dropped
            return outs

        async def read_and_duplicate():
            first = asyncio.create_task(send_file())
            await _until_read_waits()
            assert await boss.deliver(upload) == []  # a duplicate during the read: no second read, no reply
            return await first

        outs = await _answered_while_held(app, tmp_path, "preview", read_and_duplicate, contact)
        assert "尚未导入" in _text(outs) and "停用32项" in _text(outs), _text(outs)
        assert await _imports(app) == ["pending"] and await _items(app) == 33
        confirmed = await _answered_while_held(app, tmp_path, "apply", lambda: boss.say("确认"), contact)
        expect(confirmed, "停用32项")
        assert await _imports(app) == ["applied"] and await _items(app) == 1
    finally:
        await app.close()


async def test_a_read_cut_off_by_a_stop_is_done_again_after_the_restart(db_url, tmp_path, clock, segmenter):
    app = await _app(db_url, tmp_path, clock, segmenter)
    release = tmp_path / "release"
    hold_worker(release)  # the read handed to the worker next waits behind this
    try:
        await import_seed(app)
        upload = _file_message(_one_item_file())
        cut = asyncio.create_task(_console(app).deliver(upload))
        await _until_read_waits()
        cut.cancel()  # the process stops while the worker reads: nothing after the first transaction runs
        await asyncio.gather(cut, return_exceptions=True)
    finally:
        release.touch()
        stop_worker()  # the worker died with the process
        await app.close()
    app = await _app(db_url, tmp_path, clock, segmenter)  # the restart
    try:
        recovered: list[IncomingMessage] = []
        assert await recover_inbox(app, "console", recovered.append) == 1
        # "later": its bytes were cleared from the inbox when it was claimed; the import keeps them
        assert [m.message_id for m in recovered] == ["file-1"] and not recovered[0].attachments
        outs = await app.engine.handle(recovered[0])  # the kept bytes are read again
        assert "尚未导入" in _text(outs) and "停用32项" in _text(outs), _text(outs)
        assert await app.engine.handle(recovered[0]) == ()
        assert await app.engine.handle(upload) == ()  # the platform delivering the file again too
        assert await _imports(app) == ["pending"]
        boss = _console(app)
        boss.switch("admin")
        expect(await boss.say("确认"), "停用32项")
        assert await _items(app) == 1
    finally:
        await app.close()


class _StopAfterRecording:
    """The engine's transactions, until the first (the one recording the raw message) has committed: the
    process is stopped when the engine opens the next one, before the message is handled."""

    def __init__(self, transactions) -> None:
        self._transactions = transactions
        self.opened = 0

    def __call__(self):
        self.opened += 1
        if self.opened > 1:
            raise asyncio.CancelledError  # killed: nothing after the recording runs
        return self._transactions()


async def test_a_file_recorded_but_not_handled_before_a_stop_is_previewed_once_after_the_restart(
    db_url, tmp_path, clock, segmenter
):
    app = await _app(db_url, tmp_path, clock, segmenter)
    try:
        await import_seed(app)
        upload = _file_message(_one_item_file())
        stopping = _StopAfterRecording(app.transaction)
        engine = Engine(stopping, build_router(), error_text=texts.INTERNAL_ERROR, now=app.clock.now)
        with pytest.raises(asyncio.CancelledError):
            await engine.handle(upload)
        assert stopping.opened == 2 and await _imports(app) == []  # recorded, never handled
    finally:
        await app.close()
    app = await _app(db_url, tmp_path, clock, segmenter)  # the restart
    try:
        recovered: list[IncomingMessage] = []
        assert await recover_inbox(app, "console", recovered.append) == 1
        assert recovered[0].attachments == upload.attachments  # the file as it came, kept by the inbox
        outs = await app.engine.handle(recovered[0])
        assert "尚未导入" in _text(outs) and "停用32项" in _text(outs), _text(outs)
        assert texts.UPLOAD_NO_CONTENT not in _text(outs)  # nobody is asked to send it again
        assert await app.engine.handle(recovered[0]) == ()
        assert await app.engine.handle(upload) == ()  # the platform delivering the file again too
        assert await _imports(app) == ["pending"]
        assert await recover_inbox(app, "console", recovered.append) == 0
        boss = _console(app)
        boss.switch("admin")
        expect(await boss.say("确认"), "停用32项")
        assert await _items(app) == 1
    finally:
        await app.close()


async def test_the_inbox_keeps_no_bytes_of_a_file_over_the_upload_limit(db_url, tmp_path, clock, segmenter):
    app = await _app(db_url, tmp_path, clock, segmenter)
    try:
        big = _file_message(b"\0" * (MAX_FILE_BYTES + 1))
        within = _file_message(b"\0" * MAX_FILE_BYTES).model_copy(update={"message_id": "file-2"})
        async with app.transaction() as tx:  # the engine's first transaction: the raw messages recorded
            await tx.record_inbox_many([big, within])
            await tx.commit()
        async with app.uow() as uow:
            kept = [(e.attachment_name, e.attachment) for e in await uow.chats.inbox()]
        assert kept[0] == ("one.xlsx", None)  # refused anyway when handled; the inbox is no store for blobs
        assert kept[1] == ("one.xlsx", ("one.xlsx", XLSX, within.attachments[0].content))
    finally:
        await app.close()


async def test_a_file_over_the_upload_limit_is_refused_before_it_is_kept_or_read(
    db_url, tmp_path, clock, segmenter
):
    app = await _app(db_url, tmp_path, clock, segmenter)
    try:
        await import_seed(app)
        outs = await app.engine.handle(_file_message(b"\0" * (MAX_FILE_BYTES + 4096)))
        assert texts.I14_TOO_BIG.format(mb=10, most=10) in _text(outs), _text(outs)
        assert await _imports(app) == []  # not kept, and no worker asked to read it
    finally:
        await app.close()
