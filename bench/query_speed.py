"""Questions at 33, 500 and 3,300 items: 概况, the lagging list and a one-item question, the old way and now.

The old way is today's code path before issue 15, measured in the same run from the same database: every
question compiled the whole ledger with ``compile_ledger`` (one ``previous`` per item without a filing in
the period) and 概况 asked ``previous`` once more per row for the plan check. Now: ``queries.answer`` as
the chat calls it. The ledger is the seed's 33 items repeated; 2025-03 is imported (every item filed),
2025-04 is open, so most items' values are carried from March. jieba's dictionary is loaded before
measuring (a running bot has loaded it to parse its first filing).

Columns (each a median of ``--repeat`` rounds; "st" = SQL statements of the last round):
  old     the old way, after a warm-up round (its structure cache warm);
  new     the question asked again with nothing changed (everything kept);
  1st     the first time it is asked after a filing: one unit files one item of April, then the question
          is asked; the compiled ledger and the vocabulary kept from before are updated for that item only;
  cold    nothing kept at all (the structure cache emptied too): the first question after an import that
          changed the ledger's structure (a started `ledgerbot run`/`web` builds the latest period's at start,
          App.warm_up, so its first question is a "new" one).
After the rounds, the answer is checked equal to one compiled from the database with no cache at all.

Measured (issue 15, --repeat 3, 2 shared cores under load ~4, so absolute times are high; the ratios
are within one run):

  backend items question      old s   new s   1st s  cold s  old st  1st st  old/new  old/1st  old/cold
  sqlite     33 overview      0.016   0.001   0.032   0.017      40      10    16.2×     0.5×      0.9×
  sqlite    500 overview      0.115   0.001   0.013   0.064     507      10    77.9×     8.9×      1.8×
  sqlite   3300 overview      2.174   0.021   0.046   1.261    3307      10   104.3×    46.8×      1.7×
  sqlite   3300 lagging       1.718   0.009   0.043   1.008    3305      10   192.5×    39.5×      1.7×
  sqlite   3300 item          2.483   0.024   0.025   0.547    3306       9   103.9×   100.3×      4.5×
  postgres   33 overview      0.021   0.002   0.013   0.017      40      10    11.1×     1.6×      1.3×
  postgres  500 overview      1.420   0.008   0.037   0.221     507      10   168.9×    38.5×      6.4×
  postgres 3300 overview      3.850   0.025   0.071   1.459    3307      10   156.1×    54.1×      2.6×
  postgres 3300 lagging       3.408   0.011   0.032   1.102    3305      10   313.4×   106.2×      3.1×
  postgres 3300 item          2.378   0.010   0.015   0.302    3306       9   234.7×   159.0×      7.9×

Before this (same bench, "1st" then meaning nothing kept): the first 概况 after a filing at 3,300 items
was 0.8× (SQLite) / 3.6× (PostgreSQL) the old way when last measured (1.4× / 4.1× at the start of this change). Cold is still only 1.7–3× (it compiles all 3,300 rows
and reads the structure the old way had cached). At 33 items every figure is a few milliseconds and
moves with the machine's load from run to run (a rerun: 4.7× for the 1st 概况 after a filing).

Run: PYTHONPATH=. .venv/bin/python bench/query_speed.py [--sizes 33,500,3300] [--postgres URL] [--repeat 3]
Prints a table and a last JSON line {"results": [{"bot": "<backend> <n> <question>", …}]}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = {"overview": "概况", "lagging": "哪些项目滞后", "item": "第5项进展"}


def _ledger(n: int):
    from handlers.ledger.reader import read_ledger_file
    from handlers.ledger.table import parse_table
    from tests.conftest import seed_path

    seed = parse_table(read_ledger_file(seed_path()))
    items = []
    for k in range(n):
        base = seed.items[k % len(seed.items)]
        batch = k // len(seed.items)
        content = base.content if batch == 0 else f"{base.content}（第{batch + 1}批）"
        items.append(base.model_copy(update={"position": k + 1, "row": k + 1, "content": content}))
    return seed.model_copy(update={"items": tuple(items)})


async def _old(deps, text: str) -> None:
    """The pre-issue-15 query path's reads for the three questions."""
    from handlers.coordinator.query_blocks import plan_not_mentioned
    from handlers.current import current_ledger, latest_period
    from handlers.ledger.compile import compile_ledger

    ledger = await current_ledger(deps)
    items = await deps.uow.ledgers.items(ledger.id)
    await deps.uow.ledgers.units(ledger.id)
    period = await latest_period(deps, ledger)
    compiled = await compile_ledger(deps.uow, ledger, period, deps.config.thresholds)
    if text == QUESTIONS["overview"]:
        await deps.uow.submissions.latest(period.id)
        for row in compiled.rows:
            if row.progress:  # the plan check, as the old _plan_not_mentioned did it
                previous = await deps.uow.submissions.previous(ledger.id, period.code, row.item_id)
                plan_not_mentioned(deps, row, previous)
    elif text == QUESTIONS["item"]:
        await deps.uow.submissions.previous(ledger.id, period.code, items[4].id)


async def _new(deps, text: str) -> str:
    from bot.core.conversation import IDLE
    from bot.core.messages import ChatRef, IncomingMessage
    from handlers.coordinator import queries

    msg = IncomingMessage(
        message_id="1",
        chat=ChatRef(platform="bench", chat_id="1"),
        user_id="1",
        text=text,
        sent_at=deps.now(),
    )
    turn = await queries.answer(msg, IDLE, deps)
    assert turn is not None
    return turn.replies[0].text  # type: ignore[union-attr]


