"""Attachments: type by content, size cap, storage outside the web root, who may do what."""

import io

import pytest
import samples
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from chiso.web import files
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns import services
from chiso.web.campaigns.models import Attachment, Contribution

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def upload_dir(upload_dir):
    """Every test here uploads: the private folder of tests/web/conftest.py for each."""
    return upload_dir


def _xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Điểm"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _add(user, contribution, name="minh-chung.pdf", content=PDF):
    return services.attachment_add(
        acting_user=user, contribution=contribution, uploaded_file=_upload(name, content)
    )


# -- service -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("bao-cao.pdf", lambda: PDF, "pdf"),
        ("Báo cáo.docx", samples.docx, "docx"),
        ("so.xlsx", _xlsx, "xlsx"),
    ],
)
def test_real_files_are_accepted_and_stored_under_a_random_name(
    member, own, upload_dir, name, build, kind
):
    content = build()
    attachment = _add(member, own, name, content)
    assert attachment.content_type == kind
    assert attachment.original_name == name
    assert attachment.size == len(content)
    path = services.attachment_path(attachment)
    assert path.parent == upload_dir.absolute() / str(own.pk)
    assert path.name == attachment.stored_name != name
    assert path.read_bytes() == content
    assert not list(path.parent.glob(".*.part"))
    event = AuditEvent.objects.get(event="contribution.attachment_added")
    assert event.new["name"] == name and event.new["sha256"] == attachment.sha256


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("chuong-trinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("ghi-chu.docx", "Chỉ là văn bản".encode()),
    ],
)
def test_files_that_are_not_pdf_docx_xlsx_by_content_are_refused(member, own, name, content):
    with pytest.raises(ValidationError) as exc:
        _add(member, own, name, content)
    assert f"Tệp '{name}' không phải PDF, DOCX hay XLSX" in exc.value.messages[0]
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(event="contribution.attachment_added").exists()


def test_a_zip_that_is_not_an_office_document_is_refused(member, own):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p/>")
    with pytest.raises(ValidationError, match="không phải PDF, DOCX hay XLSX"):
        _add(member, own, "trinh-chieu.docx", out.getvalue())


def test_oversize_files_are_refused(settings, member, own, upload_dir):
    settings.CHISO_MAX_UPLOAD_MB = 0.00005  # about 52 bytes
    with pytest.raises(ValidationError, match="quá lớn"):
        _add(member, own, "lon.pdf", PDF + b"0" * 100)
    assert not Attachment.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.rglob("*"))


def test_path_parts_in_the_file_name_are_only_a_display_name(member, own, upload_dir):
    attachment = _add(member, own, "../../etc/passwd.pdf")
    assert attachment.original_name == "passwd.pdf"
    path = services.attachment_path(attachment)
    assert upload_dir.absolute() in path.resolve().parents
    assert "passwd" not in str(path)
    assert files.safe_display_name("..\\..\\win\\boot.ini.pdf") == "boot.ini.pdf"
    assert files.safe_display_name("../..") == "tep-dinh-kem"


def test_upload_and_remove_after_submit_are_refused(member, own, fill):
    attachment = _add(member, own)
    services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    with pytest.raises(ValidationError, match="Đã nộp"):
        _add(member, own)
    with pytest.raises(ValidationError, match="Đã nộp"):
        services.attachment_remove(acting_user=member, attachment=attachment)


def test_other_agency_and_leader_cannot_upload(other_member, leader, own):
    for user in (other_member, leader):
        with pytest.raises(PermissionDenied):
            _add(user, own)


@pytest.fixture
def writes(monkeypatch):
    """Every file the upload module writes: refusals must come before the first byte."""
    calls = []
    real = files.write

    def spy(uploaded_file, target):
        calls.append(target)
        return real(uploaded_file, target)

    monkeypatch.setattr(files, "write", spy)
    return calls


def test_permission_and_state_are_checked_before_any_byte_is_written(
    writes, member, other_member, leader, own, fill
):
    for user in (other_member, leader):
        with pytest.raises(PermissionDenied):
            _add(user, own)
    services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    with pytest.raises(ValidationError, match="Đã nộp"):
        _add(member, Contribution.objects.get(pk=own.pk))  # as the view fetches it
    assert writes == []


