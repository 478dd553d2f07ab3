"""CLI commands for long-running processes: run, web, scheduler."""

from __future__ import annotations

import asyncio
import logging

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
                await run_until_signal(
                    make_services(application, platforms, scheduler=scheduler, registry=registry)
                )
            except PlatformConfigError as e:  # one line: which setting is missing, never a traceback
                return str(e)
            return None

        problem = asyncio.run(with_app(go))
        if problem:
            fail(problem)

    @app.command("web")
    def web_cmd(host: str = typer.Option(None, "--host"), port: int = typer.Option(None, "--port")) -> None:
        """Serve every configured platform's routes over HTTP (any number of workers)."""
        setup_logging(opts.verbose)
        import uvicorn

        from bot.web import create_web

        async def go(application):
            settings = application.settings
            parts = registry.web_parts(application)
            if not parts:
                logging.getLogger("ledgerbot").warning(
                    "no platform configured: %s; serving /healthz only", registry.setup_hint()
                )
            config = uvicorn.Config(
                create_web(application, parts),
                host=host or settings.web_host,
                port=port or settings.web_port,
                log_level="warning",
                access_log=False,
            )
            await uvicorn.Server(config).serve()

        asyncio.run(with_app(go))

    @app.command("scheduler")
    def scheduler_cmd() -> None:
        """Run only the scheduler (for deployments with several web workers)."""
        setup_logging(opts.verbose)
        from bot.serve import make_services, run_until_signal

        async def go(application):
            await run_until_signal(make_services(application, [], scheduler=True, registry=registry))

        asyncio.run(with_app(go))
