"""Reads of the tham luận workflow, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from chiso import vi
from chiso.documents.contributions import (
    AgencyContribution,
    ItemAnswer,
    SolutionAnswer,
    SupportAnswer,
)
from chiso.web.accounts.models import Agency, User
from chiso.web.campaigns.models import (
    Assignment,
    Attachment,
    Campaign,
    Contribution,
    ContributionVersion,
    ItemResponse,
)
from chiso.web.campaigns.services import TEXT_FIELDS

# Items the contribution's agency leads (chủ trì): only these carry its lost points.
LEAD = Q(items__assignment__lead_agency=F("agency"))


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
        .annotate(
            item_count=Count("items", filter=LEAD),
            support_count=Count("items", filter=~LEAD),
            lost_total=Sum("items__assignment__lost", filter=LEAD),
        )
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
    """The contribution's items in the campaign's order (largest loss first), with what the
    page shows of each: the lead agency, the supporting agencies, the solutions."""
    return (
        contribution.items.select_related(
            "assignment", "assignment__lead_agency", "contribution__agency"
        )
        .prefetch_related("solution_rows", "assignment__supporting_agencies")
        .order_by("assignment__position")
    )


def contribution_lost_total(*, contribution: Contribution) -> Decimal:
    """Lost points of the items the agency leads (phối hợp items are the lead's to count)."""
    total = contribution.items.filter(assignment__lead_agency=contribution.agency_id).aggregate(
        total=Sum("assignment__lost")
    )["total"]
    return total or Decimal(0)


def lost_by_agency(*, campaign: Campaign) -> dict[str, float]:
    """Points lost per lead (chủ trì) agency code, as the campaign assigns them now: after a
    reassignment this differs from the framework's lead agencies."""
    rows = (
        campaign.assignments.filter(lead_agency__isnull=False)
        .order_by()
        .values("lead_agency__code")
        .annotate(total=Sum("lost"))
    )
    return {row["lead_agency__code"]: float(row["total"]) for row in rows}


def contribution_versions(*, contribution: Contribution) -> QuerySet[ContributionVersion]:
    return contribution.versions.select_related("submitted_by").order_by("-number")


def contribution_version(
    *, contribution: Contribution, number: int
) -> tuple[ContributionVersion, ContributionVersion | None]:
    """Version ``number`` and the one before it (None for the first); 404 if there is none.

    ``contribution`` must come from ``access_contribution``.
    """
    rows = {
        v.number: v
        # A range, not number__in: SQLite cannot bind a 30-digit number typed in the address,
        # and Django answers "none" for it only in comparisons.
        for v in contribution.versions.select_related("submitted_by").filter(
            number__gte=number - 1, number__lte=number
        )
    }
    if number not in rows:
        raise Http404("Không có phiên bản này.")
    return rows[number], rows.get(number - 1)


def campaign_assignments(*, campaign: Campaign) -> QuerySet[Assignment]:
    """Every assignment of the campaign with its lead and supporting agencies, in order.

    ``campaign`` must come from ``access_assignments``.
    """
    return (
        campaign.assignments.select_related("lead_agency")
        .prefetch_related("supporting_agencies")
        .order_by("position")
    )


AGENCY_GROUPS = (
    ("Sở, ban, ngành và đơn vị cấp tỉnh", lambda a: a.kind != "commune"),
    ("UBND xã, phường", lambda a: a.kind == "commune"),
)


def agency_groups() -> list[tuple[str, list[Agency]]]:
    """Agencies for the assignment pickers: provincial bodies, then communes, each group in
    Vietnamese alphabetical order."""
    agencies = vi.sorted_vi(Agency.objects.all(), key=lambda a: a.name)
    return [(label, [a for a in agencies if keep(a)]) for label, keep in AGENCY_GROUPS]


def contribution_attachments(*, contribution: Contribution) -> QuerySet[Attachment]:
    return contribution.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


DRAFT_LABEL = "Chưa nộp (bản nháp)"
EMPTY_LABEL = "Không còn nội dung"


def _solution_answers(values) -> tuple[SolutionAnswer, ...]:
    """Solutions of a snapshot or of the live rows; a version frozen before solutions were
    structured holds one text, read as one solution without details."""
    if isinstance(values, str):
        return (SolutionAnswer(values),) if values.strip() else ()
    return tuple(
        SolutionAnswer(
            text=v["text"],
            owner=v.get("owner") or "",
            deadline=date.fromisoformat(v["deadline"]) if v.get("deadline") else None,
            expected_points=float(v["expected_points"])
            if v.get("expected_points") is not None
            else None,
        )
        for v in values
    )


def _live_values(response: ItemResponse) -> dict:
    """An item as its snapshot would freeze it, from the current rows (for drafts)."""
    return {
        "code": response.assignment.code,
        **{name: getattr(response, name) for name in TEXT_FIELDS},
        "solutions": [
            {
                "text": s.text,
                "owner": s.owner,
                "deadline": s.deadline.isoformat(),
                "expected_points": str(s.expected_points),
            }
            for s in response.solution_rows.all()
        ],
    }


@dataclass(frozen=True)
class _BookSource:
    """What the book prints for one contribution, item values keyed by code."""

    items: dict[str, dict]
    general_text: str
    label: str
    submitted_on: date | None


def _book_source(contribution: Contribution) -> _BookSource:
    """A contribution's latest submitted version (what the Sở Nội vụ received, even if since
    returned), or its current draft when it was never submitted.

    Items are those currently assigned to the agency; an item moved in after the last version
    (a reassignment while it was returned) is taken from the current rows. ``contribution``
    comes from :func:`_book_rows`, its items and latest version prefetched.
    """
    responses = list(contribution.items.all())
    version = contribution.latest_versions[0] if contribution.latest_versions else None
    if version is None:
        return _BookSource(
            items={r.assignment.code: _live_values(r) for r in responses},
            general_text=contribution.general_text,
            label=DRAFT_LABEL if responses else EMPTY_LABEL,
            submitted_on=None,
        )
    frozen = {v["code"]: v for v in version.snapshot.get("items", ())}
    return _BookSource(
        items={
            r.assignment.code: frozen.get(r.assignment.code) or _live_values(r) for r in responses
        },
        general_text=version.snapshot.get("general_text", ""),
        label=contribution.get_state_display(),
        submitted_on=timezone.localdate(version.submitted_at),
    )


def _book_rows(campaign: Campaign) -> list[Contribution]:
    """The campaign's contributions with what the book reads of each, in a fixed number of
    queries whatever the number of agencies: items, their solutions, the latest version."""
    latest = (
        ContributionVersion.objects.filter(contribution=OuterRef("contribution"))
        .order_by("-number")
        .values("pk")[:1]
    )
    return list(
        campaign.contributions.select_related("agency")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ItemResponse.objects.select_related("assignment").prefetch_related(
                    "solution_rows"
                ),
            ),
            Prefetch(
                "versions",
                queryset=ContributionVersion.objects.filter(pk=Subquery(latest)),
                to_attr="latest_versions",
            ),
        )
        .order_by("agency__pk")
    )


