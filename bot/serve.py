"""Long-running processes: platform services and the scheduler, started together and stopped on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterable

from bot.app import App
from bot.platforms.catalog import default_registry
from bot.platforms.registry import Registry, Service

_log = logging.getLogger(__name__)


def make_services(
    app: App, platforms: Iterable[str], *, scheduler: bool, registry: Registry | None = None
) -> list[Service]:
    """Return the services of the chosen platforms (in catalog order) and the scheduler."""
    services = (registry or default_registry()).services(app, platforms)
    if scheduler:
        from bot.scheduler import SchedulerService

        services.append(SchedulerService(app, registry=registry))
    return services


async def run_until_signal(services: list[Service], stop_event: asyncio.Event | None = None) -> None:
    """Start every service, wait for SIGINT/SIGTERM (or ``stop_event``), then stop them in reverse order."""
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not on this platform, or not the main thread: the stop event still works.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop_event.set)
    started: list[Service] = []
    try:
        for service in services:
            try:
                await service.start()
            except BaseException:
                # A half-started service (a client session open, a task running) is stopped too.
                with contextlib.suppress(Exception):
                    await service.stop()
                raise
            started.append(service)
            _log.info("%s started", service.name)
        await stop_event.wait()
    finally:
        for service in reversed(started):
            try:
                await service.stop()
            except Exception:  # stopping one must not keep the others running
                _log.exception("stopping %s failed", service.name)
