"""The ledger's column schema: which columns a ledger has, what each means and how each renders.

Every reader and renderer iterates a ``LedgerLayout``; none addresses a column by its position.
Adding a column to a layout is one ``Column(...)`` here (see docs/COLUMNS.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

# The keys the ledger's structure is built from (row fields); a layout must have the REQUIRED_KEYS.
CORE_KEYS = ("seq", "category", "content", "units", "progress", "problems", "plan")
REQUIRED_KEYS = ("content", "units")
# Keys the JSON rendering already uses for computed values: no column may take them.
RESERVED_KEYS = ("number", "status", "light", "completion", "targets", "extra")

Merge = Literal["category", "runs", "none"]
Align = Literal["center", "justify"]
Kind = Literal["number", "text", "units"]
TextRole = Literal["number", "heading", "title", "line"]


class Column(BaseModel):
    """One ledger column: its key, how its header reads and prints, and how its cells render."""

    model_config = ConfigDict(frozen=True)

    key: str  # the row model's field (LedgerRow / ParsedItem); any other key lives in their ``extra``
    name: str  # the short name used in error messages, e.g. 计划
    label: str  # the header as printed; "{plan_month}" is filled in with the plan's month
    aliases: tuple[str, ...]  # a header cell names this column when it contains any of these
    meaning: str
    required: bool = False  # a data row must have a value (after filling down merged cells)
    kind: Kind = "text"  # number: written as a number in Excel; units: one unit per line, 、 in chat
    merge: Merge = "none"  # category: merged over the category; runs: merged over equal neighbours in it
    align: Align = "justify"
    docx_width: int  # twips
    xlsx_width: int  # Excel width units (about one Latin digit; a Chinese character takes about two)
    text: TextRole = "line"  # chat text: the item number, the category heading, the item title, or a line
    text_empty: str | None = None  # chat line of a blank cell: this text, or no line when None

    def header(self, plan_month: int) -> str:
        """Return the header cell as printed for a ledger whose plan is for ``plan_month``."""
        return self.label.format(plan_month=plan_month)

    def matches(self, header: str) -> bool:
        """Return True when a header cell read from a file names this column."""
        return any(alias in header for alias in self.aliases)


class LedgerLayout(BaseModel):
    """The ordered columns of a ledger."""

    model_config = ConfigDict(frozen=True)

    columns: tuple[Column, ...]
    # The header row is the first row whose text holds a word of every group (序号, and 进展 or 项目).
    header_marks: tuple[tuple[str, ...], ...] = (("序号",), ("进展", "项目"))

    @model_validator(mode="after")
    def _has_each_core_column_once(self) -> LedgerLayout:
        keys = [c.key for c in self.columns]
        missing = [k for k in REQUIRED_KEYS if k not in keys]
        if missing or len(set(keys)) != len(keys) or set(keys) & set(RESERVED_KEYS):
            raise ValueError(
                f"a layout needs {REQUIRED_KEYS}, each key once and none of {RESERVED_KEYS}; got {keys}"
            )
        return self

    def is_header(self, cells: list[str] | tuple[str, ...]) -> bool:
        """Return True when a row read from a file is the header row."""
        joined = "".join(cells)
        return all(any(mark in joined for mark in group) for group in self.header_marks)

    @property
    def keys(self) -> tuple[str, ...]:
        """Return the column keys in order."""
        return tuple(c.key for c in self.columns)

    @property
    def names(self) -> tuple[str, ...]:
        """Return the columns' short names in order."""
        return tuple(c.name for c in self.columns)

    @property
    def extra_keys(self) -> tuple[str, ...]:
        """Return the keys of columns beyond the core ones, kept in a row's ``extra``."""
        return tuple(k for k in self.keys if k not in CORE_KEYS)

    def column(self, key: str) -> Column:
        """Return the column with this key."""
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def headers(self, plan_month: int) -> tuple[str, ...]:
        """Return the header row as printed."""
        return tuple(c.header(plan_month) for c in self.columns)

    def cells(self, values: tuple[str, ...]) -> dict[str, str]:
        """Return a row's cells (in layout order) by column key."""
        return dict(zip(self.keys, values, strict=True))


class Row(Protocol):
    """A row model holding the core columns as fields and any other column in ``extra``."""

    @property
    def extra(self) -> Mapping[str, str]: ...


def cell_value(column: Column, row: Row) -> str | int | tuple[str, ...]:
    """Return the row's value in this column (a number, a unit tuple or text)."""
    if column.key in CORE_KEYS:
        value: str | int | tuple[str, ...] = getattr(row, column.key)
        return value
    return row.extra.get(column.key, "")


def cell_text(column: Column, row: Row, *, unit_separator: str = "\n") -> str:
    """Return the row's value in this column as text (units joined by ``unit_separator``)."""
    value = cell_value(column, row)
    if isinstance(value, tuple):
        return unit_separator.join(value)
    return str(value)


