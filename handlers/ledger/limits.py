"""Limits that refuse a hostile or oversized ledger file before a parser expands it.

A 5 KB .xlsx with one ``mergeCell A4:XFD1048576`` makes openpyxl create a cell object per merged
cell (gigabytes); a .docx ``gridSpan`` of 200,000,000 does the same to a naive table reader. Both are
found by scanning the zipped XML for the numbers before any parser runs.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from handlers import texts
from handlers.ledger.reader import LedgerFileError

MAX_FILE_BYTES = 10 * 1024 * 1024  # an upload
# A file fetched only this far (the platform's download cut after the limit) has exactly this many bytes:
# it is over the limit, by how much is not known.
CUT_AT = MAX_FILE_BYTES + 1
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024  # all members of a .docx/.xlsx together
MAX_RATIO = 120  # unzipped/zipped of a member larger than RATIO_FLOOR
RATIO_FLOOR = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_MERGES = 20000

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')
_SPAN = re.compile(rb'gridSpan\s+[^>]*?val="(\d+)"')


def column_number(letters: bytes) -> int:
    """Return the 1-based column number of Excel column letters (A → 1, XFD → 16384)."""
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def check_size(source: str, data: bytes) -> None:
    """Refuse a file over the upload limit."""
    if len(data) > MAX_FILE_BYTES:
        most = MAX_FILE_BYTES // (1024 * 1024)
        if len(data) == CUT_AT:
            raise LedgerFileError(source, texts.I14_TOO_BIG_CUT.format(most=most))
        raise LedgerFileError(source, texts.I14_TOO_BIG.format(mb=len(data) // (1024 * 1024), most=most))


def _members(source: str, data: bytes, bad: str) -> zipfile.ZipFile:
    check_size(source, data)
    try:
        zf = zipfile.ZipFile(BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise LedgerFileError(source, bad) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise LedgerFileError(source, texts.I14_UNZIPPED.format(mb=total // (1024 * 1024)))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LedgerFileError(source, texts.I14_RATIO.format(name=info.filename))
    return zf


def _read(zf: zipfile.ZipFile, name: str, source: str, bad: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise LedgerFileError(source, bad) from exc


def check_xlsx(source: str, data: bytes) -> None:
    """Refuse a workbook whose sheets or merged ranges reach beyond the table limits."""
    zf = _members(source, data, texts.FILE_BAD_XLSX)
    for name in zf.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        xml = _read(zf, name, source, texts.FILE_BAD_XLSX)
        merges = _MERGE.findall(xml)
        if len(merges) > MAX_MERGES:
            raise LedgerFileError(source, texts.I14_MERGES.format(got=len(merges), most=MAX_MERGES))
        for c1, r1, c2, r2 in merges:
            last_col, last_row = column_number(c2 or c1), int(r2 or r1)
            if last_col > MAX_COLUMNS or last_row > MAX_ROWS:
                ref = (c1 + r1 + (b":" + c2 + r2 if c2 else b"")).decode()
                raise LedgerFileError(source, texts.I14_MERGE_RANGE.format(ref=ref))
        dim = _DIMENSION.search(xml)
        if dim and dim.group(2) and int(dim.group(2)) > MAX_ROWS:
            raise LedgerFileError(source, texts.I14_TOO_LONG.format(most=MAX_ROWS))


def check_docx(source: str, data: bytes) -> None:
    """Refuse a Word file whose table cells span more columns than a ledger has."""
    zf = _members(source, data, texts.FILE_BAD_DOCX)
    if "word/document.xml" not in zf.namelist():
        raise LedgerFileError(source, texts.FILE_BAD_DOCX)
    xml = _read(zf, "word/document.xml", source, texts.FILE_BAD_DOCX)
    for span in _SPAN.findall(xml):
        if len(span) > 6 or int(span) > MAX_COLUMNS:
            raise LedgerFileError(source, texts.I14_SPAN.format(got=span.decode(), most=MAX_COLUMNS))
