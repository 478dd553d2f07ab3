"""Chat renderings: escaping per platform, the weekly summary's facts, and splitting within the limits."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from reports.ledger import ItemInput, TargetInput, UnitPart, build_ledger
from reports.splitting import measure_fn
from reports.to_text import (
    TELEGRAM_LIMIT,
    WECOM_APP_LIMIT,
    WECOM_ROBOT_LIMIT,
    ledger_text,
    split_message,
    summary_text,
)
from tests.reports.sample import generated_ledger

EVIL = 'a<b & c>d <script>x</script> **粗** <font color="warning">假</font> [点我](http://x.y) `code` #标题 &amp;'
LIMITS = [
    ("html", TELEGRAM_LIMIT, "chars"),
    ("markdown", WECOM_ROBOT_LIMIT, "bytes"),
    ("markdown", WECOM_APP_LIMIT, "bytes"),
    ("plain", 1000, "chars"),
]


def _evil_ledger():
    item = ItemInput(
        item_id=1,
        seq=1,
        category="安全\n测试",
        content=EVIL,
        units=("区<甲>局",),
        parts=(UnitPart(progress=f"进展 {EVIL}\n\n\n第二段", problems="无", plan=EVIL),),
        status="in_progress",
    )
    return build_ledger(2025, 3, [item])


class _Balance(HTMLParser):
    """Collect Telegram HTML tags and check they nest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.names: set[str] = set()
        self.ok = True

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def _balanced_html(text: str) -> set[str]:
    parser = _Balance()
    parser.feed(text)
    parser.close()
    assert parser.ok and not parser.stack, text[:200]
    return parser.names


def _wecom_markup_ok(text: str) -> None:
    """Assert only WeCom's own font tags appear, balanced, and bold markers pair up on every line."""
    tags = re.findall(r"<[^>]*>", text)
    assert all(re.fullmatch(r'<font color="(info|comment|warning)">|</font>', t) for t in tags), tags
    depth = 0
    for t in tags:
        depth += -1 if t == "</font>" else 1
        assert depth >= 0
    assert depth == 0
    for line in text.split("\n"):
        assert line.count("**") % 2 == 0, line


def test_html_escapes_user_text():
    text = ledger_text(_evil_ledger(), "html")
    assert _balanced_html(text) == {"b"}
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "a&lt;b &amp; c&gt;d" in text
    assert "&amp;amp;" in text  # an entity typed by a user is shown, not interpreted
    assert "区&lt;甲&gt;局" in text


def test_wecom_markdown_neutralises_markup_in_user_text():
    text = ledger_text(_evil_ledger(), "markdown")
    _wecom_markup_ok(text)
    assert "**粗**" not in text and "＊＊粗＊＊" in text
    assert "[点我](http://x.y)" not in text and "`" not in text
    assert "＃标题" in text and "区＜甲＞局" in text
    assert "## 1、安全测试" in text  # our own heading survives


def test_plain_keeps_text_as_typed():
    text = ledger_text(_evil_ledger(), "plain")
    assert EVIL in text
    assert "\n\n\n" not in text  # user blank lines cannot fake a row boundary


def _light_line(ledger) -> str:
    """The count line, from the rows' own lights (the light rules are tested in tests/test_lights.py)."""
    n = {c: sum(1 for r in ledger.rows if r.light == c) for c in ("red", "yellow", "green")}
    return (
        f"共 {len(ledger.rows)} 项：🔴红灯 {n['red']} 项 · 🟡黄灯 {n['yellow']} 项 · 🟢绿灯 {n['green']} 项"
    )


def test_ledger_text_lists_every_item_with_light_and_plan(seed):
    text = ledger_text(seed, "plain")
    assert text.startswith("2025年一季度民生实事工作进展情况台账\n报送期：2025年3月")
    assert _light_line(seed) in text
    for row in seed.rows:
        assert row.content in text
    assert "[24] 新增停车泊位256个，公共充电桩总数达到400个。\n🟢绿灯 · 推进中 · 完成率 56.7%" in text
    assert text.count("4月份计划：") == 32  # the completed item has no plan
    assert "6、和美乡村建设提升工程" in text


def test_summary_reports_units_lights_lagging_and_changes(seed, last_week):
    text = summary_text(seed, last_week, "plain")
    assert "报送期：2025年3月 · 序时进度 24.7%" in text
    assert "报送情况：21 个单位全部已报" in text
    assert _light_line(seed) in text
    lagging = text.split("滞后最多的项目\n")[1].split("\n\n")[0].split("\n")
    assert len(lagging) == 5
    assert lagging[0].startswith("1. 🔴红灯 [19] 完成桑村镇") and lagging[0].endswith("落后 49.7 个百分点")
    gaps = [float(re.search(r"落后 ([\d.]+)", line).group(1)) for line in lagging]
    assert gaps == sorted(gaps, reverse=True)
    changes = text.split("与上周相比\n")[1].split("\n")
    assert (
        changes[0]
        == "· [3] 推进全区20家定点医疗机构实现就医购药报销“刷脸办”：完成率 60.0% → 100.0%（+40.0），推进中 → 已完成"
    )
    assert any("举办全民健身赛事" in c and "🟡黄灯 → 🟢绿灯" in c for c in changes)
    assert any("实施43所公办学校" in c and "未启动 → 前期准备" in c for c in changes)
    assert len(changes) == 4


