"""Find the ledger in a file's grids and read its items by meaning.

The header row is the row that names a content column and a unit column (handlers/ledger/concepts.py);
a second header row under merged parents (投资情况 over 总投资/年度计划投资) gives the leaf titles. Below
it: repeated header rows are skipped, a row with only a category name (一、社会事业项目, or （一） and a
name) starts a category, 注/说明 rows and trailing notes are ignored, and blank category, 序号 and unit
cells are filled down from the row above (merged cells keep their text in the first row only); an extra
column's cell that a vertical merge continues takes the merged text. Total rows (合计) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from handlers import texts
from handlers.ledger.concepts import HeaderColumn, header_score, map_header
from handlers.ledger.grids import Grid, GridRow
from handlers.ledger.reader import LedgerFileError
from handlers.ledger.units import split_marked_units

_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十百]+[)）]?[、.．]?$")
_NOTE_ROW = re.compile(r"^(注|备注|说明|填报|制表|审核|联系人|附注|资料来源)[\s:：0-9一二三、.．]")
_HEADER_SCAN = 30
# A total row under the header (合计 / 总计 / 小计) sums the items; it is not one.
_SUMMARY_ROW = re.compile(r"^(合\s*计|总\s*计|小\s*计)[:：]?$")


class RawItem(BaseModel):
    """One item as the file says it, before it is stored."""

    model_config = ConfigDict(frozen=True)

    row: int
    sheet: str
    seq: str | None
    category: str | None
    content: str
    units: tuple[str, ...]
    partners: tuple[str, ...]
    progress: str | None
    problems: str | None
    plan: str | None
    deadline: str | None
    extra: dict[str, str] = Field(default_factory=dict)


class RawLedger(BaseModel):
    """The ledger a file holds: its title, its columns as understood, and its items."""

    model_config = ConfigDict(frozen=True)

    source: str
    title: str | None
    columns: tuple[HeaderColumn, ...]
    items: tuple[RawItem, ...]
    preamble: tuple[str, ...] = ()  # the lines above the first header (title, 截至/填报 lines)


def _find_header(grid: Grid) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for i, row in enumerate(grid.rows[:_HEADER_SCAN]):
        score = header_score(list(row.cells))
        if score >= 3 and (best is None or score > best[0]):
            best = (score, i)
    return best


def _leaf_titles(header: GridRow, below: GridRow | None) -> tuple[list[str], bool]:
    """Return the header titles, taking a second row's leaves under horizontally merged parents."""
    top = list(header.cells)
    if below is None:
        return top, False
    under = list(below.cells) + [""] * (len(top) - len(below.cells))
    width = max(len(top), len(under))
    top += [""] * (width - len(top))
    # A sub-header fills every column the parent row left blank (the parents' merged continuation).
    blanks = [j for j in range(width) if not top[j]]
    if not blanks or any(not under[j] for j in blanks):
        return top, False
    if header_score(under) >= 3:
        return top, False
    return [under[j] or top[j] for j in range(width)], True


def _title(grids: list[Grid], grid: Grid, header_at: int) -> str | None:
    earlier = [line for g in grids[: grids.index(grid)] for line in g.leading]
    lines = [*grid.leading, *(c for r in grid.rows[:header_at] for c in r.cells if c), *earlier]
    for pattern in (r"\d{4}\s*年.*(台账|情况|表|清单)", r"(台账|情况表|统计表|清单)", r"\d{4}\s*年"):
        for line in lines:
            if re.search(pattern, line) and not _NOTE_ROW.match(line):
                return line
    return None


def _is_category_row(cells: Mapping[str, str], row: GridRow) -> str | None:
    """Return the category a row starts, or None when it is not a category row."""
    filled = [c for c in row.cells if c]
    if not filled or len(filled) > 2:
        return None
    if any(cells.get(k) for k in ("unit", "partner", "progress", "problems", "plan")):
        return None
    if _NOTE_ROW.match(filled[0]):
        return None
    if len(filled) == 1:
        return filled[0]
    if _ORDINAL.match(filled[0]):
        return filled[1]
    return None


def read_ledger(source: str, grids: list[Grid]) -> RawLedger:
    """Return the ledger in these grids: every grid with a header row, read by meaning."""
    found = [(g, h) for g in grids if (h := _find_header(g)) is not None]
    if not found:
        raise _no_header(source, grids)
    items: list[RawItem] = []
    columns: tuple[HeaderColumn, ...] = ()
    title = None
    first, first_at = found[0][0], found[0][1][1]
    preamble = [*(line for g in grids[: grids.index(first) + 1] for line in g.leading)]
    preamble += [c for r in first.rows[:first_at] for c in r.cells if c]
    for grid, (_, at) in found:
        sheet_items, cols = _read_grid(source, grid, at, sheet_category=len(found) > 1)
        columns = columns or cols
        title = title or _title(grids, grid, at)
        items.extend(sheet_items)
    if not items:
        raise LedgerFileError(source, texts.I14_NO_ITEMS)
    return RawLedger(
        source=source, title=title, columns=columns, items=tuple(items), preamble=tuple(preamble)
    )


