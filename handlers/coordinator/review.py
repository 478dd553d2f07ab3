"""Review by the coordinator: 通过 N accepts, 退回 N 原因 returns a submission and re-prompts the contact."""

from __future__ import annotations

import re

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import ChatRef, IncomingMessage
from bot.core.replies import Outbound, TextReply
from handlers import texts
from handlers.commands import parse_command
from handlers.current import current_ledger, latest_period
from handlers.deps import Deps
from handlers.turns import say
from nlp.units import short_name
from reports.figures import item_ref


async def review_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Accept or return the latest filing of item N (optionally one unit's part)."""
    cmd = parse_command(msg.text)
    action = cmd.name if cmd else ""
    m = re.match(r"\s*(\d+)\s*(.*)$", cmd.args if cmd else "", re.DOTALL)
    if not m:
        return say(texts.REVIEW_USAGE, state)
    number, rest = int(m.group(1)), m.group(2).strip()
    ledger = await current_ledger(deps)
    period = await latest_period(deps, ledger) if ledger else None
    item = (
        next((i for i in await deps.uow.ledgers.items(ledger.id) if i.number == number), None)
        if ledger
        else None
    )
    if item is None or period is None:
        return say(texts.REVIEW_USAGE, state)
    parts = [p for p in await deps.uow.submissions.latest(period.id, item_id=item.id) if not p.skipped]
    if not parts:
        return say(texts.REVIEW_NOTHING.format(number=number, code=period.code), state)
    named = [p for p in parts if p.unit and rest.startswith(p.unit)] or [
        p for p in parts if p.unit and any(rest.startswith(a) for a in _short(p.unit))
    ]
    if named:
        parts = named[:1]
        rest = re.sub(rf"^({'|'.join(map(re.escape, [parts[0].unit, *_short(parts[0].unit)]))})\s*", "", rest)
    elif len(parts) > 1 and action == "return":
        units = "、".join(p.unit or "导入" for p in parts)
        example = f"退回 {number} {parts[0].unit} 原因"
        return say(
            texts.REVIEW_WHICH_UNIT.format(number=number, count=len(parts), units=units, example=example),
            state,
        )
    who = f"{msg.chat.platform}:{msg.user_id}"
    units = "、".join(p.unit or "、".join(item.units) for p in parts)
    if action == "accept":
        for p in parts:
            await deps.uow.submissions.set_review(p.id, "accepted", "", who)
            await deps.uow.admin.audit(
                deps.now(), who, "review.accept", f"{period.code} {item_ref(number)} {p.unit}"
            )
        return say(texts.REVIEW_ACCEPTED.format(number=number, units=units, code=period.code), state)
    reason = rest.strip(" ：:，,")
    if not reason:
        return say(texts.REVIEW_NEED_REASON.format(number=number), state)
    outbound = []
    notes = []
    for p in parts:
        await deps.uow.submissions.set_review(p.id, "returned", reason, who)
        await deps.uow.admin.audit(
            deps.now(), who, "review.return", f"{period.code} {item_ref(number)} {p.unit}"
        )
        for unit in [p.unit] if p.unit else list(item.units):
            contacts = await deps.uow.chats.contacts(unit=unit, role="contact")
            if not contacts:
                notes.append(texts.RETURNED_NO_CONTACT.format(unit=unit))
            for c in contacts:
                notice = texts.RETURNED_NOTICE.format(
                    unit=unit, number=number, code=period.code, reason=reason
                )
                outbound.append(
                    Outbound(
                        chat=ChatRef(platform=c.platform, chat_id=c.chat_id or c.user_id),
                        replies=(TextReply(text=notice, choices=(f"修改 {number}",)),),
                    )
                )
    text = texts.REVIEW_RETURNED.format(number=number, units=units, code=period.code, reason=reason)
    return Turn(replies=(TextReply(text="\n".join([text, *notes])),), state=state, outbound=tuple(outbound))


def _short(unit: str) -> list[str]:
    short = short_name(unit)
    return [short] if short else []
