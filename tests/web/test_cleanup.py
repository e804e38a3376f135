"""What a crash leaves behind is cleaned at the next start, and nothing else is touched."""

import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.web import bootstrap
from chiso.web.campaigns import services
from chiso.web.cleanup import ORPHANED, stale_files_remove
from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.CHISO_UPLOAD_DIR = tmp_path / "data" / "uploads"
    (settings.DATA_DIR / "datasets").mkdir(parents=True)
    settings.CHISO_UPLOAD_DIR.mkdir()
    return settings.DATA_DIR / "datasets", settings.CHISO_UPLOAD_DIR


def _file(path, content=b"x", *, age=2 * 3600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _dataset(user, name: str) -> Dataset:
    return Dataset.objects.create(
        kind="sheet",
        province="Lạng Sơn",
        year=2025,
        standard="PAR-TINH-2025",
        original_name="bang-diem.csv",
        stored_path=name,
        rows=1,
        sha256="0" * 64,
        uploaded_by=user,
        active=False,
    )


def _hex() -> str:
    return uuid.uuid4().hex


def test_stale_work_files_go_and_finished_orphans_are_set_aside(folders, coordinator):
    datasets, _ = folders
    named = _file(datasets / f"{_hex()}.csv")
    _dataset(coordinator, named.name)
    survey = _file(datasets / _hex() / f"{'a' * 64}.parquet").parent
    _dataset(coordinator, f"{survey.name}/{'a' * 64}.parquet")
    incoming = _file(datasets / f".{_hex()}.xlsx")
    partial = _file(datasets / f"..{_hex()}.csv.part")
    staging = _file(datasets / f".{_hex()}" / "x.parquet").parent
    os.utime(staging, (time.time() - 7200, time.time() - 7200))  # a survey import's folder
    orphan = _file(datasets / f"{_hex()}.csv", b"placed, never committed")
    fresh = _file(datasets / f"{_hex()}.csv", age=60)  # an import that may be committing now
    foreign = _file(datasets / "ghi-chu.txt")  # not a name chiso makes

    swept = stale_files_remove()

    assert sorted(swept.removed) == sorted([incoming, partial, staging])
    assert swept.set_aside == [orphan]
    assert not incoming.exists() and not partial.exists() and not staging.exists()
    assert (datasets / ORPHANED / orphan.name).read_bytes() == b"placed, never committed"
    for kept in (named, survey, fresh, foreign):
        assert kept.exists()


def test_uploads_without_a_row_are_set_aside(folders, own, member):
    _, uploads = folders
    attachment = services.attachment_add(
        acting_user=member,
        contribution=own,
        uploaded_file=SimpleUploadedFile("bao-cao.pdf", PDF),
    )
    named = services.attachment_path(attachment)
    orphan = _file(uploads / str(own.pk) / _hex())
    evidence_orphan = _file(uploads / "actions" / "7" / _hex())
    partial = _file(uploads / str(own.pk) / f".{_hex()}.part")
    fresh = _file(uploads / str(own.pk) / _hex(), age=10)

    swept = stale_files_remove()

    assert swept.removed == [partial]
    assert sorted(swept.set_aside) == sorted([orphan, evidence_orphan])
    assert (uploads / ORPHANED / str(own.pk) / orphan.name).exists()
    assert (uploads / ORPHANED / "actions" / "7" / evidence_orphan.name).exists()
    assert named.read_bytes() == PDF and fresh.exists()


def test_a_database_that_names_no_file_of_a_folder_moves_nothing(folders, coordinator):
    """Pointed at the wrong (say, empty) database, every file would look orphaned: kept."""
    datasets, uploads = folders
    tables = [_file(datasets / f"{_hex()}.csv") for _ in range(3)]
    attachments = [_file(uploads / "12" / _hex()) for _ in range(3)]
    work = _file(datasets / f".{_hex()}.csv")

    swept = stale_files_remove()

    assert swept.removed == [work] and swept.set_aside == []
    assert all(path.exists() for path in tables + attachments)


def test_the_next_start_cleans(folders, coordinator):
    datasets, _ = folders
    _dataset(coordinator, _file(datasets / f"{_hex()}.csv").name)
    work = _file(datasets / f".{_hex()}.csv")
    orphan = _file(datasets / f"{_hex()}.xlsx")
    bootstrap.prepare()
    assert not work.exists() and not orphan.exists()
    assert (datasets / ORPHANED / orphan.name).exists()
