"""Store a parsed ledger: structure, targets and the period's cells as submissions, in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from pydantic import BaseModel, ConfigDict

from handlers.ledger.deadlines import deadline_date
from handlers.ledger.table import ParsedLedger
from nlp.progress import parse_progress
from nlp.targets import extract_targets
from nlp.types import Target
from nlp.units import short_name
from storage.schemas import NewSubmission, TargetInfo
from storage.uow import UnitOfWork

# The seed's seven columns, as concepts: a file in this layout keeps the default rendering.
SEED_CONCEPTS = ("seq", "category", "content", "unit", "progress", "problems", "plan")

if TYPE_CHECKING:
    from nlp.types import Kind  # storage keeps the kind as a plain string; Target validates it


class ImportSummary(BaseModel):
    """What an import did (or, for a dry run, would do)."""

    model_config = ConfigDict(frozen=True)

    ledger: str
    period: str
    categories: int
    items: int
    units: int
    items_created: int
    items_changed: int
    items_retired: int
    submissions_added: int
    dry_run: bool
    submission_ids: tuple[int, ...] = ()  # the revisions this import added (undo deletes them)

    @property
    def changed(self) -> bool:
        """Return True when the import changed anything."""
        return bool(self.items_created or self.items_changed or self.items_retired or self.submissions_added)


def short_aliases(name: str) -> list[str]:
    """Return the short names people use for a unit (区卫健局 → 卫健局, 区委政法委 → 政法委)."""
    short = short_name(name)
    return [short] if short else []


async def import_ledger(
    uow: UnitOfWork,
    parsed: ParsedLedger,
    now: datetime,
    *,
    dry_run: bool = False,
    author: str = "import",
    on_item: Callable[[int], None] | None = None,
    commit: bool = True,
) -> ImportSummary:
    """Write ``parsed`` into storage; re-importing the same file changes nothing.

    Commits unless dry_run (which rolls back) or ``commit=False`` (a handler inside the engine's
    transaction, which the engine commits after saving the conversation state).
    """
    ledger_id, _ = await uow.ledgers.upsert(parsed.name, parsed.title, parsed.year, parsed.subject, now)
    seed_like = [c for _, c in parsed.columns] == list(SEED_CONCEPTS)
    await uow.ledgers.set_columns(
        ledger_id, None if seed_like or not parsed.columns else list(parsed.columns)
    )
    cat_ids: dict[tuple[int, str], int] = {}
    for seq, name in parsed.categories:
        cat_ids[(seq, name)], _ = await uow.ledgers.upsert_category(ledger_id, seq, name)
    unit_ids: dict[str, int] = {}
    for unit in parsed.units:
        uid = await uow.ledgers.unit_id(unit, create=True)
        assert uid is not None  # create=True always returns an id
        unit_ids[unit] = uid
        for alias in short_aliases(unit):
            await uow.ledgers.add_alias(uid, alias)
    period = await uow.ledgers.period(ledger_id, parsed.period)
    if period is None:
        period = await uow.ledgers.save_period(ledger_id, parsed.period, state="closed", now=now)
    created = changed = added = 0
    added_ids: list[int] = []
    for n, item in enumerate(parsed.items, 1):
        item_id, item_changed = await uow.ledgers.upsert_item(
            ledger_id,
            cat_ids[(item.seq, item.category)],
            item.position,
            item.content,
            extra={} if seed_like else item.extra,  # the seed's seven columns have no other cells
            span_end=deadline_date(item.deadline, parsed.year) if item.deadline else None,
        )
        existed = not (item_changed and await _is_new(uow, item_id))
        targets = [
            TargetInfo(idx=i, name=t.name, value=t.value, unit=t.unit, kind=t.kind)
            for i, t in enumerate(extract_targets(item.content))
        ]
        units_changed = await uow.ledgers.set_item_units(item_id, [unit_ids[u] for u in item.units])
        targets_changed = await uow.ledgers.set_targets(item_id, targets)
        if not existed:
            created += 1
        elif item_changed or units_changed or targets_changed:
            changed += 1
        if item.progress or item.problems or item.plan:
            latest = await uow.submissions.latest(period.id, item_id=item_id, unit="")
            if not latest or (latest[0].progress, latest[0].problems, latest[0].plan) != (
                item.progress,
                item.problems,
                item.plan,
            ):
                result = parse_progress(
                    item.content, item.progress, targets=[_nlp_target(t) for t in targets]
                )
                sub = await uow.submissions.add(
                    NewSubmission(
                        period_id=period.id,
                        item_id=item_id,
                        unit="",
                        progress=item.progress,
                        problems=item.problems,
                        plan=item.plan,
                        status=result.status,
                        achieved={link.target: link.value for link in result.links},
                        source="import",
                        author=author,
                    ),
                    now,
                )
                added_ids.append(sub.id)
                added += 1
        if on_item:
            on_item(n)
    retired = await uow.ledgers.deactivate_items_after(ledger_id, len(parsed.items))
    cats, items, units = await uow.ledgers.counts(ledger_id)
    if dry_run:
        await uow.rollback()
    elif commit:
        await uow.commit()
    return ImportSummary(
        ledger=parsed.name,
        period=parsed.period,
        categories=cats,
        items=items,
        units=units,
        items_created=created,
        items_changed=changed,
        items_retired=retired,
        submissions_added=added,
        dry_run=dry_run,
        submission_ids=tuple(added_ids),
    )


async def _is_new(uow: UnitOfWork, item_id: int) -> bool:
    item = await uow.ledgers.item(item_id)
    return item is not None and not item.units


def _nlp_target(t: TargetInfo) -> Target:
    return Target(name=t.name, value=t.value, unit=t.unit, kind=cast("Kind", t.kind))