def test_summary_without_previous_week_and_with_missing_units(last_week):
    text = summary_text(last_week, None, "html")
    _balanced_html(text)
    assert "共 21 个单位，已报送 19 个，部分报送 0 个，未报送 2 个：区残联、山兴集团" in text
    assert "（无上周数据）" in text


def test_summary_added_and_removed_items(seed):
    item = ItemInput(
        item_id=99,
        seq=11,
        category="新类",
        content="新项目",
        units=("区甲局",),
        targets=(TargetInput(name="x", value=10, unit="个", achieved=5),),
    )
    now = build_ledger(2025, 3, [item])
    text = summary_text(now, seed, "markdown")
    _wecom_markup_ok(text)
    assert "· 新增：[1] 新项目（完成率 50.0%）" in text
    # Changed items first, then added, then removed; 34 changes, 30 listed.
    assert text.count("· 移除：") == 29 and "……另有 4 项有变化" in text
    assert "报送情况" not in text  # no unit list given, nothing to say


@pytest.mark.parametrize(("flavor", "limit", "measure"), LIMITS)
def test_split_keeps_rows_whole_and_within_limit(seed, flavor, limit, measure):
    text = ledger_text(seed, flavor)
    size = measure_fn(measure)
    assert size(text) > limit  # the seed needs several messages on every platform
    chunks = split_message(text, flavor, limit, measure=measure)
    assert len(chunks) > 1
    assert all(size(c) <= limit for c in chunks)
    assert "\n\n".join(chunks) == text  # nothing lost, nothing added, cuts only between rows
    for block in text.split("\n\n"):
        assert sum(block in c for c in chunks) == 1  # every row lands whole in one message
    for c in chunks:
        if flavor == "html":
            _balanced_html(c)
        if flavor == "markdown":
            _wecom_markup_ok(c)


@pytest.mark.parametrize(("flavor", "limit", "measure"), LIMITS)
def test_split_oversized_row_never_cuts_markup(flavor, limit, measure):
    long = "；".join(f"第{i}处 a<b & c>d **粗** [链](http://x) 已完成" for i in range(400))
    item = ItemInput(
        item_id=1,
        seq=1,
        category="类",
        content="超长项目",
        units=("区甲局",),
        parts=(UnitPart(progress=long),),
    )
    text = ledger_text(build_ledger(2025, 3, [item]), flavor)
    size = measure_fn(measure)
    chunks = split_message(text, flavor, limit, measure=measure)
    assert len(chunks) > 1 and all(size(c) <= limit for c in chunks)
    for c in chunks:
        if flavor == "html":
            _balanced_html(c)
            assert not re.search(r"&(?!amp;|lt;|gt;)", c)  # no entity cut in half
        if flavor == "markdown":
            _wecom_markup_ok(c)
    if flavor == "html":

        def visible(t: str) -> str:
            return html.unescape(re.sub(r"<[^>]+>", "", t)).replace("\n", "")

        assert "".join(visible(c) for c in chunks) == visible(text)


def test_split_counts_emoji_as_telegram_does():
    assert measure_fn("chars")("🟢a") == 3
    assert measure_fn("bytes")("绿a") == 4
    text = "\n\n".join(["🟢" * 10] * 3)
    chunks = split_message(text, "plain", 25, measure="chars")
    assert chunks == ["🟢" * 10] * 3  # 20 units each; two blocks together would be 42


def test_split_short_text_is_one_message():
    assert split_message("短消息", "html", TELEGRAM_LIMIT, measure="chars") == ["短消息"]
    assert split_message("", "html", TELEGRAM_LIMIT, measure="chars") == []


def test_large_ledger_splits_within_limits():
    ledger = generated_ledger(3300)
    text = ledger_text(ledger, "markdown")
    chunks = split_message(text, "markdown", WECOM_APP_LIMIT, measure="bytes")
    assert all(len(c.encode()) <= WECOM_APP_LIMIT for c in chunks)
    assert "\n\n".join(chunks) == text
    summary = summary_text(ledger, None, "html")
    assert len(summary) < TELEGRAM_LIMIT  # the weekly summary stays one message however big the ledger


def test_a_unit_that_filed_part_of_its_items_is_counted_once():
    """Issue 19: filed + partly filed + not filed = every unit (a partly filed unit was counted twice)."""

    def item(n, units, parts):
        return ItemInput(item_id=n, seq=1, category="类", content=f"项目{n}", units=units, parts=parts)

    items = [
        item(
            1,
            ("区甲局", "区乙局"),
            (UnitPart(unit="区甲局", progress="进展"), UnitPart(unit="区乙局", progress="进展")),
        ),
        item(2, ("区乙局",), ()),  # 区乙局 has not filed this one
        item(3, ("区丙局",), ()),
        item(4, ("区丁局",), (UnitPart(progress="导入的进展"),)),  # a joint text counts for its units
    ]
    ledger = build_ledger(
        2025,
        3,
        items,
        all_units=("区甲局", "区乙局", "区丙局", "区丁局"),
        reported_units=("区甲局", "区乙局", "区丁局"),
    )
    assert ledger.filed_units == ("区甲局", "区丁局")
    assert ledger.partly_units == ("区乙局",) and ledger.missing_units == ("区丙局",)
    text = summary_text(ledger, None, "plain")
    assert "报送情况：共 4 个单位，已报送 2 个，部分报送 1 个，未报送 1 个：区丙局" in text