def merge_runs(column: Column, rows: Sequence[Row]) -> list[tuple[int, int]]:
    """Return the (first, last) offsets of the runs of ``rows`` (one category's) whose cells in ``column`` are
    merged vertically: a category column over the whole category, a "runs" column over equal neighbours.
    Runs of one row are not merged; a column that never merges has none. Word, Excel and HTML all merge so."""
    if column.merge == "none":
        return []
    same = (
        (lambda a, b: True)
        if column.merge == "category"
        else (lambda a, b: cell_value(column, a) == cell_value(column, b))
    )
    runs, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or not same(rows[i], rows[start]):
            if i - start > 1:
                runs.append((start, i - 1))
            start = i
    return runs


def with_columns(layout: LedgerLayout, *columns: Column, after: str | None = None) -> LedgerLayout:
    """Return the layout with ``columns`` inserted after the column ``after`` (default: at the end)."""
    cols = list(layout.columns)
    at = len(cols) if after is None else layout.keys.index(after) + 1
    return LedgerLayout(columns=(*cols[:at], *columns, *cols[at:]))


# The seed ledger's seven columns. Widths: A4 landscape less 1.8 cm side margins; text-heavy columns get the room.
DEFAULT_LAYOUT = LedgerLayout(
    columns=(
        Column(
            key="seq",
            name="序号",
            label="序号",
            aliases=("序号",),
            meaning="the category's number",
            required=True,
            kind="number",
            merge="category",
            align="center",
            docx_width=624,
            xlsx_width=6,
            text="number",
        ),
        Column(
            key="category",
            name="目标任务",
            label="目标任务",
            aliases=("目标任务",),
            meaning="the category (目标任务) the item belongs to",
            required=True,
            merge="category",
            align="center",
            docx_width=1361,
            xlsx_width=14,
            text="heading",
        ),
        Column(
            key="content",
            name="具体项目内容",
            label="具体项目内容",
            aliases=("具体项目内容", "项目"),
            meaning="what the item is to deliver, with its numeric targets",
            required=True,
            docx_width=2835,
            xlsx_width=30,
            text="title",
        ),
        Column(
            key="units",
            name="责任单位",
            label="责任单位",
            aliases=("责任单位",),
            meaning="the units responsible, one per line",
            required=True,
            kind="units",
            merge="runs",
            align="center",
            docx_width=1474,
            xlsx_width=14,
            text_empty="",
        ),
        Column(
            key="progress",
            name="进展情况",
            label="进展情况",
            aliases=("进展情况",),
            meaning="progress in the period",
            docx_width=4139,
            xlsx_width=44,
            text_empty="（未报送）",
        ),
        Column(
            key="problems",
            name="存在问题",
            label="存在问题",
            aliases=("存在问题",),
            meaning="problems met",
            docx_width=1701,
            xlsx_width=18,
        ),
        Column(
            key="plan",
            name="计划",
            label="{plan_month}月份计划",
            aliases=("计划",),
            meaning="the plan for the next month",
            docx_width=2664,
            xlsx_width=30,
        ),
    )
)


# How a file's column is rendered, by the concept it was read as (handlers/ledger/concepts.py):
# (row key or None for a cell kept in ``extra`` under the column's title, kind, merge, align, Word and Excel widths).
_OWN: dict[str, tuple[str | None, Kind, Merge, Align, int, int]] = {
    "seq": (None, "text", "none", "center", 700, 8),
    "category": ("category", "text", "category", "center", 1300, 14),
    "content": ("content", "text", "none", "justify", 2800, 30),
    "unit": ("units", "units", "runs", "center", 1500, 16),
    "progress": ("progress", "text", "none", "justify", 4000, 44),
    "problems": ("problems", "text", "none", "justify", 1800, 20),
    "problems_plan": ("problems", "text", "none", "justify", 2400, 26),
    "plan": ("plan", "text", "none", "justify", 2400, 26),
}
_OWN_OTHER: tuple[str | None, Kind, Merge, Align, int, int] = (None, "text", "none", "center", 1200, 14)
_TEXT_ROLE: dict[str, TextRole] = {"category": "heading", "content": "title"}


def own_layout(columns: tuple[tuple[str, str], ...]) -> LedgerLayout:
    """Return the layout of a ledger read from a file: its columns in its order, under its own titles.

    ``columns`` are (title, concept) pairs; a column without a row field (序号 as written, 配合单位,
    完成时限, 责任领导, 备注 …) shows the item's ``extra`` cell kept under its title.
    """
    out = []
    for title, concept in columns:
        key, kind, merge, align, docx_width, xlsx_width = _OWN.get(concept, _OWN_OTHER)
        label = title.replace("{", "{{").replace("}", "}}")
        out.append(
            Column(
                key=key or title,
                name=title,
                label=label,
                aliases=(title,),
                meaning=f"the file's column {title} ({concept})",
                required=concept in ("content", "unit"),
                kind=kind,
                merge=merge,
                align=align,
                docx_width=docx_width,
                xlsx_width=xlsx_width,
                text=_TEXT_ROLE.get(concept, "line"),
                text_empty=DEFAULT_LAYOUT.column(key).text_empty if key in ("units", "progress") else None,
            )
        )
    return LedgerLayout(columns=tuple(out))
