"""Linking achieved values to targets, the way units actually report them."""

import pytest

from nlp.progress import parse_progress
from nlp.types import Target

PARKING = "新增停车泊位256个，公共充电桩总数达到400个。"


def links(content: str, progress: str, **kw) -> list[tuple[int, float]]:
    return [(ln.target, ln.value) for ln in parse_progress(content, progress, **kw).links]


@pytest.mark.parametrize(
    ("content", "progress", "expected"),
    [
        (PARKING, "新增路内停车位35个，累计建成公共充电桩399个。", [(0, 35), (1, 399)]),
        (PARKING, "累计建成公共充电桩399个，新增路内停车位35个。", [(0, 35), (1, 399)]),
        (PARKING, "充电桩又装了5个 累计404了", [(1, 404)]),
        (PARKING, "1.新增停车泊位120个；\n2.累计建成公共充电桩380个。", [(0, 120), (1, 380)]),
        ("加快城市更新，新建供热管网3公里。", "完成玄武路管网施工0.2公里，正在谋划其他项目。", [(0, 0.2)]),
        ("新建污水管网12.5公里。", "累计铺设污水管网8600米。", [(0, 8.6)]),
        ("新增绿道20公里。", "本月新增绿道3公里，累计13公里。", [(0, 13)]),
        ("举办赛事活动20场。", "已累计举办区级体育赛事活动3场，镇街体育赛事活动4场。", [(0, 7)]),
        ("建设乡镇综合文化站12个。", "更正：是7个不是9个", [(0, 7)]),
        ("新增停车位300个。", "刚才说错了 应该是125个", [(0, 125)]),
        ("新建充电桩100个。", "又新增了20个", [(0, 20)]),
        ("完成电动自行车充电设施建设500个。", "充电设施完成八成", [(0, 400)]),
        ("改造农村户厕1200户。", "已完成全年任务的百分之四十。", [(0, 480)]),
        ("完成植树造林1.5万亩。", "已完成造林1.2万亩，完成全年任务的80%。", [(0, 12000)]),
        ("发放创业担保贷款1亿元。", "已发放贷款7800万元，扶持创业210人。", [(0, 78_000_000)]),
        ("完成投资5000万元。", "完成投资0.2亿", [(0, 20_000_000)]),
        (
            "完成51个行政村、65个供电台区电网升级改造。",
            "已完成马厂村等15个村、23个供电台区升级改造。",
            [(0, 15), (1, 23)],
        ),
        (
            "城镇新增就业5000人，城镇登记失业率控制在3.5%以内。",
            "1-3月城镇新增就业1380人，城镇登记失业率2.9%。",
            [(0, 1380), (1, 2.9)],
        ),
        ("建设标准化农贸市场3处。", "3处农贸市场已全部完工并投入使用。", [(0, 3)]),
        ("改造提升农贸市场 3 处。", "已完成 2 处，第 3 处正在施工", [(0, 2)]),
        ("建设篮球场１２处。", "已建成篮球场８处", [(0, 8)]),
        ("培训家政服务人员500人。", "已培训320人，其中取得证书210人。", [(0, 320)]),
        ("新建村级综合服务中心15个。", "已建成9个，在建6个。", [(0, 9)]),
    ],
)
def test_links(content: str, progress: str, expected: list[tuple[int, float]]) -> None:
    assert links(content, progress) == [(i, pytest.approx(v)) for i, v in expected]


