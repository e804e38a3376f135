"""Reads of the tham luận workflow, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from chiso.web.accounts.models import User
from chiso.web.campaigns.models import Campaign, Contribution, ContributionVersion, ItemResponse


def campaigns_for_user(*, user: User) -> QuerySet[Campaign]:
    """Agency members see the campaigns their agency takes part in; everyone else sees all."""
    rows = Campaign.objects.all()
    if user.is_agency_member:
        rows = rows.filter(contributions__agency=user.agency_id)
    return rows


def contributions_for_user(*, user: User) -> QuerySet[Contribution]:
    """The contributions a member's agency must write, open campaigns first."""
    rows = Contribution.objects.select_related("campaign", "agency").annotate(
        item_count=Count("items")
    )
    if user.is_agency_member:
        rows = rows.filter(agency=user.agency_id)
    return rows.order_by("campaign__status", "-campaign__deadline", "agency")


@dataclass(frozen=True)
class OverviewSummary:
    total: int
    submitted: int
    accepted: int
    returned: int
    not_submitted: int
    late: int


def campaign_overview(
    *, user: User, campaign: Campaign
) -> tuple[list[Contribution], OverviewSummary]:
    """Per-agency rows (state, items, lost points, lateness) and the counts above the table.

    ``campaign`` must come from ``access_campaign``; a member still sees only their own row.
    """
    rows = (
        campaign.contributions.select_related("agency")
        .annotate(item_count=Count("items"), lost_total=Sum("items__assignment__lost"))
        .order_by("agency__pk")
    )
    if user.is_agency_member:
        rows = rows.filter(agency=user.agency_id)
    rows = list(rows)
    states = [r.state for r in rows]
    summary = OverviewSummary(
        total=len(rows),
        submitted=states.count(Contribution.State.SUBMITTED),
        accepted=states.count(Contribution.State.ACCEPTED),
        returned=states.count(Contribution.State.RETURNED),
        not_submitted=sum(1 for r in rows if r.first_submitted_at is None),
        late=sum(1 for r in rows if r.late),
    )
    return rows, summary


def contribution_items(*, contribution: Contribution) -> QuerySet[ItemResponse]:
    """The contribution's items in the campaign's order (largest loss first)."""
    return contribution.items.select_related("assignment").order_by("assignment__position")


def contribution_lost_total(*, contribution: Contribution) -> Decimal:
    total = contribution.items.aggregate(total=Sum("assignment__lost"))["total"]
    return total or Decimal(0)


def contribution_versions(*, contribution: Contribution) -> QuerySet[ContributionVersion]:
    return contribution.versions.select_related("submitted_by").order_by("-number")
