"""Targets from an item's content."""

import pytest

from nlp.targets import extract_targets


def triples(content: str) -> list[tuple[float, str, str]]:
    return [(t.value, t.unit, t.kind) for t in extract_targets(content)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("新增停车泊位256个，公共充电桩总数达到400个。", [(256, "个", "increment"), (400, "个", "total")]),
        ("扩增普通高中学位400个，高中入学比例提高至70%。", [(400, "个", "increment"), (70, "%", "percent")]),
        (
            "举办线上线下招聘活动50场次以上，新增城镇就业2800人以上，力争发放创业担保贷款1亿元。",
            [(50, "场次", "increment"), (2800, "人", "increment"), (1e8, "元", "increment")],
        ),
        ("建设“四好农村路”46公里、“户户通”62公里。", [(46, "公里", "increment"), (62, "公里", "increment")]),
        ("完成1个非直供小区供电设施改造，实现“一户一表”。", [(1, "个", "increment")]),
        ("全面做好低收入“两癌”患病妇女救助等400人以上。", [(400, "人", "increment")]),
        ("实施G518店韩线、S313滕平线等外联主干道大中修工程。", []),
        (
            "为100个村级文化服务中心配送文娱设施1000余件。",
            [(100, "个", "increment"), (1000, "件", "increment")],
        ),
        ("城镇调查失业率控制在5.5%以内。", [(5.5, "%", "percent")]),
        ("2025年底前为辖区65岁以上老年人免费体检2万人。", [(20000, "人", "increment")]),
        ("每村配备1名网格员，全区共配备网格员300名。", [(300, "名", "increment")]),
        ("新建污水管网12.5km。", [(12.5, "公里", "increment")]),
        ("全年完成固定资产投资5亿元。", [(5e8, "元", "increment")]),
        ("启用府前路幼儿园，普惠性幼儿园覆盖率稳步提升。", []),
    ],
)
def test_extract_targets(content: str, expected: list[tuple[float, str, str]]) -> None:
    assert triples(content) == [(pytest.approx(v), u, k) for v, u, k in expected]


def test_target_names_are_the_counted_noun() -> None:
    names = [t.name for t in extract_targets("新增停车泊位256个，公共充电桩总数达到400个。")]
    assert names == ["停车泊位", "公共充电桩"]
    names = [t.name for t in extract_targets("完成51个行政村、65个供电台区电网升级改造。")]
    assert names[0] == "行政村" and "供电台区" in names[1]
