"""Evidence files of remediation actions: who may add, download and remove; state; storage."""

import hashlib
import io
import zipfile
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.web import files
from chiso.web.actions import services
from chiso.web.actions.models import Action, ActionEvidence
from chiso.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def upload_dir(upload_dir):
    """Every test here uploads: the private folder of tests/web/conftest.py for each."""
    return upload_dir


@pytest.fixture
def foreign_action(foreign, make_action):
    """An action of another agency (STP)."""
    return make_action(foreign)


def _upload(name="minh-chung.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _add(user, action, name="minh-chung.pdf", content=PDF, note=""):
    return services.evidence_add(
        acting_user=user, action=action, uploaded_file=_upload(name, content), note=note
    )


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# -- service -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("Quyết định.pdf", PDF, "pdf"), ("Quầy một cửa.png", PNG, "png"), ("quay.jpg", JPEG, "jpeg")],
)
def test_member_adds_evidence_stored_under_a_random_name(
    member, action, upload_dir, name, content, kind
):
    evidence = _add(member, action, name, content, note="  Ảnh   chụp\nquầy ")
    assert (evidence.content_type, evidence.original_name, evidence.size) == (
        kind,
        name,
        len(content),
    )
    assert evidence.note == "Ảnh chụp quầy"
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    path = services.evidence_path(evidence)
    assert path == upload_dir.absolute() / "actions" / str(action.pk) / evidence.stored_name
    assert path.read_bytes() == content and name not in str(path)
    event = AuditEvent.objects.get(event="action.evidence_added")
    assert (event.object_type, event.object_id) == ("actions.action", str(action.pk))
    assert event.actor == member
    assert {k: event.new[k] for k in ("name", "size", "sha256", "type")} == {
        "name": name,
        "size": len(content),
        "sha256": evidence.sha256,
        "type": kind,
    }


def test_docx_and_xlsx_evidence_is_accepted(member, action):
    import docx
    import openpyxl

    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả")
    out = io.BytesIO()
    document.save(out)
    assert _add(member, action, "bao-cao.docx", out.getvalue()).content_type == "docx"
    workbook = openpyxl.Workbook()
    out = io.BytesIO()
    workbook.save(out)
    assert _add(member, action, "so-lieu.xlsx", out.getvalue()).content_type == "xlsx"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("chuong-trinh.pdf", EXE, "không phải PDF, DOCX, XLSX, PNG hay JPEG"),
        ("anh.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "không phải PDF"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_files_refused_by_content_leave_nothing(member, action, upload_dir, name, content, message):
    with pytest.raises(ValidationError, match=message):
        _add(member, action, name, content)
    assert not ActionEvidence.objects.exists()
    assert not AuditEvent.objects.filter(event="action.evidence_added").exists()
    assert _stored_files(upload_dir) == []


def test_oversize_evidence_is_refused(settings, member, action, upload_dir):
    settings.CHISO_MAX_UPLOAD_MB = 0.00005  # about 52 bytes
    with pytest.raises(ValidationError, match="quá lớn"):
        _add(member, action, "lon.pdf", PDF + b"0" * 100)
    assert not ActionEvidence.objects.exists()
    assert _stored_files(upload_dir) == []


def test_zip_bomb_evidence_is_refused(member, action, upload_dir):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.png", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="nội dung nén bất thường"):
        _add(member, action, "bao-cao.docx", out.getvalue())
    assert not ActionEvidence.objects.exists()
    assert _stored_files(upload_dir) == []


def test_coordinator_and_administrator_add_to_any_agencys_action(
    coordinator, administrator, foreign_action
):
    assert _add(coordinator, foreign_action).uploaded_by == coordinator
    assert _add(administrator, foreign_action).uploaded_by == administrator
    assert foreign_action.evidence.count() == 2


def test_leader_and_other_agency_cannot_add_or_remove(member, leader, other_member, action):
    evidence = _add(member, action)
    for user in (leader, other_member):
        with pytest.raises(PermissionDenied):
            _add(user, action)
        with pytest.raises(PermissionDenied):
            services.evidence_remove(acting_user=user, evidence=evidence)
    assert ActionEvidence.objects.count() == 1


def test_cancelled_action_takes_no_evidence_but_done_does(member, action, upload_dir):
    evidence = _add(member, action)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    with pytest.raises(ValidationError, match="đã hủy: không thêm minh chứng được"):
        _add(member, action)
    with pytest.raises(ValidationError, match="đã hủy: không gỡ minh chứng được"):
        services.evidence_remove(acting_user=member, evidence=evidence)
    assert ActionEvidence.objects.count() == 1 and len(_stored_files(upload_dir)) == 1
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DONE, progress=100)
    assert _add(member, action, "ket-qua.pdf").original_name == "ket-qua.pdf"


