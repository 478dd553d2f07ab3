"""One-time binding codes for a unit's contact or for a role (shared by the CLI and 邀请 in chat)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from handlers import operator_texts, texts
from handlers.manage.roles import ROLES, find_unit
from storage.uow import UnitOfWork

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read off phones
CODE_LENGTH = 9  # 31**9 ≈ 2**44.6: at least 40 bits, so guessing is hopeless under the 绑定 lock


class InviteError(ValueError):
    """An invitation that cannot be made; the message is for the user."""


async def create_invite(
    uow: UnitOfWork, unit: str, now: datetime, hours: int, by: str, role: str = "contact"
) -> str:
    """Create a one-time code for a unit (or a role) and return it; the caller commits."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    await uow.chats.add_invite(code, role, unit, now + timedelta(hours=hours), by)
    # The log names the code by its head only: reading the log must not hand out a live code.
    await uow.admin.audit(now, by, "invite.create", f"{code[:3]}… {role} {unit}".strip())
    return code


async def invite(
    uow: UnitOfWork, unit: str, role: str, now: datetime, hours: int, by: str
) -> tuple[str, str]:
    """Create a code for ``role`` (a contact of the unit called ``unit``); return (who it is for, code)."""
    if role not in ROLES:
        raise InviteError(operator_texts.CLI_ROLE_CHOICES.format(roles=" | ".join(ROLES)))
    name = ""
    if role == "contact":
        ledger = await uow.ledgers.get()
        found, units = await find_unit(uow, unit, ledger.id if ledger else None)
        if found is None:
            raise InviteError(
                texts.UNKNOWN_UNIT.format(name=unit, units="、".join(u.name for u in units) or "无")
            )
        name = found.name
    code = await create_invite(uow, name, now, hours, by, role)
    return name or texts.ROLE_NAMES.get(role, role), code
