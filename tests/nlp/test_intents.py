"""A coordinator's questions, as a table: what a reader of the Chinese expects each one to ask for.

The expectations were written by reading the questions, not by running the parser. The larger blind
sets (tests/blind) hold the overall score; this table pins the rules one by one.
"""

from __future__ import annotations

from datetime import date

import pytest

from nlp.intents import ItemWords, Query, Vocabulary, parse_query, suggest
from nlp.item_match import find_code, find_number
from nlp.periods import find_period
from nlp.units import find_unit

TODAY = date(2025, 3, 20)
VOCAB = Vocabulary(
    units=(
        ("区住建局", ("住建局",)),
        ("区卫健局", ("卫健局",)),
        ("区发改局", ("发改局",)),
        ("区教体局", ("教育局",)),
        ("区人力资源社会保障局", ()),
    ),
    items=(
        ItemWords(id=11, number=1, content="新增停车泊位256个", units=("区住建局",)),
        ItemWords(id=12, number=2, content="建设公共充电桩400个", units=("区发改局",)),
        ItemWords(id=13, number=3, content="老旧小区改造12个", units=("区住建局",)),
        ItemWords(id=14, number=4, content="新建停车场3处", units=("区住建局",)),
        ItemWords(id=15, number=5, content="新建学校2所", units=("区教体局",), progress="实验小学主体封顶"),
        ItemWords(id=16, number=6, content="开展职业技能培训", units=("区人力资源社会保障局",)),
        ItemWords(id=17, number=7, content="PM2.5平均浓度控制在42以内", units=("区生态环境分局",)),
        # Two items under one category: its words name both, each item's own words name it first.
        ItemWords(
            id=18, number=8, category="就业服务工程", content="新增城镇就业2800人", units=("区人社局",)
        ),
        ItemWords(
            id=19, number=9, category="就业服务工程", content="新增高技能人才1000人", units=("区人社局",)
        ),
    ),
)


