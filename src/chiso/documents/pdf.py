"""DOCX → PDF with LibreOffice, PDF → PNG with poppler: for printing, previews, docs and tests.

Provinces receive the DOCX (they edit and sign it in Word); the PDF and the page images are for
reading on screen, the docs' screenshots and the tests that look at the layout. Both tools are
external programs, so a missing one is reported as a :class:`~chiso.errors.ChisoError` that says
which Debian packages to install, instead of a ``FileNotFoundError`` from deep inside.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from chiso.errors import ChisoError

__all__ = ["TIMEOUT_SECONDS", "libreoffice", "pdf_to_png", "to_pdf"]

TIMEOUT_SECONDS = 120
_PACKAGES = "libreoffice-writer-nogui fonts-liberation2 fonts-croscore"


def libreoffice() -> str | None:
    """Path of the LibreOffice executable (``soffice`` or ``libreoffice``), None if absent."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(command: list[str], *, cwd: Path, what: str) -> subprocess.CompletedProcess[bytes]:
    """Run in a session of its own so a hung converter is killed with all its children.

    ``soffice`` is a launcher that starts ``soffice.bin``; killing only the launcher on a
    timeout would leave the real process running and holding the profile.
    """
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "HOME": str(cwd)},  # nothing written to the real home directory
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ChisoError(
            f"{what} không xong sau {TIMEOUT_SECONDS} giây và đã bị dừng.", code="pdf_timeout"
        ) from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def to_pdf(docx: bytes) -> bytes:
    """Convert a DOCX file to PDF with LibreOffice headless.

    Each call gets its own temporary folder and its own LibreOffice user profile
    (``-env:UserInstallation``): two conversions sharing a profile lock each other out or
    silently produce nothing, which happens as soon as the web app serves two users at once.
    """
    if not docx.startswith(b"PK\x03\x04"):
        # LibreOffice would happily print any bytes as plain text; a DOCX is a ZIP package.
        raise ChisoError("Dữ liệu không phải là tệp DOCX (Word).", code="not_docx")
    program = libreoffice()
    if program is None:
        raise ChisoError(
            "Không tìm thấy LibreOffice (soffice) để chuyển văn bản sang PDF. "
            f"Trên Debian/Ubuntu hãy cài: sudo apt-get install {_PACKAGES}",
            code="no_libreoffice",
        )
    with tempfile.TemporaryDirectory(prefix="chiso-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "vanban.docx"
        source.write_bytes(docx)
        outdir = folder / "out"
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        result = _run(command, cwd=folder, what="LibreOffice chuyển sang PDF")
        target = outdir / "vanban.pdf"
        if result.returncode != 0 or not target.exists():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()
            raise ChisoError(
                "LibreOffice không chuyển được văn bản sang PDF"
                f" (mã thoát {result.returncode}): {detail[-500:] or 'không có thông báo lỗi'}",
                code="pdf_failed",
            )
        return target.read_bytes()


def pdf_to_png(pdf: bytes, page: int, dpi: int = 110) -> bytes:
    """Render one page (numbered from 1) of a PDF as PNG with poppler's ``pdftoppm``."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise ChisoError(
            "Không tìm thấy pdftoppm để chuyển PDF sang ảnh. "
            "Trên Debian/Ubuntu hãy cài: sudo apt-get install poppler-utils",
            code="no_poppler",
        )
    if page < 1:
        raise ChisoError(f"Số trang phải từ 1 trở lên, không phải {page}", code="pdf_page")
    if dpi < 1:
        raise ChisoError(f"Độ phân giải phải là số dương, không phải {dpi}", code="pdf_page")
    with tempfile.TemporaryDirectory(prefix="chiso-png-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(pdf)
        command = [program, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        command += ["-singlefile", "in.pdf", "page"]
        result = _run(command, cwd=folder, what="pdftoppm")
        target = folder / "page.png"
        if result.returncode != 0 or not target.exists():
            detail = result.stderr.decode("utf-8", "replace").strip()
            raise ChisoError(
                f"Không chuyển được trang {page} của tệp PDF sang ảnh: {detail[-300:]}",
                code="pdf_page",
            )
        return target.read_bytes()
