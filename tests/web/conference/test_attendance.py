"""Delegates: pre-fill, add, edit, remove, check-in, the "có mặt x/y" summary, print, XLSX."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiso.web.accounts.models import Agency
from chiso.web.audit.models import AuditEvent
from chiso.web.conference.models import Attendee
from chiso.web.conference.services import (
    AttendeeInput,
    attendee_check_in,
    attendee_create,
    attendees_prefill,
)

pytestmark = pytest.mark.django_db


def test_prefill_one_row_per_group_and_presenting_agency_once(coordinator, conference):
    created = attendees_prefill(acting_user=coordinator, conference=conference)
    groups = [p.text for p in conference.participants.all()]
    presenting = conference.presenting_agencies.count()
    assert len(created) == len(groups) + presenting == 6 + 7
    assert [a.group for a in created[: len(groups)]] == groups
    agency_rows = created[len(groups) :]
    assert all(a.agency_id and a.position == "Đại diện lãnh đạo" for a in agency_rows)
    names = [a.agency.name for a in agency_rows]
    from chiso import vi

    assert names == vi.sorted_vi(names)
    assert attendees_prefill(acting_user=coordinator, conference=conference) == []
    assert conference.attendees.count() == len(created)
    assert AuditEvent.objects.filter(event="conference.attendee_added").count() == len(created)


def test_coordinator_adds_edits_and_removes_a_delegate(client, coordinator, conference):
    client.force_login(coordinator)
    pk = conference.campaign_id
    stp = Agency.objects.get(code="STP")
    response = client.post(
        reverse("attendee_add", args=[pk]),
        {"name": "Nguyễn Văn A", "position": "Giám đốc", "agency": stp.pk, "group": "Khách mời"},
    )
    assert response.status_code == 302
    attendee = conference.attendees.get()
    assert (attendee.name, attendee.agency, attendee.organisation_label) == (
        "Nguyễn Văn A",
        stp,
        "Sở Tư pháp",
    )
    client.post(
        reverse("attendee_edit", args=[attendee.pk]),
        {"name": "Nguyễn Văn B", "position": "Phó Giám đốc", "organisation": "Báo Lạng Sơn"},
    )
    attendee.refresh_from_db()
    assert attendee.name == "Nguyễn Văn B" and attendee.agency is None
    assert attendee.organisation_label == "Báo Lạng Sơn"
    client.post(reverse("attendee_delete", args=[attendee.pk]))
    assert not conference.attendees.exists()
    rows = AuditEvent.objects.filter(event__startswith="conference.attendee").order_by("pk")
    events = list(rows.values_list("event", flat=True))
    assert events == [
        "conference.attendee_added",
        "conference.attendee_updated",
        "conference.attendee_removed",
    ]


def test_an_empty_delegate_is_refused(client, coordinator, conference):
    client.force_login(coordinator)
    client.post(reverse("attendee_add", args=[conference.campaign_id]), {"name": "  "})
    assert not conference.attendees.exists()


def test_check_in_and_summary(client, coordinator, conference):
    first = attendee_create(
        acting_user=coordinator, conference=conference, values=AttendeeInput(name="Hoàng Thị C")
    )
    attendee_create(
        acting_user=coordinator, conference=conference, values=AttendeeInput(name="Lý Văn D")
    )
    client.force_login(coordinator)
    response = client.post(reverse("attendee_check_in", args=[first.pk]), {"attended": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.attended and first.checked_in_at is not None
    page = client.get(reverse("attendee_list", args=[conference.campaign_id])).content.decode()
    assert '<strong id="attendance-count">1/2</strong>' in page
    detail = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    assert "Có mặt <strong>1/2</strong>" in detail.content.decode()
    client.post(reverse("attendee_check_in", args=[first.pk]), {})
    first.refresh_from_db()
    assert not first.attended and first.checked_in_at is None
    events = AuditEvent.objects.filter(
        event__in=["conference.checked_in", "conference.check_in_undone"]
    )
    assert [e.event for e in events.order_by("pk")] == [
        "conference.checked_in",
        "conference.check_in_undone",
    ]


def test_htmx_check_in_swaps_the_row_and_the_count(client, coordinator, conference):
    row = attendee_create(
        acting_user=coordinator, conference=conference, values=AttendeeInput(name="Vi Thị E")
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("attendee_check_in", args=[row.pk]),
        {"attended": "on", "number": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="dai-bieu-{row.pk}" class="present">')
    assert '<strong id="attendance-count" hx-swap-oob="true">1/1</strong>' in html


def test_sign_in_sheet_prints_every_delegate(client, leader, coordinator, conference):
    attendees_prefill(acting_user=coordinator, conference=conference)
    attendee_create(
        acting_user=coordinator,
        conference=conference,
        values=AttendeeInput(name="Nông Văn F", position="Chủ tịch", organisation="UBND phường X"),
    )
    client.force_login(leader)
    response = client.get(reverse("sign_in_sheet", args=[conference.campaign_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "DANH SÁCH ĐẠI BIỂU" in page and 'class="signin-sheet"' in page
    assert "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)" in page
    assert "Nông Văn F" in page and "UBND phường X" in page
    assert page.count('<td class="signature">') == conference.attendees.count()


def test_xlsx_export_neutralises_formulas(client, leader, coordinator, conference):
    row = attendee_create(
        acting_user=coordinator,
        conference=conference,
        values=AttendeeInput(name='=HYPERLINK("http://x")', position="@cmd", group="Khách mời"),
    )
    attendee_check_in(acting_user=coordinator, attendee=row, attended=True)
    attendee_create(
        acting_user=coordinator, conference=conference, values=AttendeeInput(name="Đinh Thị G")
    )
    client.force_login(leader)
    response = client.get(reverse("attendee_export", args=[conference.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dai-bieu.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == (
        "TT",
        "Họ và tên",
        "Chức vụ",
        "Cơ quan, đơn vị",
        "Thành phần",
        "Có mặt",
        "Điểm danh lúc",
    )
    assert rows[2][:6] == (1, '\'=HYPERLINK("http://x")', "'@cmd", None, "Khách mời", "Có")
    assert rows[2][6] and rows[2][6].count("/") == 2
    assert rows[3][:2] == (2, "Đinh Thị G") and rows[3][5] is None
    assert len(rows) == 4


def test_leader_reads_the_list_but_cannot_check_in(client, leader, coordinator, conference):
    row = attendee_create(
        acting_user=coordinator, conference=conference, values=AttendeeInput(name="Hà Văn H")
    )
    client.force_login(leader)
    page = client.get(reverse("attendee_list", args=[conference.campaign_id]))
    assert page.status_code == 200 and "Điểm danh</button>" not in page.content.decode()
    assert (
        client.post(reverse("attendee_check_in", args=[row.pk]), {"attended": "on"}).status_code
        == 403
    )
    assert not Attendee.objects.get(pk=row.pk).attended