def _wrong(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# text → (kind, unit, item ids, period), or None when it is not a question the bot answers
QUESTIONS = [
    # missing / filed and their counts
    ("哪些单位还没报？", ("missing", None, (), None)),
    ("谁还没有填报", ("missing", None, (), None)),
    ("本月漏报的有哪些", ("missing", None, (), "2025-03")),
    ("还有几家没交", ("count_missing", None, (), None)),
    ("哪些单位已经报了", ("filed", None, (), None)),
    ("交了多少家了", ("count_filed", None, (), None)),
    # lagging, lights, and a unit's lagging
    ("哪些项目滞后？", ("lagging", None, (), None)),
    ("跟不上序时的有哪些", ("lagging", None, (), None)),
    ("亮红灯的有哪些", ("red", None, (), None)),
    ("黄灯项目", ("yellow", None, (), None)),
    ("滞后的一共几项", ("count_lagging", None, (), None)),
    ("有哪些没达到序时进度的", ("lagging", None, (), None)),  # 没…的 here is not "who has not filed"
    ("住建局有没有落后的项目", ("unit_lagging", "区住建局", (), None)),
    ("卫健局哪些低于序时进度", ("unit_lagging", "区卫健局", (), None)),
    # status filters
    ("哪些已经完成了", ("completed", None, (), None)),
    ("还没启动的项目", ("not_started", None, (), None)),
    ("弄完的项目有啥", ("completed", None, (), None)),
    ("搞定了的有哪些", ("completed", None, (), None)),
    # unit: full name, alias, short form, a typo, a shortened long name; problems
    ("区卫健局的情况", ("unit", "区卫健局", (), None)),
    ("住建局\u3000进展如何", ("unit", "区住建局", (), None)),
    ("发改那边怎么样了", ("unit", "区发改局", (), None)),
    ("教育局本月进度", ("unit", "区教体局", (), "2025-03")),
    ("卫建局怎么样", ("unit", "区卫健局", (), None)),
    ("人社局上个月情况", ("unit", "区人力资源社会保障局", (), "2025-02")),
    ("住建局存在什么困难", ("unit_problems", "区住建局", (), None)),
    # history: by words or number, a run of months
    ("停车泊位的历史进展", ("history", None, (11,), None)),
    ("充电桩每月变化", ("history", None, (12,), None)),
    ("第3项从1月到现在的进展", ("history", None, (13,), None)),
    # overview
    ("总体情况如何？", ("overview", None, (), None)),
    ("二月份汇总一下", ("overview", None, (), "2025-02")),
    ("全区大盘怎么样", ("overview", None, (), None)),
    # item: by words, typo, progress words, number forms, a unit narrowing it, several fitting
    ("充电桩建设进展如何", ("item", None, (12,), None)),
    ("充电装建得咋样", ("item", None, (12,), None)),
    ("实验小学封顶没", ("item", None, (15,), None)),
    ("第2项", ("item", None, (12,), None)),
    ("[4] 到哪一步了", ("item", None, (14,), None)),
    ("看下5", ("item", None, (15,), None)),
    ("六号怎么样", ("item", None, (16,), None)),
    ("看下第2、3项", ("item", None, (12, 13), None)),
    ("1和4号进展", ("item", None, (11, 14), None)),
    ("pm2.5现在多少", ("item", None, (17,), None)),  # case does not matter
    ("新增就业多少人了", ("item", None, (18,), None)),  # 就业 is item 8's own word, 9's only by category
    ("就业服务工程的项目", ("item", None, (18, 19), None)),
    ("住建局的停车场", ("item", "区住建局", (14,), None)),
    ("停车的项目", ("item", None, (11, 14), None)),
    ("2025-02 老旧小区改造", ("item", None, (13,), "2025-02")),
    # the ledger itself
    ("把台账发我", ("ledger", None, (), None)),
    ("导出下表格 要Excel", ("ledger", None, (), None)),
    # not a question
    ("你好", None),
    ("进展：已完成前期手续 问题：无 计划：继续推进", None),  # a filing typed before 填报
    ("收到，谢谢", None),
    ("", None),
    ("   ", None),
]


def _got(query: Query | None) -> tuple | None:
    return None if query is None else (query.kind, query.unit, query.items, query.period)


@pytest.mark.parametrize(("text", "expected"), QUESTIONS)
def test_parse_query(text: str, expected: tuple | None) -> None:
    assert _got(parse_query(text, VOCAB, TODAY)) == expected


# (question before, follow-up) → what the follow-up asks
FOLLOW_UPS = [
    ("住建局怎么样", "那卫健局呢", ("unit", "区卫健局", (), None)),
    ("住建局有滞后的吗", "卫健局呢", ("unit_lagging", "区卫健局", (), None)),
    ("停车的项目", "第二个", ("item", None, (14,), None)),
    ("充电桩进展", "它的历史", ("history", None, (12,), None)),
    ("充电桩进展", "上个月呢", ("item", None, (12,), "2025-02")),
    ("谁还没报", "那有几家", ("count_missing", None, (), None)),
    ("还有几家没报", "都是哪几家", ("missing", None, (), None)),
    ("红灯项目", "黄灯的呢", ("yellow", None, (), None)),
    ("住建局怎么样", "那它有啥问题", ("unit_problems", "区住建局", (), None)),
    ("住建局怎么样", "滞后的呢", ("unit_lagging", "区住建局", (), None)),
    ("住建局怎么样", "哪些项目滞后", ("lagging", None, (), None)),  # a whole new question is not narrowed
]


@pytest.mark.parametrize(("before", "text", "expected"), FOLLOW_UPS)
def test_follow_up(before: str, text: str, expected: tuple) -> None:
    context = parse_query(before, VOCAB, TODAY)
    assert context is not None
    assert _got(parse_query(text, VOCAB, TODAY, context)) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("上个月", "2025-02"),
        ("本月", "2025-03"),
        ("三月份", "2025-03"),
        ("2025年1月", "2025-01"),
        ("2024-12", "2024-12"),
        ("一季度", "2025-03"),
        ("11月份", "2024-11"),  # a month after today's is last year's
        ("4月份计划", None),  # the plan column's header is not a period
        ("第三项", None),
    ],
)
def test_find_period(text: str, code: str | None) -> None:
    assert find_period(text, TODAY)[0] == code


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("第5项", 5),
        ("第二十六项", 26),
        ("27号", 27),
        ("[7]", 7),
        ("看下12", 12),
        ("那两项", None),
        ("33项实事", None),
    ],
)
def test_find_number(text: str, number: int | None) -> None:
    assert find_number(text)[0] == number


def test_an_item_code_however_shortened() -> None:
    items = [
        ItemWords(id=1, number=1, content="x", code="MS-2025-08"),
        ItemWords(id=2, number=2, content="y"),
    ]
    assert find_code("ms08到哪了", items) == 1
    assert find_code("ms09到哪了", items) is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("农业局", "区农业农村局"),
        ("执法局", "区综合行政执法局"),
        ("城管那边", "区综合行政执法局"),
        ("体育中心", "区体育事业发展中心"),
        ("教育基地", None),  # a word of an item, not a unit
    ],
)
def test_find_unit_by_the_names_people_use(text: str, unit: str | None) -> None:
    units = [("区农业农村局", ()), ("区综合行政执法局", ()), ("区体育事业发展中心", ()), ("区教体局", ())]
    found = find_unit(text, units)
    assert (found[0] if found else None) == unit


def test_nothing_fits_but_the_closest_items_are_offered() -> None:
    assert parse_query("你好泊车", VOCAB, TODAY) is None
    assert suggest("你好泊车", VOCAB)[0] == 11  # no pair fits; 泊 is in one item only
