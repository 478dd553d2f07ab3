"""What the parser doubts (nlp/doubts.py): asked about, never silently dropped or guessed; parts are not doubts."""

from __future__ import annotations

import pytest

from nlp.progress import parse_progress

CHARGING = "公共充电桩总数达到400个。"


def doubts(content: str, progress: str) -> list[tuple[str, int | None, tuple[float, ...]]]:
    return [(a.kind, a.target, a.options) for a in parse_progress(content, progress).ambiguities]


@pytest.mark.parametrize(
    ("content", "progress", "expected"),
    [
        (CHARGING, "充电桩400", ("bare_number", 0, (400.0,))),
        ("建设口袋公园6处。", "建成3座口袋公园", ("other_measure", 0, (3.0,))),
        ("新增养老服务站点20家。", "养老服务站点建了12个", ("other_measure", 0, (12.0,))),
        (CHARGING, "充电桩建成380个，充电桩390个", ("two_figures", 0, (380.0, 390.0, 770.0))),
        (CHARGING, "充电桩完成八成", ("share", 0, (320.0,))),
        (CHARGING, "充电桩完成了一半", ("share", 0, (200.0,))),
        (CHARGING, "充电桩过半了", ("share", 0, ())),
        # a share said of the item's one target without naming it: the target's, or overall progress?
        ("新建城市绿道10公里。", "正在施工 完成了七成左右", ("share", 0, (7.0,))),
        ("建设口袋公园6处。", "完成了大概五成", ("share", 0, (3.0,))),
        # a sum of figures far over the target: each figure is offered, not only 确认无误 or 重填
        (
            "新增规上工业企业20家。",
            "新增规上工业企业14家，已推荐企业18家。",
            ("over_target", 0, (14.0, 18.0)),
        ),
    ],
)
def test_each_doubt_is_raised(content, progress, expected):
    assert expected in doubts(content, progress)


@pytest.mark.parametrize(
    ("content", "progress"),
    [
        ("新增停车泊位256个。", "停车位建了20个 停车位又建了30个"),  # 又: an addition, summed
        (
            "新增样板村卫生室30处。",
            "30处样板村卫生室已全部开工建设，其中新建7家、改扩建23家",
        ),  # parts, starts
        (CHARGING, "累计建成公共充电桩380个"),
        (CHARGING, "更正：累计建成380个不是390个"),
        (CHARGING, "充电桩还有一半没装"),
        ("新建城市绿道10公里。", "形象进度完成70%"),  # 形象进度 is overall progress, said so
        ("建设口袋公园6处，新建城市绿道10公里。", "完成了七成"),  # of which target? overall progress
    ],
)
def test_no_doubt_where_the_wording_settles_it(content, progress):
    assert doubts(content, progress) == []


def test_a_count_of_another_named_thing_is_not_asked_about_for_a_one_target_item():
    # 停车位 is not 危房: the reply (sent to the wrong item) says nothing about the target.
    result = parse_progress("改造低收入群体危房38户。", "停车位又新增了20个，充电桩累计建成400个")
    assert [a.kind for a in result.ambiguities] == []
    # Without a noun of its own, or naming the target, the same count in 个 is asked about.
    for reply in ("已改造20个", "危房改造完成20个"):
        kinds = [a.kind for a in parse_progress("改造低收入群体危房38户。", reply).ambiguities]
        assert kinds == ["other_measure"], reply
