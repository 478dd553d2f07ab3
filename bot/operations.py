"""The CLI's administrative commands on a wired application: each runs a use case in one unit of work and
returns (ok, message for the operator)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.app import App
from handlers import operator_texts, texts
from handlers.dates import moment_stamp
from handlers.manage.invites import InviteError, invite
from handlers.manage.periods import PeriodError, close_by_code, open_and_prompt, period_rows
from handlers.manage.roles import RoleError, add_group, add_role, remove_group
from storage.uow import UnitOfWork

T = TypeVar("T")


async def _in_uow(app: App, work: Callable[[UnitOfWork], Awaitable[T]]) -> T | str:
    """Run ``work`` and commit; return its result, or the use case's error message."""
    async with app.uow() as uow:
        try:
            result = await work(uow)
        except (PeriodError, InviteError, RoleError) as exc:
            return str(exc)
        await uow.commit()
    return result


async def cli_open_period(
    app: App, code: str, deadline: str | None, *, force: bool = False
) -> tuple[bool, str]:
    """Open a period and deliver the prompts the opening produced (while another is open, only with force)."""
    time = app.settings.schedule.deadline_time
    opened = await _in_uow(
        app, lambda uow: open_and_prompt(uow, code, deadline, app.clock.now(), force=force, default_time=time)
    )
    if isinstance(opened, str):
        return False, opened
    period, written, prompts = opened
    sent = await app.deliver(prompts)
    due = f"，截止 {moment_stamp(period.deadline, app.tz)}" if period.deadline else ""
    if written is not None and written.default_time:
        due += operator_texts.CLI_DEFAULT_TIME.format(time=time)
    return True, operator_texts.CLI_PERIOD_OPENED.format(code=period.code, due=due, sent=sent)


async def cli_close_period(app: App, code: str) -> tuple[bool, str]:
    """Close a period."""
    closed = await _in_uow(app, lambda uow: close_by_code(uow, code, app.clock.now()))
    if isinstance(closed, str):
        return False, closed
    return True, operator_texts.CLI_PERIOD_CLOSED.format(code=closed.code)


async def cli_invite(app: App, unit: str, role: str) -> tuple[bool, str]:
    """Create a binding code; the code is the last line of the message."""
    hours = app.settings.invite_hours
    made = await _in_uow(app, lambda uow: invite(uow, unit, role, app.clock.now(), hours, "cli"))
    if isinstance(made, str):
        return False, made
    who, code = made
    return True, operator_texts.CLI_INVITE.format(who=who, hours=hours, code=code)


async def cli_add_role(app: App, who: str, role: str) -> tuple[bool, str]:
    """Give PLATFORM:USER_ID a role."""
    created = await _in_uow(app, lambda uow: add_role(uow, who, role, app.clock.now()))
    if isinstance(created, str):
        return False, created
    template = operator_texts.CLI_ROLE_ADDED if created else operator_texts.CLI_ROLE_ALREADY
    return True, template.format(who=who, role=texts.ROLE_NAMES[role])


async def cli_add_group(app: App, where: str, name: str) -> tuple[bool, str]:
    """Register PLATFORM:CHAT_ID as a group for summaries."""
    added = await _in_uow(app, lambda uow: add_group(uow, where, name, app.clock.now()))
    if isinstance(added, str):
        return False, added
    group, created = added
    return True, operator_texts.CLI_GROUP_ADDED.format(group=group) + (
        "" if created else operator_texts.CLI_GROUP_ALREADY
    )


async def cli_list_periods(app: App) -> tuple[bool, str]:
    """Every period: open or closed, deadline (YYYY-MM-DD HH:MM), items filed of all."""
    rows = await _in_uow(app, period_rows)
    if isinstance(rows, str):
        return False, rows
    lines = [
        operator_texts.CLI_PERIOD_LINE.format(
            code=r.code,
            state=texts.PERIOD_STATES.get(r.state, r.state),
            deadline=moment_stamp(r.deadline, app.tz)
            if r.deadline
            else operator_texts.CLI_PERIOD_NO_DEADLINE,
            filed=r.filed,
            total=r.total,
        )
        for r in rows
    ]
    return True, "\n".join(lines) or operator_texts.CLI_PERIOD_NONE


async def cli_list_groups(app: App) -> tuple[bool, str]:
    """The group chats that receive summaries."""
    async with app.uow() as uow:
        groups = await uow.chats.groups()
    lines = [
        operator_texts.CLI_GROUP_LINE.format(group=f"{g.platform}:{g.chat_id}", name=g.name) for g in groups
    ]
    return True, "\n".join(line.rstrip() for line in lines) or operator_texts.CLI_GROUP_NONE


async def cli_remove_group(app: App, where: str) -> tuple[bool, str]:
    """Stop sending summaries to PLATFORM:CHAT_ID."""
    async with app.uow() as uow:
        try:
            removed = await remove_group(uow, where, app.clock.now())
        except RoleError as exc:
            return False, str(exc)
        await uow.commit()
    return True, operator_texts.CLI_GROUP_REMOVED.format(group=removed)
