"""A ledger file sent to the DingTalk robot in a 1:1 chat: fetched (robot/messageFiles/download), previewed,
imported on 确认 — and other members are answered while it is read (issue 14's promise on DingTalk too)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.adapters.dingtalk import file_of
from bot.operations import cli_add_role
from handlers import texts
from handlers.ledger.limits import MAX_FILE_BYTES
from storage.models import ImportRow
from tests.conftest import seed_path
from tests.handlers.worker_hold import hold_worker, waiting_behind_hold
from tests.ledger_files import make_xlsx, read_seed_rows
from tests.platforms.dingtalk_harness import dingtalk_fake_fixture, make_dingtalk_fixture  # noqa: F401
from tests.transcript import expect

BOSS = "zhaoliu"


def one_item_file() -> bytes:
    title, header, rows = read_seed_rows(seed_path())
    return make_xlsx(title, header, rows[:1])


async def coordinator(bot) -> None:
    ok, message = await cli_add_role(bot.app, f"dingtalk:{BOSS}", "coordinator")
    assert ok, message


async def imports(bot) -> list[str]:
    async with bot.app.uow() as uow:
        return list((await uow.session.execute(select(ImportRow.state).order_by(ImportRow.id))).scalars())


async def items(bot) -> int:
    async with bot.app.uow() as uow:
        ledger = await uow.ledgers.get()
        return len(await uow.ledgers.items(ledger.id))


@pytest.mark.parametrize("mode", ["stream", "http"])
async def test_a_coordinator_sends_a_ledger_file_sees_the_preview_and_confirms(
    make_dingtalk, dingtalk_fake, mode
):
    bot = await make_dingtalk(mode)
    await coordinator(bot)
    boss = bot.member(BOSS)
    preview = "\n".join(await boss.send_file("一项.xlsx", one_item_file()))
    assert "尚未导入" in preview and "停用32项" in preview, preview
    assert len(dingtalk_fake.downloads) == 1  # fetched once, through the short-lived link
    assert await imports(bot) == ["pending"] and await items(bot) == 33
    expect(await boss.say("确认"), "停用32项")
    assert await imports(bot) == ["applied"] and await items(bot) == 1
    # A member who is not a coordinator may send files too, but they import nothing.
    assert await bot.member("wang").send_file("台账.xlsx", one_item_file()) == [texts.FILE_NOT_ALLOWED]
    assert await imports(bot) == ["applied"]


async def test_other_members_are_answered_while_a_file_is_read(make_dingtalk, dingtalk_fake, tmp_path):
    bot = await make_dingtalk("stream")  # on SQLite: one handler at a time, and the read must not hold it
    await coordinator(bot)
    release = tmp_path / "release"
    hold_worker(release)  # the file's read, handed to the worker next, waits behind this
    try:
        frame = await dingtalk_fake.push(bot.file_payload(BOSS, "一项.xlsx", one_item_file()))
        assert (await dingtalk_fake.wait_ack(frame))["code"] == 200
        while waiting_behind_hold() < 1:  # noqa: ASYNC110 - the executor's queue has no event to wait on
            await asyncio.sleep(0.01)
        frame = await dingtalk_fake.push(bot.payload("wang", "你好"))
        assert (await dingtalk_fake.wait_ack(frame))["code"] == 200
        for _ in range(500):  # the member is answered while the file is still being read
            if dingtalk_fake.texts_to("wang"):
                break
            await asyncio.sleep(0.02)
        assert "绑定码" in "\n".join(dingtalk_fake.texts_to("wang"))
        assert waiting_behind_hold() >= 1 and dingtalk_fake.texts_to(BOSS) == []
    finally:
        release.touch()
    await bot.settle()
    assert "尚未导入" in "\n".join(dingtalk_fake.texts_to(BOSS))


async def test_a_file_that_cannot_be_fetched_is_kept_and_asked_for_again(make_dingtalk, dingtalk_fake):
    bot = await make_dingtalk("stream")
    await coordinator(bot)
    dingtalk_fake.fail_next("fileDownload", 503)
    assert await bot.member(BOSS).send_file("一项.xlsx", one_item_file()) == [texts.UPLOAD_NO_CONTENT]
    [entry] = await bot.inbox()
    assert (entry.kind, entry.state) == ("file", "handled")  # the message itself is on record
    assert await imports(bot) == []


async def test_a_file_over_the_upload_limit_is_refused_without_fetching_all_of_it(
    make_dingtalk, dingtalk_fake
):
    bot = await make_dingtalk("stream")
    await coordinator(bot)
    answer = await bot.member(BOSS).send_file("大.xlsx", b"x" * (MAX_FILE_BYTES + 4 * 1024 * 1024))
    assert texts.I14_TOO_BIG_CUT.format(most=MAX_FILE_BYTES // (1024 * 1024)) in "\n".join(answer), answer
    assert await imports(bot) == []


def test_only_a_one_to_one_file_with_a_download_code_is_a_file() -> None:
    one = {
        "msgtype": "file",
        "conversationType": "1",
        "content": {"downloadCode": "c1", "fileName": "台账.docx"},
    }
    assert file_of(one) is not None and file_of(one).filename == "台账.docx"  # type: ignore[union-attr]
    assert file_of({**one, "conversationType": "2"}) is None  # groups deliver no files
    assert file_of({**one, "content": {"fileName": "台账.docx"}}) is None
    assert file_of({**one, "msgtype": "picture"}) is None


async def test_a_read_cut_off_by_a_stop_is_read_again_at_the_next_start_once(
    make_dingtalk, dingtalk_fake, tmp_path
):
    from handlers.ledger.worker import stop_worker

    bot = await make_dingtalk("stream", drain_timeout=0.2)
    await coordinator(bot)
    release = tmp_path / "release"
    hold_worker(release)
    try:
        frame = await dingtalk_fake.push(bot.file_payload(BOSS, "一项.xlsx", one_item_file()))
        assert (await dingtalk_fake.wait_ack(frame))["code"] == 200
        while waiting_behind_hold() < 1:  # noqa: ASYNC110 - the executor's queue has no event to wait on
            await asyncio.sleep(0.01)
        await bot.stop()  # SIGTERM while the file is read: the message stays in the inbox
    finally:
        release.touch()
        stop_worker()  # the worker went with the process
    assert dingtalk_fake.texts_to(BOSS) == []
    await bot.start()  # the next process picks it up from the inbox and reads the kept file
    await bot.settle()
    previews = [t for t in dingtalk_fake.texts_to(BOSS) if "尚未导入" in t]
    assert len(previews) == 1 and await imports(bot) == ["pending"]
    assert len(dingtalk_fake.downloads) == 1  # not fetched from DingTalk again
