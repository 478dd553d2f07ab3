"""Status, with negation and the stage vocabulary of government projects."""

import pytest

from nlp.progress import parse_progress
from nlp.status import classify_status


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        ("已完成。", "completed"),
        ("全部完成", "completed"),
        ("已投入使用", "completed"),
        ("已完工并交付使用。", "completed"),
        ("项目已竣工验收。", "completed"),
        ("完成了", "completed"),
        ("这个已经弄完了", "completed"),
        ("已全部完成，正在验收", "completed"),
        ("平台已建成并投入使用。", "completed"),
        ("还没开始", "not_started"),
        ("还没开始，等上级统一部署", "not_started"),  # waited for, not a step taken
        ("这块还没启动，要等政策出来", "not_started"),
        ("等资金下来再开工", "not_started"),
        ("10月15日已正式开园", "completed"),  # a date is not a count of parts done
        ("2025年9月已竣工", "completed"),
        ("3号楼、5号楼加固已完工，其余2栋正在施工", "in_progress"),  # 5号 is a building, not a day
        ("尚未开工", "not_started"),
        ("该项目尚未启动。", "not_started"),
        ("预计7月开工建设。", "not_started"),
        ("暂无进展。", "not_started"),
        ("", "not_started"),
        ("招标挂网了", "preparing"),
        ("正在制定实施方案。", "preparing"),
        ("已完成财政评审，正在进行政府采购。", "preparing"),
        ("事前绩效评估已完成，评估金额266.69万元。目前，正在推进财政评审工作。", "preparing"),
        ("财政评审已通过，项目设计招标已完成。", "preparing"),
        ("开展全区公共室外健身设施摸底工作。", "preparing"),
        ("已完成冯卯站等4座变电站施工合同签订、现场施工方案设计、物料采购等前期工作。", "preparing"),
        ("印发《关于做好2025年度困难重度残疾人家庭无障碍改造工作的通知》。", "preparing"),
        ("已完成燃气管道改造工程可研编制和初步设计批复。", "preparing"),
        ("方案还在做 下个月报财政评审", "preparing"),
        ("已完成80%", "in_progress"),
        ("未完成", "in_progress"),
        ("主体已完工，正在装修", "in_progress"),
        ("施工单位已进场启动路基建设。", "in_progress"),
        ("1座已完工，另1座正在进行钢结构吊装。", "in_progress"),
        ("已制定施工方案。其中，店子镇段已封闭启动施工。", "in_progress"),
        ("已完成6条，剩余2条计划5月底前完成。", "in_progress"),
        ("府前路幼儿园正在推进主体二次结构施工，目前已完成80%。", "in_progress"),
    ],
)
def test_classify_status(progress: str, status: str) -> None:
    assert classify_status(progress) == status


def test_links_reaching_every_target_complete_the_item() -> None:
    assert parse_progress("新建农村公路40公里。", "累计完成40.5公里。").status == "completed"
    assert parse_progress("新建农村公路40公里。", "累计完成20公里。").status == "in_progress"


def test_partial_numbers_are_not_completion() -> None:
    assert parse_progress("建设篮球场12处。", "已建成篮球场8处").status == "in_progress"
    assert (
        parse_progress("新增停车泊位256个，公共充电桩总数达到400个。", "累计建成公共充电桩404个").status
        == "in_progress"
    )


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        # a planned step is not what happened, even after something that did happen
        ("已挂网招标，计划4月中旬开工。", "preparing"),
        ("正在进行施工图设计，预计5月开工。", "preparing"),
        ("招标挂网了下周开标", "preparing"),
        ("桥还在招标 下个月定施工单位", "preparing"),
        # a negated step says nothing; 暂未开工 removes the 开工 too
        ("资金尚未到位，暂未开工。", "not_started"),
        # amounts of work done and site works are delivery
        ("已完成项目招标，完成土地平整1.1万亩，整体形象进度35%。", "in_progress"),
        ("8处笼式足球场选址已全部确定，正在进行场地平整。", "in_progress"),
        # hedged completion is not completion
        ("主体工程已基本完成，正在进行绿化及配套设施施工。", "in_progress"),
        # chat spaces separate clauses; pending acceptance still counts as done
        ("完成了 就是验收还没做", "completed"),
        # fixing who gets the work is preparation
        ("已完成入户鉴定，确定改造对象120户，正在开展施工招标。", "preparing"),
    ],
)
def test_status_general_rules(progress: str, status: str) -> None:
    assert classify_status(progress) == status


@pytest.mark.parametrize(
    ("content", "progress", "status"),
    [
        # waiting for something is not a step taken; a forecast is not one either
        ("新建消防站5个。", "还没动 等资金下来再说", "not_started"),
        ("更换燃气管道10公里。", "还没开始，得等供暖季结束，估计明年3月动工", "not_started"),
        # what was finished is a document or an assessment: preparation
        ("新建冷库1座。", "施工图做完了，等资金到位后招标", "preparing"),
        ("建设光伏电站，装机10兆瓦。", "手续还在跑，环评做完了，能评还在做", "preparing"),
        ("扩增高中学位400个。", "招生计划已经批了", "preparing"),
        # opened and running, or all of it redone
        ("建设服务中心1处。", "上周揭牌，已经正式运行", "completed"),
        ("更新电梯60部。", "全部改完了，也过了检测", "completed"),
        # one part done while another is still being built, or still short
        ("新建篮球场4片、足球场1片。", "篮球场全部完成，足球场还在施工", "in_progress"),
        ("清淤8公里、护岸2公里。", "清淤已全部完成，护岸还差300米", "in_progress"),
        # what is awaited: acceptance after the work is done; an approval is a preparatory step
        ("安装路灯200盏。", "全部装好了，就等验收", "completed"),
        ("开通公交线路3条。", "线路都定了 在等交警那边批", "preparing"),
        # what was planned once is not what happened
        ("改造农贸市场1处。", "还没动，原定6月开工，推迟到四季度", "not_started"),
    ],
)
def test_status_of_chat_replies(content: str, progress: str, status: str) -> None:
    assert classify_status(progress, content=content) == status
