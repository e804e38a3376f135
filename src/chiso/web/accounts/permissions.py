"""Every object-level permission rule of the web app, in one place.

Views never fetch a campaign or a contribution themselves: they call ``access_<thing>``, which
fetches and checks in one step. The rules:

- coordinators and administrators: everything;
- leaders: read everything, change nothing (403 on any change);
- agency members: only their own agency's contributions. Another agency's object answers 404,
  not 403, so a member cannot even learn which ids exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from chiso.web.accounts.models import User
    from chiso.web.actions.models import Action
    from chiso.web.campaigns.models import Campaign, Contribution


def _signed_in(user) -> User:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("Cần đăng nhập.")
    return user


def require_signed_in(user) -> User:
    """For read-only pages every role may see (the results dashboard)."""
    return _signed_in(user)


def require_coordinator(user) -> User:
    """For actions only the Sở Nội vụ takes: open a campaign, accept, return, read the audit log."""
    user = _signed_in(user)
    if not user.is_coordinator:
        raise PermissionDenied("Chỉ Sở Nội vụ (điều phối) được thực hiện thao tác này.")
    return user


def access_campaign(user, campaign_id: int, *, for_change: bool) -> Campaign:
    """The campaign, if ``user`` may see it (and change it when ``for_change``)."""
    from chiso.web.campaigns.models import Campaign

    user = _signed_in(user)
    try:
        campaign = Campaign.objects.get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404("Không có đợt tham luận này.") from None
    if user.is_agency_member and not campaign.contributions.filter(agency=user.agency_id).exists():
        raise Http404("Không có đợt tham luận này.")
    if for_change:
        require_coordinator(user)
    return campaign


def access_contribution(user, contribution_id: int, *, for_change: bool) -> Contribution:
    """The contribution, if ``user`` may see it (and write or review it when ``for_change``).

    Writing a member's own contribution passes here; whether the *state* allows it, and whether
    the user may accept or return it, is the service's business.
    """
    from chiso.web.campaigns.models import Contribution

    user = _signed_in(user)
    try:
        contribution = Contribution.objects.select_related("campaign", "agency").get(
            pk=contribution_id
        )
    except Contribution.DoesNotExist:
        raise Http404("Không có tham luận này.") from None
    if user.is_agency_member and contribution.agency_id != user.agency_id:
        raise Http404("Không có tham luận này.")
    if for_change and user.is_leader:
        raise PermissionDenied("Lãnh đạo chỉ được xem, không được sửa.")
    return contribution


def can_write_contribution(user, contribution: Contribution) -> bool:
    """Whether ``user`` may edit and submit ``contribution`` (its own agency, or a coordinator)."""
    if user.is_coordinator:
        return True
    return user.is_agency_member and user.agency_id == contribution.agency_id


def access_action(user, action_id: int, *, for_change: bool) -> Action:
    """The remediation action, if ``user`` may see it (and update it when ``for_change``).

    Agency members see and update only their own agency's actions (another's answers 404);
    leaders read everything and change nothing; coordinators do everything.
    """
    from chiso.web.actions.models import Action

    user = _signed_in(user)
    try:
        action = Action.objects.select_related("campaign", "assignment", "owner_agency").get(
            pk=action_id
        )
    except Action.DoesNotExist:
        raise Http404("Không có hành động này.") from None
    if user.is_agency_member and action.owner_agency_id != user.agency_id:
        raise Http404("Không có hành động này.")
    if for_change and user.is_leader:
        raise PermissionDenied("Lãnh đạo chỉ được xem, không được sửa.")
    return action


def can_update_action(user, action: Action) -> bool:
    """Whether ``user`` may change ``action``'s status and progress."""
    if user.is_coordinator:
        return True
    return user.is_agency_member and user.agency_id == action.owner_agency_id
