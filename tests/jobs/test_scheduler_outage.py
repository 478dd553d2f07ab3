"""The scheduler while PostgreSQL is unreachable: one warning line per tick (no traceback), and once the
database is back the next tick runs the jobs."""

from __future__ import annotations

import logging
import os

import pytest

from bot.app import build_app
from bot.scheduler import SchedulerService
from bot.settings import Settings
from tests.conftest import PG_ENV
from tests.platforms.tcp_proxy import CuttableProxy
from tests.platforms.test_telegram_database_outage import pg_url  # noqa: F401 - a fresh database

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs a PostgreSQL server ({PG_ENV})")


async def test_a_tick_while_the_database_is_away_logs_one_line_and_no_traceback(pg_url, tmp_path, caplog):  # noqa: F811
    async with CuttableProxy(pg_url.host or "127.0.0.1", pg_url.port or 5432) as proxy:
        url = pg_url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = await build_app(
            Settings(database_url=url, files_dir=tmp_path / "f", _env_file=None), migrate=True
        )
        try:
            service = SchedulerService(app, console=False)
            assert await service.tick() == []  # nothing due on an empty ledger, and no complaint
            proxy.cut()
            with caplog.at_level(logging.INFO, logger="bot.scheduler"):
                assert await service.tick() == []
                assert await service.tick() == []  # and the next tick tries again
            proxy.restore()
            away = [r for r in caplog.records if r.name == "bot.scheduler" and r.levelno >= logging.WARNING]
            assert len(away) == 2 and all(r.levelno == logging.WARNING for r in away), away
            assert all(not r.exc_info and "database" in r.getMessage() for r in away), away
            assert await service.tick() == []  # back: a tick runs without a word
        finally:
            await app.close()
