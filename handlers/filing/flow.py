"""The monthly collection dialogue (填报): item by item, echo what was understood, ask when unsure."""

from __future__ import annotations

import re
from datetime import datetime

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.replies import TextReply
from handlers import filing_texts, texts
from handlers.commands import clean_text, normalize, parse_command
from handlers.current import current_ledger, flow_ledger, open_period
from handlers.dates import moment_text
from handlers.deps import Deps
from handlers.filing.answers import Numbered, file_many, numbered_answers
from handlers.filing.mine import mine_for_unit
from handlers.filing.questions import FIGURE_KINDS, clarifying_question, is_choice, pick_choice, recorded
from handlers.filing.store import (
    figures_status,
    file_revision,
    filed_before,
    load_item,
    load_period,
    read_progress,
)
from handlers.filing.units import unit_for
from handlers.filing.view import item_prompt, redo_text, understood
from handlers.flows import FilingStep, filing_at
from handlers.turns import say
from nlp.reply import is_none, split_parts
from reports.figures import item_ref
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo

_BARE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.%％])(?=\s*(?:$|[，。,；;！!？?\s]))")


# ------------------------------------------------------------------ context
async def _writable_period(deps: Deps) -> tuple[LedgerInfo, PeriodInfo] | str:
    """Return the ledger and its open period, or why nothing can be filed now."""
    ledger = await current_ledger(deps)
    if ledger is None:
        return texts.NO_LEDGER
    period = await open_period(deps, ledger)
    if period is None:
        return filing_texts.NO_OPEN_PERIOD
    return ledger, period


def _past_deadline(deps: Deps, period: PeriodInfo) -> bool:
    return period.deadline is not None and deps.now() > period.deadline


async def _returned(deps: Deps, period: PeriodInfo, item_id: int, unit: str) -> bool:
    latest = await deps.uow.submissions.latest(period.id, item_id=item_id, unit=unit)
    return bool(latest) and latest[0].review == "returned"


def _past_deadline_text(period: PeriodInfo, now: datetime) -> str:
    assert period.deadline is not None  # only asked once the deadline has passed
    return filing_texts.PAST_DEADLINE.format(code=period.code, deadline=moment_text(period.deadline, now))


