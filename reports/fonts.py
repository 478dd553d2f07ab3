"""Find a font that draws Chinese, or fail loudly: a chart of empty boxes is worse than no chart."""

from __future__ import annotations

import glob
import shutil
import subprocess
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

# Simplified-Chinese faces first (regional glyph shapes differ), sans before serif for legibility at
# chart sizes, then the fonts a Windows or macOS machine brings.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UMing CN",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
)
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/**/*CJK*.tt[cf]",
    "/usr/share/fonts/**/*CJK*.otf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)
# Characters every ledger chart uses; a font lacking any of them is not a CJK font for us.
PROBE = "台账进展序时进度绿黄红灯"


class FontMissingError(RuntimeError):
    """No installed font can draw Chinese text."""


MISSING_MESSAGE = (
    "No CJK font found, so Chinese chart labels cannot be drawn. "
    "Install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu). "
    "未找到中文字体，无法绘制图表中的中文。请安装字体，例如：`apt-get install fonts-noto-cjk`。"
)


def _covers_chinese(path: str, face_index: int = 0) -> bool:
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path, face_index=face_index)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(ch)) for ch in PROBE)


def _from_matplotlib() -> list[str]:
    from matplotlib import font_manager

    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    return [by_name[name] for name in PREFERRED_FAMILIES if name in by_name]


def _from_fontconfig() -> list[str]:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "family", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files: dict[str, set[str]] = {}
    for line in out.splitlines():
        path, _, families = line.partition(":")
        files.setdefault(path.strip(), set()).update(f.strip() for f in families.split(","))
    rank = {name: i for i, name in enumerate(PREFERRED_FAMILIES)}

    def score(path: str) -> tuple[int, int, str]:
        best = min((rank.get(f, len(rank)) for f in files[path]), default=len(rank))
        # Regular weights draw labels; bold, light and mono faces of the same family come later.
        odd = any(word in path for word in ("Bold", "Light", "Thin", "Black", "Mono", "Medium"))
        return best, odd, path

    return sorted(files, key=score)


def _from_known_paths() -> list[str]:
    found: list[str] = []
    for pattern in KNOWN_PATHS:
        found.extend(sorted(glob.glob(pattern, recursive=True)))
    return found


def _candidates() -> list[str]:
    """Return font files that may draw Chinese, best first (matplotlib's list, fontconfig, known paths)."""
    # matplotlib's cached font list predates fonts installed after its first run, hence the other sources.
    return _from_matplotlib() + _from_fontconfig() + _from_known_paths()


@lru_cache(maxsize=1)
def find_cjk_font() -> str:
    """Return the path of an installed font that draws Chinese, or raise FontMissingError."""
    for path in dict.fromkeys(_candidates()):
        if path and _covers_chinese(path):
            return path
    raise FontMissingError(MISSING_MESSAGE)


@lru_cache(maxsize=1)
def cjk_font_properties() -> FontProperties:
    """Return matplotlib font properties for the CJK font, choosing its Simplified-Chinese face."""
    from matplotlib import font_manager, ft2font

    path = find_cjk_font()
    faces = ft2font.FT2Font(path).num_faces
    names = [ft2font.FT2Font(path, face_index=i).family_name for i in range(faces)]
    known = {f.name for f in font_manager.fontManager.ttflist}
    if not set(names) <= known:
        font_manager.fontManager.addfont(path)  # registers every face of a collection
    name = next((n for n in names if n.endswith((" SC", " CN", "GB"))), names[0])
    return font_manager.FontProperties(family=name)
