"""A platform's global send rate shared by every process: through Redis when LEDGERBOT_REDIS_URL is set,
else through PostgreSQL; one process on SQLite keeps its own (:class:`LocalRate`)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.adapters.telegram_pacing import GlobalRate
    from bot.app import App

log = logging.getLogger(__name__)

# The next slot (the server's clock, epoch seconds) in one key; the script runs atomically, so processes never share a slot.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], string.format('%.6f', slot + tonumber(ARGV[1])), 'PX', 60000)
return string.format('%.6f', slot)
"""


def until(slot: float) -> float:
    """Seconds from now to a slot in epoch seconds.

    A slot is handed out as a time, not a wait: a reply that took longer to come back does not push its
    send into the next one's. Processes on several machines rely on their clocks agreeing (NTP).
    """
    return max(slot - time.time(), 0.0)


class RedisRate:
    """Send slots ``1/per_second`` apart, shared through one Redis key by every process."""

    def __init__(self, url: str, name: str, per_second: float) -> None:
        import redis.asyncio as redis

        self._client: Any = redis.from_url(url)
        self._script = self._client.register_script(_TAKE_SLOT)
        self._key = f"ledgerbot:send-rate:{name}"
        self._interval = 1.0 / per_second

    async def reserve(self) -> float:
        return until(float(await self._script(keys=[self._key], args=[self._interval])))

    async def aclose(self) -> None:
        await self._client.aclose()


class DatabaseRate:
    """Send slots ``1/per_second`` apart, shared through a row of ``send_rates`` (PostgreSQL)."""

    def __init__(self, app: App, name: str, per_second: float) -> None:
        self._app, self._name, self._interval = app, name, 1.0 / per_second

    async def reserve(self) -> float:
        async with self._app.uow() as uow:
            slot = await uow.chats.take_send_slot(self._name, self._interval)
            await uow.commit()
        return until(slot)

    async def aclose(self) -> None:
        return None


def shared_rate(app: App, name: str, per_second: float) -> RedisRate | DatabaseRate | None:
    """Return the rate several processes share for ``name``; None on SQLite without Redis (one process)."""
    from bot.app import is_embedded

    if app.settings.redis_url:
        log.info("%s: send rate shared through Redis", name)
        return RedisRate(app.settings.redis_url, name, per_second)
    if not is_embedded(app.settings.database_url):
        log.info("%s: send rate shared through the database", name)
        return DatabaseRate(app, name, per_second)
    return None


if TYPE_CHECKING:

    def _as_rates(redis_rate: RedisRate, database_rate: DatabaseRate) -> tuple[GlobalRate, GlobalRate]:
        """Make mypy prove that both satisfy the GlobalRate port."""
        return redis_rate, database_rate
