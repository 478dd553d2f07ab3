"""Word segmentation: one owned jieba.Tokenizer with a user dictionary (the global one is never touched)."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

_log = logging.getLogger(__name__)


def _cache_file() -> str:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ledgerbot"
    try:
        base.mkdir(parents=True, exist_ok=True)
        return str(base / "jieba.cache")
    except OSError:
        return str(Path(tempfile.gettempdir()) / "ledgerbot-jieba.cache")


class Segmenter:
    """Cut Chinese text into words with a private jieba tokenizer and our own words added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.cache_file = _cache_file()
        self._lock = threading.Lock()
        self._ready = False
        self._pending: list[str] = [w for w in user_words if w]

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            jieba.setLogLevel(logging.WARNING)
            self._tokenizer.initialize()
            for word in self._pending:
                self._tokenizer.add_word(word, freq=20000)
            self._pending.clear()
            self._ready = True

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer words such as unit names and item terms."""
        words = [w for w in words if w]
        if not self._ready:
            self._pending.extend(words)
            return
        with self._lock:
            for word in words:
                self._tokenizer.add_word(word, freq=20000)

    def cut(self, text: str) -> list[str]:
        """Return the words of ``text`` (no HMM guessing, so results are stable)."""
        self._ensure()
        return [w for w in self._tokenizer.lcut(text, HMM=False) if w.strip()]


@cache
def default_segmenter() -> Segmenter:
    """Return a lazily built shared segmenter (created on first use, never at import)."""
    return Segmenter()
