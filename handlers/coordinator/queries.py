"""Coordinators' and viewers' questions in plain Chinese (or as /commands): recognise, then answer.

The question is read against the one just answered when the chat is still in the query flow (a few
minutes): "那卫健局呢", "第二个", "它的历史", "上个月呢".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.clock import SHANGHAI
from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.replies import FileReply
from handlers import texts
from handlers.commands import parse_command
from handlers.coordinator.query_answers import ANSWERS, Question
from handlers.current import current_ledger, latest_period
from handlers.deps import Deps
from handlers.flows import QUERY, QueryStep, query_at
from handlers.ledger.renderers import MEDIA_TYPES, render
from handlers.turns import say, turn
from nlp.intents import ItemWords, Query, QueryKind, Vocabulary, parse_query, suggest
from nlp.item_match import find_number
from reports.figures import item_ref
from storage.schemas import ItemInfo, LedgerInfo, PeriodInfo, SubmissionInfo

FOLLOW_UP_MINUTES = 5


def _command_kind(name: str) -> QueryKind | None:
    """Return the question a /command asks: each kind of question is also a command of the same name."""
    return next((kind for kind in ANSWERS if kind == name), None)


def _progress(latest: list[SubmissionInfo]) -> dict[int, str]:
    progress: dict[int, str] = {}
    for s in latest:
        if s.progress:
            progress[s.item_id] = progress.get(s.item_id, "") + s.progress
    return progress


def _words(item: ItemInfo, progress: dict[int, str]) -> ItemWords:
    return ItemWords(
        id=item.id,
        number=item.number,
        content=item.content + " " + " ".join(t.name for t in item.targets),
        category=item.category,
        progress=progress.get(item.id, ""),
        units=item.units,
    )


async def vocabulary(
    deps: Deps, ledger: LedgerInfo, period: PeriodInfo | None
) -> tuple[Vocabulary, list[ItemInfo]]:
    """Return the ledger's own words (units, aliases, items with their latest progress) and its items.

    Kept while the ledger is unchanged; after a filing only the items filed since are read again.
    """
    items = await deps.uow.ledgers.items(ledger.id)

    async def load() -> Vocabulary:
        units = await deps.uow.ledgers.units(ledger.id)
        progress = _progress(await deps.uow.submissions.latest(period.id)) if period is not None else {}
        return Vocabulary(
            units=tuple((u.name, u.aliases) for u in units), items=tuple(_words(i, progress) for i in items)
        )

    async def refresh(kept: Vocabulary, changed: frozenset[int]) -> Vocabulary:
        if period is None:
            return kept
        progress = _progress(await deps.uow.reports.latest_of(period.id, sorted(changed)))
        by_id = {i.id: i for i in items if i.id in changed}
        words = tuple(_words(by_id[w.id], progress) if w.id in by_id else w for w in kept.items)
        return replace(kept, items=words)

    key = ("vocabulary", period.id if period else None)
    vocab = await deps.uow.reports.memo(ledger.id, key, load, refresh)
    deps.segmenter.add_words(vocab.words())
    return vocab, items


def recognise(text: str, vocab: Vocabulary, deps: Deps, context: Query | None = None) -> Query | None:
    """Return the question in a command (/lagging, /unit 卫健局) or in plain Chinese."""
    today = deps.now().astimezone(SHANGHAI).date()
    cmd = parse_command(text)
    kind = _command_kind(cmd.name) if cmd else None
    if cmd and kind:
        found = parse_query(cmd.args, vocab, today) if cmd.args.strip() else None
        if kind in ("unit", "item", "history"):
            if kind == "unit":
                return Query(kind="unit", unit=found.unit if found else None, keyword=cmd.args)
            return Query(kind=kind, items=found.items if found else (), keyword=cmd.args.strip() or None)
        return Query(kind=kind, period=found.period if found else None)
    return parse_query(text, vocab, today, context)


def context_of(state: ConversationState) -> Query | None:
    """Return the question just answered, when the chat is still in the query flow."""
    if state.flow != QUERY or "query" not in state.data:
        return None
    return Query.model_validate(state.data["query"])


async def _period(deps: Deps, ledger: LedgerInfo, code: str | None) -> PeriodInfo | str:
    if code is None:
        return await latest_period(deps, ledger) or texts.NO_PERIOD
    period = await deps.uow.ledgers.period(ledger.id, code)
    if period is None:
        codes = "、".join(p.code for p in await deps.uow.ledgers.periods(ledger.id)) or "无"
        return texts.QUERY_UNKNOWN_PERIOD.format(code=code, codes=codes)
    return period


def _suggestion(text: str, vocab: Vocabulary, by_id: dict[int, ItemInfo]) -> str:
    number, _rest = find_number(text.strip())
    if number and vocab.by_number(number) is None:
        return texts.QUERY_ITEM_UNKNOWN.format(number=number, count=len(vocab.items))
    ids = suggest(text, vocab)
    if not ids:
        return texts.QUERY_HELP
    lines = "\n".join(
        texts.QUERY_SUGGEST_LINE.format(ref=item_ref(by_id[i].number), content=by_id[i].content) for i in ids
    )
    return texts.QUERY_SUGGEST.format(items=lines, first=by_id[ids[0]].number)


async def answer(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn | None:
    """Answer a question (read against the one before while in the query flow); None when there is none."""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    current = await latest_period(deps, ledger)
    if current is None:
        return say(texts.NO_PERIOD, state)
    vocab, items = await vocabulary(deps, ledger, current)
    context = context_of(state)
    query = recognise(msg.text, vocab, deps, context)
    by_id = {i.id: i for i in items}
    if query is None:
        return None if context else say(_suggestion(msg.text, vocab, by_id))
    period = await _period(deps, ledger, query.period)
    if isinstance(period, str):
        return say(period)
    after = query_at(QueryStep.FOLLOW, {"query": query.model_dump(mode="json")})
    after = after.model_copy(update={"expires_at": deps.now() + timedelta(minutes=FOLLOW_UP_MINUTES)})
    question = Question(query=query, deps=deps, ledger=ledger, period=period, vocab=vocab, by_id=by_id)
    if query.kind == "ledger":
        data, filename = render(await question.whole(), "docx")
        content = data if isinstance(data, bytes) else data.encode("utf-8")
        caption = texts.EXPORT_CAPTION.format(title=(await question.whole()).title, period=period.code)
        return turn(
            FileReply(filename=filename, media_type=MEDIA_TYPES["docx"], content=content, caption=caption),
            state=after,
        )
    return say(await ANSWERS[query.kind](question), after)


async def prepare(deps: Deps) -> None:
    """Build what questions about the latest period read first — its vocabulary and compiled ledger with the
    plan check 概况 makes, kept in the process — so the first question after a start is as quick as the next."""
    ledger = await current_ledger(deps)
    period = await latest_period(deps, ledger) if ledger is not None else None
    if ledger is None or period is None:
        return
    vocab, items = await vocabulary(deps, ledger, period)
    by_id = {i.id: i for i in items}
    overview = Question(
        query=Query(kind="overview"), deps=deps, ledger=ledger, period=period, vocab=vocab, by_id=by_id
    )
    await overview.plan_flags()


async def query_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Answer a question about the ledger (viewers, coordinators and admins)."""
    return await answer(msg, state, deps) or say(texts.QUERY_HELP)
