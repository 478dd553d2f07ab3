"""A platform's send rates shared by every process: through Redis when LEDGERBOT_REDIS_URL is set, else
through PostgreSQL; one process on SQLite keeps its own (:class:`LocalRate`, WeCom's sliding windows).

A rate hands out slots ``1/per_second`` apart, after ``burst`` at once (a token bucket kept as the time its
next slot falls due: the generic cell rate algorithm), for one global key or for each key such as a member.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.adapters.telegram_pacing import GlobalRate
    from bot.app import App

log = logging.getLogger(__name__)

# When the next slot falls due (the server's clock, epoch seconds) in one key; a slot may come ``tolerance``
# seconds early (the burst). The script runs atomically, so processes never share a slot; the key outlives
# its last slot by a minute.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local due = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local ttl = math.ceil((due + interval - now) * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', due + interval), 'PX', ttl)
return string.format('%.6f', math.max(now, due - tolerance))
"""


def key_name(name: str, key: str) -> str:
    """Return the stored name of ``key``'s rate: hashed, so a member id or a robot's secret key is not kept."""
    return f"{name}:{hashlib.sha256(key.encode()).hexdigest()[:16]}" if key else name


def until(slot: float) -> float:
    """Seconds from now to a slot in epoch seconds.

    A slot is handed out as a time, not a wait: a reply that took longer to come back does not push its
    send into the next one's. Processes on several machines rely on their clocks agreeing (NTP).
    """
    return max(slot - time.time(), 0.0)


class RedisRate:
    """Send slots ``1/per_second`` apart (after ``burst``), shared through Redis keys by every process."""

    def __init__(self, url: str, name: str, per_second: float, *, burst: int = 1) -> None:
        import redis.asyncio as redis

        self._client: Any = redis.from_url(url)
        self._script = self._client.register_script(_TAKE_SLOT)
        self._name = f"ledgerbot:send-rate:{name}"
        self._interval = 1.0 / per_second
        self._tolerance = (burst - 1) * self._interval

    async def reserve(self, key: str = "") -> float:
        slot = await self._script(keys=[key_name(self._name, key)], args=[self._interval, self._tolerance])
        return until(float(slot))

    async def aclose(self) -> None:
        await self._client.aclose()


class DatabaseRate:
    """Send slots ``1/per_second`` apart (after ``burst``), shared through rows of ``send_rates`` (PostgreSQL)."""

    def __init__(self, app: App, name: str, per_second: float, *, burst: int = 1) -> None:
        self._app, self._name, self._interval = app, name, 1.0 / per_second
        self._tolerance = (burst - 1) * self._interval

    async def reserve(self, key: str = "") -> float:
        async with self._app.uow() as uow:
            slot = await uow.chats.take_send_slot(key_name(self._name, key), self._interval, self._tolerance)
            await uow.commit()
        return until(slot)

    async def aclose(self) -> None:
        return None


def shared_rate(app: App, name: str, per_second: float, *, burst: int = 1) -> RedisRate | DatabaseRate | None:
    """Return the rate several processes share for ``name``; None on SQLite without Redis (one process)."""
    from bot.app import is_embedded

    if app.settings.redis_url:
        log.info("%s: send rate shared through Redis", name)
        return RedisRate(app.settings.redis_url, name, per_second, burst=burst)
    if not is_embedded(app.settings.database_url):
        log.info("%s: send rate shared through the database", name)
        return DatabaseRate(app, name, per_second, burst=burst)
    return None


if TYPE_CHECKING:

    def _as_rates(redis_rate: RedisRate, database_rate: DatabaseRate) -> tuple[GlobalRate, GlobalRate]:
        """Make mypy prove that both satisfy the GlobalRate port."""
        return redis_rate, database_rate
