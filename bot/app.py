"""The composition root: settings in, a wired application out (engine, storage, router, clock)."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.core.clock import SystemClock
from bot.core.engine import Engine
from bot.core.lines import Follow, Part
from bot.core.messages import IncomingMessage
from bot.core.ports import Clock, Sender
from bot.core.replies import Outbound
from bot.outbox import StorageOutbox
from bot.settings import Settings
from bot.transaction import StorageTransaction
from handlers import texts
from handlers.deps import Deps, HandlerConfig
from handlers.router import build_router
from nlp.segment import Segmenter
from reports.lights import Thresholds
from storage import db
from storage.structure_cache import StructureCache
from storage.uow import UnitOfWork

_log = logging.getLogger(__name__)


# Transactions a batch of messages is spread over on PostgreSQL (its pool holds 5 connections, 5 more on demand).
DATABASE_LANES = 3


class SchemaOutOfDateError(RuntimeError):
    """The database is not at the latest migration and may not be upgraded automatically."""


@dataclass
class App:
    """Everything a process needs, built once from settings."""

    settings: Settings
    db_engine: AsyncEngine
    sessionmaker: async_sessionmaker
    clock: Clock
    segmenter: Segmenter
    engine: Engine = field(init=False)

    senders: dict[str, Sender] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A database server's round trips overlap in concurrent lanes; SQLite's writers queue, so one lane there.
        lanes = 1 if is_embedded(self.settings.database_url) else DATABASE_LANES
        self.engine = Engine(
            self.transaction, build_router(), error_text=texts.INTERNAL_ERROR, now=self.clock.now, lanes=lanes
        )
        self.structure = StructureCache()  # the ledger's structure, shared by this process's units of work
        self.tz = ZoneInfo(self.settings.timezone)

    async def deliver(self, outbound: Sequence[Outbound]) -> int:
        """Send messages through the live sender of their platform, else keep them in the outbox; return the count."""
        count = 0
        for out in outbound:
            sender = self.senders.get(out.chat.platform)
            try:
                if sender is None:
                    raise LookupError(f"no live sender for {out.chat.platform}")
                await sender.send(out)
            except Exception as exc:  # kept for a retry by the platform's process, never dropped
                _log.info("queued a message for %s in the outbox (%s)", out.chat.platform, type(exc).__name__)
                if out.outbox_id is not None:  # already there: free it for the next retry round
                    await self.outbox().release([out.outbox_id])
                else:
                    await self.outbox().record_failed(out, f"{type(exc).__name__}: {exc}")
            count += 1
        return count

    @property
    def handler_config(self) -> HandlerConfig:
        """Return the handler settings."""
        s = self.settings
        return HandlerConfig(
            invite_hours=s.invite_hours,
            files_dir=s.files_dir,
            thresholds=Thresholds(yellow=s.lights.yellow, red=s.lights.red),
            board_secret=s.web.secret.get_secret_value() if s.web.secret else "",
            board_url=board_url(s),
            board_hours=s.web.link_hours,
            deadline_time=s.schedule.deadline_time,
        )

    def handler_for(self, platform: str, *, durable: bool = False) -> PlatformHandler:
        """Return the engine as one platform's adapter sees it (messages for other platforms go via deliver).

        ``durable``: replies are queued in the outbox with their messages' transaction; the adapter's sender
        notes each one sent (``OutboxStore.sent``) and releases what it did not send when it stops.
        """
        return PlatformHandler(self, platform, durable=durable)

    def outbox(self) -> StorageOutbox:
        """Return the database-backed store of undelivered messages."""
        return StorageOutbox(self.uow, self.clock.now)

    def uow(self) -> UnitOfWork:
        """Return a new unit of work."""
        return UnitOfWork(self.sessionmaker, self.structure)

    def deps(self, uow: UnitOfWork) -> Deps:
        """Return handler dependencies around ``uow``."""
        return Deps(uow=uow, clock=self.clock, segmenter=self.segmenter, config=self.handler_config)

    def transaction(self) -> StorageTransaction:
        """Return a new engine transaction."""
        return StorageTransaction(self.uow(), self.deps, self.clock.now)

    async def warm_up(self) -> None:
        """Load the parser and build what a coordinator's first question reads, before taking messages.

        The parser (cn2an, the query segmenter) loads on first use, about a second; the latest period's compiled
        ledger and vocabulary are kept in the process once built (a second or two at 3,300 items). Long-running
        processes call this at start so neither lands on the first contact's or coordinator's message; one-off
        commands and tests need not. A database that is not reachable yet is left to the services' own retries.
        """
        from handlers.coordinator.queries import prepare
        from nlp.warm_up import warm_up

        _log.info("parser loaded in %.1f s", warm_up(self.segmenter))
        start = time.perf_counter()
        try:
            async with self.uow() as uow:
                await prepare(self.deps(uow))
        except Exception as exc:  # a start must not fail on what only speeds up the first question
            _log.warning(
                "the ledger was not prepared at start (%s); the first question will build it",
                type(exc).__name__,
            )
            return
        _log.info("ledger prepared for questions in %.1f s", time.perf_counter() - start)

    async def close(self) -> None:
        """Release database connections."""
        await self.db_engine.dispose()


class PlatformHandler:
    """The engine for one adapter: replies to its own platform come back, others are delivered by the app."""

    def __init__(self, app: App, platform: str, *, durable: bool = False) -> None:
        self._app = app
        self.platform = platform
        self.durable = durable

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        """Handle one message; hand back what this platform must send."""
        return (await self.handle_many([msg]))[0]

    async def handle_many(
        self,
        msgs: list[IncomingMessage],
        *,
        busy: Collection[str] = frozenset(),
        follow: Follow | None = None,
    ) -> list[tuple[Outbound, ...]]:
        """Handle messages in order (one transaction when they all succeed); hand back each one's replies here.

        ``follow``: later work is handed on as line parts (``Engine.handle_many``); a part, too, hands back
        only this platform's replies and has the others delivered.
        """
        mine = None if follow is None else (lambda key, part: follow(key, partial(self._part, part)))
        results = await self._app.engine.handle_many(msgs, durable=self.durable, busy=busy, follow=mine)
        return await self._own(results)

    async def _part(self, part: Part) -> tuple[Outbound, ...]:
        return (await self._own([await part()]))[0]

    async def _own(self, results: list[tuple[Outbound, ...]]) -> list[tuple[Outbound, ...]]:
        others = [o for outbound in results for o in outbound if o.chat.platform != self.platform]
        if others:
            await self._app.deliver(others)
        return [tuple(o for o in outbound if o.chat.platform == self.platform) for outbound in results]


def board_url(settings: Settings) -> str:
    """Return the dashboard's public address (LEDGERBOT_WEB__BASE_URL, else the web server's own)."""
    base = settings.web.base_url.strip().rstrip("/") or f"http://{settings.web_host}:{settings.web_port}"
    return f"{base}/dashboard"


def is_embedded(url: str) -> bool:
    """Return True for the embedded default (SQLite), whose schema is upgraded on start."""
    return make_url(db.async_url(url)).get_backend_name() == "sqlite"


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    migrate: bool | None = None,
    segmenter: Segmenter | None = None,
) -> App:
    """Connect to the database, bring its schema up to date when allowed, and wire the application."""
    engine = db.make_engine(settings.database_url)
    migrate = is_embedded(settings.database_url) if migrate is None else migrate
    if migrate:
        await db.upgrade(engine)
    else:
        current = await db.current_revision(engine)
        if current != head_revision():
            await engine.dispose()
            raise SchemaOutOfDateError(
                f"数据库结构不是最新（当前 {current or '空'}，需要 {head_revision()}）。"
                f"请先运行：ledgerbot db upgrade   (database schema out of date: run `ledgerbot db upgrade`)"
            )
    return App(
        settings=settings,
        db_engine=engine,
        sessionmaker=db.make_sessionmaker(engine),
        clock=clock or SystemClock(),
        segmenter=segmenter or Segmenter(),
    )


def head_revision() -> str:
    """Return the newest migration revision shipped with this version."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {db.MIGRATIONS}")
    return head
