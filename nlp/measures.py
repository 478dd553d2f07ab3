"""Measurement units (万元, 亩, 公里…): the forms a ledger writes, the unit reported, and conversions."""

from __future__ import annotations

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
GUARDED = {
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


# Units whose amounts are continuous; every other classifier counts whole things (个, 座, 户, 人 …).
CONTINUOUS = frozenset(
    [u for group in _GROUPS[:6] for u in group]
    + ["立方米", "千瓦时", "千瓦时/年", "小时", "课时", "学时", "微克/立方米", "毫克/立方米", "毫克/升", "%"]
)


def is_count_unit(unit: str) -> bool:
    """True when ``unit`` counts whole things, so a share of it is rounded (62% of 256个 → 159个)."""
    return bool(unit) and canonical_unit(unit) not in CONTINUOUS
