"""Two processes share Telegram's global rate (through PostgreSQL, or Redis) and together never exceed it."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest

from bot.adapters.telegram_pacing import FloodLimiter, GlobalRate, LocalRate
from bot.app import build_app
from bot.core.messages import ChatRef
from bot.platforms.shared_rate import DatabaseRate, RedisRate
from bot.settings import Settings
from tests.conftest import PG_ENV
from tests.platforms.test_telegram_database_outage import pg_url  # noqa: F401  (a fixture)

REDIS_ENV = "LEDGERBOT_TEST_REDIS_URL"
PER_PROCESS = 45


async def two_processes_send(rates: list[GlobalRate]) -> list[float]:
    """Each "process" (its own limiter and connection) sends to its own 45 chats at once; return send times."""
    times: list[float] = []

    async def send(limiter: FloodLimiter, chat_id: str) -> None:
        await limiter.acquire(ChatRef(platform="telegram", chat_id=chat_id))
        times.append(time.monotonic())

    limiters = [FloodLimiter(rate=rate) for rate in rates]
    await asyncio.gather(
        *(send(limiter, f"{p}-{c}") for p, limiter in enumerate(limiters) for c in range(PER_PROCESS))
    )
    return sorted(times)


def most_in_any_second(times: list[float]) -> int:
    return max(sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times))


def rate_of(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0])


def assert_within_the_global_rate(times: list[float]) -> None:
    assert len(times) == 2 * PER_PROCESS
    # 30 a second; one more stands for a timer waking a few milliseconds late.
    assert most_in_any_second(times) <= 31, most_in_any_second(times)
    assert rate_of(times) >= 0.8 * 30, rate_of(times)  # and the allowance is still filled


async def test_two_processes_with_their_own_rates_would_send_twice_the_limit() -> None:
    times = await two_processes_send([LocalRate(), LocalRate()])  # the limit per process, as before
    assert most_in_any_second(times) > 45


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs a PostgreSQL server ({PG_ENV})")
async def test_two_processes_share_the_rate_through_postgres(pg_url, tmp_path) -> None:  # noqa: F811
    url = pg_url.render_as_string(hide_password=False)
    apps = [
        await build_app(
            Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None), migrate=True
        )
        for _ in range(2)
    ]
    try:
        times = await two_processes_send([DatabaseRate(app, "telegram", 30) for app in apps])
    finally:
        for app in apps:
            await app.close()
    assert_within_the_global_rate(times)


@pytest.mark.skipif(not os.environ.get(REDIS_ENV), reason=f"needs a Redis server ({REDIS_ENV})")
async def test_two_processes_share_the_rate_through_redis() -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    rates = [RedisRate(os.environ[REDIS_ENV], name, 30) for _ in range(2)]
    try:
        times = await two_processes_send(list(rates))
    finally:
        for rate in rates:
            await rate.aclose()
    assert_within_the_global_rate(times)
