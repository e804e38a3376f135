"""Reads of remediation actions, narrowed to what the user may see, and the projection."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from chiso.errors import ChisoError
from chiso.web.accounts.models import User
from chiso.web.actions.models import Action, ActionEvidence
from chiso.web.campaigns.models import Campaign


def actions_for_user(*, user: User, campaign: Campaign) -> QuerySet[Action]:
    """Coordinators and leaders see every action of the campaign; members their agency's.

    Each action's evidence files (with their uploader) come along in one extra query.
    """
    evidence = ActionEvidence.objects.select_related("uploaded_by").order_by("uploaded_at", "pk")
    rows = (
        campaign.actions.select_related("assignment", "owner_agency")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("assignment__position", "owner_agency__pk", "pk")
    )
    if user.is_agency_member:
        rows = rows.filter(owner_agency=user.agency_id)
    return rows


@dataclass(frozen=True)
class Projection:
    percent: float
    rank: int | None
    of: int | None
    group: str | None
    projected_percent: float
    projected_rank: int | None
    projected_of: int | None
    projected_group: str | None
    gained: float
    done: int


def projection(campaign: Campaign) -> Projection | None:
    """Next year's score if the done actions recover their expected points (the core's what-if).

    Points are summed per sub-criterion and capped at what it lost. Other provinces stay at their
    published values. ``None`` when the core cannot analyse the campaign's province and year.
    """
    from chiso.parindex.inputs import analyse_province
    from chiso.parindex.whatif import Recovery

    done = campaign.actions.filter(status=Action.Status.DONE).select_related("assignment")
    per_assignment: dict[int, Decimal] = defaultdict(Decimal)
    assignments = {}
    count = 0
    for action in done:
        per_assignment[action.assignment_id] += action.expected_points
        assignments[action.assignment_id] = action.assignment
        count += 1
    recoveries = tuple(
        Recovery(assignments[pk].code, float(min(points, assignments[pk].lost)))
        for pk, points in sorted(per_assignment.items(), key=lambda kv: assignments[kv[0]].position)
        if points > 0
    )
    try:
        analysis = analyse_province(
            province=campaign.province, year=campaign.year, what_if=recoveries
        )
    except ChisoError:
        return None
    # Without done actions there is nothing to recover: the projection is today's result.
    what_if = analysis.what_if
    return Projection(
        percent=analysis.percent,
        rank=analysis.rank,
        of=analysis.of,
        group=analysis.group,
        projected_percent=what_if.percent if what_if else analysis.percent,
        projected_rank=what_if.rank if what_if else analysis.rank,
        projected_of=what_if.of if what_if else analysis.of,
        projected_group=what_if.group if what_if else analysis.group,
        gained=what_if.gained if what_if else 0.0,
        done=count,
    )
