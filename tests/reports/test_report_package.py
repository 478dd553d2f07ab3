"""reports stays a leaf: it imports none of the application's other packages, and the sample is the seed."""

from __future__ import annotations

import ast

from tests.reports.conftest import ROOT
from tests.reports.sample import SEED_ROWS, generated_ledger, seed_items

OTHERS = ("bot", "handlers", "storage", "nlp")


def test_reports_imports_no_other_application_package():
    offenders = []
    for path in sorted((ROOT / "reports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in OTHERS]
    assert offenders == []
    assert (ROOT / "reports" / "__init__.py").read_text() == ""


def test_sample_is_the_seed(seed):
    assert len(SEED_ROWS) == 33 and len(seed.rows) == 33
    assert len(seed.categories()) == 10
    assert seed.title == "2025年一季度民生实事工作进展情况台账"
    assert seed.header[-1] == "4月份计划"
    items = seed_items()
    assert items[1].units == ("区卫健局", "区医保局")
    assert items[3].units == ("区医保局",)  # blank unit cell: same as the row above
    assert items[16].units == ("区公安分局", "区综合行政执法局")  # name wrapped over two lines in the seed
    assert {r.light for r in seed.rows} == {"green", "yellow", "red"}


def test_generator_is_reproducible_and_seed_like():
    a, b = generated_ledger(330), generated_ledger(330)
    assert a == b
    assert len(a.rows) == 330 and len(a.categories()) == 100
    assert len({r.item_id for r in a.rows}) == 330
