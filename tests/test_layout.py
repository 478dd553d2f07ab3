"""The layout stays one a maintainer can read: no source module over 400 lines, nothing but the five packages."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "nlp", "storage", "reports")
MAX_LINES = 400


def _modules() -> list[Path]:
    return [
        p
        for package in PACKAGES
        for p in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in p.relative_to(ROOT).parts
    ]


def test_no_source_module_is_over_400_lines():
    modules = _modules()
    assert len(modules) > 50  # the walk found the packages
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by concept: {long}"
