"""The CLI's governing commands on a wired application: (ok, message for the operator), as in operations.py."""

from __future__ import annotations

from bot.app import App
from handlers import texts
from handlers.manage.admin import invite_line, live_invites, people, person_line, remove_person, revoke_invite
from handlers.manage.roles import RoleError


async def cli_people(app: App) -> tuple[bool, str]:
    """List everyone with a role."""
    async with app.uow() as uow:
        everyone = await people(uow)
    return True, "\n".join(person_line(c) for c in everyone) or texts.ADMIN_LIST_EMPTY


async def cli_remove_person(app: App, who: str, role: str | None) -> tuple[bool, str]:
    """Remove PLATFORM:USER_ID's roles (one role with ``role``)."""
    async with app.uow() as uow:
        try:
            removed = await remove_person(uow, who, app.clock.now(), "cli", role)
        except RoleError as exc:
            return False, str(exc)
        await uow.commit()
    return True, texts.ADMIN_REMOVED.format(what="；".join(person_line(c) for c in removed))


async def cli_invites(app: App) -> tuple[bool, str]:
    """List the codes that can still bind someone."""
    now = app.clock.now()
    async with app.uow() as uow:
        codes = await live_invites(uow, now)
    return True, "\n".join(invite_line(i, now) for i in codes) or texts.INVITE_LIST_EMPTY


async def cli_revoke(app: App, code: str) -> tuple[bool, str]:
    """Make a code unusable."""
    async with app.uow() as uow:
        revoked = await revoke_invite(uow, code, app.clock.now(), "cli")
        await uow.commit()
    code = code.strip().upper()
    return (
        (True, texts.INVITE_REVOKED.format(code=code))
        if revoked
        else (
            False,
            texts.INVITE_NOT_LIVE.format(code=code),
        )
    )
