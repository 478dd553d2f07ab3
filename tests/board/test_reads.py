"""The board compiles from per-period bulk reads; the compiled ledger must equal the one compiled query by query."""

from __future__ import annotations

import pytest

from bot.operations import cli_open_period
from handlers.board.reads import PrefetchedReads
from handlers.ledger.compile import compile_ledger
from storage.schemas import NewSubmission


async def test_prefetched_reads_compile_the_same_ledger(seeded_app):
    app = seeded_app
    for code in ("2025-04", "2025-05"):
        ok, message = await cli_open_period(app, code, None, force=True)
        assert ok, message
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        periods = {p.code: p for p in await uow.ledgers.periods(ledger.id)}
        items = await uow.ledgers.items(ledger.id)
        with_target = [i for i in items if i.targets]
        april = periods["2025-04"].id
        now = app.clock.now()
        # An April report with a figure, revised once; another item reported then skipped (newest revision
        # skipped, an older one not: the case the bulk read hands back to the repository).
        a, b, c = with_target[0], with_target[1], with_target[2]
        first = {a.targets[0].idx: a.targets[0].value / 2}
        await uow.submissions.add(
            NewSubmission(period_id=april, item_id=a.id, unit=a.units[0], progress="过半", achieved=first),
            now,
        )
        more = {a.targets[0].idx: a.targets[0].value * 0.6}
        await uow.submissions.add(
            NewSubmission(period_id=april, item_id=a.id, unit=a.units[0], progress="六成", achieved=more), now
        )
        await uow.submissions.add(
            NewSubmission(
                period_id=april,
                item_id=b.id,
                unit=b.units[0],
                progress="有进展",
                status="completed",
                achieved={b.targets[0].idx: b.targets[0].value},
            ),
            now,
        )
        await uow.submissions.add(
            NewSubmission(period_id=april, item_id=b.id, unit=b.units[0], skipped=True), now
        )
        # Only skipped in April: its figures and status come from March.
        await uow.submissions.add(
            NewSubmission(period_id=april, item_id=c.id, unit=c.units[0], skipped=True, status="not_started"),
            now,
        )
        await uow.commit()
    async with app.uow() as uow:
        all_periods = await uow.ledgers.periods(ledger.id)
        for code in ("2025-03", "2025-04", "2025-05"):
            direct = await compile_ledger(uow, ledger, periods[code])
            bulk = await compile_ledger(PrefetchedReads(uow, ledger.id, all_periods), ledger, periods[code])
            assert bulk == direct, code
        may = await compile_ledger(uow, ledger, periods["2025-05"])
        row_a = next(r for r in may.rows if r.item_id == a.id)
        assert row_a.targets[0].achieved == pytest.approx(a.targets[0].value * 0.6)  # carried from April
