"""Turn a raw ledger table into categories and items: fill-down, unit names, title and period."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from handlers import texts
from handlers.ledger.reader import LedgerFileError, LedgerTable
from reports.columns import CORE_KEYS, DEFAULT_LAYOUT, LedgerLayout
from reports.figures import without_item_refs

# A unit's name ends in one of these; a line that does not is the first half of a name broken in two.
UNIT_ENDINGS = (
    "局",
    "委",
    "院",
    "会",
    "联",
    "中心",
    "集团",
    "公司",
    "办",
    "室",
    "队",
    "站",
    "所",
    "部",
    "团",
    "处",
    "科",
    "镇",
    "街道",
    "政府",
    "分局",
    "署",
    "厅",
    "行",
    "社",
    "馆",
    "园",
    "区",
)
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}


class ParsedItem(BaseModel):
    """An item with its category and this period's cells."""

    model_config = ConfigDict(frozen=True)

    position: int
    row: int
    seq: int
    category: str
    content: str
    units: tuple[str, ...]
    progress: str
    problems: str
    plan: str
    extra: dict[str, str] = Field(default_factory=dict)  # cells of the layout's non-core columns, by key
    number: str = ""  # the item's own 序号/编号 as written, when the file numbers items
    partners: tuple[str, ...] = ()
    deadline: str = ""


class ParsedLedger(BaseModel):
    """A ledger read from a file, ready to store."""

    model_config = ConfigDict(frozen=True)

    source: str
    title: str
    name: str
    subject: str
    year: int
    month: int
    plan_month: int
    header: tuple[str, ...]
    items: tuple[ParsedItem, ...]
    notes: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()  # (title as in the file, concept) in file order

    @property
    def period(self) -> str:
        """Return the period code YYYY-MM."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def categories(self) -> list[tuple[int, str]]:
        """Return the distinct (序号, 目标任务) pairs in order."""
        seen: list[tuple[int, str]] = []
        for item in self.items:
            if not seen or seen[-1] != (item.seq, item.category):
                seen.append((item.seq, item.category))
        return seen

    @property
    def units(self) -> list[str]:
        """Return the distinct units in order of first appearance."""
        out: dict[str, None] = {}
        for item in self.items:
            for u in item.units:
                out.setdefault(u, None)
        return list(out)


def split_units(cell: str) -> tuple[str, ...]:
    """Split a 责任单位 cell into units, joining a name broken over two lines (区综合行政\\n执法局)."""
    units: list[str] = []
    pending = ""
    for part in re.split(r"[\n、，,；;]+", cell):
        line = part.strip().replace(" ", "")
        if not line:
            continue
        name = pending + line
        if name.endswith(UNIT_ENDINGS):
            units.append(name)
            pending = ""
        else:
            pending = name
    if pending:
        units.append(pending)
    return tuple(units)


def join_lines(text: str) -> str:
    """Join a title cell broken over lines (基层医疗服务\\n提升工程)."""
    return "".join(line.strip() for line in text.split("\n"))


def parse_title(title: str, plan_header: str, source: str) -> tuple[int, int, int, str]:
    """Return (year, month, plan month, subject) from the title and the plan column's title."""
    year_m = re.search(r"(\d{4})\s*年", title)
    plan_m = re.search(r"(\d{1,2})\s*月", plan_header)
    plan_month = int(plan_m.group(1)) if plan_m else None
    month = None
    q = re.search(r"([一二三四1-4])\s*季度", title)
    m = re.search(r"年\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月", title)
    half = re.search(r"(上半年|半年|前三季度)", title)
    if q:
        month = _CN_DIGITS[q.group(1)] * 3
    elif m:
        month = int(m.group(1)) if m.group(1).isdigit() else _CN_MONTH[m.group(1)]
    elif half:
        month = 9 if half.group(1) == "前三季度" else 6
    if month is None and plan_month:
        month = 12 if plan_month == 1 else plan_month - 1
    if not year_m or month is None:
        raise LedgerFileError(source, texts.FILE_TITLE.format(title=title), row=0)
    year = int(year_m.group(1))
    if plan_month is None:
        plan_month = month % 12 + 1
    rest = re.sub(
        r"^\s*\d{4}\s*年\s*(?:[一二三四1-4]\s*季度|\d{1,2}\s*月份?|十[一二]?月份?|[一二三四五六七八九]月份?"
        r"|上半年|前三季度|全年|年度)?",
        "",
        title,
    )
    subject = (
        re.sub(r"(?:工作)?(?:进展情况|进展)?(?:台账|情况表|统计表)$", "", rest.strip()).strip() or "工作"
    )
    return year, month, plan_month, subject


