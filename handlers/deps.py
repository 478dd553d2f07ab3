"""What handler steps get besides the message and state: storage, clock and configuration."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from bot.core.ports import Clock
from handlers.jobs.schedule import Schedule
from nlp.segment import Segmenter
from reports.lights import Thresholds
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class HandlerConfig:
    """Settings the handlers need, copied out of the application settings."""

    invite_hours: int = 72
    thresholds: Thresholds = field(default_factory=Thresholds)
    files_dir: Path = Path("files")
    # The dashboard (看板): the secret signing its links ("" = off), its public address, a link's lifetime.
    board_secret: str = field(default="", repr=False)
    board_url: str = ""
    board_hours: int = 24
    # A deadline written without a time (截止 4月25日) takes the schedule's deadline time.
    deadline_time: str = Schedule().deadline_time


@dataclass(frozen=True)
class Deps:
    """Dependencies of one handler call; ``inbox_id`` is the raw message being handled."""

    uow: UnitOfWork
    clock: Clock
    segmenter: Segmenter
    config: HandlerConfig = field(default_factory=HandlerConfig)
    inbox_id: int | None = None
    # Per-message memo (roles, the ledger) so one message does not ask the database the same thing twice.
    memo: dict = field(default_factory=dict)

    def bind(self, **changes) -> Deps:
        """Return a copy with some fields replaced and a fresh memo."""
        return replace(self, memo={}, **changes)

    def now(self) -> datetime:
        """Return the current time."""
        return self.clock.now()
