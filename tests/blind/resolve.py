"""The parser as the blind sets see it: a question (and the one before it) → kind, unit, items, period."""

from __future__ import annotations

from nlp.intents import Vocabulary, parse_query
from tests.blind.score import TODAY, Resolved


def resolve(text: str, vocab: Vocabulary, context: str | None) -> Resolved:
    """Return what the parser understands, reading a follow-up against the question before it."""
    before = parse_query(context, vocab, TODAY) if context else None
    q = parse_query(text, vocab, TODAY, before)
    if q is None:
        return Resolved(None)
    labels = {i.id: (i.code or str(i.number)) for i in vocab.items}
    return Resolved(q.kind, q.unit, tuple(labels[i] for i in q.items), q.period)
