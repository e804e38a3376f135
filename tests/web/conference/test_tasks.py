"""Organisation tasks: done / not done, who may mark them, overdue, add, edit, remove."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chiso.web.audit.models import AuditEvent
from chiso.web.conference.models import ConferenceTask
from chiso.web.conference.services import task_set_done

pytestmark = pytest.mark.django_db
Kind = ConferenceTask.DeadlineKind


def _toggle(client, task, done: bool, **headers):
    data = {"done": "on"} if done else {}
    return client.post(reverse("conference_task_toggle", args=[task.pk]), data, **headers)


def test_owner_agency_member_marks_done_and_not_done(client, member, bdt_task):
    client.force_login(member)
    response = _toggle(client, bdt_task, True)
    assert response.status_code == 302
    bdt_task.refresh_from_db()
    assert bdt_task.done and bdt_task.done_by == member and bdt_task.done_at is not None
    done = AuditEvent.objects.get(event="conference.task_done")
    assert done.actor == member and done.new["owner"] == "Bưu điện tỉnh"
    _toggle(client, bdt_task, False)
    bdt_task.refresh_from_db()
    assert not bdt_task.done and bdt_task.done_at is None and bdt_task.done_by is None
    assert AuditEvent.objects.filter(event="conference.task_undone").count() == 1


def test_marking_twice_changes_and_logs_nothing(coordinator, bdt_task):
    task_set_done(acting_user=coordinator, task=bdt_task, done=True)
    first = ConferenceTask.objects.get(pk=bdt_task.pk).done_at
    task_set_done(acting_user=coordinator, task=bdt_task, done=True)
    assert ConferenceTask.objects.get(pk=bdt_task.pk).done_at == first
    assert AuditEvent.objects.filter(event="conference.task_done").count() == 1


def test_coordinator_marks_any_task_including_one_without_agency(client, coordinator, conference):
    task = conference.tasks.get(position=3)  # d) Các thành phần dự họp: no single agency
    assert task.owner_agency is None
    client.force_login(coordinator)
    _toggle(client, task, True)
    task.refresh_from_db()
    assert task.done and task.done_by == coordinator


def test_service_refuses_leaders_and_other_agencies(leader, other_member, bdt_task):
    for user in (leader, other_member):
        with pytest.raises(PermissionDenied):
            task_set_done(acting_user=user, task=bdt_task, done=True)
    bdt_task.refresh_from_db()
    assert not bdt_task.done


def test_htmx_toggle_returns_the_row(client, member, bdt_task):
    client.force_login(member)
    response = _toggle(client, bdt_task, True, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="nhiem-vu-{bdt_task.pk}"')
    assert "Đã xong" in html and "<html" not in html


def test_overdue_until_done(conference, coordinator):
    today = timezone.localdate()
    task = ConferenceTask.objects.create(
        conference=conference, position=4, owner="Sở Nội vụ", text="x", deadline=today
    )
    assert not task.is_overdue(today)  # "chậm nhất ngày" still allows the day itself
    assert task.is_overdue(today + timedelta(days=1))
    task.deadline_kind = Kind.BEFORE
    assert task.is_overdue(today)  # "trước ngày" does not
    task.deadline = None
    assert not task.is_overdue(today + timedelta(days=365))
    task.deadline = today - timedelta(days=1)
    task.save()
    task = task_set_done(acting_user=coordinator, task=task, done=True)
    assert not task.is_overdue(today)


def test_page_marks_overdue_tasks(client, coordinator, conference):
    today = timezone.localdate()
    conference.tasks.update(deadline=None)
    late = conference.tasks.get(position=1)
    late.deadline = today - timedelta(days=2)
    late.save()
    future = conference.tasks.get(position=2)
    future.deadline = today + timedelta(days=2)
    future.save()
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    assert response.context["overdue"] == 1
    page = response.content.decode()
    assert f'<tr id="nhiem-vu-{late.pk}" class="overdue">' in page
    assert f'<tr id="nhiem-vu-{future.pk}" class="">' in page
    assert "Quá hạn" in page and "<strong>1</strong> nhiệm vụ quá hạn" in page
    shown = f"{late.deadline.day}/{late.deadline.month}/{late.deadline.year}"
    assert f"chậm nhất ngày {shown}" in page


def test_coordinator_adds_edits_and_removes_tasks(client, coordinator, conference):
    client.force_login(coordinator)
    pk = conference.campaign_id
    response = client.post(
        reverse("conference_task_create", args=[pk]),
        {
            "moi-owner": "Sở Tư pháp",
            "moi-owner_agency": conference.campaign.contributions.get(agency__code="STP").agency_id,
            "moi-text": "chuẩn bị tham luận về kiểm soát thủ tục hành chính",
            "moi-deadline": "2026-05-26",
            "moi-deadline_kind": "before",
        },
    )
    assert response.status_code == 302
    added = conference.tasks.get(position=4)
    assert added.label == "đ" and added.owner_agency.code == "STP"
    assert added.deadline == date(2026, 5, 26) and added.deadline_kind == Kind.BEFORE
    edit = reverse("conference_task_edit", args=[added.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit,
        {
            "owner": "Sở Tư pháp",
            "owner_agency": added.owner_agency_id,
            "text": "chuẩn bị tham luận",
            "deadline_kind": "no_later_than",
        },
    )
    added.refresh_from_db()
    assert added.text == "chuẩn bị tham luận" and added.deadline is None
    second = conference.tasks.get(position=1)
    client.post(reverse("conference_task_delete", args=[second.pk]))
    assert [t.label for t in conference.tasks.all()] == ["a", "b", "c", "d"]
    assert conference.tasks.get(position=3).owner == "Sở Tư pháp"  # moved up a letter
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {
        "conference.task_created",
        "conference.task_updated",
        "conference.task_deleted",
    } <= events


def test_tasks_print_as_the_invitations_points(client, coordinator, conference, bdt_task):
    from io import BytesIO

    from docx import Document as open_docx

    client.force_login(coordinator)
    content = client.get(reverse("invitation_docx", args=[conference.campaign_id])).content
    text = "\n".join(p.text for p in open_docx(BytesIO(content)).paragraphs)
    assert "đ) Bưu điện tỉnh chuẩn bị phương án chuyển phát tài liệu." in text


def test_member_cannot_edit_its_own_task(client, member, bdt_task):
    client.force_login(member)
    assert client.get(reverse("conference_task_edit", args=[bdt_task.pk])).status_code == 403
    response = client.post(reverse("conference_task_delete", args=[bdt_task.pk]))
    assert response.status_code == 403
    assert ConferenceTask.objects.filter(pk=bdt_task.pk).exists()
