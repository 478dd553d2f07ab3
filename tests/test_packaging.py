"""The five top-level packages are ours alone, and the layers import in one direction."""

from __future__ import annotations

import ast
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ("bot", "handlers", "nlp", "storage", "reports")


def _top_level_names(dist: metadata.Distribution) -> set[str]:
    names = set()
    text = dist.read_text("top_level.txt")
    if text:
        names.update(line.strip() for line in text.splitlines() if line.strip())
    for f in dist.files or ():
        parts = Path(str(f)).parts
        if len(parts) > 1 and parts[0].isidentifier() and not parts[0].endswith((".dist-info", ".egg-info")):
            names.add(parts[0])
        elif len(parts) == 1 and parts[0].endswith(".py"):
            names.add(parts[0][:-3])
    return names


def test_no_other_installed_distribution_claims_our_package_names():
    clashes = {}
    for dist in metadata.distributions():
        if (dist.metadata["Name"] or "").lower() == "ledgerbot":
            continue
        claimed = _top_level_names(dist) & set(OURS)
        if claimed:
            clashes[dist.metadata["Name"]] = sorted(claimed)
    assert clashes == {}


def test_package_inits_are_empty():
    for pkg in OURS:
        assert (ROOT / pkg / "__init__.py").read_text().strip() == "", pkg


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations(package: str, allowed: set[str], forbidden_prefixes: tuple[str, ...]) -> list[str]:
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in OURS and top not in allowed:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
            if name.startswith(forbidden_prefixes):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_layers_import_in_one_direction():
    bad = []
    for leaf in ("nlp", "storage", "reports"):
        bad += _violations(leaf, {leaf}, ("telegram",))
    bad += _violations(
        "handlers",
        {"handlers", "bot", "nlp", "storage", "reports"},
        ("telegram", "bot.adapters", "bot.app", "bot.cli"),
    )
    for path in (ROOT / "bot" / "core").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in OURS and not name.startswith("bot.core"):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
            if name.split(".")[0] in ("sqlalchemy", "telegram", "httpx", "aiohttp"):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_only_the_telegram_adapter_imports_telegram():
    users = sorted(
        str(p.relative_to(ROOT))
        for pkg in OURS
        for p in (ROOT / pkg).rglob("*.py")
        if any(n.split(".")[0] == "telegram" for n in _imports(p))
    )
    assert users == [
        "bot/adapters/telegram.py",
        "bot/adapters/telegram_http.py",
        "bot/adapters/telegram_mapping.py",
        "bot/adapters/telegram_send.py",
    ]


def test_every_package_directory_is_listed_for_installation():
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for pkg in OURS
        for init in (ROOT / pkg).rglob("__init__.py")
        if "migrations" not in init.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
