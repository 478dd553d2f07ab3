"""The CLI's administrative commands on a wired application: each runs a use case in one unit of work and
returns (ok, message for the operator)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.app import App
from handlers import operator_texts, texts
from handlers.manage.invites import InviteError, invite
from handlers.manage.periods import PeriodError, close_by_code, open_and_prompt
from handlers.manage.roles import RoleError, add_group, add_role
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


async def cli_open_period(app: App, code: str, deadline: str | None) -> tuple[bool, str]:
    """Open a period and deliver the prompts the opening produced."""
    opened = await _in_uow(app, lambda uow: open_and_prompt(uow, code, deadline, app.clock.now()))
    if isinstance(opened, str):
        return False, opened
    period, prompts = opened
    sent = await app.deliver(prompts)
    due = f"，截止 {period.deadline.astimezone(app.tz):%Y-%m-%d %H:%M}" if period.deadline else ""
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
