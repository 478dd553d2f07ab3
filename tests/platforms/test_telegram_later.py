"""Telegram polling does not wait for a file's read: while a coordinator's upload is read in the worker, a
contact in another chat is answered from a later getUpdates batch; a stop mid-read still yields one preview.

The read is held in the real worker process (tests/handlers/worker_hold.py) until the test releases it.
"""

from __future__ import annotations

import asyncio

from handlers import texts
from handlers.ledger.worker import stop_worker
from tests.conftest import seed_path
from tests.handlers.worker_hold import hold_worker, waiting_behind_hold
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
