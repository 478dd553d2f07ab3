"""The general rules of issue 16, as governments write progress: tables of hand-written expectations.

None of these texts comes from a blind set; each row is one case of a rule written out by hand."""

from __future__ import annotations

import pytest

from nlp.progress import parse_progress
from nlp.status import classify_status


def links(content: str, progress: str) -> dict[int, float]:
    return {ln.target: ln.value for ln in parse_progress(content, progress).links}


# ---- whole-item completion vs a sub-task's
WHOLE_OR_PART = [
    # the whole item: the project, the works, every target, or a phrase of completion said of the item
    ("建设市民服务中心，建筑面积2.6万平方米。", "项目已竣工交付，6月起对外办公。", "completed"),
    ("建设污水处理厂一座，日处理能力3万吨。", "工程已完成竣工验收，正式投入运营。", "completed"),
    ("新建标准化厂房4万平方米，总投资3亿元。", "项目全面完工，累计完成投资2.7亿元。", "completed"),
    ("改造农贸市场8个。", "已完成年度目标，8个市场均已开业。", "completed"),
    ("建设乡镇卫生院业务用房3处。", "3处业务用房建设任务全部完成并投入使用。", "completed"),
    ("实施人民医院门诊楼改造工程。", "该工程已竣工验收。", "completed"),
    # a part of the work done is not the item done
    ("实施人民医院门诊楼改造工程。", "幕墙工程已完成，正在进行室内装修。", "in_progress"),
    (
        "建设区图书馆新馆，总建筑面积1.8万平方米。",
        "屋面防水及外墙涂料已经完成，正在进行室内装饰。",
        "in_progress",
    ),
    ("建设职业学校实训楼，总投资1.2亿元。", "桩基检测已完成，正在进行承台施工。", "in_progress"),
    ("建设冷链物流中心，库容5万吨。", "土地征收工作已完成，正在办理用地规划许可。", "preparing"),
]


@pytest.mark.parametrize(("content", "progress", "status"), WHOLE_OR_PART)
def test_the_whole_item_is_done_only_when_the_item_is_said_done(
    content: str, progress: str, status: str
) -> None:
    assert parse_progress(content, progress).status == status


# ---- every target reached (money spent below budget is no work left)
@pytest.mark.parametrize(
    ("content", "progress", "status"),
    [
        (
            "新建社区食堂12个，惠及老人3000人。",
            "已建成社区食堂12个，服务老人3260人，超额完成年度任务。",
            "completed",
        ),
        ("新建社区食堂12个，惠及老人3000人。", "已建成社区食堂9个，服务老人2100人。", "in_progress"),
        ("发放助学金800万元，资助学生4000人。", "已发放助学金820万元，资助学生4120人。", "completed"),
    ],
)
def test_every_target_reached_completes_the_item(content: str, progress: str, status: str) -> None:
    assert parse_progress(content, progress).status == status


# ---- a reply with no news keeps the status the item had
@pytest.mark.parametrize(
    ("progress", "previous", "status"),
    [
        ("本月无进展。", "in_progress", "in_progress"),
        ("本月暂无新进展", "preparing", "preparing"),
        ("暂无新的进展", "in_progress", "in_progress"),
        ("本月无新增进展。", "preparing", "preparing"),
        ("进展同上月。", "in_progress", "in_progress"),
        ("本月无进展。", None, "not_started"),  # nothing known before: nothing has happened
        ("本月暂无新进展，正在开展入户摸底调查。", "not_started", "preparing"),  # news after all
    ],
)
def test_no_news_keeps_the_previous_status(progress: str, previous: str | None, status: str) -> None:
    assert classify_status(progress, previous=previous) == status  # type: ignore[arg-type]
    result = parse_progress("新建口袋公园6处。", progress, previous_status=previous)  # type: ignore[arg-type]
    assert result.status == status


# ---- not started: a condition to wait for is not a step taken; a not-started clause takes its subject
@pytest.mark.parametrize(
    ("progress", "status"),
    [
        ("尚未启动，待上级专项资金下达后实施。", "not_started"),
        ("还没开始，待设计单位确定后再推进。", "not_started"),
        ("方案已完成编制，护栏安装尚未启动。", "preparing"),
        ("已完成招标，尚未开工。", "preparing"),
    ],
)
def test_conditions_and_not_started_subjects(progress: str, status: str) -> None:
    assert classify_status(progress) == status


# ---- a target restated before the achieved figure; started vs completed counts
RESTATED = [
    ("改造城镇燃气老旧管道120公里。", "全年120公里改造任务已完成76公里，其余正在施工。", {0: 76}),
    ("建设乡镇污水处理站18座。", "18座污水处理站建设任务已全部完成。", {0: 18}),
    ("建设村级综合服务站40个。", "40个村级综合服务站已开工36个、已建成22个。", {0: 22}),
    ("新建幼儿园12所。", "12所幼儿园已开工10所，已竣工4所，其余正在进行内部装修。", {0: 4}),
    ("改造危旧桥梁25座。", "25座危桥改造任务已完成17座，剩余8座正在施工。", {0: 17}),
    # when the target itself is counted by starting, the start count is the figure
    ("新开工保障性住房项目15个。", "1-6月新开工保障性住房项目9个。", {0: 9}),
]


