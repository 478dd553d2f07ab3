"""The console platform: no service and no web routes; its sender prints (used by the scheduler)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console import PLATFORM, ConsoleChat
from bot.core.replies import Outbound
from bot.platforms.registry import PlatformSpec

if TYPE_CHECKING:
    from bot.app import App


class ConsoleSender:
    """Deliver console messages by printing them (and writing a group's post to the outbox folder)."""

    def __init__(self, app: App, out: TextIO | None = None) -> None:
        # The chat's user is nobody's id, so every message is shown with its addressee.
        self.chat = ConsoleChat(
            app.engine,
            out or sys.stdout,
            files_dir=app.settings.files_dir,
            outbox_dir=app.settings.outbox_dir,
            now=app.clock.now,
            user="（定时任务）",
        )

    async def send(self, outbound: Outbound) -> None:
        """Show one message."""
        self.chat.show(outbound)


SPEC = PlatformSpec(name=PLATFORM, standalone_sender=ConsoleSender)
