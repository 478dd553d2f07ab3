"""Long texts cut for WeCom, whose limits count UTF-8 bytes: at line breaks, else at characters."""

from __future__ import annotations


def split_utf8(text: str, limit: int) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` UTF-8 bytes, on line boundaries when possible."""
    if len(text.encode("utf-8")) <= limit:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0  # bytes of "\n".join(current)
    for line in text.split("\n"):
        pieces = _hard_split(line, limit)
        for piece in pieces:
            n = len(piece.encode("utf-8"))
            extra = n + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = n
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    # Blank chunks (runs of empty lines at a cut) carry nothing and WeCom rejects empty content.
    return [c for c in chunks if c.strip()] or [text[:1]]


def _hard_split(line: str, limit: int) -> list[str]:
    """Cut one over-long line at character boundaries so each piece fits ``limit`` bytes."""
    if len(line.encode("utf-8")) <= limit:
        return [line]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += n
    if current:
        pieces.append("".join(current))
    return pieces
