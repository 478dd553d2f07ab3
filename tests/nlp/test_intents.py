"""A coordinator's questions, as a table: what a reader of the Chinese expects each one to ask for.

The expectations were written by reading the questions, not by running the parser; a row the parser
gets wrong today is marked xfail (strict), so fixing the parser turns it into a failure to un-mark.
"""

from __future__ import annotations

import pytest

from nlp.intents import Query, Vocabulary, match_items, parse_query

VOCAB = Vocabulary(
    units=(
        ("区住建局", ("住建局",)),
        ("区卫健局", ()),
        ("区发改局", ()),
        ("区教体局", ("教育局",)),
    ),
    items=(
        (1, "新增停车泊位256个"),
        (2, "建设公共充电桩400个"),
        (3, "老旧小区改造12个"),
        (4, "新建停车场3处"),
    ),
)


def _wrong(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# text → (kind, unit, keyword), or None when it is not a question the bot answers
QUESTIONS = [
    # missing: who has not reported
    ("哪些单位还没报？", ("missing", None, None)),
    ("谁还没有填报", ("missing", None, None)),
    ("还有哪几个单位未上报", ("missing", None, None)),
    ("本月漏报的有哪些", ("missing", None, None)),
    ("哪家没交", ("missing", None, None)),
    # lagging: behind schedule, overall or for one unit
    ("哪些项目滞后？", ("lagging", None, None)),
    ("哪些进度慢", ("lagging", None, None)),
    ("亮红灯的有哪些", ("lagging", None, None)),
    ("住建局有没有落后的项目", ("lagging", "区住建局", None)),
    ("卫健局哪些低于序时进度", ("lagging", "区卫健局", None)),
    # unit: one unit's items, by full name, alias or the short form people type
    ("区卫健局的情况", ("unit", "区卫健局", None)),
    ("住建局进展怎么样", ("unit", "区住建局", None)),
    ("住建局\u3000进展如何", ("unit", "区住建局", None)),
    ("发改那边怎么样了", ("unit", "区发改局", None)),
    ("教育局本月进度", ("unit", "区教体局", None)),
    # history: an item's reports across periods
    ("停车泊位的历史进展", ("history", None, "停车泊位")),
    pytest.param(
        "充电桩每月变化",
        ("history", None, "充电桩"),
        marks=_wrong("每月 marks a history question but is not dropped from the keyword"),
    ),
    pytest.param(
        "住建局老旧小区改造的历次记录",
        ("history", "区住建局", "老旧小区改造"),
        marks=_wrong("the unit's name stays in the item keyword"),
    ),
    # overview: the whole ledger
    ("总体情况如何？", ("overview", None, None)),
    ("整体进度怎么样", ("overview", None, None)),
    ("汇总一下", ("overview", None, None)),
    pytest.param(
        "全区大盘怎么样",
        ("overview", None, None),
        marks=_wrong("全区 is not filler, so 全区大盘 is taken for an item keyword"),
    ),
    # item: one item's progress, by a keyword from its text
    ("充电桩建设进展如何", ("item", None, "充电桩建设")),
    ("停车场完成多少了", ("item", None, "停车场")),
    ("老旧小区改造进度", ("item", None, "老旧小区改造")),
    pytest.param(
        "学校的情况怎么样了",
        ("item", None, "学校"),
        marks=_wrong("a two-character keyword before 怎么样了 is read as an overview"),
    ),
    # not a question
    ("你好", None),
    ("收到，谢谢", None),
    ("", None),
    ("   ", None),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS)
def test_parse_query(text: str, expected: tuple[str, str | None, str | None] | None) -> None:
    query: Query | None = parse_query(text, VOCAB)
    got = None if query is None else (query.kind, query.unit, query.keyword)
    assert got == expected


# keyword → item ids, best first
ITEM_KEYWORDS = [
    ("充电桩", [2]),
    ("停车", [1, 4]),
    ("泊位", [1]),
    ("小区改造", [3]),
    ("篮球场", []),
]


@pytest.mark.parametrize(("keyword", "expected"), ITEM_KEYWORDS)
def test_match_items(keyword: str, expected: list[int]) -> None:
    assert match_items(keyword, VOCAB) == expected
