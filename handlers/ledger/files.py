"""Read a ledger file the way every caller needs it: the CLI's import, the demo, and a file sent in chat."""

from __future__ import annotations

from pathlib import Path

from handlers.ledger.reader import read_ledger_file
from handlers.ledger.table import ParsedLedger, parse_table
from reports.columns import DEFAULT_LAYOUT, LedgerLayout


def parse_ledger_file(
    path: Path, data: bytes | None = None, layout: LedgerLayout = DEFAULT_LAYOUT
) -> ParsedLedger:
    """Return the parsed ledger in a .docx/.xlsx/.txt file (``data`` when the bytes came in a message).

    Raises LedgerFileError with a message for the user when the file cannot be read as a ledger.
    """
    return parse_table(read_ledger_file(Path(path.name) if data is not None else path, data, layout), layout)
