"""Benchmark a bare python-telegram-bot echo bot against the fake Bot API server.

The fake server runs in a child process so the figures (CPU per update, peak RSS) are the bot's alone.
Run: .venv/bin/python bench/telegram_echo.py [N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHATS = 50  # updates are spread over this many private chats


def _serve_fake(conn: Connection, n: int) -> None:
    """Run the fake server with ``n`` queued text updates until told to stop (child process)."""
    from tests.fakes.fake_telegram import FakeTelegram

    async def main() -> None:
        async with FakeTelegram() as fake:
            for i in range(n):
                fake.push_text(1000 + i % CHATS, 1, f"进展 {i}")
            conn.send((fake.port, fake.token))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            conn.send(len(fake.calls_of("sendMessage")))

    asyncio.run(main())


def spawn_fake(serve, arg, timeout: float = 60) -> tuple[multiprocessing.Process, Connection, int, str]:
    """Run ``serve(pipe, arg)`` (a fake Bot API) in a child process; return it, its pipe, port and token."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # so the child can import tests.fakes
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=serve, args=(child, arg), daemon=True)
    proc.start()
    if not parent.poll(timeout):
        proc.kill()
        raise RuntimeError("fake Telegram server did not start")
    port, token = parent.recv()
    return proc, parent, port, token


def start_fake_process(n: int) -> tuple[multiprocessing.Process, Connection, int, str]:
    """Start the fake server with ``n`` queued updates in a child; return it, its pipe, port, token."""
    return spawn_fake(_serve_fake, n)


async def run_echo(n: int = 3000, timeout: float = 600.0, http: str = "httpx") -> dict[str, Any]:
    """Echo ``n`` queued text updates through python-telegram-bot; return throughput, CPU and RSS.

    ``http`` is PTB's HTTP client: its default httpx, or the aiohttp request ledgerbot uses.
    """
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    proc, pipe, port, token = start_fake_process(n)
    done = asyncio.Event()
    handled = 0

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal handled
        assert update.effective_chat is not None and update.effective_message is not None
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text or "")
        handled += 1
        if handled >= n:
            done.set()

    builder = (
        Application.builder()
        .token(token)
        .base_url(f"http://127.0.0.1:{port}/bot")
        .base_file_url(f"http://127.0.0.1:{port}/file/bot")
        .job_queue(None)
    )
    if http == "aiohttp":
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from bot.adapters.telegram_http import AiohttpRequest

        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    try:
        async with app:
            cpu0, wall0 = time.process_time(), time.perf_counter()
            assert app.updater is not None
            await app.updater.start_polling(timeout=1)
            await app.start()
            await asyncio.wait_for(done.wait(), timeout)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            await app.updater.stop()
            await app.stop()
        pipe.send("stop")
        sent = pipe.recv() if pipe.poll(30) else -1
    finally:
        proc.join(30)
        if proc.is_alive():
            proc.kill()
    return {
        "updates": n,
        "replies_seen_by_server": sent,
        "seconds": round(wall, 3),
        "updates_per_s": round(n / wall, 1),
        "cpu_ms_per_update": round(cpu * 1000 / n, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    """Run the benchmark from the command line and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=3000, help="queued text updates")
    parser.add_argument("--http", choices=["httpx", "aiohttp"], default="httpx", help="PTB's HTTP client")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run_echo(args.n, http=args.http)), ensure_ascii=False))


if __name__ == "__main__":
    main()
