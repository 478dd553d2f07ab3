"""Splitting a reply into its parts and a multi-item reply into items."""

import pytest

from nlp.reply import is_none, numbered_items, split_items, split_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("进展：新增35个。问题：无。计划：下月完成剩余。", ("新增35个。", "无", "下月完成剩余。")),
        ("进展:完成了 存在问题:暂无 下步计划:继续推进", ("完成了", "无", "继续推进")),
        (
            "新增停车位35个\n存在问题：资金不足\n4月份计划：完成验收",
            ("新增停车位35个", "资金不足", "完成验收"),
        ),
        ("进展情况：累计建成399个；存在问题：没有；下月计划：继续推进", ("累计建成399个", "无", "继续推进")),
        ("已完成80% 问题 没有 计划 5月完工", ("已完成80%", "无", "5月完工")),
        ("【进展】完成一半【问题】无【下月计划】收尾", ("完成一半", "无", "收尾")),
        ("计划扩招400个，目前已上报", ("计划扩招400个，目前已上报", "", "")),
        ("累计建成公共充电桩399个。", ("累计建成公共充电桩399个。", "", "")),
        ("进展：已开工\n下一步工作计划：加快施工", ("已开工", "", "加快施工")),
    ],
)
def test_split_parts(text: str, parts: tuple[str, str, str]) -> None:
    got = split_parts(text)
    assert (got.progress, got.problems, got.plan) == parts


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1.停车位新增35个；2.充电桩累计399个", {1: "停车位新增35个", 2: "充电桩累计399个"}),
        ("1、完成了\n2、还没开始\n3、招标中", {1: "完成了", 2: "还没开始", 3: "招标中"}),
        ("（1）已完成（2）正在施工", {1: "已完成", 2: "正在施工"}),
        ("①完成②未完成", {1: "完成", 2: "未完成"}),
        ("1.西集镇3个片区\n2.2个省级示范村", {1: "西集镇3个片区", 2: "2个省级示范村"}),
        ("一、已完成 二、正在推进", {1: "已完成", 2: "正在推进"}),
        ("1.2万元已发放", {}),
        ("累计建成399个", {}),
        ("2.2个村", {}),
    ],
)
def test_split_items(text: str, items: dict[int, str]) -> None:
    assert split_items(text) == items


@pytest.mark.parametrize(
    "text", ["无", "暂无", "暂无。", "没有", "没有问题", "无问题", "none", "无 ", "无。"]
)
def test_is_none(text: str) -> None:
    assert is_none(text)


@pytest.mark.parametrize("text", ["资金不足", "有问题", "无法按期完工", "", "暂无资金"])
def test_is_not_none(text: str) -> None:
    assert not is_none(text)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("1. 完成3处\n2. 完成2公里", True),
        ("（1）完成3处（2）完成2公里", True),
        ("1.12个乡镇已建成。\n2.村级中心完成41个", False),  # 1.12个 or item 1's 12个
    ],
)
def test_numbered_items_say_whether_the_marks_could_be_figures(text, plain):
    parts, got = numbered_items(text)
    assert sorted(parts) == [1, 2] and got is plain
