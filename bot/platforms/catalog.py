"""The one list of platforms: adding one is a new module here plus its line in ``PLATFORM_MODULES``.

Each listed module defines ``SPEC``, its ``PlatformSpec``; `ledgerbot run`, `ledgerbot web` and the
scheduler find it through ``default_registry()``. Modules are imported when the registry is asked
for, not when this module is, and their factories import SDKs only when called.
"""

from __future__ import annotations

import importlib

from bot.platforms.registry import PlatformSpec, Registry

PLATFORM_MODULES = (
    "bot.platforms.console",
    "bot.platforms.telegram",
    "bot.platforms.wecom",
    "bot.platforms.dingtalk",
)


def default_registry() -> Registry:
    """Return the registry of every platform this version ships, in catalog order."""
    specs = []
    for module_name in PLATFORM_MODULES:
        spec = getattr(importlib.import_module(module_name), "SPEC", None)
        if not isinstance(spec, PlatformSpec):
            raise TypeError(f"{module_name}.SPEC is not a PlatformSpec")
        specs.append(spec)
    return Registry(specs)
