"""Reply latency under Telegram's limits: 100 contacts do their whole 填报 dialogue at once.

Each contact sends 填报, then a labelled progress reply and 确认 for each of its items, always waiting for
the bot's answer before the next message, as a person does. ``ledgerbot run telegram`` runs as real
processes (flood limiter on, as shipped) against fake Bot API servers in this process; with two processes
each polls its own fake bot (half of the contacts each) on the one database, and they share the global rate
(PostgreSQL: the database; SQLite: Redis, which must run on 127.0.0.1:6379). The latency of a message is
the time from sending it to the bot's first reply to it.

Run: .venv/bin/python bench/telegram_latency.py [--contacts 100] [--backends sqlite,postgres] [--processes 1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram_pipeline import PROGRESS, _drop_postgres, _scratch_postgres  # noqa: E402

FIRST_CHAT = 600_000
REDIS = "redis://127.0.0.1:6379/0"


async def prepare(url: str, files: Path, contacts: int) -> list[list[str]]:
    """Seed the ledger, open this month (the real clock), bind the contacts; return each one's script."""
    from bot.app import build_app
    from bot.operations import cli_open_period
    from bot.settings import Settings
    from tests.conftest import import_seed

    app = await build_app(Settings(database_url=url, files_dir=files, _env_file=None), migrate=True)
    try:
        await import_seed(app)
        now = app.clock.now().astimezone(app.tz)
        deadline = (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
        ok, message = await cli_open_period(app, now.strftime("%Y-%m"), deadline)
        assert ok, message
        scripts = []
        async with app.uow() as uow:
            ledger = await uow.ledgers.get()
            items = await uow.ledgers.items(ledger.id)
            units = [u.name for u in await uow.ledgers.units(ledger.id)]
            for c in range(contacts):
                chat, unit = str(FIRST_CHAT + c), units[c % len(units)]
                await uow.chats.add_role(
                    "telegram", chat, "contact", app.clock.now(), unit=unit, chat_id=chat
                )
                mine = [i.position for i in items if i.units and i.units[0] == unit] or [
                    i.position for i in items if unit in i.units
                ]
                script = ["填报"]
                for k, _ in enumerate(mine):
                    script += [PROGRESS.format(k=k + 1), "确认"]
                scripts.append(script)
            await uow.commit()
        return scripts
    finally:
        await app.close()


class Driver:
    """Plays the contacts of one fake bot: the next message once the previous one was answered."""

    def __init__(self, fake: Any, scripts: dict[int, list[str]]) -> None:
        self.fake, self.scripts = fake, scripts
        self.step = dict.fromkeys(scripts, 0)
        self.sent_at: dict[int, float] = {}
        self.latencies: list[float] = []
        self._seen = 0

    def start(self) -> None:
        for chat in self.scripts:
            self._send(chat)

    def _send(self, chat: int) -> None:
        self.sent_at[chat] = time.perf_counter()
        self.fake.push_text(chat, chat, self.scripts[chat][self.step[chat]])

    def poll(self) -> None:
        calls = self.fake.calls
        while self._seen < len(calls):
            call = calls[self._seen]
            self._seen += 1
            if call.method != "sendMessage" or call.fault is not None:
                continue
            chat = call.params.get("chat_id")
            if chat not in self.sent_at:
                continue  # a second reply to a message already answered
            self.latencies.append(time.perf_counter() - self.sent_at.pop(chat))
            self.step[chat] += 1
            if self.step[chat] < len(self.scripts[chat]):
                self._send(chat)

    @property
    def done(self) -> bool:
        return all(self.step[c] >= len(s) for c, s in self.scripts.items())


def _spawn(cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start `ledgerbot run telegram` (no scheduler) as a child process."""
    cmd = [sys.executable, "-m", "bot", "run", "telegram", "--no-scheduler"]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def measure(backend: str, processes: int, contacts: int) -> dict[str, Any]:
    from tests.fakes.fake_telegram import FakeTelegram

    tmp = Path(tempfile.mkdtemp(prefix="ledgerbot-latency-"))
    url = f"sqlite:///{tmp / 'bench.db'}" if backend == "sqlite" else await _scratch_postgres()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        scripts = await prepare(url, tmp / "files", contacts)
        fakes = [FakeTelegram(token=f"{7000 + p}:bench-token-{p}") for p in range(processes)]
        for fake in fakes:
            await fake.__aenter__()
        drivers = [
            Driver(fake, {FIRST_CHAT + c: scripts[c] for c in range(contacts) if c % processes == p})
            for p, fake in enumerate(fakes)
        ]
        for fake in fakes:
            env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
            env.update(
                LEDGERBOT_TELEGRAM__TOKEN=fake.token,
                LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
                LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
                LEDGERBOT_DATABASE_URL=url,
                LEDGERBOT_FILES_DIR=str(tmp / "files"),
                PYTHONPATH=str(ROOT),
            )
            if processes > 1 and backend == "sqlite":
                env["LEDGERBOT_REDIS_URL"] = REDIS
            procs.append(_spawn(tmp, env))
        for fake in fakes:
            await fake.wait_for(lambda f=fake: bool(f.calls_of("getUpdates")), 120)
        began = time.perf_counter()
        for driver in drivers:
            driver.start()
        deadline = began + 1800
        while not all(d.done for d in drivers) and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
            for driver in drivers:
                driver.poll()
        wall = time.perf_counter() - began
        latencies = sorted(x for d in drivers for x in d.latencies)
        replies = sum(len(f.calls_of("sendMessage")) for f in fakes)
        for fake in fakes:
            await fake.__aexit__(None, None, None)
        q = statistics.quantiles(latencies, n=100)
        return {
            "bot": f"latency/{backend} ×{processes}",
            "contacts": contacts,
            "messages": len(latencies),
            "replies": replies,
            "seconds": round(wall, 1),
            "replies_per_s": round(replies / wall, 1),
            "p50_s": round(q[49], 2),
            "p99_s": round(q[98], 2),
            "max_s": round(latencies[-1], 2),
        }
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if backend == "postgres":
            await _drop_postgres(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    results = [
        asyncio.run(measure(backend, int(n), args.contacts))
        for backend in args.backends.split(",")
        for n in args.processes.split(",")
    ]
    print(f"{'scenario':<22}{'messages':>9}{'replies/s':>10}{'p50 s':>8}{'p99 s':>8}{'max s':>8}")
    for r in results:
        print(
            f"{r['bot']:<22}{r['messages']:>9}{r['replies_per_s']:>10}{r['p50_s']:>8}{r['p99_s']:>8}{r['max_s']:>8}"
        )
    print(json.dumps({"results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
