"""Quantities in text: a number, its multiplier (万/亿/千) absorbed, and its measure word or unit."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict

from nlp.clauses import mask_markers
from nlp.measures import ASCII_UNITS, GUARDED, UNIT_MULTIPLIER, UNITS, canonical_unit
from nlp.numerals import CN_DIGITS, CN_NUMERAL_CHARS, MULTIPLIERS, chinese_to_float, normalize, scale


class Quantity(BaseModel):
    """A number with its unit found in a text; start/end index the original text."""

    model_config = ConfigDict(frozen=True)

    value: float
    unit: str
    start: int
    end: int
    text: str
    approx: bool = False


# Reading 一X一Y / 一次性 as numbers would turn names into quantities.
IDIOMS = (
    "一条龙",
    "一揽子",
    "一站式",
    "一件事",
    "一张网",
    "一张图",
    "一盘棋",
    "一把手",
    "一次性",
    "一批次",
    "一门式",
    "一张蓝图",
    "一对一",
    "一户一",
    "一村一",
    "一镇一",
    "一校一",
    "一人一",
)
_WORD_BEFORE_ONE = set("同统唯之其任某每逐单万专第")


@cache
def _quantity_re() -> re.Pattern[str]:
    digits = "".join(CN_DIGITS)
    cn = f"[{CN_NUMERAL_CHARS}]+(?:点[{digits}]+)?"
    ar = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    mixed = r"\d+(?:\.\d+)?[万亿](?:\d{1,4}(?![\d.])|[一二两三四五六七八九](?![十百千万亿\d]))(?:[千百]|万(?!亿))?"
    num = rf"(?:{mixed}|(?:{ar})\s*(?:余|多)?(?:[十百万亿]|千(?![米克瓦]))?(?:[百万亿]|千(?![米克瓦])){{0,2}}|{cn})"
    units = "|".join(
        re.escape(u) + (r"(?![A-Za-z])" if u in ASCII_UNITS else GUARDED.get(u, ""))
        for u in sorted(set(UNITS), key=len, reverse=True)
    )
    return re.compile(
        rf"(?P<pct_cn>百分之(?P<pct_num>{ar}|{cn}))"
        rf"|(?P<cheng>(?P<cheng_head>[{digits}十]|\d)成(?P<cheng_tail>[{digits}](?![成十百千万亿]))?)(?![为了功本立果绩效])"
        rf"|(?:(?P<lo>{num})\s*(?:-|~|～|—|至|到)\s*)?(?P<num>{num})(?P<approx>余|多|来)?"
        rf"(?:\s?(?P<unit>{units}))?(?P<approx_after>以上|左右|余|多)?"
    )


@cache
def _protected_re() -> re.Pattern[str]:
    return re.compile(r"《[^》]{0,80}》|[“\"「『'‘][^”\"」』'’]{0,12}[”\"」』'’]")


def _protected(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _protected_re().finditer(text)]


def _mixed_value(raw: str) -> float | None:
    """Spoken digit forms: 1万2 → 12000, 1万5千 → 15000, 2万3500 → 23500, 1亿2000万 → 1.2e8."""
    m = re.match(r"(\d+(?:\.\d+)?)([万亿])(\d+|[一二两三四五六七八九])([千百万]?)$", raw)
    if not m:
        return None
    big = MULTIPLIERS[m.group(2)]
    head = scale(m.group(1), m.group(2))
    rest = int(m.group(3)) if m.group(3).isdigit() else CN_DIGITS[m.group(3)]
    if m.group(4):
        rest_value = rest * MULTIPLIERS[m.group(4)]
    elif len(m.group(3)) == 1:
        rest_value = rest * big // 10  # 三万五 / 1万2: one step below the big unit
    elif len(m.group(3)) == len(str(big)) - 1:
        rest_value = rest  # 2万3500
    else:
        return None
    return None if head is None or rest_value >= big else head + rest_value


def _num_value(raw: str) -> float | None:
    raw = raw.replace(" ", "")
    if re.search(r"\d[万亿][\d一二两三四五六七八九]", raw):
        return _mixed_value(raw)
    m = re.match(r"([\d.,]+)(余|多)?([十百千万亿]*)$", raw)
    if m:
        try:
            return scale(m.group(1), m.group(3))
        except ValueError:
            return None
    if not any(c in CN_DIGITS or c == "十" for c in raw):
        return None  # 千家万户 / 万人 hold no digit
    return chinese_to_float(raw)


def _skip_chinese(text: str, m: re.Match[str]) -> bool:
    start = m.start()
    if start and text[start - 1] in _WORD_BEFORE_ONE:
        return True
    head = text[start : start + 5]
    if any(head.startswith(idiom) for idiom in IDIOMS):
        return True
    nxt = text[m.end() : m.end() + 1]
    if (
        len(m.group("num")) == 1
        and (m.group("unit") or "") in ("次", "期", "批", "类", "级")
        and _is_word(nxt)
    ):
        return True  # 二次结构 / 一期工程 are names, not counts
    return bool(nxt) and (nxt in "性化体样些" or (nxt in CN_DIGITS and len(m.group("num")) == 1))


def _is_word(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def find_quantities(text: str, *, bare: bool = False) -> list[Quantity]:
    """Find every number with a unit (and, with ``bare``, unit-less numbers as unit "")."""
    if not text:
        return []
    norm = mask_markers(normalize(text))
    protected = _protected(norm)
    found: list[Quantity] = []
    for m in _quantity_re().finditer(norm):
        start, end = m.start(), m.end()
        if any(a <= start < b for a, b in protected):
            continue
        left = norm[:start].rstrip()[-1:]
        if start and ((norm[start - 1].isascii() and norm[start - 1].isalpha()) or left in ("第", ".", "#")):
            continue  # G518, 第3, codes and versions
        approx = bool(m.group("approx") or m.group("approx_after"))
        if m.group("pct_cn"):
            value, unit = _num_value(m.group("pct_num")), "%"
        elif m.group("cheng"):
            head = m.group("cheng_head")
            value = float(10 if head == "十" else CN_DIGITS[head] if head in CN_DIGITS else int(head)) * 10
            value += CN_DIGITS.get(m.group("cheng_tail") or "", 0)
            unit = "%"
        else:
            raw = m.group("num")
            value = _num_value(raw)
            if value is None:
                continue
            if raw[0] in CN_NUMERAL_CHARS and _skip_chinese(norm, m):
                continue
            approx = approx or "余" in raw or "多" in raw
            written = m.group("unit") or ""
            num_end = m.start("num") + len(raw.rstrip())  # the num group may swallow a trailing space
            if not written:
                end = num_end
                if not bare or _dateish(norm, end) or (start and norm[start - 1] in "-/:："):
                    continue
            value = value * UNIT_MULTIPLIER.get(written, 1)
            unit = canonical_unit(written)
            if m.group("unit") is None:
                end = num_end + (len(m.group("approx") or "") if num_end == m.end("num") else 0)
        if value is None:
            continue
        found.append(
            Quantity(value=value, unit=unit, start=start, end=end, text=text[start:end], approx=approx)
        )
    return found


def _dateish(text: str, end: int) -> bool:
    """True when a unit-less number is a date, year, age, floor, code or ordinal."""
    nxt = text[end : end + 1]
    return bool(nxt) and ((nxt.isalnum() and nxt not in "了啦呢吧哈啊的") or nxt in "-/.:")
