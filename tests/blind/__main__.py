"""``python -m tests.blind``: print the parser's per-kind accuracy on the blind question sets."""

from __future__ import annotations

import sys

from tests.blind.resolve import resolve
from tests.blind.score import report

if __name__ == "__main__":
    report(resolve, show_misses="-q" not in sys.argv[1:])
