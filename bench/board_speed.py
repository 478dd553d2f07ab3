"""Server time of the dashboard's pages on the seed (33 items) and on a ledger of 3,300 items.

Run from the repository root:  .venv/bin/python bench/board_speed.py [--copies 100] [--rounds 5]

The big ledger is the seed's 33 items imported 100 times over (3,300 items, 2,100 units' worth of rows in
21 units). Two periods: March, where every item has this period's progress, and April just opened, where
every item's figures are carried from March (the slower path). Each figure is the median of ``rounds``
requests through the ASGI app (token check, use case, compile, template; no network). The baseline, measured
in the same run, is ``compile_ledger`` alone on the same period: the ratio is what the board adds to the
compile every report pays.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECRET = "bench-secret"


def _replicated(copies: int):
    from handlers.ledger.reader import read_ledger_file
    from handlers.ledger.table import parse_table

    seed = parse_table(read_ledger_file(ROOT / "bot" / "sample" / "ledger_2025q1.txt"))
    items = []
    for k in range(copies):
        for item in seed.items:
            items.append(
                item.model_copy(
                    update={
                        "position": len(items) + 1,
                        "seq": k * 100 + item.seq,
                        "category": f"{item.category}（{k + 1}）",
                        "content": f"{item.content}（第{k + 1}批）" if k else item.content,
                    }
                )
            )
    return seed.model_copy(update={"items": tuple(items)})


async def _median(fn, rounds: int) -> tuple[float, float]:
    """Return the median wall and CPU seconds of ``fn`` (CPU: steadier when other work shares the machine)."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, cpu_started = time.perf_counter(), time.process_time()
        await fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(wall), statistics.median(cpu)


async def _measure(copies: int, rounds: int, folder: Path) -> list[tuple[str, str, tuple, tuple]]:
    import httpx

    from bot.app import build_app
    from bot.core.clock import SystemClock
    from bot.operations import cli_open_period
    from bot.settings import Settings, WebSettings
    from bot.web import create_web
    from handlers.board.tokens import issue
    from handlers.ledger.compile import compile_ledger
    from handlers.ledger.importer import import_ledger

    settings = Settings(
        database_url=f"sqlite:///{folder / f'board{copies}.db'}",
        files_dir=folder / "files",
        outbox_dir=folder / "outbox",
        web=WebSettings(secret=SECRET),
        _env_file=None,
    )
    app = await build_app(settings, clock=SystemClock())
    try:
        async with app.uow() as uow:
            await import_ledger(uow, _replicated(copies), app.clock.now())
        ok, message = await cli_open_period(app, "2025-04", None)
        assert ok, message
        token = issue(
            SECRET, platform="cli", user_id="bench", name="bench", role="viewer", now=app.clock.now(), hours=1
        )
        transport = httpx.ASGITransport(app=create_web(app, []))
        out = []
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await client.get("/dashboard", params={"t": token})
            for period in ("2025-03", "2025-04"):

                async def page(period=period):
                    r = await client.get("/dashboard", params={"period": period})
                    assert r.status_code == 200 and r.text.count('<tr class="item') == copies * 33

                async def compile_only(period=period):
                    async with app.uow() as uow:
                        ledger = await uow.ledgers.get()
                        await compile_ledger(uow, ledger, await uow.ledgers.period(ledger.id, period))

                await page()  # warm-up: templates, caches
                board = await _median(page, rounds)
                base = await _median(compile_only, rounds)
                out.append((f"{copies * 33} items", period, board, base))
            item = await _median(
                lambda: client.get("/dashboard/item/1", params={"period": "2025-04"}), rounds
            )
            out.append((f"{copies * 33} items", "item page", item, (float("nan"), float("nan"))))
        return out
    finally:
        await app.close()


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = asyncio.run(_measure(1, args.rounds, Path(folder)))
        rows += asyncio.run(_measure(args.copies, args.rounds, Path(folder)))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'ledger':>12} {'page':>10} {'board s':>9} {'(cpu)':>7} {'compile s':>10} {'(cpu)':>7} {'board/compile':>14}"
    )
    for size, period, (board, board_cpu), (base, base_cpu) in rows:
        ratio = board / base if base == base else float("nan")
        print(
            f"{size:>12} {period:>10} {board:9.3f} {board_cpu:7.3f} {base:10.3f} {base_cpu:7.3f} {ratio:14.2f}"
        )


if __name__ == "__main__":
    main()
