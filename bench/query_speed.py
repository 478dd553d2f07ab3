"""Questions at 33, 500 and 3,300 items: 概况, the lagging list and a one-item question, the old way and now.

The old way is today's code path before issue 15, measured in the same run from the same database: every
question compiled the whole ledger with ``compile_ledger`` (one ``previous`` per item without a filing in
the period) and 概况 asked ``previous`` once more per row for the plan check. Now: ``queries.answer`` as
the chat calls it. The ledger is the seed's 33 items repeated; 2025-03 is imported (every item filed),
2025-04 is open with nothing filed yet, so every item's values are carried from March. "new 1st" is the
first time a question is asked after the ledger changed (nothing kept: the compiled ledger, the
vocabulary and the structure are kept while the structure stamp and the ledger's submissions are
unchanged, and forgotten before each question's first round); "new" the median of the repeats after it.
"old" is the median after a warm-up round (its structure cache warm).

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
        await uow.ledgers.save_period(ledger.id, "2025-04", state="open", now=now)
        await uow.commit()
    statements = [0]
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1)
    )
    segmenter = Segmenter()
    out = []
    for question, text in QUESTIONS.items():
        figures: dict[str, dict[str, float]] = {}
        for way, run in (("old", _old), ("new", _new)):
            times, counts = [], []
            cache.values_for(
                -1
            )  # forget everything kept: the first round is the first question after a change
            for _ in range(repeat + 1):  # the first round also warms the structure cache
                async with UnitOfWork(sm, cache) as uow:
                    deps = Deps(uow=uow, clock=FakeClock(now), segmenter=segmenter)
                    statements[0] = 0
                    start = time.perf_counter()
                    await run(deps, text)
                    times.append(time.perf_counter() - start)
                    counts.append(statements[0])
            figures[way] = {
                "s": statistics.median(times[1:]),
                "cold": times[0],
                "statements": counts[-1],
                "cold_statements": counts[0],
            }
        out.append(
            {
                "bot": f"{backend} {n} {question}",
                "old_s": figures["old"]["s"],
                "new_s": figures["new"]["s"],
                "new_first_s": figures["new"]["cold"],
                "old_statements": figures["old"]["statements"],
                "new_statements": figures["new"]["statements"],
                "new_first_statements": figures["new"]["cold_statements"],
                "speedup": figures["old"]["s"] / figures["new"]["s"],
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
        f"{'backend items question':<28}{'old s':>9}{'new s':>9}{'new 1st s':>10}{'old stmts':>11}"
        f"{'new stmts':>11}{'new 1st stmts':>14}{'old/new':>9}{'old/new 1st':>12}"
    )
    for r in results:
        print(
            f"{r['bot']:<28}{r['old_s']:>9.3f}{r['new_s']:>9.3f}{r['new_first_s']:>10.3f}{r['old_statements']:>11}"
            f"{r['new_statements']:>11}{r['new_first_statements']:>14}{r['speedup']:>8.1f}×"
            f"{r['old_s'] / r['new_first_s']:>11.1f}×"
        )
    print(json.dumps({"results": results}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
