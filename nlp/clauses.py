"""Where a text's sentences and clauses begin and end, and its list markers (1. / 2、 / ①) blanked out."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from nlp.numerals import chinese_to_float

SENTENCE_END = "。；;!！?？\n"
CLAUSE_END = SENTENCE_END + "，,：:"


@cache
def _marker_re() -> re.Pattern[str]:
    return re.compile(
        r"(?m)^[ \t]*(?:[(（]\s*(\d{1,2}|[一二三四五六七八九十]{1,2})\s*[)）]|(\d{1,2})[.、．)]"
        r"|([一二三四五六七八九十]{1,2})[、.．]|[①-⑳])"
        r"|(?<=[ \t；;。])[ \t]*(\d{1,2})[.、．](?=[\u4e00-\u9fff])"
    )


@cache
def _re_next_marker(n: int) -> re.Pattern[str]:
    return re.compile(rf"(?m)^[ \t]*{n}[.、．)]|[ \t；;。]{n}[.、．]")


def mask_markers(text: str) -> str:
    """Blank out list markers (1. / 2、 / （3） / ① at a line start) keeping offsets."""
    expected = 1
    out = list(text)
    for m in _marker_re().finditer(text):
        if m.group(4) is not None:
            # "1.停车位新增120个 2.充电桩累计388个": an inline number is a marker only when it continues the list
            if expected < 2 or int(m.group(4)) != expected:
                continue
            expected += 1
            out[m.start() : m.end()] = " " * (m.end() - m.start())
            continue
        raw = m.group(1) or m.group(2) or m.group(3)
        if raw is not None:
            n = int(raw) if raw.isdigit() else int(chinese_to_float(raw) or 0)
            nxt = text[m.end() : m.end() + 1]
            # "2.2个村" is a marker only when 2 is the next item number
            if m.group(2) and nxt.isdigit() and n != expected:
                continue
            if (
                m.group(2)
                and nxt.isdigit()
                and expected == 1
                and not _re_next_marker(n + 1).search(text, m.end())
            ):
                continue  # "1.5万亩已完成" is a decimal unless a "2." item follows
            expected = n + 1
        out[m.start() : m.end()] = " " * (m.end() - m.start())
    return "".join(out)


def clause_span(text: str, pos: int, stops: str = CLAUSE_END) -> tuple[int, int]:
    """Return the start and end of the clause around ``pos`` (split at punctuation, emoji, CJK spaces)."""
    start = pos
    while start > 0 and not _is_stop(text, start - 1, stops):
        start -= 1
    end = pos
    while end < len(text) and not _is_stop(text, end, stops):
        end += 1
    return start, end


def stop_positions(text: str, stops: str = CLAUSE_END) -> list[int]:
    """Return every clause (or sentence) boundary of ``text`` once, for repeated span look-ups."""
    return [i for i in range(len(text)) if _is_stop(text, i, stops)]


def span_at(bounds: list[int], length: int, pos: int) -> tuple[int, int]:
    """Return the clause around ``pos`` from precomputed boundaries (linear scans are quadratic)."""
    k = bisect_left(bounds, pos)
    start = bounds[k - 1] + 1 if k else 0
    end = bounds[k] if k < len(bounds) else length
    return start, end


def _is_stop(text: str, i: int, stops: str) -> bool:
    ch = text[i]
    if ch in stops or (ord(ch) >= 0x2600 and (0x2600 <= ord(ch) <= 0x27BF or ord(ch) >= 0x1F000)):
        return True
    if ch.isspace() and stops is not SENTENCE_END:
        # a space between two Chinese characters separates chat phrases; 累计 404 个 stays one
        j, k = i - 1, i + 1
        while j >= 0 and i - j < 8 and text[j] in " \t":
            j -= 1  # a run of spaces (a masked list marker) separates like one
        while k < len(text) and k - i < 8 and text[k] in " \t":
            k += 1
        left = text[j] if j >= 0 else ""
        right = text[k] if k < len(text) else ""
        return bool(left and right) and not left.isascii() and not right.isascii()
    return False
