"""The monthly collection dialogue, as transcripts on the console adapter."""

from __future__ import annotations

import io
import json

import pytest

from bot.adapters.console import ConsoleChat
from bot.app import build_app
from bot.core.messages import ChatRef, IncomingMessage
from handlers.ledger.compile import compile_ledger
from handlers.ledger.renderers import ledger_json
from tests.handlers.dialogue_helpers import at, bind, inbox_texts, invite_code, open_april
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


async def report_json(app, code="2025-04"):
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        period = await uow.ledgers.period(ledger.id, code)
        return ledger_json(await compile_ledger(uow, ledger, period))


def row(data, needle):
    return next(r for r in data["rows"] if needle in r["content"])


async def test_unbound_people_learn_how_to_bind_and_nothing_else(app, chat):
    chat.switch("stranger")
    for text in ("你好", "填报", "哪些项目滞后", "台账"):
        expect(await chat.say(text), "绑定", "绑定码", absent=("充电桩",))


async def test_a_contact_files_april_for_parking_and_charging_and_the_report_shows_55_and_400(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    expect(
        await chat.say("填报"),
        "新增停车泊位256个，公共充电桩总数达到400个",
        "上期（2025-03）进展：新增路内停车位35个，累计建成公共充电桩399个",
        "上期计划：开工建设体育公园停车场",
    )
    expect(await chat.say("停车位又新增了20个，充电桩累计建成400个"), "55/256个", "400/400个")
    expect(await chat.say("确认"), "存在什么问题")
    expect(await chat.say("无"), "5月份计划")
    expect(await chat.say("推进体育公园停车场建设"), "已记录 [24]", "本次填报结束")
    data = await report_json(app)
    charging = row(data, "充电桩")
    assert [t["achieved"] for t in charging["targets"]] == [55, 400]
    assert charging["progress"] == "停车位又新增了20个，充电桩累计建成400个"
    assert charging["problems"] == "无" and charging["plan"] == "推进体育公园停车场建设"
    stored = await inbox_texts(app)
    for text in ("填报", "停车位又新增了20个，充电桩累计建成400个", "确认", "无", "推进体育公园停车场建设"):
        assert text in stored


async def test_labelled_parts_in_one_message_skip_the_follow_up_questions(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(
        await chat.say("进展：新增停车位10个，充电桩累计建成401个\n问题：暂无\n计划：继续推进"), "45/256个"
    )
    await chat.say("1")  # 确认, by its number
    data = await report_json(app)
    charging = row(data, "充电桩")
    assert (charging["problems"], charging["plan"]) == ("无", "继续推进")


async def test_several_items_answered_in_one_numbered_message(app, chat):
    await open_april(app)
    await bind(app, chat, "jty", "区交运局")
    await chat.say("填报")
    # recorded both, then the dialogue goes on with the items not yet filed
    expect(
        await chat.say("15. 四好农村路已完成路面施工20公里\n16. 分幸公路路基完成"),
        "已按编号分别记录2项",
        "[13]",
    )
    data = await report_json(app)
    assert row(data, "分幸公路")["progress"] == "分幸公路路基完成"


async def test_an_unclear_number_gets_a_question_with_choices(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(await chat.say("充电桩建成20个"), "本月新增", "累计总数")
    expect(await chat.say("本月新增"), "419/400个")


async def test_a_cumulative_figure_lower_than_last_month_is_questioned(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(await chat.say("累计建成公共充电桩390个"), "比上期的399个还少")
    expect(await chat.say("重填"), "重新回复")
    expect(await chat.say("累计建成公共充电桩400个"), "400/400")


async def test_skip_then_finish_with_a_summary(app, chat):
    await open_april(app)
    await bind(app, chat, "jty", "区交运局")
    await chat.say("填报")
    for _ in range(3):
        await chat.say("跳过")
    expect(await chat.say("跳过"), "本次填报结束", "跳过4项")


async def test_revisions_are_kept_with_who_and_when(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    for progress in ("累计建成公共充电桩400个", "更正：累计建成公共充电桩401个"):
        await chat.say("修改 24")
        await chat.say(progress)
        await chat.say("确认")
        await chat.say("无")
        await chat.say("继续推进")
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        item = next(i for i in await uow.ledgers.items(ledger.id) if i.number == 24)
        history = [h for h in await uow.submissions.history(item.id) if h.period_code == "2025-04"]
    assert [(h.revision, h.author) for h in history] == [(1, "console:fgw"), (2, "console:fgw")]
    assert history[1].created_at is not None
    expect(await chat.say("我的"), "第2版", "401")


async def test_after_the_deadline_a_contact_cannot_change_anything(app, chat, clock):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    clock.set(at(2025, 4, 26, 9, 0))
    expect(await chat.say("填报"), "已于4月25日17:00截止")
    expect(await chat.say("修改 24"), "联系督查室")


async def test_cancel_leaves_the_flow_and_help_works_everywhere(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(await chat.say("帮助"), "修改 N")
    expect(await chat.say("累计建成公共充电桩400个"), "我理解的是")  # still in the flow after help
    expect(await chat.say("取消"), "已取消")
    expect(await chat.say("确认"), absent=("我理解的是",))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "空消息"),
        ("😀😀👍", "表情"),
        ("进展" * 5000, "太长"),
        ("\x00\x07\x1b", "空消息"),
    ],
)
async def test_bad_input_gets_a_clear_message_and_the_raw_text_is_kept(app, chat, text, needle):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(await chat.say(text), needle)
    assert text in await inbox_texts(app)


async def test_a_number_without_a_unit_is_pointed_out(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    expect(await chat.say("这个月又建了20"), "“20个”是指哪个目标？", "停车泊位", "公共充电桩")


async def test_text_in_the_wrong_step_is_explained(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    await chat.say("累计建成公共充电桩400个")
    expect(await chat.say("今天天气不错"), "请选择", "确认")


async def test_a_person_serving_two_units_is_asked_which(app, chat):
    await open_april(app)
    await bind(app, chat, "multi", "区发改局")
    await bind(app, chat, "multi", "区文旅局")
    expect(await chat.say("填报"), "哪个单位")
    expect(await chat.say("2"), "戏曲演出")


async def test_unbind(app, chat):
    await bind(app, chat, "fgw", "区发改局")
    expect(await chat.say("解绑"), "已解除与【区发改局】的绑定")
    expect(await chat.say("填报"), "绑定码")


async def test_an_item_with_two_units_joins_both_parts_lead_unit_first(app, chat):
    await open_april(app)
    await bind(app, chat, "zf", "区综合行政执法局")
    await chat.say("修改 24")
    await chat.say("进展：新增路内停车位5个 问题：无 计划：继续")
    await chat.say("确认")
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("修改 24")
    await chat.say("进展：累计建成公共充电桩400个 问题：无 计划：继续")
    await chat.say("确认")
    charging = row(await report_json(app), "充电桩")
    assert charging["progress"] == "区发改局：累计建成公共充电桩400个\n区综合行政执法局：新增路内停车位5个"


async def test_a_restart_in_the_middle_of_a_dialogue_continues_where_it_stopped(
    app, chat, settings, clock, segmenter
):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    await chat.say("停车位又新增了20个，充电桩累计建成400个")
    await app.close()  # the process ends here
    second = await build_app(settings, clock=clock, segmenter=segmenter)
    try:
        again = ConsoleChat(
            second.engine,
            io.StringIO(),
            files_dir=settings.files_dir,
            outbox_dir=settings.outbox_dir,
            now=clock.now,
            user="fgw",
        )
        expect(await again.say("确认"), "存在什么问题")
        await again.say("无")
        expect(await again.say("继续推进"), "本次填报结束")
        charging = row(await report_json(second), "充电桩")
        assert [t["achieved"] for t in charging["targets"]] == [55, 400]
    finally:
        await second.close()


async def test_a_duplicate_delivery_is_filed_once(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    for text in ("填报", "进展：累计建成公共充电桩400个 问题：无 计划：继续"):
        await chat.say(text)
    msg = IncomingMessage(
        message_id="dup-1",
        chat=ChatRef(platform="console", chat_id="fgw"),
        user_id="fgw",
        text="确认",
        sent_at=at(2025, 4, 21, 10, 5),
    )
    first = await chat.deliver(msg)
    second = await chat.deliver(msg)
    assert first and second == []
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        period = await uow.ledgers.period(ledger.id, "2025-04")
        filed = await uow.submissions.latest(period.id, unit="区发改局")
    assert len(filed) == 1 and filed[0].revision == 1
    assert json.dumps(await inbox_texts(app), ensure_ascii=False).count("确认") == 1


async def test_invite_codes_are_one_time(app, chat):
    code = await invite_code(app, "区发改局")
    chat.switch("a")
    await chat.say(f"绑定 {code}")
    chat.switch("b")
    expect(await chat.say(f"绑定 {code}"), "无效", absent=("绑定成功",))


async def test_progress_typed_before_starting_is_pointed_to_the_report_command(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    expect(await chat.say("进展：已完成前期手续 问题：无 计划：继续推进"), "请先发送“填报”", absent=("权限",))
    expect(await chat.say("哪些项目滞后？"), "没有权限")


def test_money_is_shown_in_wan_and_yi_as_people_write_it():
    from handlers.filing.view import amount, pair

    assert pair(31_000_000, 100_000_000, "元") == "3100万/1亿元"
    assert amount(25_750_000, "元") == "2575万元" and amount(800, "元") == "800元"
    assert pair(55, 256, "个") == "55/256个"


async def test_mine_counts_the_imported_joint_text_for_each_unit(app, chat):
    await bind(app, chat, "jty", "区交运局")
    expect(await chat.say("我的"), "【区交运局】2025-03已填报", "[15] 第1版", absent=("未填报",))


async def test_a_figure_no_target_took_is_shown_in_the_echo_not_dropped(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    # 60个 names no target: the echo shows it next to 未提到 instead of dropping it
    expect(
        await chat.say("停车位又新增了20个。首批设备60个已通电"),
        "55/256个",
        "公共充电桩：未提到",
        "未对应的数字：60个",
        absent=("没有识别到与目标对应的数量",),
    )
    expect(await chat.say("重填"), "重新回复")
    expect(await chat.say("停车位又新增了20个，充电桩累计建成400个"), "400/400个", absent=("未对应",))


async def test_a_numbered_reply_with_an_unplaced_figure_is_not_filed_silently(app, chat):
    await open_april(app)
    await bind(app, chat, "jty", "区交运局")
    await chat.say("填报")
    # 8公里 names no target and nothing says why: item 15 is asked about on its own, 16 is filed
    expect(
        await chat.say("15. 四好农村路已完成路面施工20公里。首批8公里已铺好\n16. 分幸公路路基完成"),
        "已按编号分别记录1项",
        "[15] 需要确认",
    )
    data = await report_json(app)
    assert row(data, "分幸公路")["progress"] == "分幸公路路基完成"
    assert row(data, "四好农村路")["progress"] != "四好农村路已完成路面施工20公里。首批8公里已铺好"


async def test_a_reply_with_no_news_keeps_the_status_filed_last_month(app, chat):
    await open_april(app)
    await bind(app, chat, "fgw", "区发改局")
    await chat.say("填报")
    # March's parking and charging report was under way: no news is not "not started"
    expect(await chat.say("本月无进展。"), "状态：推进中", absent=("状态：未启动",))
