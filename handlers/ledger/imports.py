"""Import with preview, confirmation and undo: the use cases the chat's upload and the CLI share.

A file is kept (its bytes) when it arrives; the preview says what it would change; nothing changes until
it is confirmed; undo deletes the revisions the last import added and restores the structure of the
import before it (or retires the ledger's items when there was none).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from handlers import texts
from handlers.ledger.importer import ImportSummary, import_ledger
from handlers.ledger.table import ParsedItem, ParsedLedger
from storage.uow import UnitOfWork


class Preview(BaseModel):
    """What importing a parsed ledger would do, computed without writing."""

    model_config = ConfigDict(frozen=True)

    ledger: str
    period: str
    items: int
    new: int
    changed: int
    retired: int
    before: int  # active items now

    @property
    def retires_most(self) -> bool:
        """Return True when more than half of the ledger's items would be retired."""
        return self.before > 0 and self.retired * 2 > self.before


async def preview_import(uow: UnitOfWork, parsed: ParsedLedger) -> Preview:
    """Return what importing ``parsed`` would change (new, changed and retired items), writing nothing."""
    ledger = await uow.ledgers.get(parsed.name)
    existing = await uow.ledgers.items(ledger.id) if ledger else []
    by_position = {i.position: i for i in existing}
    new = changed = 0
    for item in parsed.items:
        old = by_position.get(item.position)
        if old is None:
            new += 1
        elif (old.content, old.category, old.units) != (item.content, item.category, item.units) or (
            old.extra and old.extra != item.extra
        ):
            changed += 1
    retired = sum(1 for i in existing if i.position > len(parsed.items))
    return Preview(
        ledger=parsed.name,
        period=parsed.period,
        items=len(parsed.items),
        new=new,
        changed=changed,
        retired=retired,
        before=len(existing),
    )


def preview_text(parsed: ParsedLedger, preview: Preview) -> str:
    """Return the preview a coordinator reads before confirming: column mapping, counts, a loud warning."""
    mapping = "\n".join(
        texts.I14_PREVIEW_COLUMN.format(
            title=title.replace("\n", ""), meaning=texts.I14_CONCEPT_NAMES.get(concept, concept)
        )
        for title, concept in parsed.columns
    )
    text = texts.I14_PREVIEW.format(
        ledger=preview.ledger,
        period=preview.period,
        items=preview.items,
        categories=len(parsed.categories),
        units=len(parsed.units),
        mapping=mapping,
        new=preview.new,
        changed=preview.changed,
        retired=preview.retired,
    )
    if preview.retires_most:
        text = texts.I14_PREVIEW_WARNING.format(retired=preview.retired, before=preview.before) + "\n" + text
    return text


def parse_kept(filename: str, data: bytes, now: datetime) -> ParsedLedger:
    """Parse a kept file again (the period defaults to the month before ``now``)."""
    from handlers.ledger.worker import parse_now

    return parse_now(filename, data, now)


async def snapshot(uow: UnitOfWork, name: str) -> dict | None:
    """Return the ledger's structure as it is now (title, columns, items), or None when there is no such ledger."""
    ledger = await uow.ledgers.get(name)
    if ledger is None:
        return None
    items = await uow.ledgers.items(ledger.id)
    return {
        "title": ledger.title,
        "year": ledger.year,
        "subject": ledger.subject,
        "columns": [list(c) for c in ledger.columns or ()],
        "items": [
            {
                "seq": i.seq,
                "category": i.category,
                "content": i.content,
                "units": list(i.units),
                "extra": i.extra,
            }
            for i in items
        ],
    }


def _from_snapshot(name: str, period: str, before: dict) -> ParsedLedger:
    items = tuple(
        ParsedItem(
            position=n,
            row=0,
            seq=i["seq"],
            category=i["category"],
            content=i["content"],
            units=tuple(i["units"]),
            progress="",
            problems="",
            plan="",
            extra=i["extra"],
        )
        for n, i in enumerate(before["items"], 1)
    )
    month = int(period[5:])
    return ParsedLedger(
        source="",
        title=before["title"],
        name=name,
        subject=before["subject"],
        year=before["year"],
        month=month,
        plan_month=month % 12 + 1,
        header=(),
        items=items,
        columns=tuple((t, c) for t, c in before["columns"]),
    )


async def apply_import(
    uow: UnitOfWork, import_id: int, parsed: ParsedLedger, now: datetime, *, author: str, commit: bool
) -> ImportSummary:
    """Import a kept file and record what it added and what was before; ``commit`` or the caller saves it."""
    before = await snapshot(uow, parsed.name)
    summary = await import_ledger(uow, parsed, now, author=author, commit=False)
    await uow.imports.applied(
        import_id, parsed.name, parsed.period, list(summary.submission_ids), now, before=before
    )
    if commit:
        await uow.commit()
    return summary


class UndoResult(BaseModel):
    """What undoing the last import did."""

    model_config = ConfigDict(frozen=True)

    filename: str
    ledger: str
    removed_submissions: int
    restored: bool  # False: the import created the ledger, whose items are now retired


async def undo_last_import(uow: UnitOfWork, now: datetime, *, commit: bool) -> UndoResult | None:
    """Undo the latest applied import: delete the revisions it added and put back the structure before it."""
    last = await uow.imports.last_applied()
    if last is None or last.ledger is None:
        return None
    removed = await uow.imports.delete_submissions(list(last.submission_ids or []))
    if last.before is not None:
        await import_ledger(
            uow, _from_snapshot(last.ledger, last.period or "", last.before), now, commit=False
        )
    else:
        ledger = await uow.ledgers.get(last.ledger)
        if ledger is not None:
            await uow.ledgers.deactivate_items_after(ledger.id, 0)
    await uow.imports.set_state(last.id, "undone")
    if commit:
        await uow.commit()
    return UndoResult(
        filename=last.filename,
        ledger=last.ledger,
        removed_submissions=removed,
        restored=last.before is not None,
    )
