"""chiso.documents.pdf: LibreOffice renders our DOCX as an ND30 document, with its diacritics.

These tests need LibreOffice and poppler-utils (``.ci/run`` installs them in CI); without
``soffice`` the conversion tests are skipped, the error paths are tested everywhere.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import struct
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from chiso.documents import nd30, pdf
from chiso.errors import ChisoError

needs_libreoffice = pytest.mark.skipif(
    pdf.libreoffice() is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui",
)


def _documents() -> ModuleType:
    """The test documents of test_nd30.py (importlib mode: test files are not a package)."""
    path = Path(__file__).with_name("test_nd30.py")
    spec = importlib.util.spec_from_file_location("chiso_test_nd30_documents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pdftotext(data: bytes, tmp_path: Path, page: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing though LibreOffice is installed")
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", "-layout", "-enc", "UTF-8", *pages, str(source), "-"]
    out = subprocess.run(command, capture_output=True, check=True, timeout=60).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8"))


def page_count(data: bytes, tmp_path: Path) -> int:
    source = tmp_path / "count.pdf"
    source.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def invitation_pdf() -> bytes:
    if pdf.libreoffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return pdf.to_pdf(nd30.build_docx(_documents().giay_moi()))


@needs_libreoffice
def test_invitation_renders_with_vietnamese_text(invitation_pdf, tmp_path):
    assert invitation_pdf.startswith(b"%PDF")
    text = pdftotext(invitation_pdf, tmp_path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/GM-UBND",
        "Lạng Sơn, ngày 29 tháng 5 năm 2026",
        "GIẤY MỜI",
        "Trân trọng kính mời đại biểu tham dự Hội nghị./.",
        "Nơi nhận:",
        "TL. CHỦ TỊCH",
        "Nguyễn Thị Thúy",
    ):
        assert expected in text, expected


@needs_libreoffice
def test_header_columns_share_lines(invitation_pdf, tmp_path):
    """Số and the date are on one line, the agency beside the Quốc hiệu (two columns)."""
    lines = pdftotext(invitation_pdf, tmp_path, page=1).splitlines()
    assert any("Số: 05/GM-UBND" in line and "Lạng Sơn, ngày" in line for line in lines)
    assert any("ỦY BAN NHÂN DÂN" in line and "CỘNG HÒA" in line for line in lines)


@needs_libreoffice
def test_page_number_only_from_page_two(invitation_pdf, tmp_path):
    assert page_count(invitation_pdf, tmp_path) == 2
    first = pdftotext(invitation_pdf, tmp_path, page=1).split()
    second = pdftotext(invitation_pdf, tmp_path, page=2).split()
    assert first[0] != "1"
    assert second[0] == "2"


@needs_libreoffice
def test_page_renders_as_a4_png(invitation_pdf):
    width, height = png_size(pdf.pdf_to_png(invitation_pdf, 1, dpi=50))
    assert width == pytest.approx(210 / 25.4 * 50, abs=1)
    assert height == pytest.approx(297 / 25.4 * 50, abs=1)


@needs_libreoffice
def test_report_with_table_figure_and_landscape_appendix(tmp_path):
    report = pdf.to_pdf(nd30.build_docx(_documents().bao_cao()))
    pages = page_count(report, tmp_path)
    last = pdf.pdf_to_png(report, pages, dpi=30)
    width, height = png_size(last)
    assert width > height  # the Phụ lục is landscape
    text = pdftotext(report, tmp_path)
    assert "Bảng 1. Kết quả Chỉ số CCHC năm 2025 theo lĩnh vực" in text
    assert "Hình 1. Chỉ số CCHC 2023-2025" in text
    assert "KẾT QUẢ CHI TIẾT THEO TIÊU CHÍ THÀNH PHẦN" in pdftotext(report, tmp_path, pages)


@needs_libreoffice
def test_missing_page_is_a_clear_error(invitation_pdf):
    with pytest.raises(ChisoError) as raised:
        pdf.pdf_to_png(invitation_pdf, 99)
    assert raised.value.code == "pdf_page"


def test_missing_libreoffice_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pdf.libreoffice() is None
    with pytest.raises(ChisoError) as raised:
        pdf.to_pdf(b"PK\x03\x04")
    assert raised.value.code == "no_libreoffice"
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in raised.value.message
    with pytest.raises(ChisoError) as raised:
        pdf.pdf_to_png(b"%PDF", 1)
    assert raised.value.code == "no_poppler"
    assert "poppler-utils" in raised.value.message


def test_bytes_that_are_not_a_docx_are_refused():
    with pytest.raises(ChisoError) as raised:
        pdf.to_pdf(b"this is not a docx")
    assert raised.value.code == "not_docx"


@needs_libreoffice
def test_a_zip_libreoffice_cannot_open_is_reported_not_hidden():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "không phải văn bản Word")
    with pytest.raises(ChisoError) as raised:
        pdf.to_pdf(buffer.getvalue())
    assert raised.value.code == "pdf_failed"
    assert "LibreOffice không chuyển được" in raised.value.message
