"""Nhập từ tệp giấy mời (YAML): the core loader fills the conference, or nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.documents.event import load_event
from chiso.web.audit.models import AuditEvent
from chiso.web.conference.events import to_event
from chiso.web.conference.models import Conference

from .conftest import CORRECTED

pytestmark = pytest.mark.django_db

BROKEN = """schema: chiso.event/1
issuer:
  name: SỞ NỘI VỤ
  code: SNV
  place: Lạng Sơn
number: {doc_type: GM, issuer_code: SNV}
issue_date: {year: 2026, month: 5}
subject: [Dự Hội nghị]
basis: Thực hiện Chương trình công tác tháng 5 năm 2026
inviter: Sở Nội vụ trân trọng kính mời đại biểu dự
kind: Hội nghị
title: Hội nghị mới
participants: [Lãnh đạo UBND tỉnh]
start: "2026-05-29 14:00"
venue: Hội trường
tasks:
  - owner: Sở Nội vụ
    text: chuẩn bị
    deadine: 2026-05-27
closing: Trân trọng kính mời
distribution: ["Lưu: VT, CCHC."]
signature: {authority: [KT. GIÁM ĐỐC], signer: Nguyễn Văn B}
"""


def _upload(client, campaign, data: bytes, name: str = "giay-moi.yaml"):
    return client.post(
        reverse("conference_import", args=[campaign.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/x-yaml")},
    )


def test_import_fills_the_conference_tasks_and_participants(client, coordinator, campaign):
    client.force_login(coordinator)
    response = _upload(client, campaign, CORRECTED.read_bytes(), CORRECTED.name)
    assert response.status_code == 302
    assert response.url == reverse("conference_detail", args=[campaign.pk])
    conference = Conference.objects.get(campaign=campaign)
    expected = load_event(CORRECTED)
    assert to_event(conference) == expected  # field for field what the CLI would read
    assert conference.participants.count() == 6
    tasks = list(conference.tasks.select_related("owner_agency"))
    assert [t.label for t in tasks] == ["a", "b", "c", "d"]
    assert [t.owner_agency.code if t.owner_agency else None for t in tasks] == [
        "SNV",
        "VPUBND",
        None,
        None,
    ]
    assert conference.chair_title == "Lãnh đạo UBND tỉnh"
    codes = set(conference.presenting_agencies.values_list("code", flat=True))
    assert codes == set(campaign.contributions.values_list("agency__code", flat=True))
    row = AuditEvent.objects.get(event="conference.imported")
    assert row.new["file"] == CORRECTED.name and row.new["tasks"] == 4


def test_an_invalid_file_shows_the_lines_and_saves_nothing(client, coordinator, campaign):
    client.force_login(coordinator)
    response = _upload(client, campaign, BROKEN.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tệp sự kiện giay-moi.yaml có 2 lỗi" in page
    assert "tệp giay-moi.yaml, dòng 14: &#x27;start&#x27; thiếu múi giờ" in page
    assert "tệp giay-moi.yaml, dòng 17: Khóa &#x27;deadine&#x27; không có" in page
    assert not Conference.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="conference.").exists()


def test_an_invalid_file_leaves_an_existing_conference_as_it_was(
    client, coordinator, conference, bdt_task
):
    from chiso.web.conference.services import task_set_done

    task_set_done(acting_user=coordinator, task=bdt_task, done=True)
    before = to_event(conference)
    client.force_login(coordinator)
    response = _upload(client, conference.campaign, BROKEN.encode())
    assert response.status_code == 400
    conference.refresh_from_db()
    assert to_event(conference) == before
    assert conference.tasks.count() == 5
    bdt_task.refresh_from_db()
    assert bdt_task.done


def test_a_yaml_syntax_error_names_its_line(client, coordinator, campaign):
    client.force_login(coordinator)
    response = _upload(client, campaign, b"schema: chiso.event/1\ntitle: [unclosed\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "không đúng cú pháp YAML" in page
    assert "dòng 3" in page or "dòng 2" in page
    assert not Conference.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(client, coordinator, campaign):
    client.force_login(coordinator)
    response = _upload(client, campaign, "title: Hội nghị".encode("utf-16"))
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not Conference.objects.exists()


def test_reimport_replaces_tasks_and_keeps_presenting_agencies(
    client, coordinator, conference, bdt_task
):
    conference.presenting_agencies.set(conference.presenting_agencies.filter(code="STP"))
    client.force_login(coordinator)
    response = _upload(client, conference.campaign, CORRECTED.read_bytes(), CORRECTED.name)
    assert response.status_code == 302
    assert conference.tasks.count() == 4  # the file's a)–d); the added task is gone
    assert list(conference.presenting_agencies.values_list("code", flat=True)) == ["STP"]
    assert AuditEvent.objects.filter(event="conference.imported").count() == 2


def test_a_file_over_one_megabyte_is_refused(client, coordinator, campaign):
    client.force_login(coordinator)
    response = _upload(client, campaign, b"# " + b"x" * 1_000_001)
    assert response.status_code == 400
    assert "quá lớn (tối đa 1 MB)" in response.content.decode()
    assert not Conference.objects.exists()


def test_reimport_logs_the_tasks_and_participants_it_replaced(coordinator, conference, bdt_task):
    """Re-importing resets every done mark: the log keeps what was there and who did what."""
    from chiso.web.conference.services import conference_import, task_set_done

    task_set_done(acting_user=coordinator, task=bdt_task, done=True)
    bdt_task.refresh_from_db()
    participants = [p.text for p in conference.participants.all()]
    conference_import(
        acting_user=coordinator,
        campaign=conference.campaign,
        data=CORRECTED.read_bytes(),
        name=CORRECTED.name,
    )
    first, again = AuditEvent.objects.filter(event="conference.imported").order_by("pk")
    assert first.old is None  # a new conference replaced nothing
    tasks = again.old["tasks"]
    assert [t["label"] for t in tasks] == ["a", "b", "c", "d", bdt_task.label]
    assert tasks[-1] == {
        "label": bdt_task.label,
        "owner": "Bưu điện tỉnh",
        "text": "chuẩn bị phương án chuyển phát tài liệu",
        "done": True,
        "done_by": coordinator.username,
        "done_at": bdt_task.done_at.isoformat(),
    }
    assert not any(t["done"] for t in tasks[:-1])
    assert [p["text"] for p in again.old["participants"]] == participants
    assert conference.tasks.count() == 4 and not conference.tasks.filter(done=True).exists()


def test_a_simultaneous_creation_asks_to_retry(monkeypatch, client, coordinator, campaign):
    """Two first imports at once: both found no conference, the one-to-one refuses the second
    insert. The campaign lock queues them in practice; should a rival still get in first, the
    loser reads a message, not a server error."""
    real = Conference.full_clean

    def rival_inserts_first(self, *args, **kwargs):
        real(self, *args, **kwargs)
        if self.pk is None:
            fields = Conference._meta.concrete_fields
            Conference(**{f.attname: getattr(self, f.attname) for f in fields}).save()

    monkeypatch.setattr(Conference, "full_clean", rival_inserts_first)
    client.force_login(coordinator)
    response = _upload(client, campaign, CORRECTED.read_bytes(), CORRECTED.name)
    assert response.status_code == 400
    assert (
        "Có người khác vừa tạo hội nghị của đợt này cùng lúc; hãy thử lại."
        in response.content.decode()
    )
    assert not AuditEvent.objects.filter(event__startswith="conference.").exists()
