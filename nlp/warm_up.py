"""Load the parser's lazy parts before the first message instead of during it.

cn2an (with its patterns) and the given segmenters' jieba dictionaries load on first use, about a second in all;
a long-running process pays that once at start, so the first contact's reply is not the slow one. The parser's
own shared segmenter is left to load when a reply needs it (rarely; it would cost another ~70 MB).
"""

from __future__ import annotations

import time

from nlp.progress import parse_progress
from nlp.segment import Segmenter
from nlp.types import Target

# An item and a reply as the filing dialogue reads them: stored targets, Chinese numerals, a percentage.
_CONTENT = "新建污水管网3公里，完成投资3000万元"
_TARGETS = (
    Target(name="新建污水管网", value=3, unit="公里", kind="total"),
    Target(name="完成投资", value=3000, unit="万元", kind="total"),
)
_REPLY = "进展：已铺设管网一点五公里，完成投资一千五百万元，约占百分之五十。问题：无。计划：继续推进"


def warm_up(*segmenters: Segmenter) -> float:
    """Load the parser and ``segmenters`` now; return the seconds it took."""
    start = time.perf_counter()
    for segmenter in segmenters:
        segmenter.cut(_CONTENT)
    parse_progress(_CONTENT, _REPLY, targets=_TARGETS)
    return time.perf_counter() - start
