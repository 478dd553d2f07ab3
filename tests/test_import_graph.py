"""No import cycles among our modules, and imports only in the allowed direction (docs/ARCHITECTURE.md).

Every import counts, the lazy ones inside functions too.

A cycle hidden in function bodies still ties two modules together (each needs the other to work);
the old ``bot/web.py`` <-> ``bot/serve_wecom.py`` pair was one.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "nlp", "storage", "reports")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Map each module under ``packages`` to the project modules it imports (anywhere in its body)."""
    paths = {
        _module_name(p, root): p
        for pkg in packages
        for p in (root / pkg).rglob("*.py")
        if "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # "from pkg import mod" imports the module pkg.mod when there is one.
                subs = {f"{base}.{alias.name}" for alias in node.names} & paths.keys()
                targets.update(subs or {base})
        graph[name] = {t for t in targets if t in paths and t != name and not _is_package(paths[t])}
    return graph


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """Return one import cycle (first module repeated at the end), or [] when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return []


def test_our_modules_import_without_cycles():
    graph = import_graph(ROOT, PACKAGES)
    assert "bot.platforms.registry" in graph and graph["bot.web"]  # the walk found our modules and edges
    assert "handlers.router" in graph and "nlp.intents" in graph
    assert find_cycle(graph) == []


# What each layer must not import (prefixes of module names).
FORBIDDEN = {
    "nlp": ("bot", "handlers", "storage", "reports"),
    "storage": ("bot", "handlers", "nlp", "reports"),
    "reports": ("bot", "handlers", "nlp", "storage"),
    "bot.core": ("bot.adapters", "bot.platforms", "bot.app", "bot.settings", "handlers", "storage"),
    "handlers": (
        "bot.adapters",
        "bot.platforms",
        "bot.app",
        "bot.settings",
        "bot.cli",
        "bot.web",
        "bot.serve",
    ),
    "bot.adapters": ("handlers", "storage", "bot.platforms", "bot.app"),
}


def forbidden_imports(graph: dict[str, set[str]]) -> list[str]:
    """Return "a -> b" for every import that goes against the layers."""
    found = []
    for module, targets in sorted(graph.items()):
        for layer, banned in FORBIDDEN.items():
            if module == layer or module.startswith(layer + "."):
                found += [
                    f"{module} -> {t}"
                    for t in sorted(targets)
                    if any(t == b or t.startswith(b + ".") for b in banned)
                ]
    return found


def test_imports_go_only_in_the_allowed_direction():
    graph = import_graph(ROOT, PACKAGES)
    assert forbidden_imports(graph) == []
    # ... and the check does see a violation.
    assert forbidden_imports({"handlers.x": {"bot.settings"}, "nlp.y": {"storage.db"}}) == [
        "handlers.x -> bot.settings",
        "nlp.y -> storage.db",
    ]


def test_a_cycle_through_a_lazy_import_is_found(tmp_path: Path):
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "web.py").write_text("def parts():\n    from demo.callback import Part\n    return [Part()]\n")
    (pkg / "callback.py").write_text("from . import server\nclass Part: ...\n")
    (pkg / "server.py").write_text("def serve():\n    from demo import web\n    return web.parts()\n")
    graph = import_graph(tmp_path, ("demo",))
    assert graph == {
        "demo": set(),
        "demo.web": {"demo.callback"},
        "demo.callback": {"demo.server"},
        "demo.server": {"demo.web"},
    }
    assert find_cycle(graph) == ["demo.callback", "demo.server", "demo.web", "demo.callback"]
    (pkg / "server.py").write_text("def serve():\n    return []\n")
    assert find_cycle(import_graph(tmp_path, ("demo",))) == []
