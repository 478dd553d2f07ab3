"""Quantities: number + unit, multipliers absorbed, names and codes left alone."""

import pytest

from nlp.clauses import mask_markers
from nlp.measures import convert
from nlp.quantities import find_quantities


def pairs(text: str, bare: bool = False) -> list[tuple[float, str]]:
    return [(q.value, q.unit) for q in find_quantities(text, bare=bare)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新增停车泊位256个，公共充电桩总数达到400个。", [(256, "个"), (400, "个")]),
        ("发放创业担保贷款2575万元", [(25_750_000, "元")]),
        ("力争发放创业担保贷款1亿元", [(100_000_000, "元")]),
        ("累计完成投资1.2亿元", [(120_000_000, "元")]),
        ("配送文娱设施1000余件", [(1000, "件")]),
        ("新增城镇就业2800人以上", [(2800, "人")]),
        ("发放保障金16.9余万元", [(169_000, "元")]),
        ("惠及1万多人", [(10_000, "人")]),
        ("铺设雨污管网170m", [(170, "米")]),
        ("建设绿道3.5km", [(3.5, "公里")]),
        ("约3千米", [(3, "公里")]),
        ("绿化6.8万㎡", [(68_000, "平方米")]),
        ("植树造林1.5万亩", [(15_000, "亩")]),
        ("举办招聘活动50场次以上", [(50, "场次")]),
        ("入学比例提高至70%", [(70, "%")]),
        ("完成全年任务的百分之四十", [(40, "%")]),
        ("充电桩完成八成", [(80, "%")]),
        ("已建成篮球场８处", [(8, "处")]),
        ("共举办健身活动三十五场", [(35, "场")]),
        ("新增停车位2,860个", [(2860, "个")]),
        ("已接种32865剂次", [(32865, "剂次")]),
        ("候车亭 已装 26 个", [(26, "个")]),
    ],
)
def test_find_quantities(text: str, expected: list[tuple[float, str]]) -> None:
    assert pairs(text) == [(pytest.approx(v), u) for v, u in expected]


@pytest.mark.parametrize(
    "text",
    [
        "建设“四好农村路”",
        "实现“一户一表”",
        "做好“两癌”救助",
        "开展“五个一”活动",
        "一次性补贴",
        "千家万户",
        "十四五期间",
        "2025年3月15日",
        "3岁以下婴幼儿",
        "G518店韩线",
        "S313滕平线",
        "3号楼",
        "第3批",
        "第 3 处",
        "前3个月",
        "主体二次结构施工",
        "1至3层",
        "10kV线路",
        "《2025年提升方案》",
        "同一家医院",
        "一站式服务",
        "一村一品",
    ],
)
def test_names_codes_and_dates_are_not_quantities(text: str) -> None:
    assert pairs(text) == []


def test_list_markers_are_not_numbers() -> None:
    text = "1.崇文北路已铺设管网170m。\n2.2个省级示范村正招标"
    assert pairs(text) == [(170, "米"), (2, "个")]


def test_bare_numbers_only_on_request() -> None:
    assert pairs("累计404了") == []
    assert pairs("累计404了", bare=True) == [(404, "")]
    assert pairs("完成投资0.2亿", bare=True) == [(20_000_000, "")]
    assert pairs("2025年", bare=True) == []


def test_quantity_offsets_point_into_original_text() -> None:
    text = "已建成篮球场８处"
    (q,) = find_quantities(text)
    assert text[q.start : q.end] == q.text == "８处"


def test_approximation_flag() -> None:
    (q,) = find_quantities("文娱设施1000余件")
    assert q.approx


@pytest.mark.parametrize(
    ("value", "unit", "to", "expected"),
    [
        (500, "米", "公里", 0.5),
        (3, "km", "米", 3000),
        (0.2, "亿元", "元", 20_000_000),
        (2575, "万元", "元", 25_750_000),
        (25_750_000, "元", "亿元", 0.2575),
        (1, "亩", "平方米", 10_000 / 15),
        (5, "场", "场次", 5),
        (3, "千米", "公里", 3),
        (7, "个", "个", 7),
    ],
)
def test_convert(value: float, unit: str, to: str, expected: float) -> None:
    assert convert(value, unit, to) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("unit", "to"), [("个", "处"), ("户", "人"), ("公里", "元"), ("%", "个"), ("人", "人次")]
)
def test_convert_refuses_different_measures(unit: str, to: str) -> None:
    assert convert(1, unit, to) is None


def test_inline_list_markers_only_when_they_continue_the_list() -> None:
    assert mask_markers("1.停车位120个 2.充电桩388个") == "  停车位120个   充电桩388个"
    assert mask_markers("停车位120个 2.充电桩388个") == "停车位120个 2.充电桩388个"  # no list opened
    assert mask_markers("1.已完成3号楼 3.5公里") == "  已完成3号楼 3.5公里"  # 3 does not continue 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1万2亩已经弄完", [(12_000, "亩")]),
        ("体检了1万5千多人", [(15_000, "人")]),
        ("新增就业2万3500人", [(23_500, "人")]),
        ("完成投资1亿2000万元", [(120_000_000, "元")]),
        ("新增污水处理能力3万吨/日", [(30_000, "吨/日")]),
        ("PM2.5平均浓度33微克/立方米", [(33, "微克/立方米")]),
        ("1.5万亩已完成", [(15_000, "亩")]),  # a decimal at the start, not list item 1.
        ("1.西集镇3个片区\n2.2个示范村", [(3, "个"), (2, "个")]),
    ],
)
def test_spoken_mixed_numbers_rate_units_and_leading_decimals(text: str, expected: list) -> None:
    assert pairs(text) == expected


def test_bare_number_before_a_chat_space_is_kept() -> None:
    assert pairs("停车位 680 充电桩 120 全部完成", bare=True) == [(680, ""), (120, "")]
