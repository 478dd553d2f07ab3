"""Convert a legacy .xls/.doc/.wps file to .xlsx/.docx with LibreOffice headless, when it is installed."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from handlers import texts
from handlers.ledger.reader import LedgerFileError

_log = logging.getLogger(__name__)
CONVERT_SECONDS = 60


def _unlimit_data() -> None:
    """LibreOffice maps far more than a parser: lift the worker's soft data limit for it (the hard one stays)."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))


def soffice() -> str | None:
    """Return the LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(source: str, data: bytes, to: str) -> bytes:
    """Return ``data`` converted to ``to`` (xlsx or docx); a clear refusal when LibreOffice is missing."""
    from handlers.ledger.limits import check_size

    check_size(source, data)
    program = soffice()
    if program is None:
        raise LedgerFileError(source, texts.I14_NO_SOFFICE.format(to=to))
    suffix = Path(source).suffix.lower() or ".bin"
    with tempfile.TemporaryDirectory(prefix="ledgerbot-convert-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(
                cmd, capture_output=True, timeout=CONVERT_SECONDS, check=False, preexec_fn=_unlimit_data
            )
        except subprocess.TimeoutExpired as exc:
            raise LedgerFileError(source, texts.I14_CONVERT_FAILED.format(to=to)) from exc
        out = Path(tmp) / f"in.{to}"
        if not out.exists():
            _log.warning("LibreOffice did not convert %s to %s", source, to)
            raise LedgerFileError(source, texts.I14_CONVERT_FAILED.format(to=to))
        return out.read_bytes()
