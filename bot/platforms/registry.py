"""What a platform is to the processes that serve it: a name, whether it is configured, and its parts.

A platform module (``bot/platforms/<name>.py``) builds one ``PlatformSpec``; ``bot/platforms/catalog.py``
lists them. ``ledgerbot run``, ``ledgerbot web`` and the scheduler iterate a ``Registry`` and never name
a platform. The factories import their platform's SDK lazily, so reading the catalog costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.ports import Sender
    from bot.settings import Settings


class Service(Protocol):
    """Something that runs in the background of a process (polling, a web server, the scheduler)."""

    name: str

    async def start(self) -> None:
        """Start; return once running (register the platform sender in app.senders if any)."""
        ...

    async def stop(self) -> None:
        """Stop cleanly."""
        ...


class WebPart(Protocol):
    """A platform's share of the web server: its routes and what to start and stop with the server."""

    name: str

    def routes(self) -> list[BaseRoute]:
        """Return the platform's HTTP routes."""
        ...

    async def start(self) -> None:
        """Start with the server (register the platform sender in app.senders if any)."""
        ...

    async def stop(self) -> None:
        """Stop with the server."""
        ...


def _never(settings: Settings) -> bool:
    return False


@dataclass(frozen=True)
class PlatformSpec:
    """One platform's registration: every part is optional; what a platform lacks, no process asks of it.

    - ``configured``: whether the settings turn the platform's web part on in ``ledgerbot web``.
    - ``service``: what ``ledgerbot run NAME`` starts (a platform without one cannot be run on its own).
    - ``web_part``: the platform's routes in ``ledgerbot web``.
    - ``standalone_sender``: a sender that needs no running service (the console prints); the scheduler
      registers it when no live sender of the platform is there.
    - ``setup_hint``: (setting, document) named when no platform is configured.
    - ``set_up``: whether the settings hold the platform's credentials (``ledgerbot run all`` runs those).
    """

    name: str
    configured: Callable[[Settings], bool] = _never
    service: Callable[[App], Service] | None = None
    web_part: Callable[[App], WebPart] | None = None
    standalone_sender: Callable[[App, TextIO | None], Sender] | None = None
    setup_hint: tuple[str, str] | None = None
    set_up: Callable[[Settings], bool] = _never


class PlatformConfigError(ValueError):
    """A platform's settings are missing or wrong; the message says which setting (never its value)."""


class Registry:
    """The platforms a process knows, in catalog order; names are unique."""

    def __init__(self, specs: Iterable[PlatformSpec]) -> None:
        self._specs = tuple(specs)
        names = [spec.name for spec in self._specs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"platforms registered twice: {', '.join(duplicates)}")

    def __iter__(self) -> Iterator[PlatformSpec]:
        return iter(self._specs)

    def runnable(self) -> tuple[str, ...]:
        """Return the names ``ledgerbot run`` accepts (the platforms with a service)."""
        return tuple(spec.name for spec in self._specs if spec.service is not None)

    def set_up(self, settings: Settings) -> tuple[str, ...]:
        """Return the runnable platforms whose credentials the settings hold (what ``run all`` starts)."""
        runnable = self.runnable()
        return tuple(spec.name for spec in self._specs if spec.name in runnable and spec.set_up(settings))

    def services(self, app: App, names: Iterable[str]) -> list[Service]:
        """Return the services of the named platforms, in catalog order."""
        chosen = set(names)
        return [spec.service(app) for spec in self._specs if spec.name in chosen and spec.service is not None]

    def web_parts(self, app: App) -> list[WebPart]:
        """Return the web parts of every platform configured in the app's settings."""
        return [
            spec.web_part(app)
            for spec in self._specs
            if spec.web_part is not None and spec.configured(app.settings)
        ]

    def add_standalone_senders(self, app: App, out: TextIO | None = None) -> None:
        """Register each standalone sender unless a sender of its platform is registered already."""
        for spec in self._specs:
            if spec.standalone_sender is not None and spec.name not in app.senders:
                app.senders[spec.name] = spec.standalone_sender(app, out)

    def setup_hint(self) -> str:
        """Return what to set (and read) to configure a web platform, for the "nothing configured" warning."""
        hints = [spec.setup_hint for spec in self._specs if spec.setup_hint is not None]
        return (
            f"set {' and/or '.join(setting for setting, _ in hints)} "
            f"(see {', '.join(doc for _, doc in hints)})"
        )
