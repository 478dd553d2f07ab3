"""Benchmark encrypted WeCom callbacks through `ledgerbot web` against a bare decrypt-and-answer endpoint.

Three processes: this one serves (uvicorn on 127.0.0.1), a client process posts signed, encrypted callbacks
(built before the clock starts), and the fake WeCom API runs in a third, so the CPU and RSS figures are
the server's alone. Both servers run in the same process and the same run, one after the other:

* bare — a Starlette endpoint that verifies, decrypts and parses the callback and answers 200;
* full — `ledgerbot web` (bot.web.create_web + WeComCallbackPart): inbox, state, parse, storage, and the
  replies sent to the fake WeCom API. Its time runs until the last reply went out.

Contacts of 区发改局 run the monthly dialogue over and over (填报 / progress / 1 / 无 / plan), each member's
messages in order, members in parallel.

Run: .venv/bin/python bench/wecom_callbacks.py [--users 20] [--rounds 4] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AT = datetime.fromisoformat("2025-04-21T10:00:00+08:00")  # the server's clock: April is being filled
DIALOGUE = ("填报", "停车位又新增了20个，充电桩累计建成400个", "1", "无", "推进体育公园停车场建设")
PATH = "/wecom/callback"


# ---------------------------------------------------------------- the fake WeCom API (child process)
def _serve_fake(conn: Connection) -> None:
    from tests.fakes.fake_wecom import FakeWeCom

    async def main() -> None:
        async with FakeWeCom() as fake:
            conn.send(fake.base_url)
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)
            conn.send((len(fake.sent), fake.gettoken_calls))

    asyncio.run(main())


# ---------------------------------------------------------------- the client (child process)
def _client(conn: Connection, users: list[str], rounds: int, epoch: int) -> None:
    """Build every callback first, then post each member's in order (members in parallel) on request."""
    import httpx

    from bot.adapters.wecom_crypto import WeComCrypto
    from tests.fakes.fake_wecom import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN, callback_body, text_xml

    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    ids = itertools.count(10**15)
    scripts: dict[str, list[tuple[dict[str, str], bytes]]] = {}
    for user in users:
        script = []
        for _ in range(rounds):
            for text in DIALOGUE:
                nonce = str(next(ids))
                sig, body = callback_body(
                    crypto, SAMPLE_CORP_ID, text_xml(user, text, nonce, epoch), str(epoch), nonce
                )
                script.append(({"msg_signature": sig, "timestamp": str(epoch), "nonce": nonce}, body))
        scripts[user] = script

    async def post_all(base: str) -> dict[str, Any]:
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        limits = httpx.Limits(max_connections=len(users), max_keepalive_connections=len(users))
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

            async def member(script):
                for query, body in script:
                    t0 = time.perf_counter()
                    r = await http.post(PATH, params=query, content=body)
                    latencies.append(time.perf_counter() - t0)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

            t0 = time.perf_counter()
            await asyncio.gather(*(member(s) for s in scripts.values()))
            wall = time.perf_counter() - t0
        latencies.sort()
        return {
            "wall": wall,
            "statuses": statuses,
            "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99) - 1],
            "max": latencies[-1],
        }

    conn.send("ready")
    while (base := conn.recv()) is not None:
        conn.send(asyncio.run(post_all(base)))


# ---------------------------------------------------------------- the servers (this process)
class Probe:
    """CPU and wall time of this process over a phase, and its peak RSS."""

    def __enter__(self) -> Probe:
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = time.process_time() - self.cpu0
        self.wall = time.perf_counter() - self.wall0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class QuietServer:
    """uvicorn on 127.0.0.1 at a free port, in a task, without taking over the process's signals."""

    def __init__(self, asgi) -> None:
        import contextlib

        import uvicorn

        config = uvicorn.Config(
            asgi, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]

    async def __aenter__(self) -> str:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        self.server.should_exit = True
        await self.task


