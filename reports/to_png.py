"""PNG charts: completion against 序时进度 per item, and an overview of lights per category."""

from __future__ import annotations

import io

from reports.figures import item_ref, pct
from reports.ledger import STATUS_LABELS, Ledger, LedgerRow
from reports.lights import LIGHT_LABELS

LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f2a900", "red": "#c62828"}
WIDTH_PX, DPI = 1200, 100
BASE_PX, ROW_PX = 170, 30  # title, axis and legend; one bar
# A chart with thousands of bars is unreadable (and Agg refuses images over 2**16 px): beyond these,
# the charts show the most lagging items / categories and say so in the title.
MAX_ITEMS = 60
MAX_CATEGORIES = 40
LABEL_CHARS = 26


def chart_size(bars: int) -> tuple[int, int]:
    """Return the (width, height) in pixels of a chart with this many bars."""
    return WIDTH_PX, BASE_PX + ROW_PX * max(bars, 1)


def _label(text: str, limit: int = LABEL_CHARS) -> str:
    text = text.replace("\n", "").rstrip("。；;，, ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _figure(bars: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = chart_size(bars)
    # A bare Figure on its own Agg canvas: no pyplot, so no global figure state between calls or threads.
    fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _lagging_first(rows: list[LedgerRow]) -> list[LedgerRow]:
    return sorted(rows, key=lambda r: (r.status == "completed", -(r.gap or 0.0), r.seq, r.item_id))


def items_chart(ledger: Ledger, *, top: int | None = None) -> bytes:
    """Draw completion per item as bars in the light's colour, with each item's 序时进度 marked."""
    return _png(items_figure(ledger, top=top))


def items_figure(ledger: Ledger, *, top: int | None = None):
    """Return the Figure ``items_chart`` draws (each bar labelled "[N] content", N as in chat)."""
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from reports.fonts import cjk_font_properties

    font = cjk_font_properties()
    rows = list(ledger.rows)
    title = f"{ledger.title}：完成率与序时进度"
    if top is None and len(rows) > MAX_ITEMS:
        top = MAX_ITEMS
    if top is not None:
        title = f"{ledger.title}：滞后最多的 {min(top, len(rows))} 项（共 {len(rows)} 项）"
        rows = _lagging_first(rows)[:top]
    fig = _figure(len(rows))
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    values = [(r.completion or 0.0) * 100 for r in rows]
    ax.barh(y, values, height=0.62, color=[LIGHT_COLOURS[r.light] for r in rows])
    ax.scatter(
        [r.schedule * 100 for r in rows], y, marker="|", s=260, linewidths=2.2, color="#222222", zorder=3
    )
    ax.axvline(ledger.schedule * 100, linestyle="--", linewidth=1, color="#666666", zorder=2)
    for yi, row, value in zip(y, rows, values, strict=True):
        note = (
            pct(row.completion)
            if row.completion is not None
            else f"{STATUS_LABELS[row.status]}（无量化指标）"
        )
        colour = "#333333"
        if value < 1:
            # No bar to carry the light's colour: a coloured dot and note carry it instead.
            note, colour = f"● {note}", LIGHT_COLOURS[row.light]
        ax.text(
            max(value, row.schedule * 100) + 1.2,
            yi,
            note,
            va="center",
            fontproperties=font,
            fontsize=9,
            color=colour,
        )
    ax.set_yticks(
        y,
        [f"{item_ref(r.number)} {_label(r.content)}" for r in rows],
        fontproperties=font,
        fontsize=9,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 125)
    ax.set_xticks(range(0, 101, 20), [f"{v}%" for v in range(0, 101, 20)], fontproperties=font)
    ax.set_xlabel("完成率", fontproperties=font)
    ax.set_title(title, fontproperties=font, fontsize=13)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles: list[Artist] = [
        Patch(color=LIGHT_COLOURS[k], label=LIGHT_LABELS[k]) for k in ("green", "yellow", "red")
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="|",
            linestyle="none",
            markersize=12,
            markeredgewidth=2,
            color="#222222",
            label="本项序时进度",
        ),
        Line2D([], [], linestyle="--", color="#666666", label=f"全年序时进度 {pct(ledger.schedule)}"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), prop=font, frameon=False)
    return fig


def categories_chart(ledger: Ledger) -> bytes:
    """Draw per category how many items are green, yellow and red, with the average completion."""
    from matplotlib.patches import Patch

    from reports.fonts import cjk_font_properties

    font = cjk_font_properties()
    groups = []
    for seq, category, rows in ledger.categories():
        counts = {k: sum(1 for r in rows if r.light == k) for k in ("green", "yellow", "red")}
        known = [r.completion for r in rows if r.completion is not None]
        groups.append(
            (seq, category, counts, sum(known) / len(known) if known else None, len(known), len(rows))
        )
    title = f"{ledger.title}：各类项目灯情"
    if len(groups) > MAX_CATEGORIES:
        title = f"{ledger.title}：滞后最多的 {MAX_CATEGORIES} 类（共 {len(groups)} 类）"
        groups = sorted(groups, key=lambda g: (-g[2]["red"], -g[2]["yellow"], g[0]))[:MAX_CATEGORIES]
    fig = _figure(len(groups))
    ax = fig.add_subplot()
    y = list(range(len(groups)))
    left = [0] * len(groups)
    for light in ("red", "yellow", "green"):
        widths = [g[2][light] for g in groups]
        ax.barh(y, widths, left=left, height=0.62, color=LIGHT_COLOURS[light], label=LIGHT_LABELS[light])
        for yi, x0, w in zip(y, left, widths, strict=True):
            if w:
                ax.text(
                    x0 + w / 2,
                    yi,
                    str(w),
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=9,
                    fontproperties=font,
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    widest = max(left, default=1) or 1
    for yi, total, group in zip(y, left, groups, strict=True):
        average = (
            "无量化指标"
            if group[3] is None
            else f"平均完成率 {pct(group[3])}（{group[4]}/{group[5]} 项有量化指标）"
        )
        ax.text(
            total + widest * 0.02, yi, average, va="center", fontproperties=font, fontsize=9, color="#333333"
        )
    ax.set_yticks(y, [f"{g[0]}、{_label(g[1], 16)}" for g in groups], fontproperties=font, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, widest * 1.35)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("项目数", fontproperties=font)
    ax.set_title(title, fontproperties=font, fontsize=13)
    handles = [Patch(color=LIGHT_COLOURS[k], label=LIGHT_LABELS[k]) for k in ("green", "yellow", "red")]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, prop=font, frameon=False)
    return _png(fig)
