"""LibreOffice opens the Word ledger and prints it to PDF: right page count, Chinese fonts embedded."""

from __future__ import annotations

import re
import shutil
import subprocess

from reports.to_docx import to_docx

INSTALL_HINT = "apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk"


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, (
        f"LibreOffice (soffice) is not installed; the Word export cannot be checked. Run: {INSTALL_HINT}"
    )
    return path


def _page_count(pdf: bytes) -> int:
    """Count page objects in the PDF (LibreOffice writes them uncompressed; '/Pages' is the tree node)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_libreoffice_converts_the_seed_to_pdf(seed, tmp_path):
    source = tmp_path / "ledger.docx"
    source.write_bytes(to_docx(seed))
    profile = tmp_path / "lo-profile"  # a profile per run: parallel soffice instances would lock each other
    result = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf_path = tmp_path / "ledger.pdf"
    assert result.returncode == 0 and pdf_path.exists(), f"soffice failed: {result.stdout}\n{result.stderr}"
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = _page_count(pdf)
    # 33 items in the seed's layout take 5 A4 landscape pages here; a lost landscape or broken widths
    # would double that, a lost table would drop it to one.
    assert 4 <= pages <= 7, pages
    fonts = set(re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", pdf))
    assert any(b"CJK" in f or b"Song" in f or b"Fang" in f or b"Hei" in f for f in fonts), fonts