# ------------------------------------------------------------------ entries
async def filing_entry(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Start 填报: walk the unit's items that are not yet filed in the open period."""
    if msg.chat.is_group:
        return say(texts.GROUP_NO_REPORTS, state)
    unit = await unit_for(msg, state, deps, "填报")
    if isinstance(unit, Turn):
        return unit
    return await _begin_filing(deps, unit)


async def _begin_filing(deps: Deps, unit: str) -> Turn:
    writable = await _writable_period(deps)
    if isinstance(writable, str):
        return say(writable)
    ledger, period = writable
    items = await deps.uow.ledgers.items(ledger.id, unit=unit)
    if not items:
        return say(filing_texts.NO_ITEMS.format(unit=unit))
    filed = {s.item_id for s in await deps.uow.submissions.latest(period.id, unit=unit) if not s.skipped}
    returned = [i.id for i in items if i.id in filed and await _returned(deps, period, i.id, unit)]
    if _past_deadline(deps, period):
        if not returned:
            return say(_past_deadline_text(period, deps.now()))
        queue = returned
    else:
        queue = [i.id for i in items if i.id not in filed] + returned
    if not queue:
        return say(filing_texts.ALL_FILED.format(unit=unit, code=period.code, count=len(items)))
    data = {"unit": unit, "period": period.code, "queue": queue, "pos": 0, "filed": [], "skipped": []}
    return await _prompt(deps, data)


async def edit_entry(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Start 修改 N: revise one item of the open period."""
    if msg.chat.is_group:
        return say(texts.GROUP_NO_REPORTS, state)
    unit = await unit_for(msg, state, deps, msg.text)
    if isinstance(unit, Turn):
        return unit
    return await _begin_edit(msg, deps, unit)


async def _begin_edit(msg: IncomingMessage, deps: Deps, unit: str) -> Turn:
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER)
    items = await deps.uow.ledgers.items(ledger.id, unit=unit)
    valid = "、".join(str(i.number) for i in items)
    cmd = parse_command(msg.text)
    m = re.match(r"\s*(\d+)", cmd.args if cmd else "")
    if not m:
        return say(texts.EDIT_USAGE.format(valid=valid))
    item = next((i for i in items if i.number == int(m.group(1))), None)
    if item is None:
        return say(texts.EDIT_NOT_YOURS.format(number=m.group(1), valid=valid))
    writable = await _writable_period(deps)
    if isinstance(writable, str):
        return say(writable)
    _, period = writable
    if _past_deadline(deps, period) and not await _returned(deps, period, item.id, unit):
        return say(_past_deadline_text(period, deps.now()))
    data = {"unit": unit, "period": period.code, "queue": [item.id], "pos": 0, "filed": [], "skipped": []}
    return await _prompt(deps, data)


async def choose_unit_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Continue once a contact of several units chose one."""
    units = state.data.get("units", [])
    choice = normalize(msg.text)
    if choice.isdigit() and 1 <= int(choice) <= len(units):
        choice = units[int(choice) - 1]
    if choice not in units:
        return say(texts.CHOOSE_UNIT, state, choices=units)
    entry = state.data.get("entry", "填报")
    replay = msg.model_copy(update={"text": entry})
    cmd = parse_command(entry)
    if cmd and cmd.name == "edit":
        return await _begin_edit(replay, deps, choice)
    if cmd and cmd.name == "mine":
        return await mine_for_unit(deps, choice)
    return await _begin_filing(deps, choice)


# ------------------------------------------------------------------ the item loop
async def _prompt(deps: Deps, data: dict, prefix: tuple[str, ...] = ()) -> Turn:
    """Ask for the progress of the item at ``pos``, or finish when the queue is done."""
    if data["pos"] >= len(data["queue"]):
        return _finish(data, prefix)
    item = await load_item(deps, data["queue"][data["pos"]])
    period = await load_period(deps, data["period"])
    ledger = await flow_ledger(deps)
    previous = await deps.uow.submissions.previous(ledger.id, period.code, item.id)
    mine = [p for p in previous if p.unit in ("", data["unit"])] or previous
    current = await deps.uow.submissions.latest(period.id, item_id=item.id, unit=data["unit"])
    text = item_prompt(item, data["pos"] + 1, len(data["queue"]), mine, current[0] if current else None)
    data = {**data, "draft": None}
    replies = (*tuple(TextReply(text=p) for p in prefix), TextReply(text=text, choices=("跳过",)))
    return Turn(replies=replies, state=filing_at(FilingStep.PROGRESS, data))


def _finish(data: dict, prefix: tuple[str, ...]) -> Turn:
    skipped = data.get("skipped", [])
    extra = (
        filing_texts.FINISHED_SKIPPED.format(
            count=len(skipped), numbers="、".join(map(str, data.get("skipped_numbers", [])))
        )
        if skipped
        else ""
    )
    replies = tuple(TextReply(text=p) for p in prefix)
    return Turn(
        replies=(
            *replies,
            TextReply(text=filing_texts.FINISHED.format(filed=len(data["filed"]), skipped=extra)),
        ),
        state=IDLE,
    )


async def _advance(deps: Deps, data: dict, prefix: tuple[str, ...] = ()) -> Turn:
    return await _prompt(deps, {**data, "pos": data["pos"] + 1, "draft": None}, prefix)


async def progress_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Read this month's progress for the current item (or several numbered items at once)."""
    data = dict(state.data)
    text = clean_text(msg.text)
    item = await load_item(deps, data["queue"][data["pos"]])
    if is_choice(normalize(text), "跳过"):
        return await _skip(deps, data, item)
    multi = await numbered_answers(deps, data, text)
    if multi and not multi.plain:  # 1处已完工 / 1.5公里: list markers or the current item's figures?
        return await _ask_numbered(deps, data, item, text, multi)
    if multi:
        summary, data = await file_many(msg, deps, data, multi.parts)
        return await _prompt(deps, data, (summary,))
    return await _understand(deps, data, item, text)


async def _ask_numbered(deps: Deps, data: dict, item: ItemInfo, text: str, multi: Numbered) -> Turn:
    numbers = [(await load_item(deps, i)).number for i in multi.parts]
    question = filing_texts.ASK_NUMBERED.format(
        marks="、".join(map(str, multi.marks)),
        items="、".join(item_ref(n) for n in numbers),
        ref=item_ref(item.number),
    )
    parts = {str(k): v for k, v in multi.parts.items()}
    pending = {"text": text, "parts": parts, "inbox": deps.inbox_id}
    state = filing_at(FilingStep.NUMBERED, {**data, "numbered": pending})
    return say(question, state, choices=filing_texts.CHOICES_NUMBERED)


async def numbered_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Apply the answer to whether a numbered reply's numbers were list markers or figures."""
    choices = filing_texts.CHOICES_NUMBERED
    answer = pick_choice(normalize(msg.text), choices)
    if answer is None:
        return say(filing_texts.CHOOSE_ONE.format(choices=" / ".join(choices)), state, choices=choices)
    data = dict(state.data)
    pending = data.pop("numbered")
    if answer == choices[0]:
        parts = {int(k): v for k, v in pending["parts"].items()}
        summary, data = await file_many(msg, deps, data, parts, pending["inbox"])
        return await _prompt(deps, data, (summary,))
    item = await load_item(deps, data["queue"][data["pos"]])
    return await _understand(deps, data, item, pending["text"], pending["inbox"])


async def _understand(deps: Deps, data: dict, item: ItemInfo, text: str, inbox: int | None = None) -> Turn:
    parts = split_parts(text)
    progress = parts.progress or text
    previous, previous_status = await filed_before(deps, item, data["period"], data["unit"])
    result = read_progress(item, progress, previous, previous_status)
    achieved = {link.target: link.value for link in result.links}
    pending = [a.model_dump() for a in result.ambiguities]
    unmatched = [u.text for u in result.unmatched]
    if item.targets and not achieved and (m := _BARE.search(progress)):
        unmatched.append(m.group(1))  # a number with no measure word that no target took
    draft = {
        "item": item.id,
        "progress": progress,
        "problems": parts.problems or None,
        "plan": parts.plan or None,
        "achieved": {str(k): v for k, v in achieved.items()},
        "status": result.status,
        "previous_status": previous_status,
        "pending": pending,
        "previous": {str(k): v for k, v in previous.items()},
        "inbox": inbox or deps.inbox_id,
        "unmatched": unmatched,
    }
    return await _next_question(deps, {**data, "draft": draft}, item)


async def _next_question(deps: Deps, data: dict, item: ItemInfo) -> Turn:
    """Ask the first open clarifying question, or echo what was understood for confirmation."""
    draft = data["draft"]
    if draft["pending"]:
        amb = draft["pending"][0]
        question, choices = clarifying_question(item, amb, draft)
        return say(question, filing_at(FilingStep.CLARIFY, data), choices=choices)
    achieved = {int(k): v for k, v in draft["achieved"].items()}
    echo = understood(item, achieved, draft["status"], draft.get("unmatched", ()))
    return say(echo, filing_at(FilingStep.CONFIRM, data), choices=filing_texts.CONFIRM_CHOICES)


async def clarify_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Apply the answer to a clarifying question."""
    data = {**state.data, "draft": dict(state.data["draft"])}
    draft = data["draft"]
    item = await load_item(deps, draft["item"])
    amb = draft["pending"][0]
    _, choices = clarifying_question(item, amb, draft)
    answer = pick_choice(normalize(msg.text), choices)
    if answer is None:
        return say(filing_texts.CHOOSE_ONE.format(choices=" / ".join(choices)), state, choices=choices)
    achieved = dict(draft["achieved"])
    key = str(amb.get("target"))
    pending = draft["pending"][1:]
    if answer == "重填":
        return _redo(data, item)
    value = recorded(amb, answer, choices)
    if amb["kind"] in FIGURE_KINDS or value is not None:  # a figure offered (a check offers a sum's too)
        achieved.pop(key, None)
        achieved.update({} if value is None else {key: value})
        # the contact named the figure: the checks on the one read from the reply no longer apply
        pending = [p for p in pending if str(p.get("target")) != key or p["kind"] == "which_target"]
    elif amb["kind"] == "increment_or_total":
        base = (
            draft["previous"].get(key, 0.0) if answer == filing_texts.CHOICES_INCREMENT_OR_TOTAL[0] else 0.0
        )
        achieved[key] = base + float(amb["value"])
        # the checks on the raw figure no longer apply once it is known to be an increment
        pending = [p for p in pending if str(p.get("target")) != key or p["kind"] == "which_target"]
    elif amb["kind"] == "which_target":
        chosen = next(i for i in amb["candidates"] if item.targets[i].name == answer)
        for i in amb["candidates"]:
            if achieved.get(str(i)) == amb["value"]:
                achieved.pop(str(i))
        achieved[str(chosen)] = float(amb["value"])
    draft.update(achieved=achieved, pending=pending)
    draft["status"] = figures_status(item, draft)  # the figures may have changed: the status follows them
    return await _next_question(deps, data, item)


async def confirm_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Handle 确认 / 重填 / 跳过 after the echo."""
    data = dict(state.data)
    answer = pick_choice(normalize(msg.text), filing_texts.CONFIRM_CHOICES)
    if answer is None:
        return say(
            filing_texts.CHOOSE_ONE.format(choices=" / ".join(filing_texts.CONFIRM_CHOICES)),
            state,
            choices=filing_texts.CONFIRM_CHOICES,
        )
    draft = data["draft"]
    item = await load_item(deps, draft["item"])
    if answer == "重填":
        return _redo(data, item)
    if answer == "跳过":
        return await _skip(deps, data, item)
    if draft.get("problems") is None:
        return say(filing_texts.ASK_PROBLEMS, filing_at(FilingStep.PROBLEMS, data), choices=("无",))
    if draft.get("plan") is None:
        return await _ask_plan(deps, data)
    return await _file_and_next(deps, data, item, msg)


def _redo(data: dict, item: ItemInfo) -> Turn:
    """Go back to the progress question, saying what was not understood and how to write it."""
    text = redo_text(item, data["draft"].get("unmatched", ()))
    return say(text, filing_at(FilingStep.PROGRESS, {**data, "draft": None}))


async def _ask_plan(deps: Deps, data: dict) -> Turn:
    period = await load_period(deps, data["period"])
    month = period.month % 12 + 1
    return say(filing_texts.ASK_PLAN.format(month=month), filing_at(FilingStep.PLAN, data))


async def problems_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Record 存在问题 ('无' accepted)."""
    text = clean_text(msg.text)
    data = {**state.data, "draft": {**state.data["draft"], "problems": "无" if is_none(text) else text}}
    if data["draft"].get("plan") is None:
        return await _ask_plan(deps, data)
    return await _file_and_next(deps, data, await load_item(deps, data["draft"]["item"]), msg)


async def plan_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Record next month's plan and file the item."""
    data = {**state.data, "draft": {**state.data["draft"], "plan": clean_text(msg.text)}}
    return await _file_and_next(deps, data, await load_item(deps, data["draft"]["item"]), msg)


async def _file_and_next(deps: Deps, data: dict, item: ItemInfo, msg: IncomingMessage) -> Turn:
    draft = data["draft"]
    sub = await file_revision(
        deps,
        data,
        item,
        msg,
        progress=draft["progress"],
        problems=draft.get("problems") or "",
        plan=draft.get("plan") or "",
        status=draft["status"],
        achieved={int(k): v for k, v in draft["achieved"].items()},
        inbox=draft.get("inbox"),
    )
    data = {**data, "filed": data["filed"] + [item.id]}
    return await _advance(
        deps, data, (filing_texts.FILED_ITEM.format(ref=item_ref(item.number), revision=sub.revision),)
    )


async def _skip(deps: Deps, data: dict, item: ItemInfo) -> Turn:
    data = {
        **data,
        "skipped": data["skipped"] + [item.id],
        "skipped_numbers": [*data.get("skipped_numbers", []), item.number],
    }
    return await _advance(
        deps, data, (filing_texts.SKIPPED_ITEM.format(ref=item_ref(item.number), number=item.number),)
    )
