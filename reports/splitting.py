"""Split a long chat message into several within a platform limit, between rows, never inside markup."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Flavor = Literal["plain", "html", "markdown"]
Measure = Literal["chars", "bytes"]

# Atoms a cut may never fall inside: tags, entities, WeCom bold markers and links; else one character.
_ATOMS = {
    "plain": re.compile(r".", re.DOTALL),
    "html": re.compile(r"<[^<>]*>|&#?\w+;|.", re.DOTALL),
    "markdown": re.compile(r"<font\b[^<>]*>|</font>|\*\*|\[[^\[\]\n]*\]\([^()\s]*\)|.", re.DOTALL),
}
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^<>]*>")
_WECOM_MARKUP = re.compile(r"<font\b[^<>]*>|</font>|\*\*|\[[^\[\]\n]*\]\([^()\s]*\)")

Stack = tuple[tuple[str, str], ...]  # (name, opening markup) of each element open at a point


def measure_fn(measure: Measure) -> Callable[[str], int]:
    """Return the size function of a limit: UTF-16 code units (as Telegram counts) or UTF-8 bytes (WeCom)."""
    if measure == "bytes":
        return lambda s: len(s.encode("utf-8"))
    if measure == "chars":
        # Telegram counts UTF-16 code units: an emoji outside the BMP takes two.
        return lambda s: len(s.encode("utf-16-le")) // 2
    raise ValueError(f"unknown measure {measure!r}")


def _advance(stack: Stack, text: str, flavor: Flavor) -> Stack:
    """Return the elements open after text, given those open before it."""
    if flavor == "plain" or ("<" not in text and "*" not in text):
        return stack
    items = list(stack)
    if flavor == "html":
        for m in _HTML_TAG.finditer(text):
            closing, name = m.group(1), m.group(2).lower()
            if not closing:
                items.append((name, m.group(0)))
            else:
                for i in range(len(items) - 1, -1, -1):
                    if items[i][0] == name:
                        del items[i:]
                        break
        return tuple(items)
    for m in _WECOM_MARKUP.finditer(text):
        atom = m.group(0)
        if atom.startswith("<font"):
            items.append(("font", atom))
        elif atom == "</font>":
            for i in range(len(items) - 1, -1, -1):
                if items[i][0] == "font":
                    del items[i:]
                    break
        elif atom == "**":
            if items and items[-1][0] == "**":
                items.pop()
            else:
                items.append(("**", "**"))
    return tuple(items)


def _openers(stack: Stack) -> str:
    return "".join(markup for _, markup in stack)


def _closers(stack: Stack, flavor: Flavor) -> str:
    if flavor == "html":
        return "".join(f"</{name}>" for name, _ in reversed(stack))
    return "".join("**" if name == "**" else "</font>" for name, _ in reversed(stack))


def _pack(
    segments: list[str], level: int, stack: Stack, flavor: Flavor, limit: int, size: Callable[[str], int]
) -> tuple[list[str], Stack]:
    """Greedily join segments of one level into chunks within limit, recursing into any too big alone."""
    sep = ("\n\n", "\n", "")[level]
    chunks: list[str] = []
    current: list[str] = []
    start = now = stack
    used = size(_openers(start))
    for seg in segments:
        after = _advance(now, seg, flavor)
        extra = size(seg) + (size(sep) if current else 0)
        if current and used + extra + size(_closers(after, flavor)) <= limit:
            current.append(seg)
            used += extra
            now = after
            continue
        if current:
            chunks.append(_openers(start) + sep.join(current) + _closers(now, flavor))
            start, current = now, []
            used = size(_openers(start))
        if used + size(seg) + size(_closers(after, flavor)) <= limit:
            current, now = [seg], after
            used += size(seg)
        elif level < 2:
            parts = seg.split("\n") if level == 0 else [m.group(0) for m in _ATOMS[flavor].finditer(seg)]
            sub, now = _pack(parts, level + 1, start, flavor, limit, size)
            chunks.extend(sub)
            start = now
            used = size(_openers(start))
        else:
            raise ValueError(f"limit {limit} is too small for {seg!r} with its open markup")
    if current:
        chunks.append(_openers(start) + sep.join(current) + _closers(now, flavor))
    return chunks, now


def split_message(text: str, flavor: Flavor, limit: int, *, measure: Measure) -> list[str]:
    """Split text into messages within limit: between blank-line blocks (rows), else lines, else characters."""
    size = measure_fn(measure)
    if not text:
        return []
    if size(text) <= limit:
        return [text]
    chunks, _ = _pack(text.split("\n\n"), 0, (), flavor, limit, size)
    return [c for c in chunks if c.strip()]
