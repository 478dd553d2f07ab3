"""Chat renderings of the ledger and the weekly summary: plain (console), Telegram HTML, WeCom markdown."""

from __future__ import annotations

import html
import re
from typing import Literal

from reports.columns import cell_text
from reports.figures import item_ref, pct, points
from reports.ledger import STATUS_LABELS, Ledger, LedgerRow
from reports.lights import LIGHT_EMOJI, LIGHT_LABELS
from reports.splitting import split_message
from reports.summary import LIGHT_ORDER, ItemChange, WeeklySummary, build_summary

__all__ = [
    "TELEGRAM_LIMIT",
    "WECOM_APP_LIMIT",
    "WECOM_ROBOT_LIMIT",
    "ledger_text",
    "split_message",
    "summary_from",
    "summary_text",
]

Flavor = Literal["plain", "html", "markdown"]
TELEGRAM_LIMIT = 4096  # UTF-16 code units, measure="chars"
WECOM_ROBOT_LIMIT = 4096  # UTF-8 bytes, measure="bytes"
WECOM_APP_LIMIT = 2048  # UTF-8 bytes, measure="bytes"

# WeCom markdown has no escape character: the characters that would start its markup become their
# full-width twins, which read the same in Chinese text.
_WECOM_MARKUP = str.maketrans({"<": "＜", ">": "＞", "*": "＊", "`": "｀", "[": "［", "]": "］", "#": "＃"})
# WeCom's three text colours: info is green, comment grey, warning orange-red.
_WECOM_COLOURS = {"green": "info", "yellow": "comment", "red": "warning"}
_BLANK_LINES = re.compile(r"\n\s*\n+")
SHORT = 28  # characters of an item's content quoted in summaries


class _Markup:
    """The few constructs the renderers need, in one flavour."""

    def __init__(self, flavor: Flavor):
        if flavor not in ("plain", "html", "markdown"):
            raise ValueError(f"unknown flavor {flavor!r}")
        self.flavor = flavor

    def esc(self, text: str) -> str:
        # Blank lines separate rows for the splitter, so none may come from user text.
        text = _BLANK_LINES.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
        if self.flavor == "html":
            return html.escape(text, quote=False)
        if self.flavor == "markdown":
            return text.translate(_WECOM_MARKUP)
        return text

    def bold(self, text: str) -> str:
        if self.flavor == "html":
            return f"<b>{text}</b>"
        if self.flavor == "markdown":
            return f"**{text}**"
        return text

    def heading(self, text: str) -> str:
        return f"## {text}" if self.flavor == "markdown" else self.bold(text)

    def light(self, light: str) -> str:
        label = LIGHT_LABELS[light]
        if self.flavor == "markdown":
            label = f'<font color="{_WECOM_COLOURS[light]}">{label}</font>'
        return f"{LIGHT_EMOJI[light]}{label}"


