"""Every write on remediation actions. One transaction per service, audit row included."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chiso.web.accounts.models import User
from chiso.web.accounts.permissions import can_update_action, require_coordinator
from chiso.web.actions.models import Action
from chiso.web.audit.services import record
from chiso.web.campaigns.models import Contribution

TITLE_MAX = Action._meta.get_field("title").max_length


def _title(solutions: str) -> str:
    first = next(line.strip() for line in solutions.splitlines() if line.strip())
    if len(first) > TITLE_MAX:
        first = first[: TITLE_MAX - 1].rstrip() + "…"
    return first


@transaction.atomic
def actions_from_contribution(*, acting_user: User, contribution: Contribution) -> list[Action]:
    """Turn every solution of an accepted contribution into an action; returns the new ones.

    One action per item with a non-empty solution, owned by the contribution's agency, expecting
    to recover all the item's lost points by 31/12 of the year after the campaign's. Items that
    already have an action are skipped, so calling this twice creates nothing the second time.
    """
    require_coordinator(acting_user)
    contribution = Contribution.objects.select_related("campaign", "agency").get(pk=contribution.pk)
    if contribution.state != Contribution.State.ACCEPTED:
        raise ValidationError("Chỉ tạo hành động từ tham luận đã được tiếp nhận.")
    campaign = contribution.campaign
    deadline = date(campaign.year + 1, 12, 31)
    existing = set(
        Action.objects.filter(campaign=campaign, owner_agency=contribution.agency).values_list(
            "assignment_id", flat=True
        )
    )
    created = []
    items = contribution.items.select_related("assignment").order_by("assignment__position")
    for item in items:
        if not item.solutions.strip() or item.assignment_id in existing:
            continue
        action = Action(
            campaign=campaign,
            assignment=item.assignment,
            owner_agency=contribution.agency,
            title=_title(item.solutions),
            deadline=deadline,
            expected_points=item.assignment.lost,
            created_by=acting_user,
        )
        action.full_clean()
        action.save()
        record(
            actor=acting_user,
            event="action.created",
            obj=action,
            new={
                "contribution": contribution.pk,
                "assignment": item.assignment.code,
                "agency": contribution.agency.code,
                "title": action.title,
                "deadline": deadline.isoformat(),
                "expected_points": str(action.expected_points),
            },
        )
        created.append(action)
    return created


@transaction.atomic
def action_update(
    *,
    acting_user: User,
    action: Action,
    status: str,
    progress: int,
    deadline: date | None = None,
) -> Action:
    """Record progress. A done action is 100% whatever ``progress`` says."""
    if acting_user.is_leader or not can_update_action(acting_user, action):
        raise PermissionDenied("Chỉ cơ quan thực hiện hoặc Sở Nội vụ được cập nhật hành động.")
    action = Action.objects.select_for_update().select_related("assignment").get(pk=action.pk)
    if status == Action.Status.DONE:
        progress = 100
    before = {
        "status": action.status,
        "progress": action.progress,
        "deadline": action.deadline.isoformat(),
    }
    action.status = status
    action.progress = progress
    if deadline is not None:
        action.deadline = deadline
    action.full_clean()
    action.save()
    after = {
        "status": action.status,
        "progress": action.progress,
        "deadline": action.deadline.isoformat(),
    }
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        record(
            actor=acting_user,
            event="action.updated",
            obj=action,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
        )
    return action