def test_permission_and_state_are_checked_before_any_byte_is_written(
    monkeypatch, member, leader, other_member, action
):
    writes = []
    monkeypatch.setattr(files, "write", lambda uploaded, target: writes.append(target))
    for user in (leader, other_member):
        with pytest.raises(PermissionDenied):
            _add(user, action)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    with pytest.raises(ValidationError, match="đã hủy"):
        _add(member, Action.objects.get(pk=action.pk))
    assert writes == []


def test_an_action_cancelled_while_the_file_was_written_gets_no_evidence(
    monkeypatch, member, action, upload_dir
):
    """The page's copy of the action was open; the check under the lock sees it cancelled."""
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    with pytest.raises(ValidationError, match="đã hủy"):
        _add(member, action)  # the stale object still says "planned"
    assert not ActionEvidence.objects.exists()
    assert _stored_files(upload_dir) == []


def test_remove_deletes_row_and_file_after_commit_and_is_audited(
    member, action, django_capture_on_commit_callbacks
):
    evidence = _add(member, action, "Báo cáo.pdf")
    path = services.evidence_path(evidence)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.evidence_remove(acting_user=member, evidence=evidence)
    assert path.exists()  # not before the commit: a rollback must find the file
    for callback in callbacks:
        callback()
    assert not path.exists()
    assert not ActionEvidence.objects.exists()
    event = AuditEvent.objects.get(event="action.evidence_removed")
    assert event.object_id == str(action.pk)
    assert (event.old["name"], event.old["size"], event.old["sha256"]) == (
        "Báo cáo.pdf",
        len(PDF),
        evidence.sha256,
    )


def test_no_orphan_file_when_the_database_save_fails(monkeypatch, member, action, upload_dir):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(ActionEvidence, "save", broken_save)
    with pytest.raises(RuntimeError, match="database is locked"):
        _add(member, action)
    assert _stored_files(upload_dir) == []
    assert not AuditEvent.objects.filter(event="action.evidence_added").exists()


def test_no_orphan_file_when_the_audit_row_fails(monkeypatch, member, action, upload_dir):
    def broken_record(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError, match="audit down"):
        _add(member, action)
    assert _stored_files(upload_dir) == []
    assert not ActionEvidence.objects.exists()


def test_nothing_saved_when_the_file_write_fails(monkeypatch, member, action, upload_dir):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        _add(member, action)
    assert not ActionEvidence.objects.exists()
    assert not AuditEvent.objects.filter(event="action.evidence_added").exists()
    assert _stored_files(upload_dir) == []


# -- views -------------------------------------------------------------------------------------


def _urls(action, evidence):
    return (
        reverse("evidence_add", args=[action.pk]),
        reverse("evidence_download", args=[action.pk, evidence.pk]),
        reverse("evidence_remove", args=[action.pk, evidence.pk]),
    )


def _list(client, action) -> str:
    return client.get(reverse("action_list", args=[action.campaign_id])).content.decode()


def test_urls_are_the_documented_ones(action):
    assert reverse("evidence_add", args=[7]) == "/hanh-dong/7/minh-chung/"
    assert reverse("evidence_download", args=[7, 3]) == "/hanh-dong/7/minh-chung/3/"
    assert reverse("evidence_remove", args=[7, 3]) == "/hanh-dong/7/minh-chung/3/go/"