def _check_header(src: str, header: tuple[str, ...], layout: LedgerLayout) -> None:
    """Raise LedgerFileError unless the header names the layout's columns in order."""
    if len(header) != len(layout.columns):
        raise LedgerFileError(
            src,
            texts.FILE_HEADER_COLUMNS.format(
                got=len(header), want=len(layout.columns), names="、".join(layout.names)
            ),
            row=0,
        )
    for column, got in zip(layout.columns, header, strict=True):
        if not column.matches(got):
            raise LedgerFileError(
                src, texts.FILE_HEADER_NAME.format(want=column.name, got=got), row=0, column=column.name
            )


def parse_table(table: LedgerTable, layout: LedgerLayout = DEFAULT_LAYOUT) -> ParsedLedger:
    """Apply the ledger's rules to a raw table; raise LedgerFileError naming the row and column."""
    src = table.source
    header = tuple(join_lines(h) for h in table.header)
    _check_header(src, header, layout)
    headers = layout.cells(header)
    year, month, plan_month, subject = parse_title(table.title, headers["plan"], src)
    if not table.rows:
        raise LedgerFileError(src, texts.FILE_ONLY_HEADER)
    name_of = {key: layout.column(key).name for key in CORE_KEYS}
    items: list[ParsedItem] = []
    seq = 0
    category = ""
    units: tuple[str, ...] = ()
    for row in table.rows:
        if len(row.cells) != len(layout.columns):
            raise LedgerFileError(
                src, texts.FILE_ROW_CELLS.format(got=len(row.cells), want=len(layout.columns)), row=row.number
            )
        cells = layout.cells(row.cells)
        if cells["seq"]:
            digits = re.sub(r"[^\d]", "", cells["seq"])
            if not digits:
                raise LedgerFileError(
                    src, texts.FILE_SEQ.format(value=cells["seq"]), row=row.number, column=name_of["seq"]
                )
            if int(digits) != seq:
                seq, category, units = int(digits), "", ()
        if cells["category"]:
            category = join_lines(cells["category"])
        if not seq or not category:
            raise LedgerFileError(
                src,
                texts.FILE_NO_CATEGORY,
                row=row.number,
                column=name_of["seq"] if not seq else name_of["category"],
            )
        if not cells["content"]:
            raise LedgerFileError(src, texts.FILE_NO_CONTENT, row=row.number, column=name_of["content"])
        if cells["units"]:
            units = split_units(cells["units"])
        if not units:
            raise LedgerFileError(src, texts.FILE_NO_UNIT, row=row.number, column=name_of["units"])
        items.append(
            ParsedItem(
                position=len(items) + 1,
                row=row.number,
                seq=seq,
                category=category,
                content=cells["content"],
                units=units,
                progress=cells["progress"],
                problems=cells["problems"],
                plan=cells["plan"],
                extra={k: cells[k] for k in layout.extra_keys},
            )
        )
    contents = without_item_refs([i.content for i in items])
    items = [i.model_copy(update={"content": c}) for i, c in zip(items, contents, strict=True)]
    name = f"{year}年{subject}"
    return ParsedLedger(
        source=src,
        title=table.title,
        name=name,
        subject=subject,
        year=year,
        month=month,
        plan_month=plan_month,
        header=header,
        items=tuple(items),
        notes=table.notes,
    )
