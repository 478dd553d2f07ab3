"""Coordinators in chat: who holds a role, unbinding a unit's contact, listing and revoking codes (issue 17, 5)."""

from __future__ import annotations

import pytest

from tests.handlers.dialogue_helpers import bind, invite_code
from tests.transcript import expect

pytestmark = pytest.mark.usefixtures("seeded_app")


async def test_a_coordinator_unbinds_a_units_contact(app, chat):
    await bind(app, chat, "fgw", "区发改局")
    chat.switch("admin")
    expect(await chat.say("人员"), "管理员 console:admin", "单位联络员（区发改局） console:fgw")
    expect(await chat.say("移除 发改局"), "已解除【区发改局】联络员的绑定", "console:fgw")
    chat.switch("fgw")
    expect(await chat.say("填报"), "绑定码")  # no longer a contact
    chat.switch("admin")
    expect(await chat.say("移除 区发改局"), "没有绑定的联络员")


async def test_a_leaked_code_is_revoked_and_binds_no_one(app, chat):
    code = await invite_code(app, "区卫健局")
    chat.switch("admin")
    expect(await chat.say("有效绑定码"), code, "区卫健局")
    expect(await chat.say(f"作废 {code.lower()}"), f"绑定码 {code} 已作废")
    expect(await chat.say("有效绑定码"), "没有仍然有效的绑定码")
    chat.switch("thief")
    expect(await chat.say(f"绑定 {code}"), "无效", absent=("绑定成功",))


async def test_a_coordinator_cannot_remove_an_admin_and_others_cannot_remove_anyone(app, chat):
    async with app.uow() as uow:
        await uow.chats.add_role("console", "duchashi", "coordinator", app.clock.now(), chat_id="duchashi")
        await uow.chats.add_role("console", "leader", "viewer", app.clock.now(), chat_id="leader")
        await uow.commit()
    chat.switch("duchashi")
    expect(await chat.say("移除 console:admin"), "只能由管理员移除")
    expect(await chat.say("移除 console:leader"), "已移除", "查阅 console:leader")
    await bind(app, chat, "fgw", "区发改局")
    expect(await chat.say("移除 console:duchashi"), "没有权限", absent=("已移除",))
    chat.switch("admin")
    expect(await chat.say("移除 console:duchashi"), "已移除", "督查室 console:duchashi")


async def test_chat_acts_are_in_the_audit_log(app, chat):
    await bind(app, chat, "fgw", "区发改局")
    chat.switch("admin")
    await chat.say("移除 发改局")
    async with app.uow() as uow:
        entries = await uow.admin.audit_entries()
    acts = [(e.actor, e.action) for e in entries]
    assert ("console:fgw", "bind") in acts and ("console:admin", "unbind") in acts