@pytest.mark.parametrize(
    ("content", "progress"),
    [
        (
            "扩增普通高中学位400个，高中入学比例提高至70%。",
            "2025年计划扩招高中学位400个，高中入学比例超过70%。",
        ),
        ("新增样板村卫生室30处。", "30处样板村卫生室已全部开工建设，其中新建7家、改扩建23家。"),
        ("为100个村级文化服务中心配送文娱设施。", "已确定100个村级文化中心配送名单。"),
        ("安装交通信号灯16处。", "剩余11处新建交安设施已完成安装方案设计。"),
        ("建设“四好农村路”46公里。", "“四好农村路”已完成路基施工10公里，路面施工1公里。"),
        ("实施特困人员照护服务405户。", "共为314人提供照护服务698次。"),
        ("完成1个非直供小区供电设施改造。", "已完成土建施工，电气施工完成30%。"),
        ("完成4处变电站改造。", "已完成冯卯站等4座变电站施工合同签订、物料采购等前期工作。"),
        ("建设日间照料中心6处。", "6处选址已确定，其中2处已开工建设。"),
        ("建设高标准农田2.3万亩。", "已完成80%。"),
        ("完成城中村改造2个。", "2个城中村已完成征收。"),
        ("新增学位1800个。", "预计秋季开学可新增学位1800个。"),
        ("新建公厕30座。", "已完成"),
    ],
)
def test_not_achieved_values_are_not_linked(content: str, progress: str) -> None:
    assert links(content, progress) == []


def test_explicit_targets_and_previous_increment() -> None:
    targets = [Target(name="充电桩", value=400, unit="个", kind="total")]
    result = parse_progress("", "本月新增20个", targets=targets, previous={0: 380})
    assert [(ln.target, ln.value, ln.basis) for ln in result.links] == [(0, 400, "increment")]


def test_bare_increment_without_previous_keeps_number() -> None:
    (link,) = parse_progress("新建充电桩100个。", "又新增了20个").links
    assert (link.value, link.basis) == (20, "increment")


def test_uncued_number_with_previous_is_ambiguous() -> None:
    result = parse_progress("新建充电桩100个。", "充电桩60个", previous={0: 40})
    assert [a.kind for a in result.ambiguities] == ["increment_or_total"]


def test_decrease_is_flagged() -> None:
    result = parse_progress("新建充电桩100个。", "累计建成充电桩30个", previous={0: 40})
    assert "decrease" in {a.kind for a in result.ambiguities}


def test_over_target_is_flagged() -> None:
    result = parse_progress("新建充电桩100个。", "累计建成充电桩180个")
    assert "over_target" in {a.kind for a in result.ambiguities}


def test_claim_below_target_is_flagged() -> None:
    result = parse_progress("新建充电桩100个。", "已全部完成，累计建成充电桩80个")
    assert "claim_below_target" in {a.kind for a in result.ambiguities}


def test_which_target_is_flagged() -> None:
    result = parse_progress("新建公厕30座，改造游园20座。", "本月完成了10座")
    assert result.links == ()
    assert [a.kind for a in result.ambiguities] == ["which_target"]


def test_share_is_a_share_of_the_target() -> None:
    (link,) = parse_progress("新增公共充电桩200个。", "充电桩完成八成").links
    assert (link.value, link.basis) == (160, "share")


def test_evidence_is_the_text_span() -> None:
    (link,) = parse_progress("新建污水管网12.5公里。", "累计铺设污水管网8600米。").links
    assert link.evidence == "8600米"


