"""Content-checked uploads shared by every app that keeps users' files.

Tham luận attachments and the evidence of remediation actions both go through here, so the rules
live once:

- the kind is decided by the bytes, never by the name (an ``.exe`` renamed ``.pdf`` is refused);
- DOCX and XLSX are ZIP archives: a ZIP must start like one, contain the parts of the claimed
  kind and not inflate out of proportion (zip bombs), because these files are later opened on the
  Sở Nội vụ's computers and by Python readers;
- the size is capped by ``CHISO_MAX_UPLOAD_MB``;
- files are stored under ``<CHISO_UPLOAD_DIR>/<subdir>/<random name>``; the user's name is only
  shown and sent back as the download name;
- the write is atomic (temporary file, then rename) and yields the SHA-256 the audit log records;
- the file is checked and written *before* the database transaction (SQLite write transactions
  start IMMEDIATE: sniffing and writing 10 MB inside one would stall every other user's save);
  the caller's database write is the body of :func:`stored`, one durable transaction, and the
  file is deleted if that transaction fails or does not commit, so a refused row never leaves an
  orphan file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404

from chiso import zipcheck
from chiso.vi import format_number, format_points  # format_points: 10 -> "10", 2.5 -> "2,5"

PDF, DOCX, XLSX, PNG, JPEG = "pdf", "docx", "xlsx", "png", "jpeg"
DOCUMENTS = (PDF, DOCX, XLSX)
IMAGES = (PNG, JPEG)
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", PNG: "PNG", JPEG: "JPEG"}
MIME_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PNG: "image/png",
    JPEG: "image/jpeg",
}

# Zip-bomb limits: the core's (chiso.zipcheck judges the archive), named here so a test or a
# deployment can tighten them for uploads alone.
MAX_UNCOMPRESSED_BYTES = zipcheck.MAX_UNCOMPRESSED_BYTES
MAX_RATIO = zipcheck.MAX_RATIO
RATIO_FLOOR_BYTES = zipcheck.RATIO_FLOOR_BYTES

_ZIP_MAGIC = b"PK\x03\x04"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
STORED_NAME_LENGTH = 32  # uuid4().hex


@dataclass(frozen=True)
class StoredFile:
    """A checked file now on disk; what the caller's model row records."""

    kind: str
    original_name: str
    stored_name: str
    size: int
    sha256: str
    path: Path


def upload_root() -> Path:
    """Root of stored files, outside the web root (``CHISO_UPLOAD_DIR``)."""
    return Path(settings.CHISO_UPLOAD_DIR).absolute()


def path_for(subdir: str, stored_name: str) -> Path:
    """``<upload root>/<subdir>/<stored name>``, refusing anything that would leave the root."""
    root = upload_root()
    target = root / subdir / stored_name
    # Both sides resolved: the upload root may sit behind a symlink (/srv/chiso → a release dir).
    if not target.resolve().is_relative_to(root.resolve()) or target.resolve() == root.resolve():
        raise ValidationError("Thư mục lưu tệp không hợp lệ.")
    return target


