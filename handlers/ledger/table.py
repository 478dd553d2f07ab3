"""Turn a raw ledger table into categories and items: fill-down, unit names, title and period."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from handlers import texts

from handlers.ledger.reader import COLUMNS, LedgerFileError, LedgerTable

# A unit's name ends in one of these; a line that does not is the first half of a name broken in two.
UNIT_ENDINGS = ("局", "委", "院", "会", "联", "中心", "集团", "公司", "办", "室", "队", "站", "所", "部", "团",
                "处", "科", "镇", "街道", "政府", "分局", "署", "厅", "行", "社", "馆", "园", "区")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
EXPECTED = ("序号", "目标任务", "具体项目内容", "责任单位", "进展情况", "存在问题", "计划")


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
    for line in re.split(r"[\n、，,；;]+", cell):
        line = line.strip().replace(" ", "")
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
    rest = re.sub(r"^\s*\d{4}\s*年\s*(?:[一二三四1-4]\s*季度|\d{1,2}\s*月份?|十[一二]?月份?|[一二三四五六七八九]月份?"
                  r"|上半年|前三季度|全年|年度)?", "", title)
    subject = re.sub(r"(?:工作)?(?:进展情况|进展)?(?:台账|情况表|统计表)$", "", rest.strip()).strip() or "工作"
    return year, month, plan_month, subject


def parse_table(table: LedgerTable) -> ParsedLedger:
    """Apply the ledger's rules to a raw table; raise LedgerFileError naming the row and column."""
    src = table.source
    header = tuple(join_lines(h) for h in table.header)
    if len(header) != COLUMNS:
        raise LedgerFileError(src, texts.FILE_HEADER_COLUMNS.format(got=len(header), want=COLUMNS, names='、'.join(EXPECTED)), row=0)
    for want, got in zip(EXPECTED, header):
        if want not in got and not (want == "具体项目内容" and "项目" in got):
            raise LedgerFileError(src, texts.FILE_HEADER_NAME.format(want=want, got=got), row=0, column=want)
    year, month, plan_month, subject = parse_title(table.title, header[6], src)
    if not table.rows:
        raise LedgerFileError(src, texts.FILE_ONLY_HEADER)
    items: list[ParsedItem] = []
    seq = 0
    category = ""
    units: tuple[str, ...] = ()
    for row in table.rows:
        cells = row.cells
        if len(cells) != COLUMNS:
            raise LedgerFileError(src, texts.FILE_ROW_CELLS.format(got=len(cells), want=COLUMNS), row=row.number)
        seq_cell, cat_cell, content, unit_cell, progress, problems, plan = cells
        if seq_cell:
            digits = re.sub(r"[^\d]", "", seq_cell)
            if not digits:
                raise LedgerFileError(src, texts.FILE_SEQ.format(value=seq_cell), row=row.number, column="序号")
            if int(digits) != seq:
                seq, category, units = int(digits), "", ()
        if cat_cell:
            category = join_lines(cat_cell)
        if not seq or not category:
            raise LedgerFileError(src, texts.FILE_NO_CATEGORY, row=row.number,
                                  column="序号" if not seq else "目标任务")
        if not content:
            raise LedgerFileError(src, texts.FILE_NO_CONTENT, row=row.number, column="具体项目内容")
        if unit_cell:
            units = split_units(unit_cell)
        if not units:
            raise LedgerFileError(src, texts.FILE_NO_UNIT, row=row.number,
                                  column="责任单位")
        items.append(ParsedItem(position=len(items) + 1, row=row.number, seq=seq, category=category,
                                content=content, units=units, progress=progress, problems=problems, plan=plan))
    name = f"{year}年{subject}"
    return ParsedLedger(source=src, title=table.title, name=name, subject=subject, year=year, month=month,
                        plan_month=plan_month, header=header, items=tuple(items), notes=table.notes)
