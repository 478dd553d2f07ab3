"""Faults through the real pipeline: 429, duplicate updates, restarts, the outbox, the webhook secret, groups."""

from __future__ import annotations

import asyncio
import json

import httpx

from bot.core.messages import ChatRef
from bot.core.replies import Outbound, TextReply
from handlers import texts
from tests.handlers.dialogue_helpers import open_april
from tests.platforms.conftest import SECRET
from tests.platforms.test_telegram_dialogue import CONTACT, bound_contact, coordinator, filed_in_april
from tests.transcript import expect


async def eventually(tg, sql: str, expected, timeout: float = 5.0) -> None:
    """Wait until ``sql`` returns ``expected``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (value := await tg.scalar(sql)) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{sql} -> {value!r}, expected {expected!r}"
        await asyncio.sleep(0.05)


PROGRESS = "停车位又新增了20个，充电桩累计建成400个"
GROUP = -1001234567


async def test_a_429_in_the_middle_of_the_dialogue_is_waited_out(tg):
    await open_april(tg.app)
    chat = await bound_contact(tg)
    await chat.say("填报")
    tg.fake.fail_next("sendMessage", kind="429", retry_after=7)
    text = expect(await chat.say(PROGRESS))
    assert "55/256个" in text  # delivered after the wait, exactly once
    refused = [c for c in tg.fake.calls_of("sendMessage", include_faults=True) if c.fault == "429"]
    assert len(refused) == 1 and refused[0].params["text"] == chat.received[0].params["text"]
    assert 7.0 in tg.time.sleeps
    await chat.press("确认")
    await chat.say("无")
    expect(await chat.say("继续推进"), "本次填报结束")
    assert await filed_in_april(tg) == [(1, PROGRESS)]
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0)  # every reply marked sent


async def test_a_duplicate_update_is_filed_once(tg):
    await open_april(tg.app)
    chat = await bound_contact(tg)
    await chat.say("修改 24")
    first = tg.fake.push_text(CONTACT, CONTACT, PROGRESS)
    await chat.deliver(first)
    expect(chat.texts, "55/256个")
    await chat.press("确认")
    await chat.say("无")
    plan = tg.fake.push_text(CONTACT, CONTACT, "继续推进")
    await chat.deliver(plan)
    expect(chat.texts, "已记录 [24]")
    # Telegram delivers the same message again (a new update_id, as after a lost confirmation).
    assert await chat.deliver(tg.fake.push_update(plan)) == []
    assert await chat.deliver(tg.fake.push_update(first)) == []
    assert await filed_in_april(tg) == [(1, PROGRESS)]
    assert await tg.scalar("SELECT count(*) FROM submissions WHERE source = 'chat'") == 1
    assert await tg.scalar("SELECT count(*) FROM inbox WHERE text = '继续推进'") == 1


async def test_a_restart_in_the_middle_of_a_dialogue_continues(tg):
    await open_april(tg.app)
    chat = await bound_contact(tg)
    await chat.say("填报")
    expect(await chat.say(PROGRESS), "55/256个")
    await tg.restart()  # a new process: new App on the same database, new adapter
    expect(await chat.press("确认"), "存在什么问题")  # the button sent before the restart still works
    await chat.say("无")
    expect(await chat.say("推进体育公园停车场建设"), "本次填报结束")
    assert await filed_in_april(tg) == [(1, PROGRESS)]


async def test_an_undeliverable_reply_waits_in_the_outbox_and_goes_out_later(make_bot):
    tg = await make_bot("polling", retry_interval=0.2)
    await open_april(tg.app)
    chat = await bound_contact(tg)
    tg.fake.fail_next("sendMessage", times=5, kind="500")  # every attempt of one reply
    assert await chat.say("填报") == []  # nothing got through ...
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 1)
    await tg.fake.wait_for(
        lambda: any("新增停车泊位256个" in c.params["text"] for c in tg.fake.calls_of("sendMessage")), 10
    )
    # ... and the periodic retry delivered it and marked it sent.
    await eventually(tg, "SELECT count(*) FROM outbox WHERE error <> '' AND sent_at IS NOT NULL", 1)
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0)
    expect(await chat.say(PROGRESS), "55/256个")  # and the dialogue went on meanwhile


async def test_the_outbox_of_a_previous_process_is_sent_after_a_restart(make_bot):
    tg = await make_bot("polling")
    await open_april(tg.app)
    chat = await bound_contact(tg)
    tg.fake.fail_next("sendMessage", times=5, kind="500")
    await chat.say("填报")
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 1)
    await tg.restart()
    await tg.fake.wait_for(
        lambda: any("新增停车泊位256个" in c.params["text"] for c in tg.fake.calls_of("sendMessage")), 10
    )
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0)


async def test_the_webhook_needs_the_secret_header(make_bot):
    tg = await make_bot("webhook")
    await tg.fake.wait_for(lambda: not tg.fake.updates, 5)
    update = tg.fake.push_text(CONTACT, CONTACT, "/start")
    await tg.fake.wait_for(lambda: update["update_id"] in tg.done, 10)
    other = {
        **update,
        "update_id": update["update_id"] + 1000,
        "message": {**update["message"], "message_id": 99, "text": "帮助"},
    }
    body = json.dumps(other).encode()
    async with httpx.AsyncClient() as client:
        no_header = await client.post(
            tg.webhook_url, content=body, headers={"Content-Type": "application/json"}
        )
        wrong = await client.post(
            tg.webhook_url, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}
        )
        get = await client.get(tg.webhook_url)
        not_json = await client.post(
            tg.webhook_url, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert (no_header.status_code, wrong.status_code, get.status_code, not_json.status_code) == (
        403,
        403,
        405,
        400,
    )
    assert await tg.scalar("SELECT count(*) FROM inbox") == 1  # only the delivery with the secret
    assert await tg.fake.post_webhook(tg.webhook_url, other, SECRET) == 200
    assert await tg.scalar("SELECT count(*) FROM inbox") == 2
    assert await tg.fake.post_webhook(tg.webhook_url, other, SECRET) == 200  # a re-delivery: dropped
    assert await tg.scalar("SELECT count(*) FROM inbox") == 2
    assert all(status == 200 for _, status in tg.fake.webhook_deliveries)
    async with httpx.AsyncClient() as client:
        health = (await client.get(tg.webhook_url.replace("/telegram/webhook", "/healthz"))).json()
    assert health == {"ok": True, "platforms": ["telegram"]}


async def test_a_group_is_registered_answers_queries_and_gets_summaries(tg):
    await open_april(tg.app)
    contact = await bound_contact(tg)
    boss = await coordinator(tg)
    expect(await boss.say("/bindgroup"), texts.BINDGROUP_PRIVATE)
    in_group_boss = tg.chat(GROUP, boss.user_id, is_group=True)
    in_group_contact = tg.chat(GROUP, contact.user_id, is_group=True)
    # A contact may not register the group ...
    refused = expect(await in_group_contact.say(f"/bindgroup@{tg.fake.bot_username}"))
    assert "没有权限" in refused and "绑定群" in refused
    assert await tg.scalar("SELECT count(*) FROM groups") == 0
    # ... the coordinator may.
    assert await in_group_boss.say(f"/bindgroup@{tg.fake.bot_username}") == [texts.BINDGROUP_DONE]
    assert await tg.scalar("SELECT chat_id FROM groups WHERE platform = 'telegram'") == str(GROUP)
    # Reports are never collected in a group; questions are answered there.
    assert await in_group_contact.say("/report") == [texts.GROUP_NO_REPORTS]
    expect(await in_group_boss.say(f"@{tg.fake.bot_username} 哪些项目滞后"), "序时进度")
    assert all(c.params["chat_id"] == GROUP for c in in_group_boss.received)
    await in_group_boss.say("/export word")
    assert [c.method for c in in_group_boss.received] == ["sendDocument"]
    assert in_group_boss.received[0].files["document"].filename.endswith(".docx")
    # A summary for the group goes out through the live sender (what the weekly job does).
    before = len(in_group_boss.sent())
    summary = Outbound(
        chat=ChatRef(platform="telegram", chat_id=str(GROUP), is_group=True),
        replies=(TextReply(text="本周进展汇总：已报送1个单位"),),
    )
    assert await tg.app.deliver([summary]) == 1
    [posted] = in_group_boss.sent()[before:]
    assert posted.params["text"] == "本周进展汇总：已报送1个单位"
    await eventually(tg, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", 0)
