"""Which items a question names: by number (第5项, 27号, [7], 看下12), by code (ms08), or by its words.

Words are matched on character pairs of the item's content and category (and, weighted lower, its
latest progress), each pair weighted by how few items share it, after the question's words are
widened by a small table of ledger vocabulary (a ledger may add its own pairs). A typo (幼儿圆) or a
part of a name (分幸路) still shares most pairs with the item.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.numerals import chinese_to_float

# Words people use for ledger wording, both ways (a ledger may extend the table with its own pairs).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("器材", "设施"),
    ("器材", "场地"),
    ("停车位", "停车泊位"),
    ("红绿灯", "交通信号灯"),
    ("看病", "就医"),
    ("结算", "报销"),
    ("老人", "人员"),
    ("法制", "法治"),
    ("慢性病", "慢特病"),
    ("修路", "道路"),
    ("修路", "公路"),
    ("修路", "农村路"),
    ("修路", "大中修"),
    ("农网", "电网"),
    ("招聘", "就业"),
    ("固投", "固定资产投资"),
    ("社零", "社会消费品零售"),
    ("扩招", "扩增"),
    ("完工", "竣工"),
    ("盖", "建设"),
    ("监控", "天眼"),
    ("戏曲", "戏"),
    ("送戏", "戏曲"),
    ("养老床", "养老床位"),
)

_CN_NUM = r"[一二三四五六七八九十百两]{1,4}"
_NUMBER_FORMS = (
    re.compile(rf"第\s*(\d{{1,4}}|{_CN_NUM})\s*(?:项|个|条|号|件)?"),
    re.compile(r"[\[［【]\s*(\d{1,4})\s*[\]］】]"),
    # 24项 / 27号 / 三十项, not 两项 (two items) nor 33项实事 (a count of items)
    re.compile(r"(?<![\d.])(\d{1,4}|[一二三四五六七八九十百]{1,4})\s*(?:号|项)(?![目\d实任工民事])"),
)
_BARE = re.compile(rf"^(?:看下|看一下|查下|查一下|看看|查查|查|看)?\s*(\d{{1,4}}|{_CN_NUM})\s*$")


@dataclass(frozen=True, slots=True)
class ItemWords:
    """What the ledger says about one item, for matching a question to it (a plain frozen record: a
    ledger of thousands of items builds thousands of these per question)."""

    id: int
    number: int
    content: str
    category: str = ""
    progress: str = ""
    units: tuple[str, ...] = ()
    code: str = ""  # the item's own code when the ledger numbers items so (MS-2025-08)


def _to_int(text: str) -> int | None:
    value = int(text) if text.isdigit() else chinese_to_float(text)
    return int(value) if value else None


_NUM = rf"(?:\d{{1,4}}|{_CN_NUM})"
# 第32、33项 / 32和33号 / 第5 第6项: several numbers, with 项 or 号 after the last
_NUMBER_LIST = re.compile(
    rf"第?\s*({_NUM})((?:\s*(?:和|及|与|跟|、|,|，|\s)\s*第?\s*{_NUM})+)\s*(?:项|号)(?![目\d实任工民事])"
)


def find_numbers(text: str, bare_ok: bool = True) -> tuple[list[int], str]:
    """Return (the item numbers a question names — several when it lists them —, the text without them)."""
    m = _NUMBER_LIST.search(text)
    if m:
        numbers = [n for t in re.findall(_NUM, m.group(0)) if (n := _to_int(t))]
        if len(numbers) > 1:
            return list(dict.fromkeys(numbers)), text[: m.start()] + text[m.end() :]
    number, rest = find_number(text, bare_ok)
    return ([number] if number else []), rest


def find_number(text: str, bare_ok: bool = True) -> tuple[int | None, str]:
    """Return (the item number a question names, the text without it)."""
    for pattern in _NUMBER_FORMS:
        m = pattern.search(text)
        if m:
            number = _to_int(m.group(1))
            if number:
                return number, text[: m.start()] + text[m.end() :]
    m = _BARE.match(text) if bare_ok else None
    if m:
        return _to_int(m.group(1)), ""
    return None, text


def find_code(text: str, items: Sequence[ItemWords]) -> int | None:
    """Return the id of the item whose code a question types, however shortened (ms08 for MS-2025-08)."""
    for m in re.finditer(r"([A-Za-z]{1,4})[\s\-]*(\d{1,4})", text):
        letters, digits = m.group(1).upper(), int(m.group(2))
        for item in items:
            code = item.code.upper()
            tail = re.search(r"(\d+)$", code)
            if code.startswith(letters) and tail and int(tail.group(1)) == digits:
                return item.id
    return None


def _pairs(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffa-z0-9]", " ", text.lower())  # pm2.5 asks for PM2.5
    out: set[str] = set()
    for run in chars.split():
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _widen(words: str, synonyms: Iterable[tuple[str, str]]) -> list[str]:
    """Return the question's words, and them again with each table word put the other way."""
    out = [words]
    for a, b in synonyms:
        if a in words:
            out.append(words.replace(a, b))
        if b in words:
            out.append(words.replace(b, a))
    return out


