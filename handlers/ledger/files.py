"""Read a ledger file the way every caller needs it: the CLI's import, the demo, and a file sent in chat."""

from __future__ import annotations

from pathlib import Path

from handlers import texts
from handlers.ledger.grids import read_grids
from handlers.ledger.period import find_period
from handlers.ledger.shape import RawLedger, read_ledger
from handlers.ledger.table import ParsedItem, ParsedLedger, join_lines
from reports.columns import DEFAULT_LAYOUT, LedgerLayout
from reports.figures import without_item_refs
from reports.to_xlsx import STATUS_COLUMNS


def parse_ledger_file(
    path: Path,
    data: bytes | None = None,
    layout: LedgerLayout = DEFAULT_LAYOUT,
    *,
    default_period: tuple[int, int] | None = None,
) -> ParsedLedger:
    """Return the parsed ledger in a file of any supported format (``data`` when the bytes came in a message).

    Columns are recognised by meaning (handlers/ledger/concepts.py); ``layout`` is kept for callers that
    pass the seed's. ``default_period`` (year, month) is used when neither the title nor a column says it.
    Raises LedgerFileError with a message for the user when the file cannot be read as a ledger.
    """
    del layout  # the file's own header says its layout now
    name = Path(path.name) if data is not None else path
    raw = read_ledger(name.name, read_grids(name, data))
    return to_parsed(_without_computed(raw), default_period)


def _without_computed(raw: RawLedger) -> RawLedger:
    """Drop what ledgerbot's own exports add to the ledger: the columns its Excel computes (编号, 状态, 完成率,
    序时进度, 灯) when they end the header (older exports: without 编号), and the "[N] " its Word export
    puts before every item's content."""
    raw = _without_numbers(raw)
    titles = [c.title for c in raw.columns]
    every = [title for title, _ in STATUS_COLUMNS]
    for computed in (every, every[1:]):
        if titles[-len(computed) :] == computed:
            items = tuple(
                i.model_copy(update={"extra": {k: v for k, v in i.extra.items() if k not in computed}})
                for i in raw.items
            )
            return raw.model_copy(update={"columns": raw.columns[: -len(computed)], "items": items})
    return raw


def _without_numbers(raw: RawLedger) -> RawLedger:
    """Strip the item numbers ledgerbot's Word export writes before each content, when every item has one."""
    contents = without_item_refs([i.content for i in raw.items])
    items = tuple(i.model_copy(update={"content": c}) for i, c in zip(raw.items, contents, strict=True))
    return raw.model_copy(update={"items": items})


def to_parsed(raw: RawLedger, default_period: tuple[int, int] | None = None) -> ParsedLedger:
    """Return the ledger to store: categories numbered in order of appearance, extra cells by title."""
    titles = [c.title for c in raw.columns]
    year, month, plan_month, subject = find_period(
        raw.source, raw.title, titles, default_period, raw.preamble
    )
    numbers: dict[str, int] = {}
    items = []
    kept = {c.concept: c.title for c in raw.columns}
    for position, item in enumerate(raw.items, 1):
        category = join_lines(item.category) if item.category else texts.I14_NO_CATEGORY
        seq = numbers.setdefault(category, len(numbers) + 1)
        extra = dict(item.extra)
        if "seq" in kept:
            extra[kept["seq"]] = item.seq or ""
        if "partner" in kept:
            extra[kept["partner"]] = "、".join(item.partners)
        if "deadline" in kept:
            extra[kept["deadline"]] = item.deadline or ""
        items.append(
            ParsedItem(
                position=position,
                row=item.row,
                seq=seq,
                category=category,
                content=item.content,
                units=item.units,
                progress=item.progress or "",
                problems=item.problems or "",
                plan=item.plan or "",
                extra=extra,
                number=item.seq or "",
                partners=item.partners,
                deadline=item.deadline or "",
            )
        )
    title = raw.title or f"{year}年{subject}"
    return ParsedLedger(
        source=raw.source,
        title=title,
        name=f"{year}年{subject}",
        subject=subject,
        year=year,
        month=month,
        plan_month=plan_month,
        header=tuple(titles),
        items=tuple(items),
        columns=_columns(raw),
    )


def _columns(raw: RawLedger) -> tuple[tuple[str, str], ...]:
    """Return the file's (title, concept) columns; categories from rows or sheets get a category column."""
    columns = [(c.title, str(c.concept)) for c in raw.columns]
    if any(item.category for item in raw.items) and all(c != "category" for _, c in columns):
        at = 1 if columns and columns[0][1] == "seq" else 0
        columns.insert(at, (texts.I14_CATEGORY_TITLE, "category"))
    return tuple(columns)
