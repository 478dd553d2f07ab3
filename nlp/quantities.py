"""Quantities in text: a number, its multiplier (万/亿/千) absorbed, and its measure word or unit."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from pydantic import BaseModel, ConfigDict

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


# Written forms -> the unit we report.  Money always becomes 元 (the multiplier is absorbed).
UNIT_ALIASES = {
    "km": "公里",
    "KM": "公里",
    "Km": "公里",
    "千米": "公里",
    "m": "米",
    "M": "米",
    "㎡": "平方米",
    "m²": "平方米",
    "m2": "平方米",
    "平米": "平方米",
    "平方": "平方米",
    "㎞": "公里",
    "万元": "元",
    "亿元": "元",
    "千元": "元",
    "块钱": "元",
    "kg": "千克",
    "公斤": "千克",
    "KW": "千瓦",
    "kW": "千瓦",
    "kw": "千瓦",
    "MW": "兆瓦",
    "m³": "立方米",
    "m3": "立方米",
    "方": "立方米",
    "%": "%",
    "个百分点": "%",
    "吨/天": "吨/日",
    "立方米/天": "立方米/日",
}
UNIT_MULTIPLIER = {"万元": 10_000, "亿元": 100_000_000, "千元": 1000}
# Measure words that also start ordinary words get a look-ahead so 个月 / 所有 / 部门 are not units.
_GUARDED = {
    "个": "(?!月|工作日|小时|百分点|人(?:所得|信息|隐私))",
    "所": "(?!有|在|属|以)",
    "对": "(?!于|接|照|标|象)",
    "门": "(?!诊|户|槛)",
    "部": "(?!门|分|署|署)",
    "口": "(?!袋|径)",
    "期": "(?!间|限|末)",
    "次": "(?![年月日性])",
    "名": "(?!单|称|额)",
    "家": "(?!庭|长)",
    "位": "(?!于|置)",
    "条": "(?!件|例|款)",
    "项": "(?!目)",
    "种": "(?!植|类)",
    "本": "(?![月年级地])",
    "场": "(?!所|地|景|馆)",
    "批": "(?!复|准)",
    "块": "(?!钱)",
    "方": "(?!案|面|式|法|向)",
    "间": "(?!隔)",
    "亩": "",
    "平方": "(?!米|公里)",
    "米": "(?!面)",
    "户": "(?!籍|口|外)",
}
UNITS = (
    "微克/立方米",
    "毫克/立方米",
    "毫克/升",
    "吨/日",
    "吨/天",
    "立方米/日",
    "立方米/天",
    "千瓦时/年",
    "个百分点",
    "平方公里",
    "平方米",
    "立方米",
    "千瓦时",
    "万千瓦",
    "千伏安",
    "人次",
    "户次",
    "场次",
    "剂次",
    "剂",
    "件次",
    "车次",
    "架次",
    "篇次",
    "班次",
    "亿元",
    "万元",
    "千元",
    "块钱",
    "公里",
    "千米",
    "公顷",
    "平米",
    "平方",
    "小时",
    "课时",
    "学时",
    "千瓦",
    "兆瓦",
    "公斤",
    "千克",
    "张床",
    "床位",
    "km",
    "KM",
    "Km",
    "kg",
    "kW",
    "KW",
    "kw",
    "MW",
    "m²",
    "m2",
    "m³",
    "m3",
    "m",
    "M",
    "㎡",
    "㎞",
    "%",
    "个",
    "处",
    "家",
    "户",
    "人",
    "名",
    "场",
    "次",
    "所",
    "座",
    "条",
    "米",
    "亩",
    "元",
    "件",
    "台",
    "套",
    "辆",
    "吨",
    "张",
    "本",
    "册",
    "份",
    "项",
    "支",
    "批",
    "只",
    "棵",
    "株",
    "间",
    "栋",
    "幢",
    "宗",
    "笔",
    "期",
    "班",
    "床",
    "盏",
    "根",
    "块",
    "组",
    "部",
    "篇",
    "门",
    "种",
    "类",
    "位",
    "对",
    "头",
    "口",
    "眼",
    "例",
    "轮",
    "届",
    "村",
    "方",
    "箱",
    "袋",
    "所",
)
ASCII_UNITS = {u for u in UNITS if u.isascii() and u != "%"}
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
SENTENCE_END = "。；;!！?？\n"
CLAUSE_END = SENTENCE_END + "，,：:"


def canonical_unit(unit: str) -> str:
    """Return the unit we report for a written unit (万元 → 元, km → 公里, ㎡ → 平方米)."""
    return UNIT_ALIASES.get(unit, unit)


# Units that measure the same thing, with the size of each in the group's base.
_GROUPS = (
    {"公里": 1000.0, "米": 1.0},
    {"平方米": 1.0, "亩": 10_000 / 15, "公顷": 10_000.0, "平方公里": 1_000_000.0},
    {"元": 1.0},
    {"吨": 1000.0, "千克": 1.0},
    {"吨/日": 1.0, "立方米/日": 1.0},  # a sewage plant's capacity is written either way
    {"千瓦": 1.0, "兆瓦": 1000.0, "万千瓦": 10_000.0},
    {"场": 1.0, "场次": 1.0, "次": 1.0},  # a ledger counts 5场 against a 50场次 target
    {"床": 1.0, "张床": 1.0, "床位": 1.0, "张": 1.0},
)


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """Convert ``value`` from ``unit`` to ``to_unit``; None when they measure different things."""
    a, b = canonical_unit(unit), canonical_unit(to_unit)
    value = value * UNIT_MULTIPLIER.get(unit, 1) / UNIT_MULTIPLIER.get(to_unit, 1)
    if a == b:
        return value
    for group in _GROUPS:
        if a in group and b in group:
            return value * group[a] / group[b]
    return None


@cache
def _quantity_re() -> re.Pattern[str]:
    digits = "".join(CN_DIGITS)
    cn = f"[{CN_NUMERAL_CHARS}]+(?:点[{digits}]+)?"
    ar = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    mixed = r"\d+(?:\.\d+)?[万亿](?:\d{1,4}(?![\d.])|[一二两三四五六七八九](?![十百千万亿\d]))(?:[千百]|万(?!亿))?"
    num = rf"(?:{mixed}|(?:{ar})\s*(?:余|多)?(?:[十百万亿]|千(?![米克瓦]))?(?:[百万亿]|千(?![米克瓦])){{0,2}}|{cn})"
    units = "|".join(
        re.escape(u) + (r"(?![A-Za-z])" if u in ASCII_UNITS else _GUARDED.get(u, ""))
        for u in sorted(set(UNITS), key=len, reverse=True)
    )
    return re.compile(
        rf"(?P<pct_cn>百分之(?P<pct_num>{ar}|{cn}))"
        rf"|(?P<cheng>(?P<cheng_head>[{digits}十]|\d)成(?P<cheng_tail>[{digits}](?![成十百千万亿]))?)(?![为了功本立果绩效])"
        rf"|(?:(?P<lo>{num})\s*(?:-|~|～|—|至|到)\s*)?(?P<num>{num})(?P<approx>余|多|来)?"
        rf"(?:\s?(?P<unit>{units}))?(?P<approx_after>以上|左右|余|多)?"
    )


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
