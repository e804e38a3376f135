"""Reads of the tham luận workflow, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from chiso.documents.contributions import AgencyContribution, ItemAnswer
from chiso.errors import ChisoError
from chiso.web.accounts.models import User
from chiso.web.campaigns.models import (
    Attachment,
    Campaign,
    Contribution,
    ContributionVersion,
    ItemResponse,
)
from chiso.web.campaigns.services import ITEM_FIELDS


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


def contribution_attachments(*, contribution: Contribution) -> QuerySet[Attachment]:
    return contribution.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


DRAFT_LABEL = "Chưa nộp (bản nháp)"


def _answer(values: dict) -> ItemAnswer:
    return ItemAnswer(
        code=values["code"],
        name=values["name"],
        lost=float(values["lost"]),
        causes=values.get("causes", ""),
        responsibility_agency=values.get("responsibility_agency", ""),
        responsibility_unit=values.get("responsibility_unit", ""),
        responsibility_individual=values.get("responsibility_individual", ""),
        solutions=values.get("solutions", ""),
    )


def book_contributions(*, campaign: Campaign) -> list[AgencyContribution]:
    """Every agency's tham luận for the consolidated book, in the overview's order.

    A contribution submitted at least once goes in as its latest submitted version (what the
    Sở Nội vụ received, even if it was since returned and is being rewritten); one never submitted
    goes in as its current draft, labelled as such. ``campaign`` must come from
    ``access_campaign``, and the caller must keep the book from agency members.
    """
    book = []
    rows = campaign.contributions.select_related("agency").order_by("agency__pk")
    for contribution in rows:
        version = contribution.versions.order_by("-number").first()
        if version is not None:
            snapshot = version.snapshot
            items = tuple(_answer(values) for values in snapshot.get("items", ()))
            general_text = snapshot.get("general_text", "")
            label = contribution.get_state_display()
            submitted_on = timezone.localdate(version.submitted_at)
        else:
            items = tuple(
                _answer(
                    {
                        "code": r.assignment.code,
                        "name": r.assignment.name,
                        "lost": r.assignment.lost,
                        **{name: getattr(r, name) for name in ITEM_FIELDS},
                    }
                )
                for r in contribution_items(contribution=contribution)
            )
            general_text = contribution.general_text
            label = DRAFT_LABEL
            submitted_on = None
        book.append(
            AgencyContribution(
                agency_name=contribution.agency.name,
                state_label=label,
                submitted_on=submitted_on,
                late=contribution.late,
                items=items,
                general_text=general_text,
            )
        )
    return book


def campaign_is_illustrative(*, campaign: Campaign) -> bool:
    """Whether the campaign's lost points come from chiso's demo figures (as its opening did)."""
    from chiso.parindex.inputs import analyse_province

    try:
        analysis = analyse_province(province=campaign.province, year=campaign.year)
    except ChisoError:
        return False
    return analysis.provenance.illustrative