@pytest.mark.parametrize(
    ("content", "progress", "expected"),
    [
        # a stage word after 、 belongs to the next number
        ("实施危桥改造8座。", "危桥改造已完工3座、在建5座。", [(0, 3)]),
        ("改造老旧小区25个。", "已完工8个、在建5个，剩余12个正在进行施工图设计。", [(0, 8)]),
        # a shared predicate after the last number still covers the list
        ("新建篮球场10处。", "3处、5处均已开工。", []),
        # 投用 is a verb, not what is counted
        ("新建村级养老服务站15个。", "已建成投用6个，另有4个已开工建设。", [(0, 6)]),
        # identified / listed items are not done; 剩 is a remainder
        ("完成问题整改100件。", "梳理问题清单136件，已整改完成97件。", [(0, 97)]),
        ("完成道路白改黑8.5公里。", "白改黑完成6.2km，剩2.3km 下周铺完", [(0, 6.2)]),
        # the size of a project is not money delivered; the target's own stage is its metric
        (
            "招商引资到位资金50亿元，新签约亿元以上项目20个。",
            "到位资金18.7亿元；新签约亿元以上项目9个，总投资65亿元。",
            [(0, 1_870_000_000), (1, 9)],
        ),
        # numbers being worked on are not achieved
        ("实施背街小巷改造30条。", "已完成改造18条，正在施工8条。", [(0, 18)]),
        # year-on-year changes are not the rate, unless the target is a growth rate
        ("新建5G基站300个，城镇登记失业率控制在4%以内。", "新开通5G基站182个，同比增长15%。", [(0, 182)]),
        ("社会消费品零售总额增长6%。", "一季度社会消费品零售总额同比增长5.2%。", [(0, 5.2)]),
        ("空气质量优良天数比例达到80%。", "优良天数比例为76.2%，同比提高3.1个百分点。", [(0, 76.2)]),
        # induced effects are another metric
        ("发放消费券500万元。", "已发放消费券共计320万元，带动消费2100万元。", [(0, 3_200_000)]),
        # inline list markers in one-line chat replies
        (
            "新增停车泊位256个，公共充电桩总数达到400个。",
            "1.停车位新增了 120 个 2.充电桩累计 388 个",
            [(0, 120), (1, 388)],
        ),
        # parts named only by a short qualifier add up; a summary total still wins
        ("举办招聘活动50场次。", "招聘会搞了3场，线上的2场", [(0, 5)]),
        ("举办全民健身赛事20场。", "区里办了3场 镇街办了4场 一共7场", [(0, 7)]),
        ("更新改造老旧小区40个。", "更正一下 已完工是35个不是53个", [(0, 35)]),
        # a named share survives hedges and chat spaces; an unnamed one is overall progress
        ("完成电动自行车充电设施建设500个。", "充电设施 完成 大概八成", [(0, 400)]),
        ("完成农村道路硬化15公里。", "完成了大概八成吧", []),
    ],
)
def test_general_rules(content: str, progress: str, expected: list[tuple[int, float]]) -> None:
    assert links(content, progress) == [(i, pytest.approx(v)) for i, v in expected]


@pytest.mark.parametrize(
    ("content", "progress", "expected"),
    [
        # money counted as 资金 links to a 元 target
        ("发放稳岗补贴800万元。", "向1260家企业发放稳岗返还资金612.5万元。", [(0, 6_125_000)]),
        # the target is itself an induced count
        (
            "发放创业担保贷款2亿元，带动就业3000人。",
            "累计发放创业担保贷款15680万元，扶持创业1236人，带动就业2891人。",
            [(0, 156_800_000), (1, 2891)],
        ),
        (
            "发放创业担保贷款1亿元，新增城镇就业500人。",
            "发放贷款6000万元，带动就业320人。",
            [(0, 60_000_000)],
        ),
        # a finished clause is not a chat topic
        ("全年完成造林绿化2万亩。", "已完成全年任务，累计造林2.15万亩。", [(0, 21_500)]),
        ("实施S216省道改造工程15.6公里。", "已完成改造并通车10.2公里，剩余5.4公里正在施工。", [(0, 10.2)]),
        ("全市5G基站总数达到8000个以上。", "今年新建5G基站620个，全市累计建成7480个。", [(0, 7480)]),
        # chat
        ("建设口袋公园5处，城市绿道3公里。", "公园做完3处 绿道还在设计", [(0, 3)]),
        ("新增公共停车位800个，新建充电桩120个。", "停车位 680 充电桩 120 全部完成", [(0, 680), (1, 120)]),
        ("完成高标准农田建设2万亩。", "1万2亩已经弄完 剩下的估计下月", [(0, 12_000)]),
        ("新建污水处理站8座，新增处理能力0.8万吨/日。", "新增处理能力8000吨/日", [(1, 8000)]),
        ("新增停车位300个。", "写错了应该是二百个", [(0, 200)]),
        ("改造老旧小区12个。", "12个小区 都开工了 完工五个", [(0, 5)]),
        ("改造老旧小区12个，涉及2400户。", "12个小区 2400户 都弄完了", [(0, 12)]),
    ],
)
def test_round2_language_rules(content: str, progress: str, expected: list) -> None:
    assert links(content, progress) == expected
