"""Remediation actions: creation from accepted contributions, permissions, projection, XLSX."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.parindex.inputs import analyse_province
from chiso.parindex.whatif import Recovery
from chiso.web.actions.models import Action
from chiso.web.actions.selectors import projection
from chiso.web.actions.services import (
    action_update,
    actions_from_campaign,
    actions_from_contribution,
)
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.services import contribution_accept, contribution_submit

pytestmark = pytest.mark.django_db
Status = Action.Status


@pytest.fixture
def accept(coordinator, fill):
    def _accept(contribution, user):
        contribution_submit(acting_user=user, contribution=contribution, content=fill(contribution))
        contribution_accept(acting_user=coordinator, contribution=contribution)
        contribution.refresh_from_db()
        return contribution

    return _accept


@pytest.fixture
def own_actions(own, member, coordinator, accept):
    accept(own, member)
    return actions_from_contribution(acting_user=coordinator, contribution=own)


@pytest.fixture
def foreign_action(foreign, coordinator, accept):
    accept(foreign, coordinator)
    return actions_from_contribution(acting_user=coordinator, contribution=foreign)[0]


def test_only_accepted_contributions_become_actions(own, member, coordinator, fill):
    with pytest.raises(ValidationError):
        actions_from_contribution(acting_user=coordinator, contribution=own)
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    with pytest.raises(ValidationError):
        actions_from_contribution(acting_user=coordinator, contribution=own)
    assert not Action.objects.exists()


def test_actions_from_accepted_contribution_and_idempotent(own, coordinator, own_actions):
    items = list(own.items.select_related("assignment"))
    assert len(own_actions) == len(items) >= 1
    action = own_actions[0]
    item = next(i for i in items if i.assignment_id == action.assignment_id)
    assert action.title == item.solution_rows.first().text.splitlines()[0]
    assert action.owner_agency_id == own.agency_id
    assert action.expected_points == item.assignment.lost
    assert action.deadline == date(own.campaign.year + 1, 12, 31)
    assert (action.status, action.progress) == (Status.PLANNED, 0)
    assert AuditEvent.objects.filter(event="action.created").count() == len(items)
    assert actions_from_contribution(acting_user=coordinator, contribution=own) == []
    assert Action.objects.count() == len(items)


def test_members_cannot_create_actions(own, member, accept):
    accept(own, member)
    with pytest.raises(PermissionDenied):
        actions_from_contribution(acting_user=member, contribution=own)


def test_actions_from_campaign_covers_every_accepted_contribution(
    campaign, own, foreign, member, coordinator, accept
):
    accept(own, member)
    accept(foreign, coordinator)
    created = actions_from_campaign(acting_user=coordinator, campaign=campaign)
    assert {a.owner_agency_id for a in created} == {own.agency_id, foreign.agency_id}
    assert Action.objects.count() == len(created)
    assert actions_from_campaign(acting_user=coordinator, campaign=campaign) == []


def test_actions_from_campaign_is_all_or_nothing(
    monkeypatch, campaign, own, foreign, member, coordinator, accept
):
    """One transaction for the campaign: a failure at the second agency undoes the first's."""
    from chiso.web.actions import services

    accept(own, member)
    accept(foreign, coordinator)
    real = services.record
    seen = set()

    def fails_at_the_second_agency(**kwargs):
        seen.add(kwargs["obj"].owner_agency_id)
        if len(seen) == 2:
            raise ValidationError("Lỗi giả lập ở cơ quan thứ hai.")
        return real(**kwargs)

    monkeypatch.setattr(services, "record", fails_at_the_second_agency)
    with pytest.raises(ValidationError, match="cơ quan thứ hai"):
        actions_from_campaign(acting_user=coordinator, campaign=campaign)
    assert not Action.objects.exists()
    assert not AuditEvent.objects.filter(event="action.created").exists()


def test_only_the_coordinator_creates_a_campaigns_actions(campaign, own, member, leader, accept):
    accept(own, member)
    for user in (member, leader):
        with pytest.raises(PermissionDenied):
            actions_from_campaign(acting_user=user, campaign=campaign)
    assert not Action.objects.exists()


def test_the_button_reports_nothing_created_when_the_campaign_fails(
    monkeypatch, client, campaign, own, member, coordinator, accept
):
    from chiso.web.actions import services

    accept(own, member)

    def refuse(**kwargs):
        raise ValidationError("Lỗi giả lập.")

    monkeypatch.setattr(services, "record", refuse)
    client.force_login(coordinator)
    response = client.post(reverse("action_create", args=[campaign.pk]), follow=True)
    page = response.content.decode()
    assert "Lỗi giả lập." in page and "Đã tạo" not in page
    assert not Action.objects.exists()


def test_done_means_progress_100_and_is_audited(member, own_actions):
    action = action_update(
        acting_user=member, action=own_actions[0], status=Status.DONE, progress=40
    )
    assert (action.status, action.progress) == (Status.DONE, 100)
    event = AuditEvent.objects.get(event="action.updated")
    assert event.new == {"status": "done", "progress": 100}


def test_expected_points_bounded_by_lost(own_actions):
    action = own_actions[0]
    action.expected_points = action.assignment.lost + Decimal("0.01")
    with pytest.raises(ValidationError):
        action.full_clean()
    action.expected_points = Decimal("-0.01")
    with pytest.raises(ValidationError):
        action.full_clean()


