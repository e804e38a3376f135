"""The shared upload module: kind by content, zip bombs, sizes, storage, download headers."""

import hashlib
import io
import re
import struct
import zipfile
import zlib

import pytest
import samples
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.http import Http404

from chiso.web import files

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
MB = 1024 * 1024
User = get_user_model()


@pytest.fixture(autouse=True)
def upload_dir(upload_dir):
    """Every test here uploads: the private folder of tests/web/conftest.py for each."""
    return upload_dir


def png() -> bytes:
    """A real 1×1 PNG, built by hand so the test needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32


def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Điểm"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def office_zip(extra: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal DOCX-shaped package plus ``extra`` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in extra.items():
            archive.writestr(name, content)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# -- kind by content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (lambda: PDF, "pdf"),
        (samples.docx, "docx"),
        (xlsx, "xlsx"),
        (png, "png"),
        (lambda: JPEG, "jpeg"),
    ],
)
def test_sniff_recognises_real_files(build, kind):
    assert files.sniff(io.BytesIO(build())) == kind


@pytest.mark.parametrize(
    "content",
    [
        EXE,
        "Chỉ là văn bản".encode(),
        b"PK\x03\x04 not really a zip",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_sniff_refuses_everything_else(content):
    assert files.sniff(io.BytesIO(content)) is None


def test_a_zip_without_the_office_parts_is_not_a_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    assert files.sniff(io.BytesIO(out.getvalue())) is None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert files.sniff(io.BytesIO(out.getvalue())) is None


def test_an_executable_with_a_docx_appended_is_refused():
    """zipfile opens self-extracting archives; the file must start as a ZIP."""
    content = EXE + samples.docx()
    assert zipfile.is_zipfile(io.BytesIO(content))
    assert files.sniff(io.BytesIO(content)) is None


def test_sniff_leaves_the_stream_at_the_start():
    stream = io.BytesIO(samples.docx())
    files.sniff(stream)
    assert stream.tell() == 0


# -- zip bombs -----------------------------------------------------------------------------------


def test_a_highly_compressible_member_is_a_zip_bomb():
    bomb = office_zip({"word/media/image1.bin": b"\0" * (20 * MB)})
    assert len(bomb) < 100 * 1024  # 20 MB of zeros squeezed over 200 times
    with pytest.raises(ValidationError) as exc:
        files.check(upload("bao-cao.docx", bomb), kinds=files.DOCUMENTS)
    message = exc.value.messages[0]
    assert "Tệp 'bao-cao.docx' bị từ chối: nội dung nén bất thường" in message
    assert "100 MB" in message and "100 lần" in message


def test_an_archive_inflating_past_the_total_cap_is_refused(monkeypatch):
    """Members with an ordinary ratio that add up to too much (cap lowered to keep it quick)."""
    monkeypatch.setattr(files, "MAX_UNCOMPRESSED_BYTES", 1 * MB)
    noise = {f"xl/media/part{i}.bin": hashlib.sha512(bytes([i])).digest() * 10_000 for i in (1, 2)}
    archive = office_zip(noise, method=zipfile.ZIP_STORED)  # ratio 1:1, 1.3 MB in all
    with pytest.raises(ValidationError, match="nội dung nén bất thường"):
        files.sniff(io.BytesIO(archive), display="so.xlsx")


def test_small_parts_may_compress_well():
    """Below 1 MB a high ratio is harmless (and common in XML): only the total cap applies."""
    archive = office_zip({"word/styles.xml": b" " * (512 * 1024)})
    assert files.sniff(io.BytesIO(archive)) == "docx"


# -- check ---------------------------------------------------------------------------------------


def test_check_returns_display_name_and_kind():
    assert files.check(upload("../../Ảnh quầy.png", png()), kinds=files.IMAGES) == (
        "Ảnh quầy.png",
        "png",
    )


def test_check_refuses_kinds_not_asked_for():
    with pytest.raises(ValidationError) as exc:
        files.check(upload("anh.png", png()), kinds=files.DOCUMENTS)
    assert exc.value.messages == [
        "Tệp 'anh.png' không phải PDF, DOCX hay XLSX (kiểm tra theo nội dung tệp)."
    ]


def test_check_refuses_an_exe_renamed_pdf():
    with pytest.raises(ValidationError, match=re.escape("Tệp 'chuong-trinh.pdf' không phải PDF")):
        files.check(upload("chuong-trinh.pdf", EXE), kinds=files.DOCUMENTS)


def test_check_refuses_oversize_and_empty_files(settings):
    settings.CHISO_MAX_UPLOAD_MB = 2.5
    with pytest.raises(ValidationError) as exc:
        files.check(upload("lon.pdf", PDF + b"0" * (3 * MB)), kinds=files.DOCUMENTS)
    assert exc.value.messages == ["Tệp 'lon.pdf' quá lớn (3,0 MB); tối đa 2,5 MB."]
    with pytest.raises(ValidationError, match=re.escape("Tệp 'rong.pdf' rỗng.")):
        files.check(upload("rong.pdf", b""), kinds=files.DOCUMENTS)


def test_kinds_label():
    assert files.kinds_label(files.DOCUMENTS) == "PDF, DOCX hay XLSX"
    assert files.kinds_label((*files.DOCUMENTS, *files.IMAGES)) == "PDF, DOCX, XLSX, PNG hay JPEG"
    assert files.kinds_label(("pdf",)) == "PDF"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 byte"),
        (1023, "1023 byte"),
        (1536, "1,5 KB"),
        (int(1.2 * MB), "1,2 MB"),
        (10 * MB, "10,0 MB"),
        (3 * 1024 * MB, "3,0 GB"),
    ],
)
def test_human_size_is_vietnamese(size, text):
    assert files.human_size(size) == text


def test_safe_display_name():
    assert files.safe_display_name("..\\..\\win\\boot.ini.pdf") == "boot.ini.pdf"
    assert files.safe_display_name("../..") == "tep-dinh-kem"
    assert files.safe_display_name("a\x00b\n.pdf") == "ab.pdf"
    assert files.safe_display_name("Bao cao" + "x" * 300 + ".docx").endswith("x.docx")
    assert len(files.safe_display_name("x" * 300 + ".docx")) == 255


# -- storage ---------------------------------------------------------------------------------------


def test_path_for_stays_under_the_root(upload_dir):
    assert files.path_for("actions/7", "abc") == upload_dir.absolute() / "actions" / "7" / "abc"
    with pytest.raises(ValidationError, match="Thư mục lưu tệp không hợp lệ"):
        files.path_for("../outside", "abc")


def test_an_upload_root_behind_a_symlink_works(db, settings, tmp_path):
    """Deployments often point /srv/chiso at a release directory: resolving only one side of the
    containment check refused every upload and download there."""
    real = tmp_path / "release" / "uploads"
    real.mkdir(parents=True)
    (tmp_path / "current").symlink_to(tmp_path / "release")
    settings.CHISO_UPLOAD_DIR = tmp_path / "current" / "uploads"
    with files.stored(upload("Báo cáo.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS) as s:
        pass
    assert s.path.read_bytes() == PDF
    assert (real / "actions" / "3" / s.stored_name).exists()
    with pytest.raises(ValidationError, match="Thư mục lưu tệp không hợp lệ"):
        files.path_for("../../release", "x")


def test_stored_writes_under_a_random_name_with_sha256(db, upload_dir):
    with files.stored(upload("Báo cáo.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS) as s:
        pass
    assert (s.kind, s.original_name, s.size) == ("pdf", "Báo cáo.pdf", len(PDF))
    assert s.sha256 == hashlib.sha256(PDF).hexdigest()
    assert s.path == upload_dir.absolute() / "actions" / "3" / s.stored_name
    assert len(s.stored_name) == files.STORED_NAME_LENGTH and "Báo" not in s.stored_name
    assert s.path.read_bytes() == PDF
    assert [p.name for p in s.path.parent.iterdir()] == [s.stored_name]  # no .part left


def test_stored_deletes_the_file_when_the_body_fails(db, upload_dir):
    checked = upload("a.pdf", PDF)
    with (
        pytest.raises(RuntimeError, match="db down"),
        files.stored(checked, subdir="actions/3", kinds=files.DOCUMENTS) as s,
    ):
        assert s.path.exists()
        raise RuntimeError("db down")
    assert not s.path.exists()
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_stored_body_is_a_transaction_rolled_back_with_the_file(db, upload_dir):
    """The row written in the body and the file go together: neither survives a failure."""
    with (
        pytest.raises(RuntimeError, match="audit down"),
        files.stored(upload("a.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS) as s,
    ):
        User.objects.create_user("ghi-trong-giao-dich")
        raise RuntimeError("audit down")
    assert not User.objects.filter(username="ghi-trong-giao-dich").exists()
    assert not s.path.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_deletes_the_file(monkeypatch, upload_dir):
    """The body ran to its end, but COMMIT failed (disk full, lost connection): no row, and no
    file either. Before, the file was only deleted when the body itself raised."""
    connection = transaction.get_connection()

    def failed_commit():
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(connection, "commit", failed_commit)
    with (
        pytest.raises(OperationalError, match="disk I/O error"),
        files.stored(upload("a.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS) as s,
    ):
        User.objects.create_user("ghi-trong-giao-dich")
    monkeypatch.undo()
    assert not User.objects.filter(username="ghi-trong-giao-dich").exists()
    assert not s.path.exists()
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


@pytest.mark.django_db(transaction=True)
def test_stored_commits_when_the_body_ends(upload_dir):
    with files.stored(upload("a.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS) as s:
        User.objects.create_user("ghi-trong-giao-dich")
        assert transaction.get_connection().in_atomic_block
    assert not transaction.get_connection().in_atomic_block  # committed, not left pending
    assert User.objects.filter(username="ghi-trong-giao-dich").exists() and s.path.exists()


def test_stored_inside_an_outer_transaction_is_refused(db, upload_dir):
    """A rollback of an outer block would come after ``stored`` is gone, orphaning the file:
    ``stored`` must be the outermost transaction, and says so at once."""
    with (
        pytest.raises(RuntimeError, match="durable"),
        transaction.atomic(),
        files.stored(upload("a.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS),
    ):
        pytest.fail("the body must not run inside an outer transaction")
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_refused_files_never_touch_the_disk(upload_dir):
    with (
        pytest.raises(ValidationError),
        files.stored(upload("x.pdf", EXE), subdir="actions/3", kinds=files.DOCUMENTS),
    ):
        pytest.fail("the body must not run for a refused file")
    assert not upload_dir.exists()


def test_a_failed_write_leaves_nothing(monkeypatch, upload_dir):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with (
        pytest.raises(OSError, match="No space left"),
        files.stored(upload("a.pdf", PDF), subdir="actions/3", kinds=files.DOCUMENTS),
    ):
        pytest.fail("the body must not run when the write failed")
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


# -- download ------------------------------------------------------------------------------------


def test_download_response_headers(tmp_path):
    path = tmp_path / "stored"
    path.write_bytes(PDF)
    response = files.download_response(path, filename='Tham luận "cuối".pdf', kind="pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Tham%20lu%E1%BA%ADn%20%22cu%E1%BB%91i%22.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF
    response.file_to_stream.close()  # response.close() would fire request_finished (database)


def test_images_download_as_attachments_too(tmp_path):
    path = tmp_path / "stored"
    path.write_bytes(png())
    response = files.download_response(path, filename="anh.png", kind="png")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    response.file_to_stream.close()


def test_download_of_a_missing_file_is_404(tmp_path):
    with pytest.raises(Http404):
        files.download_response(tmp_path / "gone", filename="a.pdf", kind="pdf")
