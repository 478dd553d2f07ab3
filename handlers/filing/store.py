"""What the collection dialogue reads and files: the item, the period, a new revision."""

from __future__ import annotations

from typing import cast

from bot.core.messages import IncomingMessage
from handlers.current import current_ledger
from handlers.deps import Deps
from handlers.ledger.compile import combine_achieved
from nlp.progress import parse_progress
from nlp.status import status_from_figures
from nlp.types import ParseResult, Status, Target
from storage.schemas import ItemInfo, NewSubmission, PeriodInfo, SubmissionInfo, TargetInfo


async def load_item(deps: Deps, item_id: int) -> ItemInfo:
    """Return an item that must exist (its id comes from our own state)."""
    item = await deps.uow.ledgers.item(item_id)
    if item is None:
        raise LookupError(f"item {item_id} named in a conversation no longer exists")
    return item


async def load_period(deps: Deps, code: str) -> PeriodInfo:
    """Return a period of the current ledger that must exist."""
    ledger = await current_ledger(deps)
    period = await deps.uow.ledgers.period(ledger.id, code) if ledger else None
    if period is None:
        raise LookupError(f"period {code} named in a conversation no longer exists")
    return period


async def file_revision(
    deps: Deps,
    data: dict,
    item: ItemInfo,
    msg: IncomingMessage,
    *,
    progress: str,
    problems: str,
    plan: str,
    status: str,
    achieved: dict[int, float],
    inbox: int | None,
) -> SubmissionInfo:
    """File one new revision of the unit's part of an item."""
    period = await load_period(deps, data["period"])
    return await deps.uow.submissions.add(
        NewSubmission(
            period_id=period.id,
            item_id=item.id,
            unit=data["unit"],
            progress=progress,
            problems=problems,
            plan=plan,
            status=status,
            achieved=achieved,
            source="chat",
            author=f"{msg.chat.platform}:{msg.user_id}",
            inbox_id=inbox or deps.inbox_id,
        ),
        deps.now(),
    )


def nlp_target(t: TargetInfo) -> Target:
    """Return a stored target as the parser takes it."""
    return Target.model_validate({"name": t.name, "value": t.value, "unit": t.unit, "kind": t.kind})


def read_progress(
    item: ItemInfo,
    progress: str,
    previous: dict[int, float] | None = None,
    previous_status: Status | None = None,
) -> ParseResult:
    """Read a reply about ``item`` the way ``ledgerbot parse`` reads its content and progress: the stored
    targets keep the words around them in the content (one path for the dialogue and the parser)."""
    return parse_progress(
        item.content,
        progress,
        targets=[nlp_target(t) for t in item.targets],
        previous=previous or None,
        previous_status=previous_status,
    )


def figures_status(item: ItemInfo, draft: dict) -> Status:
    """Return the status of a draft's final figures, as the parser computes it from its own (the figures
    change when the contact answers a clarifying question: a figure chosen, one left unrecorded)."""
    targets = [nlp_target(t) for t in item.targets]
    achieved = {int(k): float(v) for k, v in draft["achieved"].items() if int(k) < len(targets)}
    return status_from_figures(
        draft["progress"], targets, achieved, content=item.content, previous=draft.get("previous_status")
    )


STATUSES = frozenset(["not_started", "preparing", "in_progress", "completed"])


async def filed_before(
    deps: Deps, item: ItemInfo, code: str, unit: str
) -> tuple[dict[int, float], Status | None]:
    """Return what was filed for ``item`` before period ``code``, read once: the cumulative figures carried
    (every unit's) and the status ``unit`` last filed (None when it never did: a reply with no news keeps it)."""
    earlier = await deps.uow.submissions.previous(item.ledger_id, code, item.id)
    status = next(
        (
            cast(Status, sub.status)
            for sub in earlier
            if sub.unit in ("", unit) and sub.status in STATUSES and not sub.skipped
        ),
        None,
    )
    return combine_achieved(earlier), status