def score_items(
    words: str, items: Sequence[ItemWords], synonyms: Iterable[tuple[str, str]] = ()
) -> list[tuple[float, int]]:
    """Return (score, id) for every item sharing words with the question, best first."""
    if not words or not items:
        return []
    main = {i.id: _pairs(i.content) for i in items}
    # The category is shared by the items under it: its words name them all, less surely than their own.
    group = {i.id: _pairs(i.category) - main[i.id] for i in items}
    more = {i.id: _pairs(i.progress) - main[i.id] - group[i.id] for i in items}
    freq: Counter[str] = Counter()
    for item in items:
        freq.update(main[item.id] | group[item.id] | more[item.id])
    variants = [{p for p in _pairs(v) if freq[p]} for v in _widen(words, (*synonyms, *SYNONYMS))]
    n = len(items)
    scored = []
    for item in items:
        score = 0.0
        for asked in variants:
            here = 0.0
            for p in asked:
                weight = math.log(1 + n / freq[p])
                if p in main[item.id]:
                    here += weight
                elif p in group[item.id]:
                    here += _GROUP * weight
                elif p in more[item.id]:
                    here += 0.5 * weight
            if (
                asked and asked <= main[item.id] | group[item.id]
            ):  # every word asked is in the item's own text
                here = max(here, _WHOLE)
            score = max(score, here)
        if score:
            scored.append((score, item.id))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return scored


_GROUP = 0.5  # a pair of the item's category counts this much of one of its content
_WHOLE = 1.5  # the score of a question whose every pair is in an item's text, however common the pairs


def best_items(scored: list[tuple[float, int]], near: float = 0.8, floor: float = 1.5) -> list[int]:
    """Return the ids whose score is close to the best one (several when the question fits several)."""
    if not scored or scored[0][0] < floor:
        return []
    top = scored[0][0]
    return [item_id for score, item_id in scored if score >= near * top]


def closest(words: str, items: Sequence[ItemWords], limit: int = 3) -> list[int]:
    """Return the ids of the items sharing the rarest characters with the words (when no pair fits)."""
    chars = {ch for ch in words if "\u4e00" <= ch <= "\u9fff"}
    freq: Counter[str] = Counter(ch for item in items for ch in set(item.content + item.category))
    scored = []
    for item in items:
        text = item.content + item.category
        shared = [ch for ch in chars if ch in text]
        score = sum(math.log(1 + len(items) / freq[ch]) for ch in shared)
        if len(shared) >= 2:  # one character in common is chance (天 in 今天 and 天眼)
            scored.append((-score, item.number, item.id))
    return [item_id for _s, _n, item_id in sorted(scored)[:limit]]
