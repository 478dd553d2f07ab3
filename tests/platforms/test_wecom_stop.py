"""WeCom replies survive a stop and a crash (issue 18): each is queued in the outbox with its message's
transaction, sent after the commit and noted sent; a stop releases what it did not send to the next process,
and what a killed process held is taken over once its hold runs out. Every message gets its reply: 0 lost."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable

from sqlalchemy import text

from bot.outbox import LEASE
from storage import db
from tests.fakes.fake_wecom import FakeWeCom, text_xml
from tests.platforms.wecom_harness import WeComBot

MEMBERS = [f"m{i:03d}" for i in range(24)]
_msg_ids = itertools.count(8_100_000_000_000_000_001)


def replies(fake: FakeWeCom) -> Counter[str]:
    """Return how many answers to 你好 (the binding prompt) each member got."""
    return Counter(
        p["touser"] for p in fake.sent if p["msgtype"] == "text" and "绑定码" in p["text"]["content"]
    )


async def everyone_says_hello(bot: WeComBot) -> None:
    """Post one callback per member without waiting for the answers (WeCom gets its 200 at once)."""
    for user in MEMBERS:
        response = await bot.post(*bot.signed(text_xml(user, "你好", str(next(_msg_ids)), bot.now())))
        assert response.status_code == 200


async def until(done: Callable[[], bool], timeout: float = 60.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


async def scalar(url: str, sql: str) -> int:
    """Read the database of a stopped process."""
    engine = db.make_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(sql))).scalar_one())
    finally:
        await engine.dispose()


async def unsent(bot: WeComBot) -> int:
    return int(await bot.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


async def test_replies_left_at_stop_are_sent_by_the_next_process(make_wecom, wecom_fake):
    wecom_fake.send_delay = 0.4  # each send is still under way when the short grace period ends
    bot = await make_wecom(drain_timeout=0.2, retry_interval=60.0)
    await everyone_says_hello(bot)
    await until(lambda: sum(replies(wecom_fake).values()) >= 2)

    await bot.stop()  # what SIGTERM runs: stop taking callbacks, drain 0.2 s, release the rest
    cut_off = await scalar(
        bot.db_url, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND claimed_until IS NULL"
    )
    sent_before = sum(replies(wecom_fake).values())
    assert cut_off >= 1, "no reply was left in the outbox: the stop came too late to show anything"
    assert sent_before < len(MEMBERS)

    wecom_fake.send_delay = 0.0
    # The next process: its first retry round sends the released replies, its inbox recovery the rest.
    await bot.start()
    await until(lambda: set(replies(wecom_fake)) == set(MEMBERS))
    await asyncio.sleep(0.5)  # a repeat would show by now
    counts = replies(wecom_fake)
    assert sorted(counts) == MEMBERS  # 0 lost
    # Only a reply cut off mid-send may go out twice (WeCom had it, the process had not heard back).
    assert sum(counts.values()) - len(MEMBERS) <= cut_off
    for _ in range(100):  # the sent replies are written down within a second
        if not await unsent(bot):
            break
        await asyncio.sleep(0.05)
    assert await unsent(bot) == 0


async def test_replies_a_killed_process_held_are_sent_once_its_hold_runs_out(make_wecom, wecom_fake, clock):
    wecom_fake.hold_sends()  # the first process's sends never come back, as when it is killed mid-send
    first = await make_wecom(drain_timeout=0.1)
    await everyone_says_hello(first)
    await until(lambda: wecom_fake.send_attempts >= 1)
    await asyncio.sleep(0.3)
    held = await unsent(first)
    assert held >= 1  # replies committed with their messages, not yet sent

    # The first process is gone without a word (nothing of it runs again); its held replies stay in the
    # outbox, and the messages it had not reached stay "received" in the inbox.
    wecom_fake.holding = False
    clock.advance(seconds=LEASE.total_seconds() + 1)
    second = await make_wecom(seed=False)
    await until(lambda: set(replies(wecom_fake)) == set(MEMBERS))
    await asyncio.sleep(0.5)
    counts = replies(wecom_fake)
    assert sorted(counts) == MEMBERS  # 0 lost
    assert set(counts.values()) == {1}  # the held sends never reached WeCom, so none repeats
    for _ in range(100):
        if not await unsent(second):
            break
        await asyncio.sleep(0.05)
    assert await unsent(second) == 0
