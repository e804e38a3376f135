"""Changing who answers for a lost sub-criterion: the lead agency (chủ trì) and the supporting
agencies (phối hợp). One service, one transaction, one audit row.

Each agency writes in its own contribution, so a change of assignment moves rows between
contributions:

- a new lead receives the old lead's item, text and solutions included (its contribution is
  created, in draft, if it had none);
- a supporting agency gets an empty phối hợp item in its own contribution (created if needed);
- removing a supporting agency deletes its item only while it is empty.

A contribution already submitted or accepted is never changed behind the Sở Nội vụ's back: the
change is refused until the contribution is returned. A contribution left with nothing at all (no
item, no text, no file, never submitted) is deleted; one that still holds something is kept and
shown as "không còn nội dung", because every version and file must stay.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from chiso.web.accounts.models import Agency, User
from chiso.web.accounts.permissions import require_coordinator
from chiso.web.audit.services import record
from chiso.web.campaigns.models import Assignment, Campaign, Contribution, ItemResponse
from chiso.web.campaigns.services import EDITABLE, has_content

State = Contribution.State


def _refuse_if_frozen(contribution: Contribution | None) -> None:
    if contribution is None or contribution.state in EDITABLE:
        return
    name = contribution.agency.name
    if contribution.state == State.SUBMITTED:
        raise ValidationError(
            f"Tham luận của {name} đã nộp, đang chờ xem xét: trả lại tham luận trước khi chuyển."
        )
    raise ValidationError(
        f"Tham luận của {name} đã được tiếp nhận: không chuyển hay thêm nội dung được nữa."
    )


def _contribution(campaign: Campaign, agency: Agency, created: list[str]) -> Contribution:
    contribution = campaign.contributions.filter(agency=agency).first()
    if contribution is None:
        contribution = Contribution(campaign=campaign, agency=agency)
        contribution.full_clean()
        contribution.save()
        created.append(agency.code)
    return contribution


def _response(contribution: Contribution | None, assignment: Assignment) -> ItemResponse | None:
    if contribution is None:
        return None
    return contribution.items.filter(assignment=assignment).first()


def _move_lead(
    campaign: Campaign,
    assignment: Assignment,
    old: Contribution | None,
    new_lead: Agency,
    created: list[str],
) -> None:
    """The old lead's item goes to the new lead, unless the new lead (a supporting agency until
    now) already wrote on it: then its text stays and the old lead's must be empty."""
    target = _contribution(campaign, new_lead, created)
    moving = _response(old, assignment)
    already = _response(target, assignment)
    if moving is not None and already is not None:
        if has_content(moving) and has_content(already):
            raise ValidationError(
                f"Cả {old.agency.name} và {new_lead.name} đã viết nội dung cho mục "
                f"{assignment.code}: xóa nội dung của một bên trước khi đổi cơ quan chủ trì."
            )
        if has_content(already):
            moving.delete()
            return
        already.delete()
    if moving is not None:
        moving.contribution = target
        moving.save(update_fields=["contribution"])
    elif already is None:
        ItemResponse.objects.create(contribution=target, assignment=assignment)


def _drop_if_empty(contribution: Contribution) -> bool:
    """Delete a contribution that holds nothing at all; keep it if anything would be lost."""
    if (
        contribution.state == State.DRAFT
        and not contribution.general_text.strip()
        and not contribution.items.exists()
        and not contribution.versions.exists()
        and not contribution.attachments.exists()
    ):
        contribution.delete()
        return True
    return False


def _codes(agencies: Iterable[Agency]) -> list[str]:
    return sorted(a.code for a in agencies)


@transaction.atomic
def assignment_update(
    *,
    acting_user: User,
    assignment: Assignment,
    lead_agency: Agency | None,
    supporting_agencies: Iterable[Agency],
) -> Assignment:
    """Set the lead agency and the supporting agencies of ``assignment``.

    The lead is silently left out of the supporting agencies (an agency does not support its own
    item). Nothing changes, and nothing is audited, when the values are the current ones.
    """
    require_coordinator(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=assignment.campaign_id)
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError("Đợt tham luận đã đóng, không sửa phân công được nữa.")
    if lead_agency is None:
        raise ValidationError("Cần chọn cơ quan chủ trì.")
    assignment = Assignment.objects.select_related("lead_agency").get(pk=assignment.pk)
    old_lead = assignment.lead_agency
    old_supporting = {a.pk: a for a in assignment.supporting_agencies.all()}
    supporting = {a.pk: a for a in supporting_agencies if a.pk != lead_agency.pk}
    lead_changes = old_lead is None or old_lead.pk != lead_agency.pk
    added = [a for pk, a in supporting.items() if pk not in old_supporting]
    removed = [
        a for pk, a in old_supporting.items() if pk not in supporting and pk != lead_agency.pk
    ]
    if not lead_changes and not added and not removed:
        return assignment

    touched = {a.pk for a in added + removed}
    if lead_changes:
        touched |= {lead_agency.pk} | ({old_lead.pk} if old_lead else set())
    contributions = {
        c.agency_id: c
        for c in campaign.contributions.select_for_update()
        .select_related("agency")
        .filter(agency__in=touched)
    }
    for contribution in contributions.values():
        _refuse_if_frozen(contribution)

    created: list[str] = []
    if lead_changes:
        old = contributions.get(old_lead.pk) if old_lead else None
        _move_lead(campaign, assignment, old, lead_agency, created)
    for agency in removed:
        response = _response(contributions.get(agency.pk), assignment)
        if response is not None and has_content(response):
            raise ValidationError(
                f"{agency.name} đã viết nội dung phối hợp cho mục {assignment.code}: "
                "không bỏ cơ quan phối hợp này được."
            )
        if response is not None:
            response.delete()
    for agency in added:
        target = _contribution(campaign, agency, created)
        if _response(target, assignment) is None:
            ItemResponse.objects.create(contribution=target, assignment=assignment)

    assignment.lead_agency = lead_agency
    assignment.full_clean()
    assignment.save()
    assignment.supporting_agencies.set(supporting.values())
    deleted = [
        c.agency.code
        for agency_pk, c in sorted(contributions.items())
        if agency_pk != lead_agency.pk and agency_pk not in supporting and _drop_if_empty(c)
    ]
    record(
        actor=acting_user,
        event="assignment.updated",
        obj=assignment,
        old={
            "lead_agency": old_lead.code if old_lead else None,
            "supporting_agencies": _codes(old_supporting.values()),
        },
        new={
            "lead_agency": lead_agency.code,
            "supporting_agencies": _codes(supporting.values()),
            "contributions_created": sorted(created),
            "contributions_deleted": sorted(deleted),
        },
    )
    return assignment
