"""CLI operations on a wired application: each returns (ok, message for the operator)."""

from __future__ import annotations

from bot.app import App
from handlers import texts
from handlers.manage.roles import ROLES, find_unit, split_who
from handlers.manage.periods import PeriodError, close_period, open_period, parse_code, parse_deadline
from handlers.account.binding import create_invite


async def cli_open_period(app: App, code: str, deadline: str | None) -> tuple[bool, str]:
    """Open a period from the CLI and deliver the prompts the opening produced."""
    from handlers.manage.prompts import period_prompts

    now = app.clock.now()
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        if ledger is None:
            return False, "还没有导入台账。先运行：ledgerbot import 台账文件"
        try:
            code = parse_code(code)
            when = parse_deadline(deadline, code) if deadline else None
            period = await open_period(uow, ledger, code, when, now)
        except PeriodError as exc:
            return False, str(exc)
        prompts = await period_prompts(uow, ledger, period)
        await uow.commit()
    sent = await app.deliver(prompts)
    due = f"，截止 {period.deadline.astimezone(app.tz):%Y-%m-%d %H:%M}" if period.deadline else ""
    return True, f"已开启 {period.code} 报送期{due}；已向 {sent} 位联络员发送填报提醒。"


async def cli_close_period(app: App, code: str) -> tuple[bool, str]:
    """Close a period from the CLI."""
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        if ledger is None:
            return False, "还没有导入台账。"
        try:
            period = await close_period(uow, ledger, parse_code(code), app.clock.now())
        except PeriodError as exc:
            return False, str(exc)
        await uow.commit()
    return True, f"已关闭 {period.code} 报送期。"


async def cli_invite(app: App, unit: str, role: str) -> tuple[bool, str]:
    """Create a binding code; the code is the last line of the message."""
    if role not in ROLES:
        return False, f"角色应为 {' | '.join(ROLES)}"
    hours = app.settings.invite_hours
    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        name = ""
        if role == "contact":
            found, units = await find_unit(uow, unit, ledger.id if ledger else None)
            if found is None:
                return False, texts.UNKNOWN_UNIT.format(name=unit, units="、".join(u.name for u in units) or "无")
            name = found.name
        code = await create_invite(uow, name, app.clock.now(), hours, "cli", role)
        await uow.commit()
    who = name or texts.ROLE_NAMES.get(role, role)
    return True, f"【{who}】绑定码，{hours}小时内有效，只能使用一次；请联络员私聊机器人发送“绑定 {code}”。\n{code}"


async def cli_add_role(app: App, who: str, role: str) -> tuple[bool, str]:
    """Give PLATFORM:USER_ID a role."""
    parts = split_who(who)
    if parts is None:
        return False, "格式应为 PLATFORM:USER_ID，例如 telegram:123456789 或 wecom:zhangsan"
    if role not in ("admin", "coordinator", "viewer"):
        return False, "角色应为 admin | coordinator | viewer"
    async with app.uow() as uow:
        _, created = await uow.chats.add_role(parts[0], parts[1], role, app.clock.now(), chat_id=parts[1])
        await uow.commit()
    return True, f"{who} 已是{texts.ROLE_NAMES[role]}" + ("" if created else "（原已设置）")


async def cli_add_group(app: App, where: str, name: str) -> tuple[bool, str]:
    """Register PLATFORM:CHAT_ID as a group for summaries."""
    parts = split_who(where)
    if parts is None:
        return False, "格式应为 PLATFORM:CHAT_ID，例如 telegram:-1001234567890"
    async with app.uow() as uow:
        group, created = await uow.chats.add_group(parts[0], parts[1], name, app.clock.now())
        await uow.commit()
    return True, f"已登记汇总群 {group.platform}:{group.chat_id}" + ("" if created else "（原已登记）")