def test_service_permissions(leader, other_member, coordinator, own_actions):
    action = own_actions[0]
    for user in (leader, other_member):
        with pytest.raises(PermissionDenied):
            action_update(acting_user=user, action=action, status=Status.IN_PROGRESS, progress=5)
    updated = action_update(
        acting_user=coordinator, action=action, status=Status.IN_PROGRESS, progress=5
    )
    assert updated.progress == 5


def test_overdue_flag(member, own_actions):
    action = own_actions[0]
    today = timezone.localdate()
    action.deadline = today - timedelta(days=1)
    assert action.is_overdue(today)
    assert not action.is_overdue(today - timedelta(days=2))
    action.status = Status.DONE
    assert not action.is_overdue(today)
    action.status = Status.CANCELLED
    assert not action.is_overdue(today)


def test_overdue_rows_highlighted(client, coordinator, own_actions):
    Action.objects.filter(pk=own_actions[0].pk).update(deadline=date(2020, 1, 1))
    client.force_login(coordinator)
    response = client.get(reverse("action_list", args=[own_actions[0].campaign_id]))
    assert response.status_code == 200
    assert 'class="overdue"' in response.content.decode()
    assert "Quá hạn" in response.content.decode()


def test_projection_adds_expected_points_of_done_actions(campaign, coordinator, own_actions):
    base = projection(campaign)
    assert base.projected_percent == base.percent
    action = own_actions[0]
    action_update(acting_user=coordinator, action=action, status=Status.IN_PROGRESS, progress=50)
    assert projection(campaign).projected_percent == base.percent
    action_update(acting_user=coordinator, action=action, status=Status.DONE, progress=0)
    result = projection(campaign)
    direct = analyse_province(
        province=campaign.province,
        year=campaign.year,
        what_if=(Recovery(action.assignment.code, float(action.expected_points)),),
    ).what_if
    assert result.projected_percent == direct.percent > base.percent
    assert (result.projected_rank, result.projected_of, result.projected_group) == (
        direct.rank,
        direct.of,
        direct.group,
    )
    assert result.gained == pytest.approx(float(action.expected_points))
    assert result.done == 1


# -- views ------------------------------------------------------------------------------------


def test_anonymous_goes_to_login(client, own_actions):
    action = own_actions[0]
    for url in (
        reverse("action_list", args=[action.campaign_id]),
        reverse("action_export", args=[action.campaign_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("action_update", args=[action.pk]), {})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def _body(action, status="in_progress", progress="30"):
    return {f"{action.pk}-status": status, f"{action.pk}-progress": progress}


def test_member_sees_and_updates_only_own_agency(client, member, own_actions, foreign_action):
    client.force_login(member)
    page = client.get(reverse("action_list", args=[foreign_action.campaign_id])).content.decode()
    assert own_actions[0].title in page and foreign_action.title not in page
    assert "Tạo hành động" not in page
    url = reverse("action_update", args=[foreign_action.pk])
    assert client.post(url, _body(foreign_action)).status_code == 404
    response = client.post(
        reverse("action_update", args=[own_actions[0].pk]), _body(own_actions[0])
    )
    assert response.status_code == 302
    own_actions[0].refresh_from_db()
    assert (own_actions[0].status, own_actions[0].progress) == (Status.IN_PROGRESS, 30)


def test_leader_reads_but_cannot_change(client, leader, own_actions):
    action = own_actions[0]
    client.force_login(leader)
    assert (
        action.title
        in client.get(reverse("action_list", args=[action.campaign_id])).content.decode()
    )
    assert client.post(reverse("action_update", args=[action.pk]), _body(action)).status_code == 403
    assert client.post(reverse("action_create", args=[action.campaign_id])).status_code == 403


def test_coordinator_creates_and_updates_everything(
    client, coordinator, campaign, own, member, accept, foreign_action
):
    accept(own, member)
    client.force_login(coordinator)
    response = client.post(reverse("action_create", args=[campaign.pk]))
    assert response.status_code == 302
    assert Action.objects.filter(owner_agency=own.agency).exists()
    count = Action.objects.count()
    client.post(reverse("action_create", args=[campaign.pk]))
    assert Action.objects.count() == count
    url = reverse("action_update", args=[foreign_action.pk])
    client.post(url, _body(foreign_action, status="done", progress="10"))
    foreign_action.refresh_from_db()
    assert (foreign_action.status, foreign_action.progress) == (Status.DONE, 100)
    page = client.get(reverse("action_list", args=[campaign.pk])).content.decode()
    assert "Nếu hoàn thành các hành động đã xong: chỉ số" in page


def test_xlsx_export_lists_actions(client, coordinator, own_actions, foreign_action):
    Action.objects.filter(pk=foreign_action.pk).update(title='=HYPERLINK("x")')
    client.force_login(coordinator)
    response = client.get(reverse("action_export", args=[foreign_action.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    titles = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert own_actions[0].title in titles
    assert '\'=HYPERLINK("x")' in titles
    assert len(titles) == Action.objects.count() > len(own_actions)
    header = [c.value for c in sheet[2]]
    deadline = sheet.cell(row=3, column=header.index("Hạn hoàn thành") + 1)
    assert deadline.is_date and deadline.number_format == "d/m/yyyy"
