"""Benchmark the full Telegram pipeline against a bare python-telegram-bot echo bot, on SQLite and PostgreSQL.

N text updates from bound contacts in the middle of the monthly dialogue (填报, then labelled progress replies
and 确认) go from the fake Bot API server (a child process) through python-telegram-bot, TelegramPolling,
the engine (inbox, state, routing, parsing, storage) and back out as sendMessage. The same N go through
bench/telegram_echo.py. Each measurement runs in its own process so CPU and peak RSS are its own.
Flood limits are switched off (they would cap both at Telegram's 30 messages/s); the PostgreSQL server's
CPU is not counted (another process).

A paced run (``--paced``) keeps the flood limiter on, as shipped: 100 contacts send three dialogue messages
each at once and the replies per second are reported as a share of Telegram's 30 messages/s.

Run: .venv/bin/python bench/telegram_pipeline.py [--n 3000] [--contacts 300] [--backends sqlite,postgres]
     [--profile]   (cProfile of each pipeline run, top functions printed)
     [--paced]     (also the paced run: --paced-contacts 100 × 3 messages, limiter on)
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
FIRST_CHAT = 500_000
PROGRESS = "进展：已完成前期手续，正在抓紧推进第{k}阶段工作 问题：无 计划：继续推进"


def dialogue(items_of: list[list[int]], n: int) -> list[tuple[int, str]]:
    """Return ``n`` (chat id, text) updates, contacts taking turns; ``items_of[c]`` = contact c's item numbers.

    Each contact says 填报, answers every item with a labelled progress reply and 确认, then goes on with
    修改 N, a new progress reply and 确认 for its items in turn: every update is a step of the real dialogue.
    """
    contacts = len(items_of)
    per = -(-n // contacts)
    scripts = []
    for _c, items in enumerate(items_of):
        script = ["填报"]
        for k, _ in enumerate(items):
            script += [PROGRESS.format(k=k + 1), "确认"]
        k = 0
        while len(script) < per:
            script += [f"修改 {items[k % len(items)]}", PROGRESS.format(k=k + 10), "确认"]
            k += 1
        scripts.append(script[:per])
    plan = [(FIRST_CHAT + c, scripts[c][step]) for step in range(per) for c in range(contacts)]
    return plan[:n]


def _serve_fake(conn: Connection, plan: list[tuple[int, str]]) -> None:
    """Child process: the fake Bot API with ``plan`` queued; report calls when told to stop."""
    from tests.fakes.fake_telegram import FakeTelegram

    async def main() -> None:
        async with FakeTelegram() as fake:
            for chat_id, words in plan:
                fake.push_text(chat_id, chat_id, words)
            conn.send((fake.port, fake.token))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            texts = [c.params.get("text", "") for c in fake.calls_of("sendMessage")]
            conn.send(
                {
                    "sendMessage": len(texts),
                    "asked_to_confirm": sum("我理解的是" in t for t in texts),
                    "refused": sum("没有权限" in t for t in texts),
                    "filed": sum("已记录" in t for t in texts),
                    "errors": sum("出错" in t for t in texts),
                }
            )

    asyncio.run(main())


def _start_fake(plan: list[tuple[int, str]]) -> tuple[multiprocessing.Process, Connection, int, str]:
    from telegram_echo import spawn_fake

    return spawn_fake(_serve_fake, plan, timeout=120)


class NoFloodLimit:
    """A FloodLimiter that never waits (the fake server has no limits to respect)."""

    async def acquire(self, chat: Any) -> float:
        return 0.0


async def _scratch_postgres() -> str:
    import asyncpg

    name = f"ledgerbot_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


async def _drop_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def _prepare(url: str, files: Path, contacts: int):
    """Build the app on ``url``: seed imported, 2025-04 open, ``contacts`` contacts bound round-robin to units."""
    from bot.app import build_app
    from bot.core.clock import SHANGHAI, FakeClock
    from bot.operations import cli_open_period
    from bot.settings import Settings
    from tests.conftest import import_seed

    clock = FakeClock(datetime(2025, 4, 21, 10, 0, tzinfo=SHANGHAI))
    app = await build_app(
        Settings(database_url=url, files_dir=files, _env_file=None), clock=clock, migrate=True
    )
    await import_seed(app)
    ok, message = await cli_open_period(app, "2025-04", "2025-04-25 17:00")
    assert ok, message
    items_of: list[list[int]] = []
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        items = await uow.ledgers.items(ledger.id)
        units = [u.name for u in await uow.ledgers.units(ledger.id)]
        for c in range(contacts):
            chat, unit = str(FIRST_CHAT + c), units[c % len(units)]
            await uow.chats.add_role("telegram", chat, "contact", clock.now(), unit=unit, chat_id=chat)
            items_of.append(
                [i.position for i in items if i.units and i.units[0] == unit]
                or [i.position for i in items if unit in i.units]
            )
        await uow.commit()
    await app.close()
    return clock, items_of


def _prepare_sync(url: str, files: Path, contacts: int):
    return asyncio.run(_prepare(url, files, contacts))


async def run_pipeline(
    n: int, contacts: int, backend: str, profile: bool = False, paced: bool = False
) -> dict[str, Any]:
    """Push ``n`` updates through the full pipeline; return throughput, CPU per update and peak RSS."""
    import psutil
    from sqlalchemy import event

    from bot.app import build_app
    from bot.platforms.telegram_service import TelegramPolling
    from bot.settings import Settings, TelegramSettings

    tmp = Path(tempfile.mkdtemp(prefix="ledgerbot-bench-"))
    url = f"sqlite:///{tmp / 'bench.db'}" if backend == "sqlite" else await _scratch_postgres()
    proc = None
    try:
        # Preparing (seed import, bindings) happens in another process: its memory is not the bot's.
        with concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            clock, items_of = await asyncio.get_running_loop().run_in_executor(
                pool, _prepare_sync, url, tmp / "files", contacts
            )
        proc, pipe, port, token = _start_fake(dialogue(items_of, n))
        telegram = TelegramSettings(
            token=token,
            base_url=f"http://127.0.0.1:{port}/bot",
            base_file_url=f"http://127.0.0.1:{port}/file/bot",
        )
        app = await build_app(
            Settings(database_url=url, files_dir=tmp / "files", telegram=telegram, _env_file=None),
            clock=clock,
            migrate=True,
        )
        await app.warm_up()  # the parser's one-off start-up, as `ledgerbot run` does before taking updates
        # Paced: the FloodLimiter as shipped (30/s overall, 1/s per chat); else none.
        service = TelegramPolling(app, limiter=None if paced else NoFloodLimit(), poll_timeout=1.0)
        done = asyncio.Event()
        handled = 0

        def finished(updates: Any) -> None:
            nonlocal handled
            handled += len(updates)
            if handled >= n:
                done.set()

        service.adapter.after_batch = finished
        statements = 0

        def count(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(app.db_engine.sync_engine, "before_cursor_execute", count)
        rss_before = psutil.Process().memory_info().rss / 2**20
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await service.start()
        await asyncio.wait_for(done.wait(), 1800)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        if profiler is not None:
            profiler.disable()
        await service.stop()
        from sqlalchemy import text

        async with app.db_engine.connect() as conn:
            filed = (
                await conn.execute(text("SELECT count(*) FROM submissions WHERE source = 'chat'"))
            ).scalar()
        await app.close()
        pipe.send("stop")
        server = pipe.recv() if pipe.poll(60) else {}
        result = {
            "bot": f"pipeline/{backend}" + (" paced" if paced else ""),
            "replies_per_s": round(server.get("sendMessage", 0) / wall, 1),
            "share_of_limit": round(server.get("sendMessage", 0) / wall / 30, 2),
            "updates": n,
            "contacts": contacts,
            "seconds": round(wall, 3),
            "updates_per_s": round(n / wall, 1),
            "cpu_ms_per_update": round(cpu * 1000 / n, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_run_mb": round(rss_before, 1),
            "sql_statements_per_update": round(statements / n, 1),
            "server_saw": server,
            "submissions_filed": filed,
        }
        if profiler is not None:
            result["profile"] = _profile_summary(profiler)
        return result
    finally:
        if proc is not None:
            proc.join(30)
            if proc.is_alive():
                proc.kill()
        if backend == "postgres":
            await _drop_postgres(url)


def _package_of(filename: str) -> str:
    parts = filename.split("site-packages/")
    if len(parts) > 1:
        return parts[1].split("/")[0]
    if "/work/" in filename and "/.venv/" not in filename:
        return "ledgerbot"
    return "stdlib:" + Path(filename).stem if filename.startswith("/") else filename


def _profile_summary(profiler, top: int = 25) -> list[str]:
    """Return the top functions by own time and our top functions by cumulative time."""
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    by_package: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package_of(filename)] = by_package.get(_package_of(filename), 0.0) + own
    total = sum(by_package.values())
    out.write("own time by package:\n")
    for key, own in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        out.write(f"  {key:<40}{own:8.2f} s {own / total:6.1%}\n")
    stats.sort_stats("tottime").print_stats(top)
    ours = re.escape(str(ROOT)) + r"/(bot|handlers|nlp|storage|reports)/"
    stats.sort_stats("cumulative").print_stats(ours, top)
    stats.sort_stats("tottime").print_stats(ours, top)
    return out.getvalue().splitlines()


def _start_bot(cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start `ledgerbot run telegram` as a child process."""
    cmd = [sys.executable, "-m", "bot", "run", "telegram"]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def idle_rss(settle: float = 3.0) -> dict[str, Any]:
    """Start `ledgerbot run telegram` (as a process) against a local fake; return its RSS once idle."""
    import psutil

    from tests.fakes.fake_telegram import FakeTelegram

    tmp = Path(tempfile.mkdtemp(prefix="ledgerbot-idle-"))
    url = f"sqlite:///{tmp / 'idle.db'}"
    await _prepare(url, tmp / "files", 0)
    async with FakeTelegram() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_TELEGRAM__TOKEN=fake.token,
            LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
            LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
            LEDGERBOT_DATABASE_URL=url,
            LEDGERBOT_FILES_DIR=str(tmp / "files"),
            PYTHONPATH=str(ROOT),
        )
        proc = _start_bot(tmp, env)
        try:
            await fake.wait_for(lambda: bool(fake.calls_of("getUpdates")) or proc.poll() is not None, 120)
            await asyncio.sleep(settle)
            rss = psutil.Process(proc.pid).memory_info().rss / 2**20
            fake.push_text(FIRST_CHAT, FIRST_CHAT, "帮助")  # one message loads the handlers' lazy parts
            await fake.wait_for(lambda: bool(fake.calls_of("sendMessage")), 60)
            await asyncio.sleep(1.0)
            after_one = psutil.Process(proc.pid).memory_info().rss / 2**20
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 30)
    return {
        "bot": "ledgerbot run telegram (idle)",
        "idle_rss_mb": round(rss, 1),
        "rss_after_first_message_mb": round(after_one, 1),
        "exit_code": code,
    }


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run every measurement in its own process and print a summary (and the JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--profile", action="store_true", help="cProfile the pipeline runs")
    parser.add_argument("--paced", action="store_true", help="also run with the flood limiter on")
    parser.add_argument("--paced-contacts", type=int, default=100)
    parser.add_argument("--only-paced", action="store_true", help="only the paced runs")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-paced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = run_pipeline(args.n, args.contacts, args.worker, args.profile, args.worker_paced)
        print(json.dumps(asyncio.run(result), ensure_ascii=False))
        return
    if args.paced or args.only_paced:
        paced = [
            _child(
                [
                    "bench/telegram_pipeline.py",
                    "--worker",
                    backend,
                    "--worker-paced",
                    "--n",
                    str(3 * args.paced_contacts),
                    "--contacts",
                    str(args.paced_contacts),
                ]
            )
            for backend in [b for b in args.backends.split(",") if b]
        ]
        print(f"{'paced run (limiter on)':<28}{'messages':>9}{'replies':>9}{'replies/s':>10}{'× 30/s':>8}")
        for r in paced:
            print(
                f"{r['bot']:<28}{r['updates']:>9}{r['server_saw'].get('sendMessage', 0):>9}"
                f"{r['replies_per_s']:>10}{r['share_of_limit']:>8.2f}"
            )
        print(json.dumps({"paced": paced}, ensure_ascii=False))
        if args.only_paced:
            return
    echo = _child(["bench/telegram_echo.py", str(args.n)])
    echo["bot"] = "PTB echo"
    echo_aiohttp = _child(["bench/telegram_echo.py", str(args.n), "--http", "aiohttp"])
    echo_aiohttp["bot"] = "PTB echo (aiohttp)"
    results = [echo, echo_aiohttp]
    for backend in [b for b in args.backends.split(",") if b]:
        extra = ["--profile"] if args.profile else []
        results.append(
            _child(
                [
                    "bench/telegram_pipeline.py",
                    "--worker",
                    backend,
                    "--n",
                    str(args.n),
                    "--contacts",
                    str(args.contacts),
                    *extra,
                ]
            )
        )
    idle = asyncio.run(idle_rss())
    # ×echo: against PTB as it comes (httpx), the baseline; ×echo/aio: against PTB on the same
    # aiohttp request as ledgerbot, so the pipeline's own cost shows without the HTTP client's gain.
    print(f"{'bot':<22}{'updates/s':>10}{'×echo':>8}{'×echo/aio':>10}{'CPU ms/upd':>12}{'peak RSS MB':>13}")
    for r in results:
        print(
            f"{r['bot']:<22}{r['updates_per_s']:>10}{r['updates_per_s'] / echo['updates_per_s']:>8.2f}"
            f"{r['updates_per_s'] / echo_aiohttp['updates_per_s']:>10.2f}"
            f"{r['cpu_ms_per_update']:>12}{r['peak_rss_mb']:>13}"
        )
    print(
        f"idle RSS of `ledgerbot run telegram`: {idle['idle_rss_mb']} MB "
        f"({idle['rss_after_first_message_mb']} MB after its first message)"
    )
    for r in results:
        for line in r.pop("profile", []):
            print(line)
    print(json.dumps({"results": results, "idle": idle}, ensure_ascii=False))


if __name__ == "__main__":
    main()