def safe_display_name(name: str, *, default: str = "tep-dinh-kem") -> str:
    """The user's file name reduced to a harmless display name: last path part only, no control
    characters, no leading dots, at most 255 characters (``default`` when nothing is left)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if not name:
        name = default
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:255]
    return name


def kinds_label(kinds: Iterable[str]) -> str:
    """("pdf", "docx", "xlsx") -> "PDF, DOCX hay XLSX", for messages."""
    labels = [LABELS[k] for k in kinds]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} hay {labels[-1]}"


def human_size(size: int) -> str:
    """1_258_291 -> "1,2 MB": one decimal, Vietnamese separators, binary units as Office shows."""
    if size < 1024:
        return f"{size} byte"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{format_number(size, 1)} {unit}"
    raise AssertionError("unreachable")


def max_upload_bytes() -> int:
    return int(float(settings.CHISO_MAX_UPLOAD_MB) * 1024 * 1024)


def _office_kind(stream: IO[bytes], display: str) -> str | None:
    """DOCX or XLSX if ``stream`` is a sane Office Open XML package, else None.

    Raises ValidationError for an archive that would inflate out of proportion.
    """
    members = zipcheck.members(stream)
    if members is None:
        return None
    limits = {"max_total": MAX_UNCOMPRESSED_BYTES, "max_ratio": MAX_RATIO}
    if zipcheck.inflates_too_much(members, ratio_floor=RATIO_FLOOR_BYTES, **limits):
        raise ValidationError(zipcheck.refusal_message(display, **limits))
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in _OFFICE_PARTS.items():
        if part in names:
            return kind
    return None


def sniff(stream: IO[bytes], *, display: str = "") -> str | None:
    """The kind of the file by its content (one of ``LABELS``), or None when unknown.

    A ZIP must start with a local file header: an executable with a ZIP appended (a
    self-extracting archive) is not a document even though ``zipfile`` would open it.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(_PNG_MAGIC):
            return PNG
        if head.startswith(_JPEG_MAGIC):
            return JPEG
        if head.startswith(_ZIP_MAGIC):
            return _office_kind(stream, display)
        return None
    finally:
        stream.seek(0)


def check(uploaded_file, *, kinds: Iterable[str]) -> tuple[str, str]:
    """(display name, kind) of an acceptable upload; ValidationError in Vietnamese otherwise."""
    kinds = tuple(kinds)
    display = safe_display_name(getattr(uploaded_file, "name", ""))
    if uploaded_file.size > max_upload_bytes():
        raise ValidationError(
            f"Tệp '{display}' quá lớn ({human_size(uploaded_file.size)}); "
            f"tối đa {format_points(float(settings.CHISO_MAX_UPLOAD_MB))} MB."
        )
    if uploaded_file.size == 0:
        raise ValidationError(f"Tệp '{display}' rỗng.")
    kind = sniff(uploaded_file, display=display)
    if kind not in kinds:
        raise ValidationError(
            f"Tệp '{display}' không phải {kinds_label(kinds)} (kiểm tra theo nội dung tệp)."
        )
    return display, kind


def write(uploaded_file, target: Path) -> tuple[int, str]:
    """Write ``uploaded_file`` to ``target`` atomically (temporary file, then rename); returns the
    number of bytes written and their SHA-256. Nothing is left on disk if it fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(temporary, "xb") as out:
            uploaded_file.seek(0)
            for chunk in uploaded_file.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


@contextmanager
def stored(uploaded_file, *, subdir: str, kinds: Iterable[str]) -> Iterator[StoredFile]:
    """Check and store ``uploaded_file``; the ``with`` body, one database transaction, records it.

    The file is written before the transaction opens. The transaction is *durable* (the
    outermost one, never a savepoint): when the body ends without an exception the row is
    committed, and when the body or the COMMIT raises, the file is deleted before the exception
    goes on. Called inside another ``atomic`` block it raises RuntimeError (the file is deleted
    again): a later rollback of that outer block would orphan the file with nobody to delete it.
    Check permissions before calling: refused users must not get a byte written.
    """
    display, kind = check(uploaded_file, kinds=kinds)
    stored_name = uuid.uuid4().hex
    target = path_for(subdir, stored_name)
    size, sha256 = write(uploaded_file, target)
    try:
        with transaction.atomic(durable=True):
            yield StoredFile(kind, display, stored_name, size, sha256, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def remove_after_commit(path: Path) -> None:
    """Delete ``path`` once the row that referenced it is gone for good (not on rollback)."""
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


def download_response(path: Path, *, filename: str, kind: str) -> FileResponse:
    """Stream a stored file as a download under its original name; 404 when it is missing.

    Always ``attachment`` (never shown inline) and ``nosniff``, so a browser cannot be talked into
    running an upload as a page.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=MIME_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
