"""How people shorten a responsible unit's name: 区卫健局 → 卫健局 (the one rule; aliases, review and queries use it)."""

from __future__ import annotations

import re

# Administrative prefixes a short name drops, longest first (区委政法委 → 政法委, not 委政法委).
PREFIXES = ("区委", "市委", "县委", "区", "市", "县")
# Kinds of organ a bare core name drops (卫健局 → 卫健) when people name a unit by its subject alone.
ORGAN_SUFFIXES = ("局", "委", "中心", "集团", "联", "会", "院")
_MIN_SHORT = 2


def short_name(name: str) -> str | None:
    """Return the name without its administrative prefix (区卫健局 → 卫健局), or None when there is none."""
    for prefix in PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= _MIN_SHORT:
            return name[len(prefix) :]
    return None


def core_name(name: str) -> str:
    """Return the subject of a unit's name, without prefix or organ kind (区卫健局 → 卫健)."""
    return re.sub(rf"^({'|'.join(PREFIXES)})|({'|'.join(ORGAN_SUFFIXES)})$", "", name)
