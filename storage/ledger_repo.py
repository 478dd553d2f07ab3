"""Ledgers, categories, units, items, targets and periods."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CategoryRow,
    ItemRow,
    ItemUnitRow,
    LedgerRow,
    PeriodRow,
    TargetRow,
    UnitAliasRow,
    UnitRow,
)
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, TargetInfo, UnitInfo
from storage.structure_cache import StructureCache, bump_stamp, read_stamp


def _item_columns():
    """SELECT an item's own columns with its category's 序号 and name (plain columns, no ORM objects)."""
    i, c = ItemRow, CategoryRow
    columns = (i.id, i.ledger_id, i.position, i.content, i.span_start, i.span_end, i.extra)
    return select(*columns, c.seq, c.name.label("category")).join(c, c.id == i.category_id)


class LedgerRepository:
    """Read and write the ledger's structure."""

    def __init__(self, session: AsyncSession, cache: StructureCache | None = None) -> None:
        self.s = session
        self._cache = cache
        # Reads come from the process-wide cache while its stamp holds; after a write in this unit of work,
        # from a memo of this unit of work only (what it wrote is not committed, so not for others).
        self._memo: dict[tuple, object] = {}
        self._store: dict[tuple, object] | None = None
        self._wrote = False

    async def _remember(self, key: tuple, load):
        store = await self._values()
        if key not in store:
            store[key] = await load()
        return store[key]

    async def _values(self) -> dict[tuple, object]:
        if self._store is None:
            cache = None if self._wrote else self._cache
            stamp = None if cache is None else await read_stamp(self.s)
            self._store = self._memo if cache is None or stamp is None else cache.values_for(stamp)
        return self._store

    async def _changed(self) -> None:
        """Note a structural write: forget what was read, and bump the stamp once per unit of work."""
        self._memo.clear()
        self._store = self._memo
        if not self._wrote:
            self._wrote = True
            await bump_stamp(self.s)

    # ledgers
    async def get(self, name: str | None = None) -> LedgerInfo | None:
        """Return the named ledger, or the most recently updated one."""
        return await self._remember(("ledger", name), lambda: self._get(name))

    async def _get(self, name: str | None) -> LedgerInfo | None:
        q = select(LedgerRow)
        q = (
            q.where(LedgerRow.name == name)
            if name
            else q.order_by(LedgerRow.updated_at.desc(), LedgerRow.id.desc())
        )
        row = (await self.s.execute(q.limit(1))).scalar_one_or_none()
        return LedgerInfo.model_validate(row) if row else None

    async def upsert(self, name: str, title: str, year: int, subject: str, now: datetime) -> tuple[int, bool]:
        """Create or retitle a ledger; return its id and whether it was created."""
        await self._changed()
        row = (await self.s.execute(select(LedgerRow).where(LedgerRow.name == name))).scalar_one_or_none()
        if row is None:
            row = LedgerRow(
                name=name, title=title, year=year, subject=subject, created_at=now, updated_at=now
            )
            self.s.add(row)
            await self.s.flush()
            return row.id, True
        if (row.title, row.year, row.subject) != (title, year, subject):
            row.title, row.year, row.subject, row.updated_at = title, year, subject, now
        return row.id, False

    async def counts(self, ledger_id: int) -> tuple[int, int, int]:
        """Return the numbers of categories, active items and units used by a ledger."""
        cats = await self.s.scalar(
            select(func.count()).select_from(CategoryRow).where(CategoryRow.ledger_id == ledger_id)
        )
        items = await self.s.scalar(
            select(func.count())
            .select_from(ItemRow)
            .where(ItemRow.ledger_id == ledger_id, ItemRow.active.is_(True))
        )
        units = await self.s.scalar(
            select(func.count(func.distinct(ItemUnitRow.unit_id)))
            .join(ItemRow, ItemRow.id == ItemUnitRow.item_id)
            .where(ItemRow.ledger_id == ledger_id, ItemRow.active.is_(True))
        )
        return int(cats or 0), int(items or 0), int(units or 0)

    # categories and items
    async def upsert_category(self, ledger_id: int, seq: int, name: str) -> tuple[int, bool]:
        """Create or rename the category with 序号 ``seq``; return its id and whether anything changed."""
        await self._changed()
        row = (
            await self.s.execute(
                select(CategoryRow).where(CategoryRow.ledger_id == ledger_id, CategoryRow.seq == seq)
            )
        ).scalar_one_or_none()
        if row is None:
            row = CategoryRow(ledger_id=ledger_id, seq=seq, name=name)
            self.s.add(row)
            await self.s.flush()
            return row.id, True
        changed = row.name != name
        row.name = name
        return row.id, changed

    async def set_columns(self, ledger_id: int, columns: list[tuple[str, str]] | None) -> bool:
        """Keep the ledger's own columns (title, concept) in file order, None for the seed's; True if changed."""
        row = await self.s.get(LedgerRow, ledger_id)
        value = [list(c) for c in columns] if columns is not None else None
        if row is None or row.columns == value:
            return False
        await self._changed()
        row.columns = value
        return True

    async def upsert_item(
        self,
        ledger_id: int,
        category_id: int,
        position: int,
        content: str,
        extra: dict[str, str] | None = None,
        span_end: date | None = None,
    ) -> tuple[int, bool]:
        """Create or update the item at ``position`` (``extra``: other columns by title; ``span_end``: its
        deadline, when given); return its id and whether anything changed."""
        await self._changed()
        row = (
            await self.s.execute(
                select(ItemRow).where(ItemRow.ledger_id == ledger_id, ItemRow.position == position)
            )
        ).scalar_one_or_none()
        if row is None:
            row = ItemRow(ledger_id=ledger_id, category_id=category_id, position=position, content=content)
            row.active, row.extra, row.span_end = True, extra or None, span_end
            self.s.add(row)
            await self.s.flush()
            return row.id, True
        want = (category_id, content, True, extra or None)
        changed = (row.category_id, row.content, row.active, row.extra or None) != want
        row.category_id, row.content, row.active, row.extra = want
        if span_end is not None and row.span_end != span_end:
            row.span_end, changed = span_end, True
        return row.id, changed

    async def deactivate_items_after(self, ledger_id: int, last_position: int) -> int:
        """Mark items beyond ``last_position`` inactive (a shorter new version); history stays."""
        await self._changed()
        rows = (
            await self.s.execute(
                select(ItemRow).where(
                    ItemRow.ledger_id == ledger_id, ItemRow.position > last_position, ItemRow.active.is_(True)
                )
            )
        ).scalars()
        n = 0
        for row in rows:
            row.active = False
            n += 1
        return n

    async def set_item_units(self, item_id: int, unit_ids: list[int]) -> bool:
        """Link an item to its units, the first being the lead; return whether it changed."""
        await self._changed()
        current = (
            (
                await self.s.execute(
                    select(ItemUnitRow).where(ItemUnitRow.item_id == item_id).order_by(ItemUnitRow.position)
                )
            )
            .scalars()
            .all()
        )
        if [r.unit_id for r in current] == unit_ids:
            return False
        await self.s.execute(delete(ItemUnitRow).where(ItemUnitRow.item_id == item_id))
        for pos, uid in enumerate(unit_ids):
            self.s.add(
                ItemUnitRow(item_id=item_id, unit_id=uid, role="lead" if pos == 0 else "co", position=pos)
            )
        await self.s.flush()
        return True

    async def set_targets(self, item_id: int, targets: list[TargetInfo]) -> bool:
        """Replace an item's targets; return whether they changed."""
        await self._changed()
        current = (
            (
                await self.s.execute(
                    select(TargetRow).where(TargetRow.item_id == item_id).order_by(TargetRow.idx)
                )
            )
            .scalars()
            .all()
        )
        old = [(r.name, r.value, r.unit, r.kind) for r in current]
        new = [(t.name, float(t.value), t.unit, t.kind) for t in targets]
        if old == new:
            return False
        await self.s.execute(delete(TargetRow).where(TargetRow.item_id == item_id))
        for i, t in enumerate(targets):
            self.s.add(
                TargetRow(item_id=item_id, idx=i, name=t.name, value=float(t.value), unit=t.unit, kind=t.kind)
            )
        await self.s.flush()
        return True

    async def items(self, ledger_id: int, *, unit: str | None = None) -> list[ItemInfo]:
        """Return the active items of a ledger in order, optionally only those of one unit."""
        return list(await self._remember(("items", ledger_id, unit), lambda: self._items(ledger_id, unit)))

    async def _items(self, ledger_id: int, unit: str | None) -> list[ItemInfo]:
        rows = (
            await self.s.execute(
                _item_columns()
                .where(ItemRow.ledger_id == ledger_id, ItemRow.active.is_(True))
                .order_by(ItemRow.position)
            )
        ).all()
        return await self._assemble(rows, unit)

    async def item(self, item_id: int) -> ItemInfo | None:
        """Return one item."""
        return await self._remember(("item", item_id), lambda: self._item(item_id))

    async def _item(self, item_id: int) -> ItemInfo | None:
        rows = (await self.s.execute(_item_columns().where(ItemRow.id == item_id))).all()
        found = await self._assemble(rows, None)
        return found[0] if found else None

    async def _assemble(self, rows, unit: str | None) -> list[ItemInfo]:
        """Return items from rows of ``_item_columns`` with their units and targets (plain rows: no ORM objects)."""
        ids = [r.id for r in rows]
        if not ids:
            return []
        units: dict[int, list[str]] = defaultdict(list)
        for item_id, name in (
            await self.s.execute(
                select(ItemUnitRow.item_id, UnitRow.name)
                .join(UnitRow, UnitRow.id == ItemUnitRow.unit_id)
                .where(ItemUnitRow.item_id.in_(ids))
                .order_by(ItemUnitRow.item_id, ItemUnitRow.position)
            )
        ).all():
            units[item_id].append(name)
        targets: dict[int, list[TargetInfo]] = defaultdict(list)
        t = TargetRow
        for r in await self.s.execute(
            select(t.item_id, t.idx, t.name, t.value, t.unit, t.kind)
            .where(t.item_id.in_(ids))
            .order_by(t.item_id, t.idx)
        ):
            targets[r.item_id].append(
                TargetInfo(idx=r.idx, name=r.name, value=r.value, unit=r.unit, kind=r.kind)
            )
        fields = ("id", "ledger_id", "position", "seq", "category", "content", "span_start", "span_end")
        return [
            ItemInfo(
                **{f: r._mapping[f] for f in fields},
                units=tuple(units[r.id]),
                targets=tuple(targets[r.id]),
                extra=r.extra or {},
            )
            for r in rows
            if not unit or unit in units[r.id]
        ]

    # units
    async def unit_id(self, name: str, *, create: bool = False) -> int | None:
        """Return the id of a unit by name or alias, creating it when asked."""
        uid = await self._remember(("unit_id", name), lambda: self._unit_id(name))
        if uid is None and create:
            await self._changed()
            row = UnitRow(name=name)
            self.s.add(row)
            await self.s.flush()
            uid = row.id
        return uid

    async def _unit_id(self, name: str) -> int | None:
        uid = await self.s.scalar(select(UnitRow.id).where(UnitRow.name == name))
        if uid is None:
            uid = await self.s.scalar(select(UnitAliasRow.unit_id).where(UnitAliasRow.alias == name))
        return uid

    async def add_alias(self, unit_id: int, alias: str) -> bool:
        """Give a unit another name, unless the name is taken; return whether it was added."""
        await self._changed()
        if await self.s.scalar(select(UnitRow.id).where(UnitRow.name == alias)):
            return False
        if await self.s.scalar(select(UnitAliasRow.id).where(UnitAliasRow.alias == alias)):
            return False
        self.s.add(UnitAliasRow(unit_id=unit_id, alias=alias))
        await self.s.flush()
        return True

    async def units(self, ledger_id: int | None = None) -> list[UnitInfo]:
        """Return units (those of a ledger's active items, in ledger order, when given)."""
        if ledger_id is None:
            rows = (await self.s.execute(select(UnitRow).order_by(UnitRow.id))).scalars().all()
        else:
            first = (
                select(
                    ItemUnitRow.unit_id, func.min(ItemRow.position * 100 + ItemUnitRow.position).label("o")
                )
                .join(ItemRow, ItemRow.id == ItemUnitRow.item_id)
                .where(ItemRow.ledger_id == ledger_id, ItemRow.active.is_(True))
                .group_by(ItemUnitRow.unit_id)
                .subquery()
            )
            rows = (
                (
                    await self.s.execute(
                        select(UnitRow).join(first, first.c.unit_id == UnitRow.id).order_by(first.c.o)
                    )
                )
                .scalars()
                .all()
            )
        return [UnitInfo(id=r.id, name=r.name, aliases=tuple(a.alias for a in r.aliases)) for r in rows]

    # periods
    async def period(self, ledger_id: int, code: str) -> PeriodInfo | None:
        """Return a period by its YYYY-MM code."""
        return next((p for p in await self.periods(ledger_id) if p.code == code), None)

    async def periods(self, ledger_id: int) -> list[PeriodInfo]:
        """Return all periods of a ledger, oldest first."""
        return list(await self._remember(("periods", ledger_id), lambda: self._periods(ledger_id)))

    async def _periods(self, ledger_id: int) -> list[PeriodInfo]:
        q = select(PeriodRow).where(PeriodRow.ledger_id == ledger_id).order_by(PeriodRow.code)
        return [PeriodInfo.model_validate(r) for r in (await self.s.execute(q)).scalars().all()]

    async def save_period(
        self,
        ledger_id: int,
        code: str,
        *,
        state: str,
        now: datetime,
        deadline: datetime | None = None,
        keep_deadline: bool = True,
    ) -> PeriodInfo:
        """Create a period or change its state and deadline."""
        await self._changed()
        row = (
            await self.s.execute(
                select(PeriodRow).where(PeriodRow.ledger_id == ledger_id, PeriodRow.code == code)
            )
        ).scalar_one_or_none()
        year, month = int(code[:4]), int(code[5:7])
        if row is None:
            row = PeriodRow(
                ledger_id=ledger_id,
                code=code,
                year=year,
                month=month,
                state=state,
                deadline=deadline,
                opened_at=now,
            )
            self.s.add(row)
        else:
            if row.state != state:
                row.state = state
                if state == "open":
                    row.opened_at, row.closed_at = now, None
            if deadline is not None or not keep_deadline:
                row.deadline = deadline
        if state == "closed" and row.closed_at is None:
            row.closed_at = now
        await self.s.flush()
        return PeriodInfo.model_validate(row)
