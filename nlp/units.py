"""How people name a responsible unit: 区卫健局, 卫健局, 卫健, 卫建局 (a typo), 农业局, 人社局, 城管.

The one rule for short names (区卫健局 → 卫健局) that aliases, review and queries use, and the finder
of a unit in a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Administrative prefixes a short name drops, longest first (区委政法委 → 政法委, not 委政法委).
PREFIXES = ("区委", "市委", "县委", "区", "市", "县")
# Kinds of organ a bare core name drops (卫健局 → 卫健) when people name a unit by its subject alone.
ORGAN_SUFFIXES = ("局", "委", "中心", "集团", "联", "会", "院", "公司", "办")
_MIN_SHORT = 2
# Common names of a unit's subject that share no characters with it (a ledger may add its own).
UNIT_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("城管", "综合行政执法"),
    ("城管", "城市管理"),
    ("交通", "交运"),
    ("供电", "电力"),
    ("教育", "教体"),
)


def short_name(name: str) -> str | None:
    """Return the name without its administrative prefix (区卫健局 → 卫健局), or None when there is none."""
    for prefix in PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= _MIN_SHORT:
            return name[len(prefix) :]
    return None


def core_name(name: str) -> str:
    """Return the subject of a unit's name, without prefix or organ kind (区卫健局 → 卫健)."""
    return re.sub(rf"^({'|'.join(PREFIXES)})|({'|'.join(ORGAN_SUFFIXES)})$", "", name)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1 and a[-1] == b[-1]


def find_unit(
    text: str, units: Iterable[tuple[str, tuple[str, ...]]], synonyms: Iterable[tuple[str, str]] = ()
) -> tuple[str, str] | None:
    """Return (the unit's full name, the words that named it) for the unit a text names, or None.

    In order: a full name or alias (longest first); a bare subject (卫健); a subject people say
    another way (城管 for 综合行政执法); a name shortened by dropping characters but keeping the organ
    kind (农业局, 人社局, 综合执法局); a name with one character mistyped (卫建局).
    """
    units = list(units)
    found: list[tuple[int, str, str]] = []
    for name, aliases in units:
        for form in (name, *aliases, short_name(name) or ""):
            if len(form) >= 2 and form in text:
                found.append((len(form), name, form))
    if found:
        _, name, form = max(found)
        return name, form
    for name, _aliases in units:
        core = core_name(name)
        if len(core) >= 2 and core in text:
            return name, core
    for word, subject in (*synonyms, *UNIT_SYNONYMS):
        if re.search(rf"{word}(?:{'|'.join(ORGAN_SUFFIXES)}|那边|那块|方面|部门|系统|这边|的)", text):
            for name, _aliases in units:
                if subject in name:
                    return name, word
    organ = "|".join(ORGAN_SUFFIXES)
    for m in re.finditer(rf"[\u4e00-\u9fff]{{2,6}}?(?:{organ})", text):
        piece = m.group(0)
        suffix = next(o for o in ORGAN_SUFFIXES if piece.endswith(o))
        for start in range(len(piece) - len(suffix) - 1):
            word = piece[start:]
            fits = [n for n, _a in units if _is_subsequence(word, n) and word[0] in core_name(n)]
            if len(fits) == 1:
                return fits[0], word
            # A mistyped character is rarely the first one (卫建局 is 卫健局, not 住建局).
            typo = [n for n, a in units for f in (*a, short_name(n) or "") if f and _one_off(word, f)]
            typo = list(dict.fromkeys(n for n in typo if word[0] in n))
            if len(typo) == 1:
                return typo[0], word
    return None
