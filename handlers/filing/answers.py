"""Several items answered in one numbered message ("24. … 25. …"): split, parse and file each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.messages import IncomingMessage
from handlers import filing_texts
from handlers.current import flow_ledger
from handlers.deps import Deps
from handlers.filing.store import file_revision, filed_before, load_item, read_progress
from handlers.filing.view import short_summary
from nlp.reply import is_none, numbered_items, split_parts
from reports.figures import item_ref

_ITEM_MARK = re.compile(
    r"(?:^|\n)\s*(?P<open>[\[【(（])?(?P<n>\d{1,3})(?P<close>[\]】)）])?\s*(?P<sep>[.、．:：])?\s*(?=\S)"
)


def _plain(m: re.Match[str], text: str) -> bool:
    """[24] / 24. / 24、 are list markers; 1处已完工, 1.5公里 and 24 四好… may be figures."""
    if m.group("open") or m.group("close"):
        return True
    sep = m.group("sep")
    return bool(sep) and not (sep in ".．" and text[m.end("sep") : m.end("sep") + 1].isdigit())


def numbered_parts(text: str, numbers: set[int]) -> tuple[dict[int, str], bool]:
    """Split text at lines starting with one of our item numbers ("24. …", "[24] …", "（24）…"); say whether
    every such number is plainly a list marker."""
    marks = [m for m in _ITEM_MARK.finditer(text) if int(m.group("n")) in numbers]
    out: dict[int, str] = {}
    for m, nxt in zip(marks, [*marks[1:], None], strict=False):
        body = text[m.end() : nxt.start() if nxt else len(text)].strip()
        if body:
            out[int(m.group("n"))] = body
    if len(out) != len(marks):
        return {}, True
    return out, all(_plain(m, text) for m in marks)


@dataclass(frozen=True)
class Numbered:
    """A reply that answers several items by number: item id → its text, the numbers as written, and
    whether they are plainly list markers (else they may be figures of the current item)."""

    parts: dict[int, str]
    marks: tuple[int, ...]
    plain: bool


async def numbered_answers(deps: Deps, data: dict, text: str) -> Numbered | None:
    """Return the parts when the message answers several of the unit's items by number."""
    ledger = await flow_ledger(deps)
    items = await deps.uow.ledgers.items(ledger.id, unit=data["unit"])
    by_number = {i.number: i.id for i in items}
    parts, plain = numbered_parts(text, set(by_number))
    if not parts:
        parts, plain = numbered_items(text)
    if len(parts) < 2:
        return None
    remaining = data["queue"][data["pos"] :]
    marks = tuple(parts)
    if all(n in by_number for n in parts):  # the [N] numbers we show win over ordinal positions
        return Numbered({by_number[n]: t for n, t in parts.items()}, marks, plain)
    if sorted(parts) == list(range(1, len(remaining) + 1)) and len(remaining) >= 2:
        return Numbered({remaining[n - 1]: t for n, t in parts.items()}, marks, plain)
    return None


async def file_many(
    msg: IncomingMessage, deps: Deps, data: dict, parts: dict[int, str], inbox: int | None = None
) -> tuple[str, dict]:
    """File each part that needs no question; return the summary and the dialogue data without them
    (``inbox``: the stored message they came in, when not this one)."""
    lines, later = [], []
    filed = list(data["filed"])
    for item_id, text in parts.items():
        item = await load_item(deps, item_id)
        split = split_parts(text)
        progress = split.progress or text
        previous, previous_status = await filed_before(deps, item, data["period"], data["unit"])
        result = read_progress(item, progress, previous, previous_status)
        if result.ambiguities or any(not u.reason for u in result.unmatched):
            # a figure nothing explains (not a phase, a start, a plan …) is shown in the echo, never dropped
            later.append(item_id)
            lines.append(filing_texts.MULTI_NEEDS_CHECK.format(ref=item_ref(item.number)))
            continue
        achieved = {link.target: link.value for link in result.links}
        problems = "无" if is_none(split.problems) else split.problems
        await file_revision(
            deps,
            data,
            item,
            msg,
            progress=progress,
            problems=problems,
            plan=split.plan,
            status=result.status,
            achieved=achieved,
            inbox=inbox or deps.inbox_id,
        )
        filed.append(item_id)
        lines.append(
            filing_texts.MULTI_LINE.format(
                ref=item_ref(item.number), summary=short_summary(item, achieved, result.status)
            )
        )
    head = filing_texts.MULTI_FILED.format(count=len(parts) - len(later))
    queue = [i for i in data["queue"][data["pos"] :] if i not in filed]
    data = {**data, "queue": data["queue"][: data["pos"]] + queue, "filed": filed, "draft": None}
    return "\n".join([head, *lines]), data
