"""Any string at all gives a result, without raising and with finite values."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.progress import parse_progress
from nlp.quantities import find_quantities
from nlp.reply import split_items, split_parts
from nlp.status import classify_status

LEDGER_CHARS = st.sampled_from(
    list(
        "0123456789０１２.,%％万亿千百十一二两三四五六七八九零个处户人元米公里累计新增完成已未更正是不其中（）()、，。；：\n 📈\x00\x1b\u202e"
    )
)
TEXT = st.one_of(st.text(), st.text(LEDGER_CHARS, max_size=200))


def _finite(result) -> bool:
    values = [t.value for t in result.targets] + [ln.value for ln in result.links]
    values += [a.value for a in result.ambiguities if a.value is not None]
    return all(math.isfinite(v) for v in values)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(content=TEXT, progress=TEXT)
def test_parse_never_raises(content: str, progress: str) -> None:
    result = parse_progress(content, progress)
    assert _finite(result)
    assert all(0 <= ln.target < len(result.targets) for ln in result.links)
    assert classify_status(progress) in {"not_started", "preparing", "in_progress", "completed"}
    split_parts(progress)
    split_items(progress)
    for q in find_quantities(progress, bare=True):
        assert math.isfinite(q.value) and 0 <= q.start <= q.end <= len(progress)


def test_huge_and_hostile_inputs() -> None:
    huge = "累计建成公共充电桩399个，" * 8000  # ~100,000 characters
    for text in [
        "",
        huge,
        "\x00\x01\x02" * 1000,
        "9" * 5000 + "亿元",
        "1e308万亿元",
        "😀" * 10000,
        "\u202e新增5个",
    ]:
        result = parse_progress("新增停车泊位256个，公共充电桩总数达到400个。", text)
        assert _finite(result)
        result = parse_progress(text, text)
        assert _finite(result)
