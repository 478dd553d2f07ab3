"""绑定 against guessing (issue 17, case 3): a lock after 10 wrong codes, one answer for every bad code, 40-bit codes."""

from __future__ import annotations

import logging
import math
import re

import pytest

from handlers import texts
from handlers.manage.invites import CODE_ALPHABET, CODE_LENGTH, create_invite
from tests.handlers.dialogue_helpers import invite_code
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


def test_codes_carry_at_least_40_bits_and_no_confusable_letters():
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 40
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)


async def test_a_new_code_is_long_and_typeable(app):
    async with app.uow() as uow:
        code = await create_invite(uow, "", app.clock.now(), 24, "test", "viewer")
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", code)


async def test_unknown_used_and_expired_codes_get_the_same_answer(app, chat):
    used = await invite_code(app, "区发改局")
    expired = await invite_code(app, "区卫健局")
    chat.switch("first")
    expect(await chat.say(f"绑定 {used}"), "绑定成功")
    chat.switch("prober")
    answers = [await chat.say(f"绑定 {used}"), await chat.say("绑定 ZZZZZZZZZ")]
    app.clock.advance(hours=200)
    answers.append(await chat.say(f"绑定 {expired}"))
    shapes = [re.sub(r"“[^”]*”", "“”", "\n".join(a)) for a in answers]
    assert shapes[0] == shapes[1] == shapes[2]  # used, unknown and expired read alike


async def test_ten_wrong_codes_lock_the_user_even_against_a_valid_code(app, chat, caplog):
    good = await invite_code(app, "区发改局")
    chat.switch("guesser")
    attempts = 0
    with caplog.at_level(logging.WARNING):
        while attempts < 50:
            attempts += 1
            reply = "\n".join(await chat.say(f"绑定 WRONG{attempts:04d}"))
            if texts.BIND_LOCKED.split("，")[0] in reply:
                break
    assert attempts == 11  # ten wrong codes answered, the eleventh refused by the lock
    locks = [r for r in caplog.records if r.levelno == logging.WARNING and "locked" in r.getMessage()]
    assert len(locks) == 1 and "guesser" in locks[0].getMessage()
    # Even the valid code is refused while locked …
    app.clock.advance(minutes=14)
    expect(await chat.say(f"绑定 {good}"), texts.BIND_LOCKED.split("，")[0], absent=("绑定成功",))
    # … and works once the lock is over.
    app.clock.advance(minutes=2)
    expect(await chat.say(f"绑定 {good}"), "绑定成功")


async def test_other_people_are_not_locked_by_a_guesser(app, chat):
    good = await invite_code(app, "区发改局")
    chat.switch("guesser")
    for i in range(12):
        await chat.say(f"绑定 WRONG{i:04d}")
    chat.switch("honest")
    expect(await chat.say(f"绑定 {good}"), "绑定成功")


async def test_wrong_codes_spread_over_more_than_an_hour_do_not_lock(app, chat):
    good = await invite_code(app, "区发改局")
    chat.switch("forgetful")
    for i in range(12):
        await chat.say(f"绑定 WRONG{i:04d}")
        app.clock.advance(minutes=7)
    expect(await chat.say(f"绑定 {good}"), "绑定成功")