def _texts(values: dict) -> dict:
    return {
        **{name: values.get(name, "") for name in TEXT_FIELDS},
        "solutions": _solution_answers(values.get("solutions", ())),
    }


def book_contributions(*, campaign: Campaign) -> list[AgencyContribution]:
    """Every agency's tham luận for the consolidated book, in the overview's order.

    An agency's section holds the items it leads (chủ trì), in the campaign's order; what a
    supporting agency (phối hợp) wrote is printed under the lead's item. Roles follow the
    current assignments. ``campaign`` must come from ``access_campaign``, and the caller must
    keep the book from agency members.
    """
    contributions = _book_rows(campaign)
    sources = {c.agency_id: _book_source(c) for c in contributions}
    items: dict[int, list[ItemAnswer]] = {c.agency_id: [] for c in contributions}
    supported: dict[int, list[str]] = {c.agency_id: [] for c in contributions}
    assignments = (
        campaign.assignments.filter(lead_agency__isnull=False)
        .prefetch_related("supporting_agencies")
        .order_by("position")
    )
    for assignment in assignments:
        code = assignment.code
        helpers = [
            a
            for a in vi.sorted_vi(assignment.supporting_agencies.all(), key=lambda a: a.name)
            if a.pk in sources and code in sources[a.pk].items
        ]
        for helper in helpers:
            supported[helper.pk].append(code)
        lead = sources.get(assignment.lead_agency_id)
        if lead is None or code not in lead.items:
            continue
        items[assignment.lead_agency_id].append(
            ItemAnswer(
                code=code,
                name=assignment.name,
                lost=float(assignment.lost),
                **_texts(lead.items[code]),
                supporting=tuple(
                    SupportAnswer(agency_name=h.name, **_texts(sources[h.pk].items[code]))
                    for h in helpers
                ),
            )
        )
    return [
        AgencyContribution(
            agency_name=c.agency.name,
            state_label=sources[c.agency_id].label,
            submitted_on=sources[c.agency_id].submitted_on,
            late=c.late,
            items=tuple(items[c.agency_id]),
            general_text=sources[c.agency_id].general_text,
            supported=tuple(supported[c.agency_id]),
        )
        for c in contributions
    ]


def campaign_is_illustrative(*, campaign: Campaign) -> bool:
    """Whether the campaign's lost points came from chiso's demo figures (recorded at opening)."""
    return campaign.illustrative
