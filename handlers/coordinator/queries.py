"""Coordinators' and viewers' questions in plain Chinese (or as /commands): recognise, then answer from the table."""

from __future__ import annotations

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage
from handlers import texts
from handlers.commands import parse_command
from handlers.coordinator.query_answers import ANSWERS, Question
from handlers.current import current_ledger, latest_period
from handlers.deps import Deps
from handlers.ledger.compile import compile_ledger
from handlers.turns import say
from nlp.intents import Query, QueryKind, Vocabulary, parse_query
from storage.schemas import ItemInfo, LedgerInfo


def _command_kind(name: str) -> QueryKind | None:
    """Return the question a /command asks: each kind of question is also a command of the same name."""
    return next((kind for kind in ANSWERS if kind == name), None)


async def vocabulary(deps: Deps, ledger: LedgerInfo) -> tuple[Vocabulary, list[ItemInfo]]:
    """Return the ledger's own words (units, aliases, items) and its items; teach the segmenter the names."""
    items = await deps.uow.ledgers.items(ledger.id)
    units = await deps.uow.ledgers.units(ledger.id)
    vocab = Vocabulary(
        units=tuple((u.name, u.aliases) for u in units), items=tuple((i.id, i.content) for i in items)
    )
    deps.segmenter.add_words([*vocab.words(), *(t.name for i in items for t in i.targets)])
    return vocab, items


def recognise(text: str, vocab: Vocabulary) -> Query | None:
    """Return the question in a command (/lagging, /unit 卫健局) or in plain Chinese."""
    cmd = parse_command(text)
    kind = _command_kind(cmd.name) if cmd else None
    if cmd and kind:
        if kind == "unit":
            found = parse_query(cmd.args, vocab)
            return Query(kind="unit", unit=found.unit if found else None, keyword=cmd.args)
        if kind in ("item", "history"):
            return Query(kind=kind, keyword=cmd.args.strip() or None)
        return Query(kind=kind)
    return parse_query(text, vocab)


async def query_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Answer a question about the ledger (viewers, coordinators and admins)."""
    ledger = await current_ledger(deps)
    if ledger is None:
        return say(texts.NO_LEDGER, state)
    vocab, items = await vocabulary(deps, ledger)
    query = recognise(msg.text, vocab)
    period = await latest_period(deps, ledger)
    if query is None or period is None:
        return say(texts.QUERY_HELP if period else texts.NO_PERIOD, state)
    compiled = await compile_ledger(deps.uow, ledger, period, deps.config.thresholds)
    question = Question(
        query=query,
        deps=deps,
        ledger=ledger,
        period=period,
        compiled=compiled,
        vocab=vocab,
        by_id={i.id: i for i in items},
    )
    return say(await ANSWERS[query.kind](question), state)
