"""``/hanh-dong/``: every campaign's actions, a member's own agency's only; filters and counts."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.web.actions.models import Action
from chiso.web.actions.selectors import OVERDUE, action_overview
from chiso.web.actions.services import actions_from_contribution

pytestmark = pytest.mark.django_db
Status = Action.Status
URL = "/hanh-dong/"
XLSX = "/hanh-dong.xlsx"


@pytest.fixture
def actions(own, foreign, member, coordinator, accept):
    """BDT's one action (planned) and STP's seven: one done, one in progress, one overdue,
    one cancelled, the rest planned. Keyed by sub-criterion code."""
    accept(own, member)
    accept(foreign, coordinator)
    made = actions_from_contribution(acting_user=coordinator, contribution=own)
    made += actions_from_contribution(acting_user=coordinator, contribution=foreign)
    by_code = {a.assignment.code: a for a in made}
    Action.objects.filter(pk=by_code["LV2.1.2"].pk).update(status=Status.DONE, progress=100)
    Action.objects.filter(pk=by_code["LV2.3.1"].pk).update(status=Status.IN_PROGRESS, progress=40)
    Action.objects.filter(pk=by_code["LV2.4.3"].pk).update(deadline=date(2020, 1, 1))
    Action.objects.filter(pk=by_code["LV2.4.1"].pk).update(status=Status.CANCELLED)
    assert set(by_code) >= {"LV3.3.3", "LV2.1.2", "LV2.3.1", "LV2.4.3", "LV2.4.1"}
    return by_code


def _page(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_nav_link(client, member):
    client.force_login(member)
    assert f'href="{URL}">Hành động</a>' in client.get("/").content.decode()


def test_anonymous_goes_to_login(client):
    for url in (URL, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_member_sees_only_own_agency(client, member, actions):
    html = _page(client, member)
    assert "Hành động của cơ quan tôi" in html
    assert "Giải pháp LV3.3.3" in html
    assert "Giải pháp LV2" not in html  # every STP action absent
    assert 'name="co_quan"' not in html  # no agency filter to pick
    # Asking for another agency narrows nothing and shows nothing of it.
    html = _page(client, member, "?co_quan=STP")
    assert "Giải pháp LV3.3.3" in html and "Giải pháp LV2" not in html
    assert "Tất cả: <strong>1</strong>" in html
    # The link leads to the campaign's actions page, which the member may open.
    action = actions["LV3.3.3"]
    link = f"{reverse('action_list', args=[action.campaign_id])}#hanh-dong-{action.pk}"
    assert f'href="{link}"' in html
    assert client.get(reverse("action_list", args=[action.campaign_id])).status_code == 200


def test_member_of_another_agency_without_actions_sees_none(
    client, other_member, own, member, accept, coordinator
):
    accept(own, member)
    actions_from_contribution(acting_user=coordinator, contribution=own)
    html = _page(client, other_member)
    assert "Giải pháp LV3.3.3" not in html
    assert "Chưa có hành động khắc phục nào." in html


def test_leader_reads_everything_and_filters_by_agency(client, leader, actions):
    html = _page(client, leader)
    assert "Hành động khắc phục" in html
    assert all(f"Giải pháp {code}" in html for code in actions)
    assert "Tất cả: <strong>8</strong>" in html
    html = _page(client, leader, "?co_quan=BDT")
    assert "Giải pháp LV3.3.3" in html and "Giải pháp LV2" not in html
    assert "Tất cả: <strong>1</strong>" in html
    # Agencies to filter by: only those with actions, in Vietnamese order.
    assert html.index(">Bưu điện tỉnh<") < html.index(">Sở Tư pháp<")


def test_counts_and_status_filter(client, coordinator, actions):
    html = _page(client, coordinator)
    for label, count in (
        ("Kế hoạch", 5),  # BDT's, and STP's LV2.4.3 (overdue), LV2.3.2, LV2.1.1, LV2.4.2
        ("Đang thực hiện", 1),
        ("Hoàn thành", 1),
        ("Hủy", 1),
        ("Quá hạn", 1),
    ):
        assert f"{label}: <strong>{count}</strong>" in html
    html = _page(client, coordinator, "?trang_thai=qua-han")
    assert "Giải pháp LV2.4.3" in html and "Giải pháp LV2.1.2" not in html
    assert 'class="overdue"' in html
    html = _page(client, coordinator, "?trang_thai=hoan-thanh&co_quan=STP")
    assert "Giải pháp LV2.1.2" in html and "Giải pháp LV2.3.1" not in html
    # The counts stay those of the agency, each a link keeping the agency filter.
    assert "Tất cả: <strong>7</strong>" in html
    assert 'href="?co_quan=STP&amp;trang_thai=qua-han"' in html


def test_unknown_filter_values_show_everything_with_an_error(client, coordinator, actions):
    html = _page(client, coordinator, "?trang_thai=xyz&co_quan=KHONG-CO")
    assert all(f"Giải pháp {code}" in html for code in actions)
    assert 'class="errorlist"' in html


def test_overdue_first_then_open_by_deadline_then_done_then_cancelled(coordinator, actions):
    today = timezone.localdate()
    Action.objects.filter(pk=actions["LV2.3.2"].pk).update(deadline=today + timedelta(days=3))
    order = [a.assignment.code for a in action_overview(user=coordinator, today=today).actions]
    assert order[0] == "LV2.4.3"  # overdue
    assert order[1] == "LV2.3.2"  # the open one due soonest
    assert order[-2:] == ["LV2.1.2", "LV2.4.1"]  # done, then cancelled
    overdue = action_overview(user=coordinator, status=OVERDUE, today=today).actions
    assert [a.assignment.code for a in overdue] == ["LV2.4.3"]
    # A later "today" makes everything still open (planned or in progress) overdue.
    later = action_overview(user=coordinator, status=OVERDUE, today=date(2030, 1, 1))
    assert len(later.actions) == later.counts.overdue == 6


def test_workbook_follows_the_filters_and_the_member_scope(client, member, coordinator, actions):
    client.force_login(coordinator)
    response = client.get(XLSX + "?co_quan=STP&trang_thai=ke-hoach")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("Đợt tham luận", "Mã tiêu chí")
    assert {row[1] for row in rows[2:]} == {"LV2.4.3", "LV2.3.2", "LV2.1.1", "LV2.4.2"}
    assert rows[2][5] == "Sở Tư pháp"  # the executor written with the solution
    client.force_login(member)
    response = client.get(XLSX + "?co_quan=STP")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[2:]] == ["LV3.3.3"]
