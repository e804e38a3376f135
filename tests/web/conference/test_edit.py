"""Create the conference from the campaign page (pre-filled defaults) and edit it."""

import unicodedata
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.web.audit.models import AuditEvent
from chiso.web.conference.models import Conference
from chiso.web.conference.services import task_set_done

pytestmark = pytest.mark.django_db


def _value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):  # the form shows local time, without a zone
        return value.strftime("%Y-%m-%dT%H:%M")
    return value


def _as_post(response) -> dict:
    """What the browser would send back for the page's pre-filled form, unchanged."""
    data = {}
    for field in response.context["form"]:
        data[field.html_name] = _value(field.value())
    formset = response.context["formset"]
    management = formset.management_form
    for field in management:
        data[field.html_name] = field.value()
    for form in formset:
        for field in form:
            value = field.value()
            if field.name == "DELETE":
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = _value(value)
    return data


def test_create_page_is_prefilled_from_the_campaign(client, coordinator, campaign):
    campaign.event_date = datetime(2026, 5, 29).date()
    campaign.save()
    client.force_login(coordinator)
    response = client.get(reverse("conference_edit", args=[campaign.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    start = form["start"].value()  # local (Asia/Ho_Chi_Minh) time as the browser gets it
    assert (start.date().isoformat(), start.hour, start.minute) == ("2026-05-29", 14, 0)
    assert form["issuer_name"].value() == "SỞ NỘI VỤ"
    assert form["issuer_code"].value() == "SNV"
    contributing = set(campaign.contributions.values_list("agency_id", flat=True))
    assert set(form["presenting_agencies"].value()) == contributing
    assert not Conference.objects.exists()


def test_create_with_the_defaults_and_its_tasks(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(reverse("conference_edit", args=[campaign.pk]))
    response = client.post(reverse("conference_edit", args=[campaign.pk]), _as_post(page))
    assert response.status_code == 302, response.context["form"].errors
    conference = Conference.objects.get(campaign=campaign)
    assert conference.issuer_code == "SNV" and conference.created_by == coordinator
    assert conference.participants.count() == 6
    tasks = list(conference.tasks.select_related("owner_agency"))
    assert [t.label for t in tasks] == ["a", "b", "c", "d"]
    assert tasks[0].owner_agency.code == "SNV" and tasks[1].owner_agency.code == "VPUBND"
    deadline = timezone.localtime(campaign.deadline).date()
    assert tasks[0].deadline == deadline and tasks[2].deadline == deadline
    assert AuditEvent.objects.filter(event="conference.created").count() == 1
    detail = client.get(reverse("conference_detail", args=[campaign.pk]))
    assert detail.status_code == 200


def test_edit_keeps_tasks_and_their_done_marks(client, coordinator, conference):
    task = conference.tasks.get(position=0)
    task_set_done(acting_user=coordinator, task=task, done=True)
    client.force_login(coordinator)
    url = reverse("conference_edit", args=[conference.campaign_id])
    data = _as_post(client.get(url))
    data["venue_name"] = "Nhà văn hóa tỉnh"
    data["tp-1-DELETE"] = "on"  # drop "Đại diện lãnh đạo Hội đồng nhân dân tỉnh"
    data["tp-6-text"] = "Phóng viên Báo Lạng Sơn"  # one of the blank extra rows
    response = client.post(url, data)
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.venue_name == "Nhà văn hóa tỉnh"
    texts = [p.text for p in conference.participants.all()]
    assert len(texts) == 6 and texts[-1] == "Phóng viên Báo Lạng Sơn"
    assert "Đại diện lãnh đạo Hội đồng nhân dân tỉnh" not in texts
    assert conference.tasks.get(position=0).done
    updated = AuditEvent.objects.get(event="conference.updated")
    assert updated.old.keys() == {"venue_name", "participants"}
    assert updated.old["venue_name"] == "Hội trường HĐND - UBND tỉnh"
    # The replaced participants are kept in the log, the dropped one included.
    old_texts = [p["text"] for p in updated.old["participants"]]
    assert len(old_texts) == 6 and "Đại diện lãnh đạo Hội đồng nhân dân tỉnh" in old_texts
    assert updated.new["venue_name"] == "Nhà văn hóa tỉnh"


def test_end_before_start_and_unclosed_markup_are_refused(client, coordinator, conference):
    client.force_login(coordinator)
    url = reverse("conference_edit", args=[conference.campaign_id])
    data = _as_post(client.get(url))
    data["end"] = "2026-05-29T13:00"
    data["closing"] = "Trân trọng kính mời *đại biểu"
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in errors["end"]
    assert "Dấu * không khép" in errors["closing"][0]
    conference.refresh_from_db()
    assert conference.end is None and "*" not in conference.closing


def test_at_least_one_participant(client, coordinator, conference):
    client.force_login(coordinator)
    url = reverse("conference_edit", args=[conference.campaign_id])
    data = _as_post(client.get(url))
    for index in range(6):
        data[f"tp-{index}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ít nhất một thành phần" in str(response.context["formset"].non_form_errors())
    assert conference.participants.count() == 6


def test_text_is_stored_in_nfc(client, coordinator, conference):
    client.force_login(coordinator)
    url = reverse("conference_edit", args=[conference.campaign_id])
    data = _as_post(client.get(url))
    data["venue_name"] = unicodedata.normalize("NFD", "Hội   trường   tỉnh")
    client.post(url, data)
    conference.refresh_from_db()
    assert conference.venue_name == unicodedata.normalize("NFC", "Hội trường tỉnh")