def _short(text: str, limit: int = SHORT) -> str:
    text = text.replace("\n", "").rstrip("。；;，, ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _period_label(period: str) -> str:
    year, month = period.split("-")
    return f"{int(year)}年{int(month)}月"


def _light_counts(m: _Markup, counts) -> str:
    return " · ".join(f"{m.light(light)} {n} 项" for light, n in counts)


def _row_block(m: _Markup, ledger: Ledger, row: LedgerRow, heading: str | None) -> str:
    lines = [m.heading(heading)] if heading else []
    title = "、".join(cell_text(c, row) for c in ledger.layout.columns if c.text == "title")
    lines.append(m.bold(f"{item_ref(row.number)} {m.esc(title)}"))
    lines.append(
        f"{m.light(row.light)} · {STATUS_LABELS[row.status]} · 完成率 {pct(row.completion)}"
        f" · 序时进度 {pct(row.schedule)}"
    )
    for column in ledger.layout.columns:
        if column.text != "line":
            continue
        value = cell_text(column, row, unit_separator="、")
        if value.strip():
            value = m.esc(value)
        elif column.text_empty is None:
            continue
        else:
            value = column.text_empty
        lines.append(f"{column.header(ledger.plan_month)}：{value}")
    return "\n".join(lines)


def ledger_text(ledger: Ledger, flavor: Flavor) -> str:
    """Render the compiled ledger for chat, one blank-line block per item (split it with split_message)."""
    m = _Markup(flavor)
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for row in ledger.rows:
        counts[row.light] += 1
    blocks = [
        "\n".join(
            [
                m.heading(m.esc(ledger.title)),
                f"报送期：{_period_label(ledger.period)} · 序时进度 {pct(ledger.schedule)}",
                f"共 {len(ledger.rows)} 项：{_light_counts(m, counts.items())}",
            ]
        )
    ]
    headings = [c for c in ledger.layout.columns if c.text == "heading"]
    for seq, _, rows in ledger.categories():
        for k, row in enumerate(rows, 1):
            # The category heading travels with its first item so a split never leaves it alone.
            label = "、".join(m.esc(cell_text(c, row).replace("\n", "")) for c in headings)
            heading = f"{seq}、{label}" if k == 1 else None
            blocks.append(_row_block(m, ledger, row, heading))
    return "\n\n".join(blocks)


def _change_line(m: _Markup, change: ItemChange) -> str:
    name = f"{item_ref(change.number)} {m.esc(_short(change.content))}"
    if change.kind == "added":
        return f"· 新增：{name}（完成率 {pct(change.completion_after)}）"
    if change.kind == "removed":
        return f"· 移除：{name}"
    facts = []
    if change.delta_points is not None and change.delta_points != 0:
        facts.append(
            f"完成率 {pct(change.completion_before)} → {pct(change.completion_after)}"
            f"（{'+' if change.delta_points > 0 else ''}{points(change.delta_points)}）"
        )
    elif (change.completion_before is None) != (change.completion_after is None):
        facts.append(f"完成率 {pct(change.completion_before)} → {pct(change.completion_after)}")
    # A changed item has both weeks' status and light.
    status_before, status_after = change.status_before, change.status_after
    if status_before is not None and status_after is not None and status_before != status_after:
        facts.append(f"{STATUS_LABELS[status_before]} → {STATUS_LABELS[status_after]}")
    light_before, light_after = change.light_before, change.light_after
    if light_before is not None and light_after is not None and light_before != light_after:
        facts.append(f"{m.light(light_before)} → {m.light(light_after)}")
    return f"· {name}：{'，'.join(facts)}"


def summary_from(summary: WeeklySummary, flavor: Flavor) -> str:
    """Render a computed weekly summary for chat."""
    m = _Markup(flavor)
    reported, missing, partly = summary.reported_units, summary.missing_units, summary.partly_units
    head = [
        m.heading(f"{m.esc(summary.title)} · 周报"),
        f"报送期：{_period_label(summary.period)} · 序时进度 {pct(summary.schedule)}",
    ]
    if missing or partly:
        # Each unit counted once, as 概况 counts them: filed everything, filed part, filed nothing.
        names = f"：{m.esc('、'.join(missing))}" if missing else ""
        head.append(
            f"报送情况：共 {len(reported) + len(missing)} 个单位，已报送 {len(reported) - len(partly)} 个，"
            f"部分报送 {len(partly)} 个，未报送 {len(missing)} 个{names}"
        )
    elif reported:
        head.append(f"报送情况：{len(reported)} 个单位全部已报")
    head.append(f"共 {summary.item_count} 项：{_light_counts(m, summary.light_counts)}")
    blocks = ["\n".join(head)]
    lagging = [m.bold("滞后最多的项目")]
    for i, item in enumerate(summary.lagging, 1):
        lagging.append(
            f"{i}. {m.light(item.light)} {item_ref(item.number)} {m.esc(_short(item.content))}（{m.esc('、'.join(item.units))}）"
            f"完成率 {pct(item.completion)}，序时进度 {pct(item.schedule)}，落后 {points(item.gap)} 个百分点"
        )
    if not summary.lagging:
        lagging.append("无滞后项目。")
    blocks.append("\n".join(lagging))
    changes = [m.bold("与上周相比")]
    if summary.first_filed:
        changes.append(f"{summary.first_filed} 项上周还没有任何填报，不作比较。")
    if not summary.compared:
        changes.append("（无上周数据）")
    elif not summary.changes and not summary.first_filed:
        changes.append("无变化。")
    changes.extend(_change_line(m, c) for c in summary.changes)
    if summary.more_changes:
        changes.append(f"……另有 {summary.more_changes} 项有变化")
    blocks.append("\n".join(changes))
    return "\n\n".join(blocks)


def summary_text(ledger: Ledger, previous: Ledger | None, flavor: Flavor) -> str:
    """Render the weekly summary: period, reported/missing units, lights, most lagging, changes since last week."""
    return summary_from(build_summary(ledger, previous), flavor)
