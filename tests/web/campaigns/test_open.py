"""campaign_open: lost sub-criteria of the demo analysis become assignments for lead agencies."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chiso.parindex.inputs import analyse_province
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.models import Assignment, Campaign, Contribution, ItemResponse
from chiso.web.campaigns.services import campaign_close, campaign_open

pytestmark = pytest.mark.django_db


def _open(user, **overrides):
    args = {
        "acting_user": user,
        "year": 2025,
        "title": "Tham luận 2025",
        "deadline": timezone.now() + timedelta(days=3),
    }
    return campaign_open(**(args | overrides))


def test_prefills_the_55_lost_subcriteria_of_lang_son_2025_with_their_lead_agencies(campaign):
    analysis = analyse_province(province="Lạng Sơn", year=2025)
    assignments = list(campaign.assignments.select_related("lead_agency"))
    assert len(assignments) == 55 == len(analysis.below_max)
    for assignment, node in zip(assignments, analysis.below_max, strict=True):
        assert assignment.code == node.code
        assert assignment.lead_agency.code == node.lead_agency
        assert assignment.lost == Decimal(str(round(node.lost, 4)))
        assert assignment.lost > 0
    first = assignments[0]
    assert (first.code, first.lead_agency.code, first.lost) == ("LV5.2.1", "SNV", Decimal("1"))
    assert campaign.province == "Lạng Sơn" and campaign.status == Campaign.Status.OPEN


def test_one_contribution_per_lead_agency_with_one_empty_item_per_assignment(campaign):
    counts = {c.agency.code: c.items.count() for c in campaign.contributions.all()}
    assert counts == {
        "SNV": 21, "STC": 8, "VPUBND": 11, "SKHCN": 4, "STP": 7, "TTPVHCC": 3, "BDT": 1
    }  # fmt: skip
    assert ItemResponse.objects.count() == 55
    for item in ItemResponse.objects.select_related("assignment", "contribution"):
        assert item.assignment.lead_agency_id == item.contribution.agency_id
        assert item.causes == "" and not item.solution_rows.exists()
    assert set(Contribution.objects.values_list("state", flat=True)) == {"draft"}


def test_opening_is_audited(campaign, coordinator):
    event = AuditEvent.objects.get(event="campaign.opened")
    assert event.actor == coordinator
    assert event.object_id == str(campaign.pk)
    assert event.new["assignments"] == 55
    assert "BDT" in event.new["agencies"]


@pytest.mark.parametrize("role_fixture", ["leader", "member"])
def test_only_coordinators_open_campaigns(request, role_fixture):
    with pytest.raises(PermissionDenied):
        _open(request.getfixturevalue(role_fixture))
    assert not Campaign.objects.exists()


def test_administrator_may_open(administrator):
    assert _open(administrator).assignments.count() == 55


def test_deadline_must_be_aware_and_in_the_future(coordinator):
    with pytest.raises(ValidationError, match="múi giờ"):
        _open(coordinator, deadline=datetime(2099, 5, 27, 17, 0))
    with pytest.raises(ValidationError, match="sau thời điểm hiện tại"):
        _open(coordinator, deadline=timezone.now() - timedelta(minutes=1))
    assert not Campaign.objects.exists()


def test_unknown_province_is_a_validation_error_and_nothing_is_written(coordinator):
    with pytest.raises(ValidationError):
        _open(coordinator, province="Không Có Tỉnh Này")
    assert not Campaign.objects.exists() and not Assignment.objects.exists()


def test_missing_agency_in_the_table_is_named(coordinator):
    from chiso.web.accounts.models import Agency

    Agency.objects.filter(code="BDT").delete()
    with pytest.raises(ValidationError, match="BDT"):
        _open(coordinator)
    assert not Campaign.objects.exists()


def test_close_is_coordinator_only_and_happens_once(campaign, coordinator, leader):
    with pytest.raises(PermissionDenied):
        campaign_close(acting_user=leader, campaign=campaign)
    campaign_close(acting_user=coordinator, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    with pytest.raises(ValidationError, match="đã đóng"):
        campaign_close(acting_user=coordinator, campaign=campaign)
    assert AuditEvent.objects.filter(event="campaign.closed").count() == 1


def test_campaign_records_its_source_at_opening(campaign):
    """Opened on the embedded demo: labelled illustrative, and the label stays after an import."""
    assert campaign.illustrative is True
    assert campaign.source.startswith("Nguồn: số liệu minh họa")


def test_campaign_detail_shows_the_illustrative_band(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(f"/tham-luan/{campaign.pk}/").content.decode()
    assert "Số liệu minh họa" in page
    assert campaign.source in page
