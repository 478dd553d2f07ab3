"""WeComSender: replies routed to members (app API) and groups (robot), failures kept in the outbox."""

from __future__ import annotations

import base64

import pytest

from bot.adapters.wecom import UnknownGroupError, WeComSender, render_choices
from bot.adapters.wecom_api import MediaTooLargeError, WeComApiError, WeComAppClient, WeComRobotClient
from bot.core.messages import ChatRef
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply
from tests.fakes.fake_wecom import FakeTime, FakeWeCom, InMemoryOutbox

ROBOT = "robot-key-1"
MEMBER = ChatRef(platform="wecom", chat_id="zhangsan", is_group=False)
LEADERS = ChatRef(platform="wecom", chat_id="leaders", is_group=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
async def wecom():
    clock = FakeTime()
    async with FakeWeCom(clock=clock) as fake:
        yield fake


@pytest.fixture
async def outbox():
    return InMemoryOutbox()


@pytest.fixture
async def sender(wecom, outbox):
    clock = wecom.clock
    app = WeComAppClient(
        wecom.corp_id,
        wecom.agent_id,
        wecom.secret,
        api_base=wecom.base_url,
        monotonic=clock,
        sleep=clock.sleep,
    )
    robot = WeComRobotClient(api_base=wecom.base_url, monotonic=clock, sleep=clock.sleep)
    yield WeComSender(app, robot, {"leaders": ROBOT}, outbox)
    await app.aclose()
    await robot.aclose()


def to(chat, *replies):
    return Outbound(chat=chat, replies=replies)


# ---------------------------------------------------------------- private chats via the app
async def test_text_with_choices_becomes_a_numbered_list(sender, wecom):
    await sender.send(to(MEMBER, TextReply(text="是否确认？", choices=("确认", "修改"))))
    assert wecom.texts_to("zhangsan") == ["是否确认？\n\n1. 确认\n2. 修改\n回复数字选择"]


def test_render_choices_without_choices_is_the_text():
    assert render_choices("hi", (), "回复数字选择") == "hi"


async def test_markdown_uses_markdown_then_falls_back_to_plain_text(sender, wecom):
    await sender.send(
        to(
            MEMBER,
            MarkdownReply(plain="plain", markdown="**md**"),
            MarkdownReply(plain="只有纯文本 *不是强调*"),
        )
    )
    assert [(p["msgtype"], p[p["msgtype"]]["content"]) for p in wecom.sent] == [
        ("markdown", "**md**"),
        ("text", "只有纯文本 *不是强调*"),
    ]


async def test_file_is_uploaded_then_sent_with_its_caption(sender, wecom):
    await sender.send(
        to(
            MEMBER,
            FileReply(
                filename="台账.docx",
                media_type="application/msword",
                content=b"PK\x03\x04docx",
                caption="3月台账",
            ),
        )
    )
    file_msg, caption = wecom.sent
    assert file_msg["msgtype"] == "file"
    media = wecom.media[file_msg["file"]["media_id"]]
    assert (media.filename, media.content, media.kind) == ("台账.docx", b"PK\x03\x04docx", "file")
    assert caption["text"]["content"] == "3月台账"


async def test_image_is_uploaded_as_image(sender, wecom):
    await sender.send(to(MEMBER, ImageReply(filename="chart.png", content=PNG)))
    (msg,) = wecom.sent
    assert msg["msgtype"] == "image" and wecom.media[msg["image"]["media_id"]].content == PNG


async def test_image_over_2_mb_goes_as_a_file(sender, wecom):
    big = PNG + b"\0" * (2 * 1024 * 1024)
    await sender.send(to(MEMBER, ImageReply(filename="chart.png", content=big)))
    (msg,) = wecom.sent
    assert msg["msgtype"] == "file" and wecom.media[msg["file"]["media_id"]].content == big


# ---------------------------------------------------------------- groups via the robot
async def test_group_replies_go_through_the_groups_robot(sender, wecom):
    await sender.send(
        to(
            LEADERS,
            MarkdownReply(plain="p", markdown="## 周报"),
            TextReply(text="提醒"),
            ImageReply(filename="c.png", content=PNG, caption="图"),
            FileReply(filename="台账.xlsx", media_type="application/vnd.ms-excel", content=b"PK\x03\x04xlsx"),
        )
    )
    assert wecom.sent == []  # nothing through the app API
    kinds = [p["msgtype"] for _, p in wecom.robot_sent]
    assert kinds == ["markdown", "text", "image", "text", "file"]
    assert all(key == ROBOT for key, _ in wecom.robot_sent)
    assert base64.b64decode(wecom.robot_sent[2][1]["image"]["base64"]) == PNG
    media = wecom.media[wecom.robot_sent[4][1]["file"]["media_id"]]
    assert media.filename == "台账.xlsx" and media.owner == ROBOT


async def test_group_without_a_robot_is_a_permanent_error(sender, outbox):
    with pytest.raises(UnknownGroupError):
        await sender.send(to(ChatRef(platform="wecom", chat_id="nobody", is_group=True), TextReply(text="x")))
    assert outbox.items == {}


async def test_other_platforms_are_refused(sender):
    with pytest.raises(ValueError, match="not a WeCom chat"):
        await sender.send(to(ChatRef(platform="telegram", chat_id="1"), TextReply(text="x")))


# ---------------------------------------------------------------- failures, outbox and retry
async def test_transient_failure_queues_only_the_undelivered_rest(sender, wecom, outbox):
    wecom.fail_next("message/send", errcode=-1, errmsg="system busy")
    # First reply fails, so all three are kept.
    await sender.send(to(MEMBER, TextReply(text="一"), TextReply(text="二")))
    assert wecom.sent == []
    ((_, (queued, error)),) = outbox.items.items()
    assert [r.text for r in queued.replies] == ["一", "二"] and "errcode=-1" in error

    report = await sender.retry_failed()
    assert (report.sent, report.failed) == (1, 0)
    assert wecom.texts_to("zhangsan") == ["一", "二"] and outbox.items == {}


async def test_group_failure_queues_only_the_undelivered_rest(sender, wecom, outbox):
    wecom.fail_next("webhook/send", after=1, errcode=45009, errmsg="api freq out of limit")
    await sender.send(to(LEADERS, TextReply(text="d"), TextReply(text="e"), TextReply(text="f")))
    assert [p["text"]["content"] for _, p in wecom.robot_sent] == ["d"]
    ((_, (queued, error)),) = outbox.items.items()
    assert [r.text for r in queued.replies] == ["e", "f"] and "45009" in error

    assert (await sender.retry_failed()).sent == 1
    assert [p["text"]["content"] for _, p in wecom.robot_sent] == ["d", "e", "f"]


async def test_failure_mid_outbound_queues_the_rest_only(sender, wecom, outbox):
    await sender.send(to(MEMBER, TextReply(text="warm")))
    wecom.sent.clear()
    file = FileReply(filename="a.docx", media_type="application/msword", content=b"PK\x03\x04docx")
    wecom.fail_next("media/upload", status=500)
    await sender.send(to(MEMBER, TextReply(text="先发这条"), file, TextReply(text="最后")))
    assert wecom.texts_to("zhangsan") == ["先发这条"]
    ((_outbox_id, (queued, _)),) = outbox.items.items()
    assert queued.replies == (file, TextReply(text="最后"))

    assert (await sender.retry_failed()).sent == 1
    assert [p["msgtype"] for p in wecom.sent] == ["text", "file", "text"]
    assert outbox.items == {}


async def test_retry_that_progresses_partly_requeues_the_remainder(sender, wecom, outbox):
    await sender.send(to(MEMBER, TextReply(text="warm")))
    wecom.sent.clear()
    wecom.fail_next("message/send", errcode=-1)
    await sender.send(to(MEMBER, TextReply(text="1"), TextReply(text="2"), TextReply(text="3")))
    ((first_id, _),) = outbox.items.items()
    wecom.fail_next("message/send", after=1, errcode=45009, errmsg="api freq out of limit")

    report = await sender.retry_failed()
    assert (report.sent, report.failed) == (0, 1)
    assert wecom.texts_to("zhangsan") == ["1"]
    ((second_id, (queued, _)),) = outbox.items.items()
    assert second_id != first_id and [r.text for r in queued.replies] == ["2", "3"]

    assert (await sender.retry_failed()).sent == 1
    assert wecom.texts_to("zhangsan") == ["1", "2", "3"] and outbox.items == {}


async def test_permanent_failure_raises_and_is_not_queued(sender, wecom, outbox):
    wecom.fail_next("message/send", errcode=81013, errmsg="user & party & tag all invalid")
    with pytest.raises(WeComApiError) as info:
        await sender.send(to(MEMBER, TextReply(text="x")))
    assert info.value.errcode == 81013 and outbox.items == {}


async def test_oversized_file_raises(sender, outbox):
    with pytest.raises(MediaTooLargeError):
        await sender.send(
            to(
                MEMBER,
                FileReply(
                    filename="huge.bin",
                    media_type="application/octet-stream",
                    content=b"x" * (20 * 1024 * 1024 + 1),
                ),
            )
        )
    assert outbox.items == {}


async def test_without_an_outbox_transient_failures_raise(wecom):
    clock = wecom.clock
    async with (
        WeComAppClient(
            wecom.corp_id,
            wecom.agent_id,
            wecom.secret,
            api_base=wecom.base_url,
            monotonic=clock,
            sleep=clock.sleep,
        ) as app,
        WeComRobotClient(api_base=wecom.base_url, monotonic=clock, sleep=clock.sleep) as robot,
    ):
        sender = WeComSender(app, robot, {})
        wecom.fail_next("message/send", errcode=-1)
        with pytest.raises(WeComApiError):
            await sender.send(to(MEMBER, TextReply(text="x")))
        assert (await sender.retry_failed()).sent == 0


async def test_retry_leaves_still_failing_deliveries_queued(sender, wecom, outbox):
    wecom.fail_next("message/send", times=2, errcode=-1)
    await sender.send(to(MEMBER, TextReply(text="x")))
    report = await sender.retry_failed()
    assert (report.sent, report.failed) == (0, 1) and len(outbox.items) == 1
    assert (await sender.retry_failed()).sent == 1 and outbox.items == {}