def bare_app():
    """A Starlette endpoint that only verifies, decrypts and parses a callback, then answers 200."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    from bot.adapters.wecom import WeComCallback, WeComCallbackError
    from bot.core.clock import FakeClock
    from tests.fakes.fake_wecom import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN

    callback = WeComCallback(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID, FakeClock(AT))

    async def endpoint(request: Request) -> Response:
        q = request.query_params
        try:
            callback.decrypt_message(q["msg_signature"], q["timestamp"], q["nonce"], await request.body())
        except WeComCallbackError as exc:
            return PlainTextResponse(type(exc).__name__, status_code=exc.http_status)
        return Response(b"", media_type="text/plain")

    return Starlette(routes=[Route(PATH, endpoint, methods=["POST"])])


async def build_bot(db_dir: Path, api_base: str, users: list[str]):
    """Return the App (seed ledger, April open, members bound to 区发改局) and its callback part."""
    from bot.app import build_app
    from bot.core.clock import FakeClock
    from bot.core.messages import ChatRef, IncomingMessage
    from bot.operations import cli_invite, cli_open_period
    from bot.platforms.wecom_callback import WeComCallbackPart
    from bot.settings import Settings, WeComSettings
    from tests.conftest import import_seed
    from tests.fakes.fake_wecom import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN

    settings = Settings(
        database_url=f"sqlite:///{db_dir / 'bench.db'}",
        files_dir=db_dir / "files",
        outbox_dir=db_dir / "outbox",
        wecom=WeComSettings(
            corp_id=SAMPLE_CORP_ID,
            agent_id="1000002",
            secret="fake-app-secret",
            token=SAMPLE_TOKEN,
            encoding_aes_key=SAMPLE_AES_KEY,
            api_base=api_base,
        ),
        _env_file=None,
    )
    app = await build_app(settings, clock=FakeClock(AT))
    await import_seed(app)
    ok, message = await cli_open_period(app, "2025-04", "2025-04-25 17:00")
    assert ok, message
    for n, user in enumerate(users):
        ok, message = await cli_invite(app, "区发改局", "contact")
        assert ok, message
        code = message.strip().splitlines()[-1]
        out = await app.engine.handle(
            IncomingMessage(
                message_id=f"bind-{n}",
                chat=ChatRef(platform="wecom", chat_id=user),
                user_id=user,
                text=f"绑定 {code}",
                sent_at=AT,
            )
        )
        assert "绑定成功" in out[0].replies[0].text, out
    return app, WeComCallbackPart(app)


async def main(users_n: int, rounds: int, profile: bool) -> None:
    from bot.web import create_web

    ctx = multiprocessing.get_context("spawn")
    fake_pipe, fake_child = ctx.Pipe()
    fake = ctx.Process(target=_serve_fake, args=(fake_child,), daemon=True)
    fake.start()
    api_base = fake_pipe.recv()
    users = [f"contact{i:03d}" for i in range(users_n)]
    n = users_n * rounds * len(DIALOGUE)
    client_pipe, client_child = ctx.Pipe()
    client = ctx.Process(target=_client, args=(client_child, users, rounds, int(AT.timestamp())), daemon=True)
    client.start()
    assert client_pipe.recv() == "ready"

    print(
        f"{n} encrypted callbacks: {users_n} members x {rounds} rounds of {len(DIALOGUE)} messages; "
        f"{multiprocessing.cpu_count()} CPUs; server, client and fake WeCom in separate processes"
    )
    results = {}

    async with QuietServer(bare_app()) as base:
        with Probe() as bare:
            client_pipe.send(base)
            got = await asyncio.get_running_loop().run_in_executor(None, client_pipe.recv)
        results["bare"] = (bare, got)

    with tempfile.TemporaryDirectory() as tmp:
        app, part = await build_bot(Path(tmp), api_base, users)
        profiler = None
        async with QuietServer(create_web(app, [part])) as base:
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            with Probe() as full:
                client_pipe.send(base)
                got = await asyncio.get_running_loop().run_in_executor(None, client_pipe.recv)
                acked = time.perf_counter() - full.wall0
                await part.queue.wait_idle()
            if profiler:
                profiler.disable()
            results["full"] = (full, got)
        async with app.uow() as uow:
            states = [e.state for e in await uow.chats.inbox(platform="wecom", limit=100_000)]
        await app.close()

    fake_pipe.send("stop")
    replies, tokens = fake_pipe.recv()
    client_pipe.send(None)

    for name, (probe, got) in results.items():
        rate = n / probe.wall
        print(
            f"{name:>4}: {rate:8.1f} callbacks/s  ({probe.wall:6.2f} s wall, "
            f"CPU {probe.cpu / n * 1000:6.2f} ms per callback in the server)  HTTP {got['statuses']}  "
            f"ack latency p50 {got['p50'] * 1000:.1f} ms, "
            f"p99 {got['p99'] * 1000:.1f} ms, max {got['max'] * 1000:.1f} ms"
        )
    full, bare = results["full"][0], results["bare"][0]
    print(
        f"full pipeline: all {n} acknowledged after {acked:.2f} s; "
        f"handled and answered after {full.wall:.2f} s"
    )
    print(
        f"ratio bare/full: {(n / bare.wall) / (n / full.wall):.1f}x  "
        f"(CPU per callback {full.cpu / bare.cpu:.1f}x)"
    )
    handled = states.count("handled")
    print(
        f"inbox: {len(states) - users_n} callbacks stored, {handled - users_n} handled; "
        f"fake WeCom received {replies} app messages ({tokens} gettoken)"
    )
    print(f"peak RSS of the server process: {peak_rss_mb():.0f} MB")
    if profiler:
        import pstats

        print("\nprofile of the full phase (top 25 by own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.users, args.rounds, args.profile))