def _read_grid(
    source: str, grid: Grid, at: int, *, sheet_category: bool
) -> tuple[list[RawItem], tuple[HeaderColumn, ...]]:
    header = grid.rows[at]
    titles, two_rows = _leaf_titles(header, grid.rows[at + 1] if at + 1 < len(grid.rows) else None)
    columns = tuple(map_header(titles))
    by = {c.concept: c for c in columns if c.concept not in ("leader", "note", "other")}
    extras = [c for c in columns if c.concept in ("leader", "note", "other") and c.title.strip()]
    where = f"{source}「{grid.name}」" if grid.name != source else source
    has_category = "category" in by
    items: list[RawItem] = []
    category: str | None = grid.name if sheet_category and grid.named and not has_category else None
    pending: str | None = None
    seq: str | None = None
    units: tuple[str, ...] = ()
    above: dict[str, str] = {}  # the previous item's extra columns, for cells a merge continues
    header_cells = tuple(header.cells)
    titled = {c for c in (*header_cells, *titles) if c}
    for row in grid.rows[at + 1 + (1 if two_rows else 0) :]:
        shared = len(set(row.cells) & titled) >= 2  # a cheap test before the full header reading
        if row.cells == header_cells or (shared and header_score(list(row.cells)) >= 3):
            continue  # a header repeated at a page break
        padded = list(row.cells) + [""] * (len(columns) - len(row.cells))
        cells: dict[str, str] = {c.concept: padded[c.index] for c in columns if c.concept in by}
        started = _is_category_row(cells, row)
        if started is not None or not any(row.cells):
            pending = started or pending
            continue
        if any(_SUMMARY_ROW.match(c) for c in row.cells[:3] if c):
            continue
        if pending is not None:
            category, pending, units = pending, None, ()
        if has_category and cells["category"]:
            category = cells["category"]
        content = cells.get("content", "")
        if not content:
            if _NOTE_ROW.match(next(c for c in row.cells if c)):
                continue
            raise LedgerFileError(where, texts.FILE_NO_CONTENT, row=row.number, column=by["content"].title)
        if "seq" in by:
            seq = cells["seq"] or seq
        if cells["unit"]:
            units = split_marked_units(cells["unit"])
        if not units:
            raise LedgerFileError(where, texts.I14_NO_UNIT, row=row.number, column=by["unit"].title)
        combined = "problems_plan" in by
        extra = {
            c.title: padded[c.index] or (above.get(c.title, "") if c.index in row.merged else "")
            for c in extras
        }
        above = extra
        items.append(
            RawItem(
                row=row.number,
                sheet=grid.name,
                seq=seq if "seq" in by else None,
                category=category,
                content=content,
                units=units,
                partners=split_marked_units(cells["partner"]) if "partner" in by else (),
                progress=cells["progress"] if "progress" in by else None,
                problems=cells["problems_plan"] if combined else cells.get("problems"),
                plan=None if combined else cells.get("plan"),
                deadline=cells["deadline"] if "deadline" in by else None,
                extra=extra,
            )
        )
    return items, columns


def _no_header(source: str, grids: list[Grid]) -> LedgerFileError:
    """Return the error for a file without a header: what the likeliest header row lacks, and its cells."""
    rows = [r for g in grids for r in g.rows[:_HEADER_SCAN] if len([c for c in r.cells if c]) >= 2]
    if not rows:
        return LedgerFileError(source, texts.I14_NO_LEDGER.format(found=texts.I14_NO_LEDGER_NONE))
    best = max(rows, key=lambda r: len({c.concept for c in map_header(list(r.cells))} - {"other"}))
    found = " / ".join(c for c in best.cells if c)
    missing = missing_columns(tuple(map_header(list(best.cells))))
    if not missing:
        return LedgerFileError(source, texts.I14_NO_LEDGER.format(found=found), row=best.number)
    return LedgerFileError(
        source, texts.I14_MISSING_COLUMN.format(what="、".join(missing), found=found), row=best.number
    )


def missing_columns(columns: tuple[HeaderColumn, ...]) -> list[str]:
    """Return what a header lacks of the two required columns (content and unit)."""
    have = {c.concept for c in columns}
    return [
        w for k, w in (("content", texts.I14_WHAT_CONTENT), ("unit", texts.I14_WHAT_UNIT)) if k not in have
    ]