def test_a_contribution_submitted_while_the_file_was_written_gets_no_attachment(
    member, own, fill, upload_dir
):
    """A stale copy passes the early check; the check under the lock refuses, file deleted."""
    stale = Contribution.objects.get(pk=own.pk)
    services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    with pytest.raises(ValidationError, match="Đã nộp"):
        _add(member, stale)
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_no_orphan_file_when_the_database_part_rolls_back(monkeypatch, member, own, upload_dir):
    def broken_record(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError, match="audit down"):
        _add(member, own)
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_no_upload_inside_an_outer_transaction(member, own, upload_dir):
    """Its rollback would orphan the file: the service refuses to be nested."""
    with pytest.raises(RuntimeError), transaction.atomic():
        _add(member, own)
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in upload_dir.rglob("*"))


def test_remove_deletes_row_and_file_and_is_audited(
    member, own, django_capture_on_commit_callbacks
):
    attachment = _add(member, own)
    path = services.attachment_path(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(acting_user=member, attachment=attachment)
    assert not Attachment.objects.exists()
    assert not path.exists()
    event = AuditEvent.objects.get(event="contribution.attachment_removed")
    assert event.old["name"] == "minh-chung.pdf"


# -- views -------------------------------------------------------------------------------------


def _page(client, contribution):
    return client.get(reverse("contribution_detail", args=[contribution.pk]))


def test_member_uploads_through_the_page_and_sees_it_listed(client, member, own):
    client.force_login(member)
    response = client.post(
        reverse("attachment_add", args=[own.pk]), {"file": _upload("Bảng điểm.xlsx", _xlsx())}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    page = _page(client, own).content.decode()
    assert "Bảng điểm.xlsx" in page
    assert reverse("attachment_download", args=[own.pk, attachment.pk]) in page
    assert 'enctype="multipart/form-data"' in page


def test_refused_upload_shows_the_reason(client, member, own):
    client.force_login(member)
    response = client.post(
        reverse("attachment_add", args=[own.pk]),
        {"file": _upload("x.exe", b"MZ" + b"\0" * 40)},
        follow=True,
    )
    assert "Tệp &#x27;x.exe&#x27; không phải PDF, DOCX hay XLSX" in response.content.decode()
    assert not Attachment.objects.exists()


def test_download_streams_the_file_with_a_safe_name(client, member, leader, coordinator, own):
    attachment = _add(member, own, 'Tham luận "cuối".pdf')
    url = reverse("attachment_download", args=[own.pk, attachment.pk])
    for user in (member, leader, coordinator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=utf-8''" in disposition and '"cuối"' not in disposition
        assert b"".join(response.streaming_content) == PDF


def test_another_agencys_member_gets_404(client, member, other_member, own):
    attachment = _add(member, own)
    client.force_login(other_member)
    assert (
        client.get(reverse("attachment_download", args=[own.pk, attachment.pk])).status_code == 404
    )
    response = client.post(
        reverse("attachment_add", args=[own.pk]), {"file": _upload("a.pdf", PDF)}
    )
    assert response.status_code == 404
    remove = reverse("attachment_remove", args=[own.pk, attachment.pk])
    assert client.post(remove).status_code == 404
    assert Attachment.objects.count() == 1


def test_attachment_of_another_contribution_is_404(client, member, coordinator, own, foreign):
    attachment = _add(coordinator, foreign)
    client.force_login(member)
    assert (
        client.get(reverse("attachment_download", args=[own.pk, attachment.pk])).status_code == 404
    )


def test_leader_can_download_but_not_upload_or_remove(client, member, leader, own):
    attachment = _add(member, own)
    client.force_login(leader)
    assert (
        client.get(reverse("attachment_download", args=[own.pk, attachment.pk])).status_code == 200
    )
    response = client.post(
        reverse("attachment_add", args=[own.pk]), {"file": _upload("a.pdf", PDF)}
    )
    assert response.status_code == 403
    remove = reverse("attachment_remove", args=[own.pk, attachment.pk])
    assert client.post(remove).status_code == 403
    assert Attachment.objects.count() == 1


def test_coordinator_can_upload_and_remove_through_the_page(client, coordinator, own):
    client.force_login(coordinator)
    client.post(
        reverse("attachment_add", args=[own.pk]),
        {"file": _upload("a.docx", samples.docx("Minh chứng tham luận"))},
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "docx"
    client.post(reverse("attachment_remove", args=[own.pk, attachment.pk]))
    assert not Attachment.objects.exists()


def test_upload_after_submit_is_refused_on_the_page(client, member, own, fill):
    services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    client.force_login(member)
    response = client.post(
        reverse("attachment_add", args=[own.pk]), {"file": _upload("a.pdf", PDF)}, follow=True
    )
    assert "Không thể đính kèm tệp vào tham luận" in response.content.decode()
    assert not Attachment.objects.exists()
    assert 'enctype="multipart/form-data"' not in _page(client, own).content.decode()