@pytest.mark.parametrize(("content", "progress", "expected"), RESTATED)
def test_restated_targets_and_completed_not_started_counts(
    content: str, progress: str, expected: dict[int, float]
) -> None:
    assert links(content, progress) == expected


# ---- shares of a target in every unit; count targets rounded to whole things
SHARES = [
    ("年度计划投资6亿元，建设标准厂房5万平方米。", "1-8月完成年度计划投资的65%。", {0: 3.9e8}),
    ("建设城市绿道60公里。", "绿道建设已完成年度任务的45%。", {0: 27}),
    ("新建城乡公厕150座。", "城乡公厕建设完成率60%。", {0: 90}),
    ("新增停车泊位256个。", "停车泊位建设已完成全年任务的62%。", {0: 159}),  # 158.72个 is no count
    (
        "建设村卫生室标准化改造300个、乡镇卫生院改造20个。",
        "村卫生室已全部开工，完成年度任务的40%。",
        {0: 120},
    ),
    ("新建城市绿道80公里。", "绿道建设进度占年度计划的45%。", {0: 36}),
    ("建设5G基站1200个。", "5G基站建设完成全年目标的58.3%。", {0: 700}),  # 699.6 rounded
    # overall progress is no share: 形象进度, 总工程量
    ("新建城市绿道80公里。", "形象进度45%。", {}),
    ("建设高标准农田5万亩。", "项目已全部开工，完成总工程量的40%。", {}),
    # an absolute value, when stated, wins over the share
    ("年度计划投资8亿元。", "上半年完成投资4.4亿元，占年度计划的55%。", {0: 4.4e8}),
    # a percent target takes its own rate, not a share of the other target
    ("新增托位600个，托育服务覆盖率达到60%。", "新增托位640个，覆盖率达到62%。", {0: 640, 1: 62}),
]


@pytest.mark.parametrize(("content", "progress", "expected"), SHARES)
def test_shares_of_a_target(content: str, progress: str, expected: dict[int, float]) -> None:
    assert links(content, progress) == pytest.approx(expected)


# ---- a money amount of the project links to the money target
def test_a_projects_investment_links_to_its_money_target() -> None:
    content = "建设高标准农田1.2万亩，总投资1.8亿元。"
    assert links(content, "项目累计完成投资1.1亿元，其中今年完成投资0.6亿元。") == {1: 1.1e8}


# ---- figures the parser could not place are returned, never dropped
@pytest.mark.parametrize(
    ("content", "progress", "unmatched"),
    [
        ("新增停车泊位256个，公共充电桩总数达到400个。", "停车位又新增了20个。首批设备60个已通电", ["60个"]),
        ("建设“四好农村路”46公里、“户户通”62公里。", "四好农村路已完成路基施工10公里。", ["10公里"]),
        # a figure that fills its target, or one in no target's unit, is not listed
        ("新增停车泊位256个。", "停车泊位新增20个，召开推进会3次。", []),
        (
            "新增停车泊位256个，公共充电桩总数达到400个。",
            "公共充电桩累计建成388个，其中快充桩120个已全部通电",
            [],
        ),
        # said to be left to do: it has its reason and is not listed either
        ("新建口袋公园6处。", "已建成口袋公园4处，剩余2处正在施工。", []),
    ],
)
def test_unplaced_figures_are_returned(content: str, progress: str, unmatched: list[str]) -> None:
    assert [u.text for u in parse_progress(content, progress).unmatched] == unmatched


# ---- two money targets: the year's amount against the annual plan, the cumulative one against the total
@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        ("项目累计完成投资5.2亿元，其中今年完成投资1.3亿元。", {0: 5.2e8, 1: 1.3e8}),
        ("1-10月完成投资2.1亿元。", {1: 2.1e8}),
        ("开工以来累计完成投资6亿元。", {0: 6e8}),
    ],
)
def test_the_years_money_and_the_total(progress: str, expected: dict[int, float]) -> None:
    content = "建设滨河片区安置小区，总投资12亿元，年度计划投资3亿元。"
    assert links(content, progress) == pytest.approx(expected)


def test_zero_of_a_thing_is_no_target() -> None:
    # 零部件 reads as 0部 in a numeral reader: it sizes nothing
    result = parse_progress("建设汽车零部件产业园，总投资20亿元。", "累计完成投资8亿元。")
    assert [(t.value, t.unit) for t in result.targets] == [(2e9, "元")]
