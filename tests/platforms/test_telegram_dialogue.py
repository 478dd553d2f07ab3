"""The monthly dialogue, coordinator queries and report files through python-telegram-bot, polling and webhook."""

from __future__ import annotations

from bot.operations import cli_add_role
from handlers import texts
from handlers.texts import UPLOAD_DONE
from tests.conftest import seed_path
from tests.handlers.dialogue_helpers import invite_code, open_april
from tests.transcript import expect

CONTACT = 4242  # a private chat's id is the user's id
COORDINATOR = 5151


async def filed_in_april(tg, number: int = 24) -> list[tuple[int, str]]:
    """Return (revision, progress) of the chat submissions of item ``number`` in 2025-04, from the table."""
    async with tg.app.db_engine.connect() as conn:
        from sqlalchemy import text

        rows = await conn.execute(
            text(
                "SELECT s.revision, s.progress FROM submissions s JOIN items i ON i.id = s.item_id "
                "JOIN periods p ON p.id = s.period_id WHERE i.position = :n AND p.code = '2025-04' "
                "AND s.source = 'chat' ORDER BY s.revision"
            ),
            {"n": number},
        )
        return [tuple(r) for r in rows]


async def bound_contact(tg, unit: str = "区发改局", chat_id: int = CONTACT):
    chat = tg.chat(chat_id)
    code = await invite_code(tg.app, unit)
    expect(await chat.say(f"绑定 {code}"), "绑定成功")
    return chat


async def coordinator(tg, chat_id: int = COORDINATOR):
    ok, message = await cli_add_role(tg.app, f"telegram:{chat_id}", "coordinator")
    assert ok, message
    return tg.chat(chat_id)


async def test_a_contact_goes_from_start_to_a_filed_update(tg):
    await open_april(tg.app)
    chat = tg.chat(CONTACT)
    expect(await chat.say("/start"), "绑定码")
    code = await invite_code(tg.app, "区发改局")
    expect(await chat.say(f"绑定 {code}"), "【区发改局】的联络员")
    text = expect(await chat.say("填报"))
    assert "新增停车泊位256个，公共充电桩总数达到400个" in text
    text = expect(await chat.say("停车位又新增了20个，充电桩累计建成400个"))
    assert "55/256个" in text and "400/400个" in text
    assert "确认" in chat.buttons()  # choices become an inline keyboard on Telegram
    expect(await chat.press("确认"), "存在什么问题")
    edited = tg.fake.calls_of("editMessageText")
    assert edited and "✅ 确认" in edited[-1].params["text"]  # the pressed choice is shown, keyboard gone
    expect(await chat.say("无"), "5月份计划")
    text = expect(await chat.say("推进体育公园停车场建设"))
    assert "已记录 [24]" in text and "本次填报结束" in text
    assert await filed_in_april(tg) == [(1, "停车位又新增了20个，充电桩累计建成400个")]
    inbox = await tg.scalar("SELECT count(*) FROM inbox WHERE platform = 'telegram'")
    assert inbox == 7  # /start, 绑定, 填报, progress, the button press, 无, plan


async def test_coordinator_queries_and_a_report_file(tg):
    await open_april(tg.app)
    contact = await bound_contact(tg)
    await contact.say("填报")
    await contact.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    await contact.say("确认")
    boss = await coordinator(tg)
    text = expect(await boss.say("哪些项目滞后？"))
    assert "序时进度" in text and "戏曲演出" in text
    text = expect(await boss.say("谁还没报"))
    assert "个单位未报送" in text and "区发改局：" not in text
    text = expect(await boss.say("充电桩进展"))
    assert "400/400" in text and "累计建成公共充电桩400个" in text
    await boss.say("导出 word")
    [call] = boss.received
    assert call.method == "sendDocument"
    document = call.files["document"]
    assert document.filename.endswith(".docx") and document.content[:2] == b"PK"
    assert "2025-04" in call.params["caption"]
    await boss.say("导出 图表")
    assert [c.method for c in boss.received] == ["sendPhoto"]
    assert boss.received[0].files["photo"].content[:8] == b"\x89PNG\r\n\x1a\n"


async def test_a_coordinator_uploads_a_ledger_file_and_a_contact_may_not(tg):
    boss = await coordinator(tg)
    seed = seed_path().read_bytes()
    expect(
        await boss.send_file("台账.txt", seed, "text/plain"), "尚未导入", "新增0项，修改0项，停用0项", "确认"
    )
    text = expect(await boss.say("确认"))
    assert "与已有内容一致" in text and "33个项目" in text  # the seed is already in
    changed = seed.decode("utf-8").replace("新增停车泊位256个", "新增停车泊位300个").encode("utf-8")
    expect(await boss.send_file("台账（修订）.txt", changed, "text/plain"), "修改1项")
    assert await tg.scalar("SELECT count(*) FROM items WHERE content LIKE '%新增停车泊位300个%'") == 0
    text = expect(await boss.press("确认"))
    assert UPLOAD_DONE.split("《")[0] in text and "修改1项" in text, text
    assert await tg.scalar("SELECT count(*) FROM items WHERE content LIKE '%新增停车泊位300个%'") == 1
    assert await tg.scalar("SELECT count(*) FROM ledger_imports WHERE state = 'applied'") == 2
    expect(await boss.send_file("说明.pdf", b"%PDF-1.4 ..."), "不支持的格式")
    expect(await boss.send_file("乱码.txt", "随便写的一段话\n没有表格".encode()), "台账文件没有导入")
    contact = await bound_contact(tg, chat_id=CONTACT)
    assert await contact.send_file("台账.txt", seed, "text/plain") == [texts.FILE_NOT_ALLOWED]
    assert await tg.scalar("SELECT count(*) FROM inbox WHERE kind = 'file'") == 5


async def test_updates_from_many_chats_at_once_each_get_their_replies_in_order(tg):
    await open_april(tg.app)
    units = {CONTACT: "区发改局", CONTACT + 1: "区卫健局", CONTACT + 2: "区住建局"}
    chats = {chat_id: await bound_contact(tg, unit, chat_id) for chat_id, unit in units.items()}
    before = {chat_id: len(chat.sent()) for chat_id, chat in chats.items()}
    pushed = []
    for words in (
        "填报",
        "停车位又新增了20个，充电桩累计建成400个",
        "确认",
    ):  # queued together: one getUpdates batch
        pushed += [tg.fake.push_text(chat_id, chat_id, words) for chat_id in chats]
    await tg.fake.wait_for(lambda: all(u["update_id"] in tg.done for u in pushed), 30)
    for chat_id, chat in chats.items():
        texts_ = [c.params["text"] for c in chat.sent()[before[chat_id] :]]
        assert len(texts_) == 3, texts_
        assert "【第1/" in texts_[0] and "我理解的是" in texts_[1] and "存在什么问题" in texts_[2]
    assert "55/256个" in [c.params["text"] for c in chats[CONTACT].sent()][-2]
