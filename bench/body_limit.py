"""Peak memory of `ledgerbot web` under four concurrent 250 MB posts without the secret, limit off vs on.

The server runs in a child process (bot.web.create_web over a real App on SQLite) with one extra route that
does what /telegram/webhook did before issue 17: read the whole body, then check the secret header. Each
variant gets a fresh child; the figure is the child's peak RSS (VmHWM) before and after the posts.

* baseline — web_max_body set beyond the posts (no limit, as before issue 17);
* limited  — the default web_max_body (1 MiB): 413 before the body is read.

Run: .venv/bin/python bench/body_limit.py [--posts 4] [--mb 250]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _serve(limit: int, port_out, folder: str) -> None:
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from bot.app import build_app
    from bot.settings import Settings
    from bot.web import create_web

    class Hook:
        name = "hook"

        def routes(self):
            async def hook(request: Request) -> PlainTextResponse:
                body = await request.body()  # read first, check after: the old webhook's order
                if request.headers.get("x-telegram-bot-api-secret-token") != "s3cret":
                    return PlainTextResponse("forbidden", status_code=403)
                return PlainTextResponse(str(len(body)))

            return [Route("/telegram/webhook", hook, methods=["POST"])]

        async def start(self) -> None:
            pass

        async def stop(self) -> None:
            pass

    async def main() -> None:
        settings = Settings(
            database_url=f"sqlite:///{folder}/app.db",
            files_dir=Path(folder),
            web_max_body=limit,
            _env_file=None,
        )
        app = await build_app(settings)
        config = uvicorn.Config(create_web(app, [Hook()]), host="127.0.0.1", port=0, log_level="error")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()  # startup failed: raise its error
            await asyncio.sleep(0.05)
        port_out.send(server.servers[0].sockets[0].getsockname()[1])
        await task

    asyncio.run(main())


async def _post(port: int, size: int) -> tuple[int, int]:
    """Send one post of ``size`` bytes without the secret; return (status, bytes sent)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = asyncio.create_task(reader.read(200))  # the server may answer before the body is sent
    writer.write(b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
    chunk = b"\0" * (1 << 20)
    sent = 0
    try:
        while sent < size and not answer.done():
            writer.write(chunk[: size - sent])
            await writer.drain()
            sent += min(len(chunk), size - sent)
    except ConnectionError:
        pass
    try:
        head = await asyncio.wait_for(answer, 120)
    except ConnectionError:
        head = b""
    writer.close()
    return int(head.split(b" ", 2)[1]) if head else 0, sent


def _run(limit: int, posts: int, size: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    with tempfile.TemporaryDirectory() as folder:
        child = ctx.Process(target=_serve, args=(limit, send, folder), daemon=True)
        child.start()
        port = recv.recv()
        time.sleep(0.3)
        before = _rss_kb(child.pid, "VmRSS")

        async def all_posts():
            return await asyncio.gather(*(_post(port, size) for _ in range(posts)))

        started = time.perf_counter()
        results = asyncio.run(all_posts())
        elapsed = time.perf_counter() - started
        peak = _rss_kb(child.pid, "VmHWM")
        child.terminate()
        child.join(10)
    return {
        "rss_mb": before / 1024,
        "peak_mb": peak / 1024,
        "statuses": sorted({s for s, _ in results}),
        "sent_mb": sum(n for _, n in results) / 2**20,
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=4)
    parser.add_argument("--mb", type=int, default=250)
    args = parser.parse_args()
    size = args.mb * 1_000_000
    from bot.settings import Settings

    variants = {"baseline": size * 2, "limited": Settings(_env_file=None).web_max_body}
    figures = {name: _run(limit, args.posts, size) for name, limit in variants.items()}
    print(f"{args.posts} concurrent posts of {args.mb} MB without the secret to /telegram/webhook")
    print(
        f"{'variant':<10} {'limit':>12} {'start MB':>9} {'peak MB':>9} {'growth MB':>10} {'sent MB':>9} {'s':>6}  status"
    )
    for name, f in figures.items():
        print(
            f"{name:<10} {variants[name]:>12} {f['rss_mb']:>9.1f} {f['peak_mb']:>9.1f} "
            f"{f['peak_mb'] - f['rss_mb']:>10.1f} {f['sent_mb']:>9.1f} {f['seconds']:>6.2f}  {f['statuses']}"
        )
    b, lim = figures["baseline"], figures["limited"]
    growth_b, growth_l = b["peak_mb"] - b["rss_mb"], lim["peak_mb"] - lim["rss_mb"]
    print(
        f"peak ratio limited/baseline: {lim['peak_mb'] / b['peak_mb']:.3f}; "
        f"growth {growth_l:.1f} MB vs {growth_b:.1f} MB"
    )


if __name__ == "__main__":
    main()
