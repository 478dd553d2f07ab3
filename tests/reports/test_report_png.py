"""Charts: valid PNGs of the expected size, Chinese drawn with a real CJK font, a loud error without one."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import warnings
from contextlib import contextmanager

import pytest
from PIL import Image

from reports import fonts
from reports.to_png import LIGHT_COLOURS, MAX_CATEGORIES, MAX_ITEMS, categories_chart, chart_size, items_chart
from tests.reports.conftest import ROOT
from tests.reports.sample import generated_ledger


@contextmanager
def glyph_problems():
    """Collect every 'Glyph ... missing' report, whether matplotlib warns or logs it."""
    found: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record):
            found.append(record.getMessage())

    handler = Catch(level=logging.DEBUG)
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield found
        found.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
    found[:] = [m for m in found if "Glyph" in m or "missing from" in m or "findfont" in m]


def _image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _has_colour(image: Image.Image, hex_colour: str) -> bool:
    target = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(pixel == target for _, pixel in image.getcolors(maxcolors=1 << 20) or [])


def test_glyph_detector_catches_boxes():
    # Guard for the tests below: Chinese drawn with matplotlib's default font must be reported.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with glyph_problems() as problems:
        fig = Figure(figsize=(2, 1))
        FigureCanvasAgg(fig)
        fig.text(0.1, 0.5, "台账", family="DejaVu Sans")
        fig.savefig(io.BytesIO(), format="png")
    assert problems


def test_items_chart_draws_every_item_in_chinese(seed):
    with glyph_problems() as problems:
        data = items_chart(seed)
    assert problems == []
    image = _image(data)
    assert image.size == chart_size(33) == (1200, 170 + 30 * 33)
    for light in ("green", "yellow", "red"):
        assert _has_colour(image, LIGHT_COLOURS[light]), light


def test_items_chart_top_n_and_cap(seed):
    with glyph_problems() as problems:
        top = _image(items_chart(seed, top=5))
        capped = _image(items_chart(generated_ledger(3300)))
    assert problems == []
    assert top.size == chart_size(5)
    assert capped.size == chart_size(MAX_ITEMS)
    assert _has_colour(top, LIGHT_COLOURS["red"])  # the one red item is among the five most lagging


def test_categories_chart(seed):
    with glyph_problems() as problems:
        image = _image(categories_chart(seed))
        big = _image(categories_chart(generated_ledger(3300)))
    assert problems == []
    assert image.size == chart_size(10)
    assert big.size == chart_size(MAX_CATEGORIES)


def test_find_cjk_font_returns_a_font_that_draws_chinese():
    path = fonts.find_cjk_font()
    assert os.path.isfile(path)
    assert fonts._covers_chinese(path)


def test_missing_font_fails_loudly(monkeypatch):
    monkeypatch.setattr(fonts, "_candidates", lambda: ["/nonexistent/font.ttf"])
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(fonts.FontMissingError) as error:
            fonts.find_cjk_font()
    finally:
        fonts.find_cjk_font.cache_clear()
    message = str(error.value)
    assert "apt-get install fonts-noto-cjk" in message and "No CJK font" in message and "中文字体" in message


def test_importing_reports_does_no_work():
    code = (
        "import sys, reports.to_png, reports.fonts, reports.to_docx, reports.to_xlsx, reports.to_text, "
        "reports.summary\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'docx', 'openpyxl', 'PIL')]\n"
        "assert not heavy, heavy"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_chart_labels_each_bar_with_the_chat_number(seed):
    from reports.to_png import items_figure

    labels = [t.get_text() for t in items_figure(seed).axes[0].get_yticklabels()]
    assert any(label.startswith("[24] 新增停车泊位") for label in labels), labels
    assert not any(label.startswith("7.5") for label in labels)
