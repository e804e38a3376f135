"""Reads of remediation actions, narrowed to what the user may see, and the projection."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from chiso import vi
from chiso.errors import ChisoError
from chiso.web.accounts.models import Agency, User
from chiso.web.actions.models import Action, ActionEvidence
from chiso.web.campaigns.models import Campaign
from chiso.web.datasets import selectors as datasets


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
    demo: bool  # the embedded illustrative data, no score sheet imported for the year
    source: str = ""  # "Nguồn: bang-diem.xlsx do dieuphoi nhập lúc …" when imported


def _recoveries(campaign: Campaign, lost_now: dict[str, float]) -> tuple[tuple, int]:
    """Per sub-criterion: the done actions' expected points, capped at the points lost.

    Capped twice: at what the campaign's assignment lost, and at what the data analysed today
    loses there (an imported sheet may differ from the data the campaign was opened on; a code
    that lost nothing there has nothing to recover and would make the core refuse the what-if).
    """
    from chiso.parindex.whatif import Recovery

    done = campaign.actions.filter(status=Action.Status.DONE).select_related("assignment")
    per_assignment: dict[int, Decimal] = defaultdict(Decimal)
    assignments = {}
    count = 0
    for action in done:
        per_assignment[action.assignment_id] += action.expected_points
        assignments[action.assignment_id] = action.assignment
        count += 1
    recoveries = []
    for pk, points in sorted(per_assignment.items(), key=lambda kv: assignments[kv[0]].position):
        assignment = assignments[pk]
        value = min(float(min(points, assignment.lost)), lost_now.get(assignment.code, 0.0))
        if value > 0:
            recoveries.append(Recovery(assignment.code, value))
    return tuple(recoveries), count


def projection(campaign: Campaign) -> Projection | None:
    """Next year's score if the done actions recover their expected points (the core's what-if).

    Reads the files the campaign was opened on (the score sheet and results table then active,
    else the embedded demo), so a later import does not change the baseline its actions were
    planned against. Points are summed per sub-criterion and capped at what it lost. Other
    provinces stay at their published values. ``None`` when the core cannot analyse them.
    """
    from chiso.parindex.inputs import analyse_province

    source = datasets.ParSource(sheet=campaign.sheet, table=campaign.results)
    try:
        analysis = datasets.analysis_for(
            province=campaign.province, year=campaign.year, source=source
        )
    except ChisoError:
        return None
    recoveries, count = _recoveries(campaign, {n.code: n.lost for n in analysis.ledger})
    what_if = None
    if recoveries:  # without any, the projection is today's result (and the cached analysis)
        inputs = datasets.source_inputs(source)
        try:
            what_if = analyse_province(
                province=campaign.province, year=campaign.year, what_if=recoveries, **inputs
            ).what_if
        except ChisoError:
            return None
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
        demo=source.demo,
        source="" if source.demo else datasets.source_line(source.sheet),
    )


# -- every campaign at once: the /hanh-dong/ page ------------------------------------------------

Status = Action.Status
OVERDUE = "overdue"  # a status filter of its own: past the deadline, neither done nor cancelled
OPEN = (Status.PLANNED, Status.IN_PROGRESS)


def _overdue(today: date) -> Q:
    """The database side of :meth:`Action.is_overdue`."""
    return Q(deadline__lt=today, status__in=OPEN)


def visible_actions(*, user: User) -> QuerySet[Action]:
    """Every action ``user`` may see, across campaigns: members only their agency's (evidence
    files prefetched: the page and the workbook count them)."""
    rows = Action.objects.select_related("campaign", "assignment", "owner_agency").prefetch_related(
        "evidence"
    )
    if user.is_agency_member:
        rows = rows.filter(owner_agency=user.agency_id)
    return rows


def action_agencies(*, user: User) -> list[Agency]:
    """The agencies owning an action ``user`` may see, in Vietnamese order (the filter's list)."""
    owners = visible_actions(user=user).values("owner_agency")
    return vi.sorted_vi(Agency.objects.filter(pk__in=owners), key=lambda a: a.name)


@dataclass(frozen=True)
class Counts:
    planned: int
    in_progress: int
    done: int
    cancelled: int
    overdue: int  # also counted under planned or in progress

    @property
    def total(self) -> int:
        return self.planned + self.in_progress + self.done + self.cancelled


def action_counts(rows: QuerySet[Action], *, today: date) -> Counts:
    """How many of ``rows`` are in each status, and how many are overdue: one query."""
    totals = rows.aggregate(
        planned=Count("pk", filter=Q(status=Status.PLANNED)),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        overdue=Count("pk", filter=_overdue(today)),
    )
    return Counts(**totals)


@dataclass(frozen=True)
class Overview:
    actions: list[Action]
    counts: Counts  # of the agency's (or everyone's) actions, before the status filter


def action_overview(
    *,
    user: User,
    agency: Agency | None = None,
    status: str | None = None,
    today: date | None = None,
) -> Overview:
    """The actions ``user`` may see, optionally of one ``agency`` and one ``status`` (a
    :class:`Action.Status` value or :data:`OVERDUE`): overdue first, then the ones still open
    by deadline, then done, then cancelled. ``agency`` narrows, never widens: a member asking
    for another agency gets nothing."""
    today = today or timezone.localdate()
    rows = visible_actions(user=user)
    if agency is not None:
        rows = rows.filter(owner_agency=agency)
    counts = action_counts(rows, today=today)
    if status == OVERDUE:
        rows = rows.filter(_overdue(today))
    elif status:
        rows = rows.filter(status=status)
    urgency = Case(
        When(_overdue(today), then=Value(0)),
        When(status__in=OPEN, then=Value(1)),
        When(status=Status.DONE, then=Value(2)),
        default=Value(3),
    )
    rows = rows.annotate(urgency=urgency).order_by(
        "urgency", "deadline", "-campaign__year", "campaign_id", "assignment__position", "pk"
    )
    return Overview(actions=list(rows), counts=counts)
