"""Every corpus ledger imports, renders in its own layout (Word and Excel) and imports back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from handlers.ledger.files import parse_ledger_file
from tests.ledger_corpus.test_corpus import FILES

runner = CliRunner()
PERIOD = (2025, 11)


def invoke(db: str, *args: str):
    result = runner.invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _items(path: Path):
    parsed = parse_ledger_file(path, default_period=PERIOD)
    return parsed, [i.model_dump(exclude={"row"}) for i in parsed.items]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:3])
def test_import_export_import_gives_the_same_ledger_in_the_files_own_columns(path, tmp_path):
    db = f"sqlite:///{tmp_path / 'rt.db'}"
    original, want = _items(path)
    invoke(db, "import", str(path), "--period", "2025-11")
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"export.{fmt}"
        invoke(db, "report", "--format", fmt, "-o", str(out))
        again, got = _items(out)
        assert again.period == original.period, fmt
        assert again.columns == original.columns, fmt  # the file's own titles, in its order
        assert len(got) == len(want), fmt
        for n, (g, w) in enumerate(zip(got, want, strict=True), 1):
            assert g == w, (fmt, n, {k: (g[k], w[k]) for k in w if g[k] != w[k]})
