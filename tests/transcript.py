"""The one way transcript tests check what the bot said: the replies to one message, fragment by fragment."""

from __future__ import annotations

from collections.abc import Iterable


def expect(replies: list[str], *fragments: str, absent: Iterable[str] = ()) -> str:
    """Assert the replies to one message show ``fragments`` in the order given and none of ``absent``.

    ``replies`` is what ``ConsoleChat.say`` returns (each text the bot showed in answer to that message). Returns
    the replies joined, for further checks.
    """
    shown = "\n\n".join(replies)
    assert replies, "the bot did not reply"
    at = 0
    for fragment in fragments:
        found = shown.find(fragment, at)
        assert found >= 0, f"expected {fragment!r} after position {at} in the replies:\n{shown}"
        at = found + len(fragment)
    for fragment in absent:
        assert fragment not in shown, f"did not expect {fragment!r} in the replies:\n{shown}"
    return shown
