"""A DingTalk group: a coordinator binds it by @-ing the robot (绑定群), the weekly summary, its chart and
the Word ledger are posted there through the robot's group send, files and the chart as media."""

from __future__ import annotations

import pytest

from bot.core.messages import ChatRef
from bot.core.replies import FileReply, Outbound
from bot.operations import cli_add_role
from handlers.jobs.runner import run_job
from handlers.jobs.times import WEEKLY_SUMMARY
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import MEDIA_TYPES, render
from tests.handlers.dialogue_helpers import invite_code, open_april
from tests.platforms.conftest import unsent
from tests.platforms.dingtalk_harness import GROUP, dingtalk_fake_fixture, make_dingtalk_fixture  # noqa: F401


@pytest.mark.parametrize("mode", ["stream", "http"])
async def test_weekly_summary_chart_and_word_ledger_reach_a_bound_group(
    make_dingtalk, dingtalk_fake, clock, mode
):
    bot = await make_dingtalk(mode)
    assert bot.app is not None
    await open_april(bot.app)
    contact = bot.member("zhangsan")
    await contact.say(f"绑定 {await invite_code(bot.app, '区发改局')}")
    for line in ("填报", "停车位又新增了20个，充电桩累计建成400个", "1", "无", "推进体育公园停车场建设"):
        await contact.say(line)

    # A member who is not a coordinator cannot bind the group; a coordinator can, from inside it.
    ok, message = await cli_add_role(bot.app, "dingtalk:zhaoliu", "coordinator")
    assert ok, message
    await bot.member("zhangsan", group=GROUP).say("绑定群")
    async with bot.app.uow() as uow:
        assert [g.chat_id for g in await uow.chats.groups()] == []
    answer = "\n".join(await bot.member("zhaoliu", group=GROUP).say("绑定群"))
    assert "汇总群" in answer
    async with bot.app.uow() as uow:
        assert [(g.platform, g.chat_id) for g in await uow.chats.groups()] == [("dingtalk", GROUP)]
    # Queries in the group, the robot @-ed (the mention is not part of the content DingTalk sends).
    assert "序时进度" in "\n".join(await bot.member("zhaoliu", group=GROUP).say("哪些项目滞后"))
    assert {s.via for s in dingtalk_fake.to(GROUP)} == {"webhook"}  # answered in the group, by its webhook

    # The scheduler's weekly summary: no webhook for a job, so the robot's group send.
    before = len(dingtalk_fake.to(GROUP))
    fire = clock.now().replace(hour=17, minute=0)
    assert await run_job(bot.app, WEEKLY_SUMMARY, fire) == 1
    assert await run_job(bot.app, WEEKLY_SUMMARY, fire) == 0  # exactly once
    posts = dingtalk_fake.to(GROUP)[before:]
    assert {p.via for p in posts} == {"group"}
    kinds = [p.msg_key for p in posts]
    assert kinds[-2:] == ["sampleImageMsg", "sampleText"] and set(kinds[:-2]) == {"sampleMarkdown"}
    assert all(len(p.param["text"].encode()) <= 4000 for p in posts[:-2])
    chart = dingtalk_fake.media[posts[-2].param["photoURL"]]
    assert chart.kind == "image" and chart.content.startswith(b"\x89PNG")

    # The Word ledger as a file.
    async with bot.app.uow() as uow:
        info = await uow.ledgers.get()
        ledger = await compile_ledger(uow, info, await uow.ledgers.period(info.id, "2025-04"))
    docx, filename = render(ledger, "docx")
    group = ChatRef(platform="dingtalk", chat_id=GROUP, is_group=True)
    reply = FileReply(filename=filename, media_type=MEDIA_TYPES["docx"], content=docx)
    await bot.app.deliver([Outbound(chat=group, replies=(reply,))])
    last = dingtalk_fake.to(GROUP)[-1]
    assert (last.via, last.msg_key, last.param["fileName"], last.param["fileType"]) == (
        "group",
        "sampleFile",
        "台账-2025-04.docx",
        "docx",
    )
    media = dingtalk_fake.media[last.param["mediaId"]]
    assert (media.kind, media.filename, media.content, media.content_type) == (
        "file",
        "台账-2025-04.docx",
        docx,
        MEDIA_TYPES["docx"],
    )
    assert await unsent(bot.app, "dingtalk") == []  # every reply went out, and was marked sent
