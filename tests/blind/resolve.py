"""The parser as the blind sets see it: a question (and the one before it) → kind, unit, items, period."""

from __future__ import annotations

from nlp.intents import Vocabulary, match_items, parse_query
from tests.blind.score import Resolved


def resolve(text: str, vocab: Vocabulary, context: str | None) -> Resolved:
    """Return what today's parser understands (it has no follow-ups and no periods)."""
    q = parse_query(text, vocab)
    if q is None:
        return Resolved(None)
    items = tuple(match_items(q.keyword, vocab)) if q.keyword and q.kind in ("item", "history") else ()
    return Resolved(q.kind, q.unit, items, None)
