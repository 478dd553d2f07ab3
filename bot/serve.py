"""Long-running processes: platform services and the scheduler, started together and stopped on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from bot.app import App

_log = logging.getLogger(__name__)
PLATFORMS = ("telegram", "wecom")


class Service(Protocol):
    """Something that runs in the background of a process (polling, a web server, the scheduler)."""

    name: str

    async def start(self) -> None:
        """Start; return once running (register the platform sender in app.senders if any)."""
        ...

    async def stop(self) -> None:
        """Stop cleanly."""
        ...


def make_services(app: App, platforms: list[str], *, scheduler: bool) -> list[Service]:
    """Return the services for the chosen platforms (and the scheduler)."""
    services: list[Service] = []
    if "telegram" in platforms:
        from bot.serve_telegram import TelegramPolling

        services.append(TelegramPolling(app))
    if "wecom" in platforms:
        from bot.serve_wecom import WeComWeb

        services.append(WeComWeb(app))
    if scheduler:
        from bot.scheduler import SchedulerService

        services.append(SchedulerService(app))
    return services


async def run_until_signal(services: list[Service], stop_event: asyncio.Event | None = None) -> None:
    """Start every service, wait for SIGINT/SIGTERM (or ``stop_event``), then stop them in reverse order."""
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):  # not on this platform or not the main thread
            pass
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
            _log.info("%s started", service.name)
        await stop_event.wait()
    finally:
        for service in reversed(started):
            try:
                await service.stop()
            except Exception:  # stopping one must not keep the others running
                _log.exception("stopping %s failed", service.name)
