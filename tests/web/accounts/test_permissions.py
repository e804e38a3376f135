"""The permission helpers, called directly; tests/web/campaigns/test_views.py checks them by URL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chiso.web.accounts.permissions import (
    access_campaign,
    access_contribution,
    can_write_contribution,
    require_coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("for_change", [False, True])
def test_coordinator_and_admin_reach_everything(
    campaign, foreign, coordinator, administrator, for_change
):
    for user in (coordinator, administrator):
        assert access_campaign(user, campaign.pk, for_change=for_change) == campaign
        assert access_contribution(user, foreign.pk, for_change=for_change) == foreign
        assert can_write_contribution(user, foreign)


def test_leader_reads_everything_and_changes_nothing(campaign, foreign, leader):
    assert access_campaign(leader, campaign.pk, for_change=False) == campaign
    assert access_contribution(leader, foreign.pk, for_change=False) == foreign
    with pytest.raises(PermissionDenied):
        access_campaign(leader, campaign.pk, for_change=True)
    with pytest.raises(PermissionDenied):
        access_contribution(leader, foreign.pk, for_change=True)
    with pytest.raises(PermissionDenied):
        require_coordinator(leader)
    assert not can_write_contribution(leader, foreign)


@pytest.mark.parametrize("for_change", [False, True])
def test_member_gets_404_for_another_agencys_contribution(own, foreign, member, for_change):
    assert access_contribution(member, own.pk, for_change=for_change) == own
    with pytest.raises(Http404):
        access_contribution(member, foreign.pk, for_change=for_change)
    assert can_write_contribution(member, own)
    assert not can_write_contribution(member, foreign)


def test_member_sees_only_campaigns_of_their_agency_and_never_changes_them(campaign, member):
    from chiso.web.accounts.models import Agency, User

    assert access_campaign(member, campaign.pk, for_change=False) == campaign
    with pytest.raises(PermissionDenied):
        access_campaign(member, campaign.pk, for_change=True)
    commune = Agency.objects.filter(kind="commune").first()
    outsider = User.objects.create_user("xa", role="agency_member", agency=commune)
    with pytest.raises(Http404):
        access_campaign(outsider, campaign.pk, for_change=False)


def test_missing_objects_are_404_and_anonymous_is_denied(campaign, coordinator):
    with pytest.raises(Http404):
        access_campaign(coordinator, 999_999, for_change=False)
    with pytest.raises(Http404):
        access_contribution(coordinator, 999_999, for_change=False)
    with pytest.raises(PermissionDenied):
        access_campaign(AnonymousUser(), campaign.pk, for_change=False)


def test_inactive_user_is_denied(campaign, coordinator):
    coordinator.is_active = False
    with pytest.raises(PermissionDenied):
        access_campaign(coordinator, campaign.pk, for_change=False)
