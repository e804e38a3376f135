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
    from chiso.web.actions.models import Action, ActionEvidence
    from chiso.web.campaigns.models import Assignment, Campaign, Contribution
    from chiso.web.conference.models import Attendee, Conference, ConferenceTask
    from chiso.web.datasets.models import Dataset


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


def access_assignments(user, campaign_id: int, *, for_change: bool) -> Campaign:
    """The campaign whose assignment table (who leads, who supports) ``user`` may see.

    The table shows every agency's items, so it is for the Sở Nội vụ (which changes it) and
    leaders (who read it); an agency member of the campaign gets 403, one outside it 404.
    """
    campaign = access_campaign(user, campaign_id, for_change=for_change)
    if user.is_agency_member:
        raise PermissionDenied("Bảng phân công chỉ dành cho Sở Nội vụ và lãnh đạo.")
    return campaign


def access_assignment(
    user, campaign_id: int, assignment_id: int, *, for_change: bool
) -> Assignment:
    """One assignment of the campaign, under the rules of :func:`access_assignments`."""
    from chiso.web.campaigns.models import Assignment

    campaign = access_assignments(user, campaign_id, for_change=for_change)
    try:
        assignment = Assignment.objects.select_related("lead_agency").get(
            pk=assignment_id, campaign=campaign
        )
    except Assignment.DoesNotExist:
        raise Http404("Không có nội dung được giao này.") from None
    assignment.campaign = campaign
    return assignment


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


def can_change_evidence(user, action: Action) -> bool:
    """Whether ``user`` may add or remove ``action``'s evidence files: its owner agency's members
    and the Sở Nội vụ. Whether the action's *state* allows it is the service's business."""
    return can_update_action(user, action)


def access_evidence(user, action_id: int, evidence_id: int, *, for_change: bool) -> ActionEvidence:
    """An evidence file of an action ``user`` may see (and remove when ``for_change``).

    Same rules as :func:`access_action`; a file of another action answers 404 too.
    """
    from chiso.web.actions.models import ActionEvidence

    action = access_action(user, action_id, for_change=for_change)
    try:
        evidence = ActionEvidence.objects.select_related("uploaded_by").get(
            pk=evidence_id, action=action
        )
    except ActionEvidence.DoesNotExist:
        raise Http404("Không có minh chứng này.") from None
    evidence.action = action
    return evidence


def require_dataset_reader(user) -> User:
    """The imported-data page: the Sở Nội vụ and leaders read it; agency members get 403 (the
    files are the province's, not an agency's, so there is nothing of theirs to hide behind 404).
    """
    user = _signed_in(user)
    if user.is_agency_member:
        raise PermissionDenied("Chỉ Sở Nội vụ và lãnh đạo xem được dữ liệu đã nhập.")
    return user


def access_dataset(user, dataset_id: int, *, for_change: bool) -> Dataset:
    """An imported dataset ``user`` may see (and re-activate when ``for_change``)."""
    from chiso.web.datasets.models import Dataset

    user = require_dataset_reader(user)
    try:
        dataset = Dataset.objects.select_related("uploaded_by").get(pk=dataset_id)
    except Dataset.DoesNotExist:
        raise Http404("Không có bộ dữ liệu này.") from None
    if for_change:
        require_coordinator(user)
    return dataset


# --- the conference (chiso.web.conference) ------------------------------------------------------


def _member_involved(user: User, conference: Conference) -> bool:
    """Whether a member's agency takes part: a tham luận, a presentation, a task or a delegate."""
    agency = user.agency_id
    return (
        conference.campaign.contributions.filter(agency=agency).exists()
        or conference.presenting_agencies.filter(pk=agency).exists()
        or conference.tasks.filter(owner_agency=agency).exists()
        or conference.attendees.filter(agency=agency).exists()
    )


def access_conference(user, campaign_id: int, *, for_change: bool) -> Conference:
    """The conference of campaign ``campaign_id``, if ``user`` may see it (change: coordinator).

    Members see the conference their agency takes part in (time, venue, programme, documents,
    their own tasks); any other answers 404, like a campaign. Leaders read, never change (403).
    """
    from chiso.web.conference.models import Conference

    user = _signed_in(user)
    # campaign__pk, not campaign_id: Django answers "none" for a key past 64 bits (a hand-typed
    # address) on the related key, where SQLite raises OverflowError on the column.
    conference = (
        Conference.objects.select_related("campaign").filter(campaign__pk=campaign_id).first()
    )
    if conference is None or (user.is_agency_member and not _member_involved(user, conference)):
        raise Http404("Không có hội nghị này.")
    if for_change:
        require_coordinator(user)
    return conference


def require_attendance_reader(user) -> User:
    """The delegate list (names, check-in) is the Sở Nội vụ's and the leaders': members get 403."""
    user = _signed_in(user)
    if user.is_agency_member:
        raise PermissionDenied("Danh sách đại biểu chỉ dành cho Sở Nội vụ và lãnh đạo.")
    return user


def access_conference_task(user, task_id: int, *, for_change: bool) -> ConferenceTask:
    """An organisation task: members reach only their own agency's (another's answers 404)."""
    from chiso.web.conference.models import ConferenceTask

    user = _signed_in(user)
    try:
        task = ConferenceTask.objects.select_related("conference", "owner_agency").get(pk=task_id)
    except ConferenceTask.DoesNotExist:
        raise Http404("Không có nhiệm vụ này.") from None
    if user.is_agency_member and (
        task.owner_agency_id is None or task.owner_agency_id != user.agency_id
    ):
        raise Http404("Không có nhiệm vụ này.")
    if for_change and user.is_leader:
        raise PermissionDenied("Lãnh đạo chỉ được xem, không được sửa.")
    return task


def can_toggle_conference_task(user, task: ConferenceTask) -> bool:
    """Whether ``user`` may mark ``task`` done or not done (its agency, or the Sở Nội vụ)."""
    if user.is_coordinator:
        return True
    return bool(
        user.is_agency_member and task.owner_agency_id and user.agency_id == task.owner_agency_id
    )


def access_attendee(user, attendee_id: int, *, for_change: bool) -> Attendee:
    """A delegate row: coordinators change, leaders read (403 on change), members get 404."""
    from chiso.web.conference.models import Attendee

    user = _signed_in(user)
    try:
        attendee = Attendee.objects.select_related("conference", "agency").get(pk=attendee_id)
    except Attendee.DoesNotExist:
        raise Http404("Không có đại biểu này.") from None
    if user.is_agency_member:
        raise Http404("Không có đại biểu này.")
    if for_change:
        require_coordinator(user)
    return attendee
