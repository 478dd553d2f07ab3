"""CLI commands for long-running processes: run, web, scheduler."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

import typer

from bot.logs import setup_logging
from bot.platforms.catalog import default_registry


def register(app: typer.Typer, opts, with_app, fail) -> None:
    """Add the process commands to the main CLI."""
    registry = default_registry()
    runnable = registry.runnable()
    choices = " | ".join((*runnable, "all"))

    @app.command("run")
    def run_cmd(
        platform: str = typer.Argument(..., help=choices),
        scheduler: bool = typer.Option(
            True, "--scheduler/--no-scheduler", help="Run the scheduler in this process (default)."
        ),
    ) -> None:
        """Serve a platform (Telegram polling; WeCom callback server) with the scheduler in the same process."""
        setup_logging(opts.verbose)
        from bot.platforms.registry import PlatformConfigError
        from bot.serve import make_services, run_until_signal

        if platform != "all" and platform not in runnable:
            fail(f"平台应为 {choices}，而不是“{platform}”")

        async def go(application) -> str | None:
            platforms = list(registry.set_up(application.settings)) if platform == "all" else [platform]
            if not platforms:
                return f"no platform is set up: {registry.setup_hint()}"
            try:
                services = make_services(application, platforms, scheduler=scheduler, registry=registry)
                await application.warm_up()  # once the settings are known good, before taking messages
                await run_until_signal(services)
            except PlatformConfigError as e:  # one line: which setting is missing, never a traceback
                return str(e)
            return None

        problem = asyncio.run(with_app(go))
        if problem:
            fail(problem)

    @app.command("web")
    def web_cmd(
        host: str = typer.Option(None, "--host"),
        port: int = typer.Option(None, "--port"),
        workers: int = typer.Option(1, "--workers", min=1, help="Worker processes sharing the port."),
    ) -> None:
        """Serve every configured platform's routes over HTTP (any number of workers)."""
        setup_logging(opts.verbose)
        if workers > 1:
            _serve_workers(workers, host, port, opts)
            return
        asyncio.run(with_app(lambda application: _serve_web(application, host, port, None)))

    @app.command("scheduler")
    def scheduler_cmd() -> None:
        """Run only the scheduler (for deployments with several web workers)."""
        setup_logging(opts.verbose)
        from bot.serve import make_services, run_until_signal

        async def go(application):
            await run_until_signal(make_services(application, [], scheduler=True, registry=registry))

        asyncio.run(with_app(go))


async def _serve_web(application, host: str | None, port: int | None, sock: socket.socket | None) -> None:
    """Serve the web parts of ``application`` until SIGTERM/SIGINT (on ``sock`` when given)."""
    import uvicorn

    from bot.web import create_web

    settings = application.settings
    parts = default_registry().web_parts(application)
    await application.warm_up()
    if not parts:
        logging.getLogger("ledgerbot").warning(
            "no platform configured: %s; serving /healthz only", default_registry().setup_hint()
        )
    config = uvicorn.Config(
        create_web(application, parts),
        host=host or settings.web_host,
        port=port or settings.web_port,
        log_level="warning",
        access_log=False,
    )
    await uvicorn.Server(config).serve(sockets=[sock] if sock is not None else None)


def _web_worker(sock: socket.socket, db: str | None, verbose: bool) -> None:
    """One worker process of `ledgerbot web --workers N`: the app and its web parts on the shared socket."""
    from bot.app import build_app
    from bot.settings import load_settings

    setup_logging(verbose)

    async def serve() -> None:
        application = await build_app(load_settings(database_url=db))
        try:
            await _serve_web(application, None, None, sock)
        finally:
            await application.close()

    asyncio.run(serve())


def _serve_workers(workers: int, host: str | None, port: int | None, opts) -> None:
    """Bind the port once and run ``workers`` processes on it; SIGTERM/SIGINT stops them all (each drains).

    A worker that dies is started again. The processes share the platforms' send rate through the
    database or Redis (bot/platforms/shared_rate.py).
    """
    import multiprocessing
    import signal
    import time

    from bot.settings import load_settings

    log = logging.getLogger("ledgerbot")
    settings = load_settings(database_url=opts.db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host or settings.web_host, port or settings.web_port))
    sock.listen(2048)
    sock.set_inheritable(True)
    spawn = multiprocessing.get_context("spawn")

    def start() -> multiprocessing.process.BaseProcess:
        proc = spawn.Process(target=_web_worker, args=(sock, opts.db, opts.verbose), name="ledgerbot-web")
        proc.start()
        return proc

    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    procs = [start() for _ in range(workers)]
    log.info("web: %d workers on %s:%s", workers, *sock.getsockname()[:2])
    while not stopping:
        time.sleep(0.2)
        for i, proc in enumerate(procs):
            if not proc.is_alive() and not stopping:
                log.warning("web: worker %s exited with %s; starting another", proc.pid, proc.exitcode)
                procs[i] = start()
    for proc in procs:
        if proc.is_alive() and proc.pid is not None:
            os.kill(proc.pid, signal.SIGTERM)
    for proc in procs:
        proc.join()
    sock.close()
