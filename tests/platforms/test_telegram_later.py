"""Telegram polling does not wait for a file's read: while a coordinator's upload is read in the worker, a
contact in another chat is answered from a later getUpdates batch; a stop mid-read still yields one preview,
and a second file waiting behind that read is previewed after the restart from the bytes the inbox kept.

The read is held in the real worker process (tests/handlers/worker_hold.py) until the test releases it.
"""

from __future__ import annotations

import asyncio

from handlers import texts
from handlers.ledger.worker import stop_worker
from tests.conftest import seed_path
from tests.handlers.worker_hold import hold_worker, waiting_behind_hold
from tests.ledger_files import make_xlsx, read_seed_rows
from tests.platforms.test_telegram_dialogue import COORDINATOR, bound_contact, coordinator
from tests.transcript import expect


async def _until_read_waits() -> None:
    """Return once the file's read has been handed to the worker, where it waits behind the hold."""
    while waiting_behind_hold() < 1:  # noqa: ASYNC110 - the executor's queue has no event to wait on
        await asyncio.sleep(0.01)


def _previews(tg) -> list[str]:
    return [
        c.params["text"]
        for c in tg.fake.calls_of("sendMessage")
        if c.params["chat_id"] == COORDINATOR and "尚未导入" in c.params["text"]
    ]


async def test_another_chat_is_answered_from_a_later_batch_while_a_file_is_read(make_bot, tmp_path):
    tg = await make_bot("polling")
    boss, contact = await coordinator(tg), await bound_contact(tg)
    release = tmp_path / "release"
    hold_worker(release)  # the read handed to the worker next waits behind this
    try:
        upload = tg.fake.push_document(COORDINATOR, COORDINATOR, "台账.txt", seed_path().read_bytes())
        await _until_read_waits()
        expect(await contact.say("帮助"), texts.HELP_CONTACT.splitlines()[0])  # a later getUpdates batch
        assert upload["update_id"] not in tg.done and _previews(tg) == []  # the read is still held
        asked = tg.fake.push_text(COORDINATOR, COORDINATOR, "确认")  # the boss's next message waits its turn
    finally:
        release.touch()
    await boss.deliver(upload)
    assert len(_previews(tg)) == 1 and "新增0项，修改0项，停用0项" in _previews(tg)[0]
    text = expect(await boss.deliver(asked) and boss.texts)
    assert "与已有内容一致" in text, text  # handled after the preview, from where it left the chat


async def test_a_stop_mid_read_leaves_the_upload_to_the_next_start_which_previews_it_once(make_bot, tmp_path):
    tg = await make_bot("polling")
    boss = await coordinator(tg)
    release = tmp_path / "release"
    hold_worker(release)
    try:
        upload = tg.fake.push_document(COORDINATOR, COORDINATOR, "台账.txt", seed_path().read_bytes())
        await _until_read_waits()
        # the update is confirmed (the offset moved past it): Telegram will not deliver it again
        await tg.fake.wait_for(lambda: all(u["update_id"] != upload["update_id"] for u in tg.fake.updates))
        assert tg.app is not None
        tg.app.settings.shutdown_grace = 0.0  # SIGTERM with no time left: the read is cut off
        await tg.stop()
    finally:
        release.touch()
        stop_worker()  # the worker died with the process
    assert _previews(tg) == []
    await tg.start()  # inbox recovery hands the upload ("later") to the coordinator's line
    await tg.fake.wait_for(lambda: bool(_previews(tg)), 30)
    text = expect(await boss.say("确认"))
    assert "与已有内容一致" in text, text
    assert len(_previews(tg)) == 1
    assert await tg.scalar("SELECT count(*) FROM ledger_imports") == 1
    assert await tg.scalar("SELECT state FROM inbox WHERE kind = 'file'") == "handled"


async def test_a_stop_waits_within_its_grace_for_a_read_under_way(make_bot, tmp_path):
    tg = await make_bot("polling")
    await coordinator(tg)
    release = tmp_path / "release"
    hold_worker(release)
    try:
        upload = tg.fake.push_document(COORDINATOR, COORDINATOR, "台账.txt", seed_path().read_bytes())
        await _until_read_waits()
        assert tg.app is not None and tg.service is not None
        tg.app.settings.shutdown_grace = 60.0  # a bound, not a wait: the read ends when released
        adapter = tg.service.adapter
        stopping = asyncio.create_task(tg.stop())
        await tg.fake.wait_for(lambda: adapter._poll_task is None)  # polling stopped, the lines are drained
    finally:
        release.touch()
    await stopping
    assert upload["update_id"] in tg.done and len(_previews(tg)) == 1  # the read finished and was sent


async def test_a_file_waiting_behind_a_read_a_stop_cut_off_is_previewed_once_after_the_restart(
    make_bot, tmp_path
):
    tg = await make_bot("polling")
    await coordinator(tg)
    title, header, rows = read_seed_rows(seed_path())
    release = tmp_path / "release"
    hold_worker(release)
    try:
        first = tg.fake.push_document(COORDINATOR, COORDINATOR, "台账.txt", seed_path().read_bytes())
        await _until_read_waits()
        second = tg.fake.push_document(
            COORDINATOR, COORDINATOR, "一项.xlsx", make_xlsx(title, header, rows[:1])
        )
        # both confirmed (the offset moved past them): the second only recorded, behind the first one's read
        confirmed = {first["update_id"], second["update_id"]}
        await tg.fake.wait_for(lambda: not confirmed & {u["update_id"] for u in tg.fake.updates})
        assert await tg.scalar("SELECT state FROM inbox WHERE attachment_name = '一项.xlsx'") == "received"
        assert tg.app is not None
        tg.app.settings.shutdown_grace = 0.0  # SIGTERM with no time left: the read and the line are cut off
        await tg.stop()
    finally:
        release.touch()
        stop_worker()  # the worker died with the process
    assert _previews(tg) == [] and len(tg.fake.calls_of("getFile")) == 2
    await tg.start()  # inbox recovery hands both to the coordinator's line, in their order
    await tg.fake.wait_for(lambda: len(_previews(tg)) >= 2, 30)
    previews = _previews(tg)
    assert len(previews) == 2, previews
    assert "停用0项" in previews[0] and "停用32项" in previews[1], previews  # THAT file, from the inbox
    sent = [c.params["text"] for c in tg.fake.calls_of("sendMessage") if c.params["chat_id"] == COORDINATOR]
    assert texts.UPLOAD_NO_CONTENT not in sent  # nobody is asked to send it again
    assert len(tg.fake.calls_of("getFile")) == 2  # nor is it fetched again
    assert await tg.scalar("SELECT count(*) FROM ledger_imports") == 2
    assert await tg.scalar("SELECT count(*) FROM inbox WHERE kind = 'file' AND state = 'handled'") == 2
    assert await tg.scalar("SELECT count(*) FROM inbox WHERE attachment_data IS NOT NULL") == 0