def test_anonymous_goes_to_login(client, member, action):
    evidence = _add(member, action)
    add, download, remove = _urls(action, evidence)
    for response in (
        client.post(add, {"file": _upload()}),
        client.get(download),
        client.post(remove),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert ActionEvidence.objects.count() == 1


def test_member_uploads_through_the_page_and_sees_it_listed(client, member, action):
    client.force_login(member)
    response = client.post(
        reverse("evidence_add", args=[action.pk]),
        {"file": _upload("Quầy một cửa.png", PNG), "note": "Ảnh sau cải tạo"},
    )
    assert response.status_code == 302
    assert response.url == (
        reverse("action_list", args=[action.campaign_id]) + f"#hanh-dong-{action.pk}"
    )
    evidence = ActionEvidence.objects.get()
    assert evidence.note == "Ảnh sau cải tạo"
    page = _list(client, action)
    assert "Quầy một cửa.png" in page and "Ảnh sau cải tạo" in page
    assert reverse("evidence_download", args=[action.pk, evidence.pk]) in page
    assert reverse("evidence_remove", args=[action.pk, evidence.pk]) in page
    assert f"Ảnh PNG, {len(PNG)} byte; cb.bdt, {timezone.localdate():%-d/%-m/%Y}" in page
    assert 'enctype="multipart/form-data"' in page
    assert f'id="ev{action.pk}-file"' in page


def test_sizes_are_shown_the_vietnamese_way(client, member, action):
    _add(member, action, "lon.pdf", PDF + b"0" * int(1.2 * 1024 * 1024))
    client.force_login(member)
    assert "1,2 MB" in _list(client, action)


def test_refused_upload_shows_the_reason(client, member, action):
    client.force_login(member)
    response = client.post(
        reverse("evidence_add", args=[action.pk]),
        {"file": _upload("chuong-trinh.pdf", EXE)},
        follow=True,
    )
    assert (
        "Tệp &#x27;chuong-trinh.pdf&#x27; không phải PDF, DOCX, XLSX, PNG hay JPEG"
        in response.content.decode()
    )
    assert not ActionEvidence.objects.exists()


def test_upload_without_a_file_is_an_error_message(client, member, action):
    client.force_login(member)
    response = client.post(reverse("evidence_add", args=[action.pk]), {}, follow=True)
    assert "Chưa chọn tệp minh chứng" in response.content.decode()


def test_download_streams_the_file_with_safe_headers(client, member, leader, coordinator, action):
    evidence = _add(member, action, 'Biên bản "kiểm tra".pdf')
    url = reverse("evidence_download", args=[action.pk, evidence.pk])
    for user in (member, leader, coordinator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n" in disposition
        # Reading the stream closes the file; response.close() would also fire
        # request_finished, which closes the test's database connection (PostgreSQL).
        assert b"".join(response.streaming_content) == PDF


def test_download_of_a_file_missing_on_disk_is_404(client, member, action):
    evidence = _add(member, action)
    services.evidence_path(evidence).unlink()
    client.force_login(member)
    response = client.get(reverse("evidence_download", args=[action.pk, evidence.pk]))
    assert response.status_code == 404


def test_another_agencys_member_gets_404_everywhere(client, member, other_member, action):
    evidence = _add(member, action)
    add, download, remove = _urls(action, evidence)
    client.force_login(other_member)
    assert client.post(add, {"file": _upload()}).status_code == 404
    assert client.get(download).status_code == 404
    assert client.post(remove).status_code == 404
    assert list(ActionEvidence.objects.all()) == [evidence]


def test_evidence_of_another_action_is_404(client, member, coordinator, action, foreign_action):
    foreign_evidence = _add(coordinator, foreign_action)
    client.force_login(member)
    _, download, remove = _urls(action, foreign_evidence)
    assert client.get(download).status_code == 404
    assert client.post(remove).status_code == 404
    client.force_login(coordinator)
    assert client.get(download).status_code == 404
    assert ActionEvidence.objects.count() == 1


def test_leader_downloads_but_cannot_add_or_remove(client, member, leader, action):
    evidence = _add(member, action)
    add, download, remove = _urls(action, evidence)
    client.force_login(leader)
    response = client.get(download)
    assert response.status_code == 200
    # Reading the stream closes the file; response.close() would also fire request_finished,
    # which closes the test's database connection (PostgreSQL).
    assert b"".join(response.streaming_content) == PDF
    assert client.post(add, {"file": _upload()}).status_code == 403
    assert client.post(remove).status_code == 403
    assert ActionEvidence.objects.count() == 1
    page = _list(client, action)
    assert download in page
    assert remove not in page and 'enctype="multipart/form-data"' not in page


def test_coordinator_adds_and_removes_through_the_page(client, coordinator, foreign_action):
    client.force_login(coordinator)
    client.post(reverse("evidence_add", args=[foreign_action.pk]), {"file": _upload("a.pdf")})
    evidence = ActionEvidence.objects.get()
    assert evidence.uploaded_by == coordinator
    response = client.post(
        reverse("evidence_remove", args=[foreign_action.pk, evidence.pk]), follow=True
    )
    assert "Đã gỡ minh chứng &#x27;a.pdf&#x27;." in response.content.decode()
    assert not ActionEvidence.objects.exists()
    assert AuditEvent.objects.filter(event="action.evidence_removed").count() == 1


def test_cancelled_action_shows_no_upload_form_and_refuses_on_post(client, member, action):
    evidence = _add(member, action)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.CANCELLED)
    client.force_login(member)
    page = _list(client, action)
    assert reverse("evidence_download", args=[action.pk, evidence.pk]) in page
    assert 'enctype="multipart/form-data"' not in page
    assert reverse("evidence_remove", args=[action.pk, evidence.pk]) not in page
    response = client.post(
        reverse("evidence_add", args=[action.pk]), {"file": _upload()}, follow=True
    )
    assert "đã hủy: không thêm minh chứng được" in response.content.decode()
    assert ActionEvidence.objects.count() == 1


def test_xlsx_export_counts_evidence(client, member, coordinator, action, foreign_action):
    _add(member, action)
    _add(member, action, "b.pdf")
    client.force_login(coordinator)
    response = client.get(reverse("action_export", args=[action.campaign_id]))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][-1] == "Số minh chứng"
    counts = {row[3]: row[-1] for row in rows[1:]}
    assert counts == {action.title: 2, foreign_action.title: 0}


def test_every_accepted_kind_can_be_recorded():
    """The service accepts exactly the kinds the model can store (else full_clean would refuse)."""
    assert set(ActionEvidence.Kind.values) == set(services.EVIDENCE_KINDS)
