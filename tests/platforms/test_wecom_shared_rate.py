"""WeCom's send limits shared by processes (issue 18): two senders, each with its own limiter and connection,
drawing from one Redis or one PostgreSQL, together never send one member (or robot) more than the limit;
counted at the fake WeCom server from the times it accepted each message."""

from __future__ import annotations

import asyncio
import bisect
import os
import uuid

import pytest

from bot.adapters.wecom_api import WeComAppClient, WeComRobotClient
from bot.adapters.wecom_limits import (
    APP_MEMBER_LIMITS,
    APP_MEMBER_PACE,
    ROBOT_LIMITS,
    ROBOT_PACE,
    KeyedRate,
    Limiter,
    Pace,
    SharedLimiter,
    SlidingWindowLimiter,
)
from bot.app import build_app
from bot.platforms.shared_rate import DatabaseRate, RedisRate
from bot.settings import Settings
from tests.fakes.fake_wecom import FakeWeCom
from tests.platforms.test_telegram_database_outage import pg_url  # noqa: F401  (a fixture)

REDIS_URL = os.environ.get("LEDGERBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# WeCom's limits scaled to a test's length: 10 a second, as 30 a minute is for a member.
LIMIT, WINDOW = 10, 1.0
PACE = Pace.within(((LIMIT, WINDOW),), burst=4)
PER_PROCESS = 20
ROBOT_KEY = "robot-key-1"


def most_in_a_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(bisect.bisect_left(times, t + window) - i for i, t in enumerate(times))


def paced(pace: Pace, n: int) -> list[float]:
    """The slots of ``n`` sends asked for at once under ``pace`` (what the shared rates hand out)."""
    return [max(0.0, (k - pace.burst + 1) * pace.interval) for k in range(n)]


@pytest.mark.parametrize(
    ("pace", "limits"), [(APP_MEMBER_PACE, APP_MEMBER_LIMITS), (ROBOT_PACE, ROBOT_LIMITS)]
)
def test_the_paces_keep_every_documented_window(pace: Pace, limits) -> None:
    slots = paced(pace, 3000)  # more than an hour of sends to one member
    for count, seconds in limits:
        assert most_in_a_window(slots, seconds) <= count
    # and the allowance is used: a burst at once, the minute's limit within a sixth of it
    assert most_in_a_window(slots, limits[0][1]) >= limits[0][0] * 5 // 6


async def app_sends(fake: FakeWeCom, limiters: list[Limiter]) -> list[float]:
    """Each "process" (its own client and limiter) sends PER_PROCESS texts to one member at once."""
    clients = [
        WeComAppClient(fake.corp_id, fake.agent_id, fake.secret, api_base=fake.base_url, limiter=limiter)
        for limiter in limiters
    ]

    async def run(client: WeComAppClient, p: int) -> None:
        for i in range(PER_PROCESS):
            await client.send_text("zhangsan", f"{p}-{i}")

    try:
        await asyncio.gather(*(run(c, p) for p, c in enumerate(clients)))
    finally:
        for client in clients:
            await client.aclose()
    assert len(fake.sent_times) == 2 * PER_PROCESS
    return fake.sent_times


def assert_within_the_limit(times: list[float]) -> None:
    # One more stands for a send the fake recorded a few milliseconds late.
    assert most_in_a_window(times, WINDOW) <= LIMIT + 1, most_in_a_window(times, WINDOW)
    span = max(times) - min(times)
    assert span <= 1.25 * (2 * PER_PROCESS - PACE.burst) * PACE.interval  # and the allowance is filled


async def test_two_processes_with_their_own_windows_would_send_twice_the_limit() -> None:
    async with FakeWeCom() as fake:
        times = await app_sends(fake, [SlidingWindowLimiter(LIMIT, WINDOW) for _ in range(2)])
    assert most_in_a_window(times, WINDOW) >= 2 * LIMIT - 1


async def test_two_processes_share_a_members_limit_through_redis() -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    rates = [RedisRate(REDIS_URL, name, 1 / PACE.interval, burst=PACE.burst) for _ in range(2)]
    try:
        async with FakeWeCom() as fake:
            times = await app_sends(fake, [SharedLimiter(rate) for rate in rates])
    finally:
        for rate in rates:
            await rate.aclose()
    assert_within_the_limit(times)


async def test_two_processes_share_a_members_limit_through_postgres(pg_url, tmp_path) -> None:  # noqa: F811
    url = pg_url.render_as_string(hide_password=False)
    apps = [
        await build_app(
            Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None), migrate=True
        )
        for _ in range(2)
    ]
    try:
        rates: list[KeyedRate] = [
            DatabaseRate(app, "wecom:member", 1 / PACE.interval, burst=PACE.burst) for app in apps
        ]
        async with FakeWeCom() as fake:
            times = await app_sends(fake, [SharedLimiter(rate) for rate in rates])
    finally:
        for app in apps:
            await app.close()
    assert_within_the_limit(times)


async def test_two_processes_share_a_robots_limit_through_redis() -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    rates = [RedisRate(REDIS_URL, name, 1 / PACE.interval, burst=PACE.burst) for _ in range(2)]
    async with FakeWeCom(robot_rate_limit=100) as fake:
        robots = [WeComRobotClient(api_base=fake.base_url, limiter=SharedLimiter(rate)) for rate in rates]

        async def run(robot: WeComRobotClient, p: int) -> None:
            for i in range(PER_PROCESS):
                await robot.send_text(ROBOT_KEY, f"{p}-{i}")

        try:
            await asyncio.gather(*(run(r, p) for p, r in enumerate(robots)))
        finally:
            for robot in robots:
                await robot.aclose()
            for rate in rates:
                await rate.aclose()
        assert len(fake.robot_sent_times) == 2 * PER_PROCESS
        assert_within_the_limit(fake.robot_sent_times)