async def _file(sm, cache, ledger_id: int, period_id: int, k: int, now: datetime) -> None:
    """One unit files one item of the open period (what a contact's 填报 stores)."""
    from storage.schemas import NewSubmission
    from storage.uow import UnitOfWork

    async with UnitOfWork(sm, cache) as uow:
        items = await uow.ledgers.items(ledger_id)
        item = items[(7 * k) % len(items)]
        new = NewSubmission(
            period_id=period_id,
            item_id=item.id,
            unit=item.units[0],
            progress=f"第{k}轮：已开工",
            status="in_progress",
            author="bench",
        )
        await uow.submissions.add(new, now)
        await uow.commit()


async def measure(url: str, backend: str, n: int, repeat: int) -> list[dict]:
    from sqlalchemy import event

    from bot.core.clock import SHANGHAI, FakeClock
    from handlers.deps import Deps
    from handlers.ledger.importer import import_ledger
    from nlp.segment import Segmenter
    from storage import db
    from storage.structure_cache import StructureCache
    from storage.uow import UnitOfWork

    engine = db.make_engine(url)
    await db.upgrade(engine)
    sm = db.make_sessionmaker(engine)
    cache = StructureCache()
    now = datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI)
    async with UnitOfWork(sm, cache) as uow:
        await import_ledger(uow, _ledger(n), now)
        await uow.commit()
    async with UnitOfWork(sm, cache) as uow:
        ledger = await uow.ledgers.get()
        assert ledger is not None
        april = await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=now)
        await uow.commit()
    statements = [0]
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1)
    )
    segmenter = Segmenter()
    segmenter.cut("预热")  # jieba's dictionary loaded, as in a bot that has parsed a filing
    filed = [0]

    async def ask(run, text: str, kept: StructureCache | None = cache) -> tuple[float, int, object]:
        async with UnitOfWork(sm, kept) as uow:
            deps = Deps(uow=uow, clock=FakeClock(now), segmenter=segmenter)
            statements[0] = 0
            start = time.perf_counter()
            answer = await run(deps, text)
            return time.perf_counter() - start, statements[0], answer

    out = []
    for question, text in QUESTIONS.items():
        rounds: dict[str, list[tuple[float, int, object]]] = {}
        await ask(_old, text)  # warm-up: the structure cache warm, as in a running bot
        rounds["old"] = [await ask(_old, text) for _ in range(repeat)]
        rounds["cold"] = []
        for _ in range(repeat):
            cache.values_for(-1)  # forget everything kept: as after a restart or a change of structure
            rounds["cold"].append(await ask(_new, text))
        rounds["filed"] = []
        for _ in range(repeat):  # the question asked before is kept; then one unit files one item
            filed[0] += 1
            await _file(sm, cache, ledger.id, april.id, filed[0], now)
            rounds["filed"].append(await ask(_new, text))
        rounds["new"] = [await ask(_new, text) for _ in range(repeat)]
        # The kept-and-updated answer is the one compiling everything gives (no cache at all).
        assert rounds["new"][-1][2] == (await ask(_new, text, None))[2], (backend, n, question)
        s = {way: statistics.median(r[0] for r in runs) for way, runs in rounds.items()}
        stmts = {way: runs[-1][1] for way, runs in rounds.items()}
        out.append(
            {
                "bot": f"{backend} {n} {question}",
                "old_s": s["old"],
                "new_s": s["new"],
                "new_first_s": s["filed"],
                "new_cold_s": s["cold"],
                "old_statements": stmts["old"],
                "new_statements": stmts["new"],
                "new_first_statements": stmts["filed"],
                "new_cold_statements": stmts["cold"],
                "speedup": s["old"] / s["new"],
                "speedup_first": s["old"] / s["filed"],
                "speedup_cold": s["old"] / s["cold"],
            }
        )
    await engine.dispose()
    return out


async def _postgres_db(url: str) -> tuple[str, str, str]:
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"ledgerbot_bench_{uuid.uuid4().hex[:8]}"
    admin = base.set(drivername="postgresql", database=base.database or "postgres").render_as_string(False)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return base.set(database=name).render_as_string(False), admin, name


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="33,500,3300")
    parser.add_argument(
        "--postgres", default="", help="a PostgreSQL URL to also measure on (a scratch database)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    ns = parser.parse_args()
    results = []
    for n in (int(s) for s in ns.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            results += await measure(f"sqlite:///{tmp}/bench.db", "sqlite", n, ns.repeat)
        if ns.postgres:
            import asyncpg

            url, admin, name = await _postgres_db(ns.postgres)
            try:
                results += await measure(url, "postgres", n, ns.repeat)
            finally:
                conn = await asyncpg.connect(admin)
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await conn.close()
    print(
        f"{'backend items question':<26}{'old s':>8}{'new s':>8}{'1st s':>8}{'cold s':>8}"
        f"{'old st':>8}{'new st':>7}{'1st st':>7}{'cold st':>8}{'old/new':>9}{'old/1st':>9}{'old/cold':>9}"
    )
    for r in results:
        print(
            f"{r['bot']:<26}{r['old_s']:>8.3f}{r['new_s']:>8.3f}{r['new_first_s']:>8.3f}{r['new_cold_s']:>8.3f}"
            f"{r['old_statements']:>8}{r['new_statements']:>7}{r['new_first_statements']:>7}"
            f"{r['new_cold_statements']:>8}{r['speedup']:>8.1f}×{r['speedup_first']:>8.1f}×{r['speedup_cold']:>8.1f}×"
        )
    print(json.dumps({"results": results}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
