"""Numbers as ledgers write them: 1,200 / １２ / 两千八百零五 / 1.2万 / 5千万 / 百分之八十 / 八成.

cn2an converts the pure Chinese numerals.  Our own code does what cn2an cannot do for us:
finding numerals inside running text without rewriting names (cn2an.transform turns 一户一表
into 1户1表), the 成 and 百分之 percentages (cn2an rejects 八成 / 九成五 / 百分之八十), digit +
multiplier forms computed exactly with Decimal (16.9万 → 169000, not 169000.00000000003), and
a small fallback for spoken forms cn2an's strict grammar refuses.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "洞": 0,
    "一": 1,
    "壹": 1,
    "幺": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
MULTIPLIERS = {**CN_SMALL_UNITS, **CN_BIG_UNITS}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(MULTIPLIERS)


def _fullwidth_table() -> dict[int, int]:
    table = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
    table[0x3000] = 0x20  # ideographic space
    table[0x00A0] = 0x20
    return table


_TABLE = _fullwidth_table()


def normalize(text: str) -> str:
    """Map full-width ASCII to half-width one character for one, so offsets stay valid."""
    return text.translate(_TABLE)


def _cn2an(text: str) -> float | None:
    try:
        import cn2an  # imported on first use: it costs ~80 ms

        value = cn2an.cn2an(text, "normal")
    except Exception:  # cn2an raises bare ValueError/KeyError on forms it refuses
        return None
    return float(value)


def _own_cn_integer(text: str) -> int | None:
    """Convert spoken forms cn2an refuses (二〇二五, 三万五, 十万零五)."""
    if all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text)) if text else None
    total = section = 0
    digit: int | None = None
    last_unit = 1
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        elif ch in CN_BIG_UNITS:
            unit = CN_BIG_UNITS[ch]
            section += digit or 0
            total = (total + section) * unit if total < unit else total + section * unit
            section, digit, last_unit = 0, None, unit
        else:
            return None
    if digit is not None:
        # 三万五 / 两千五: a trailing digit after a unit means one step below that unit
        section += digit * (last_unit // 10 if last_unit >= 10 and text[-2] not in "零〇" else 1)
    return total + section


@lru_cache(maxsize=4096)
def chinese_to_float(text: str) -> float | None:
    """Convert a pure Chinese numeral (两千八百零五, 十二点五, 三十) to a float."""
    if not text or not any(c in CN_DIGITS or c in "十拾" for c in text):
        return None
    value = _cn2an(text)
    if value is not None:
        return value
    whole, _, frac = text.partition("点")
    number = _own_cn_integer(whole) if whole else 0
    if number is None:
        return None
    if frac:
        if not all(c in CN_DIGITS for c in frac):
            return None
        return float(Decimal(number) + Decimal("0." + "".join(str(CN_DIGITS[c]) for c in frac)))
    return float(number)


def scale(number: str | float, multipliers: str) -> float | None:
    """Multiply an Arabic number by Chinese multipliers exactly (1.2 + 万 → 12000)."""
    try:
        value = Decimal(str(number).replace(",", ""))
    except InvalidOperation:
        return None
    for ch in multipliers:
        value *= MULTIPLIERS.get(ch, 1)
    out = float(value)
    return out if math.isfinite(out) else None
