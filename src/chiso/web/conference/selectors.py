"""Reads of the conference, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from chiso import vi
from chiso.web.accounts.models import Agency, User
from chiso.web.conference.models import Attendee, Conference, ConferenceTask


def conferences_for_user(*, user: User) -> QuerySet[Conference]:
    """Every conference for the Sở Nội vụ and leaders; a member's where the agency takes part."""
    rows = Conference.objects.select_related("campaign").order_by("-start")
    if user.is_agency_member:
        agency = user.agency_id
        rows = rows.filter(
            Q(campaign__contributions__agency=agency)
            | Q(presenting_agencies=agency)
            | Q(tasks__owner_agency=agency)
            | Q(attendees__agency=agency)
        ).distinct()
    return rows


def tasks_for_user(*, user: User, conference: Conference) -> QuerySet[ConferenceTask]:
    """All tasks for the Sở Nội vụ and leaders; a member sees their own agency's only."""
    rows = conference.tasks.select_related("owner_agency", "done_by").order_by("position")
    if user.is_agency_member:
        rows = rows.filter(owner_agency=user.agency_id)
    return rows


def presenting_agencies(*, conference: Conference) -> list[Agency]:
    return vi.sorted_vi(conference.presenting_agencies.all(), key=lambda a: a.name)


def attendees(*, conference: Conference) -> QuerySet[Attendee]:
    """In the order they were added (the pre-fill puts groups first, then agencies A–Z)."""
    return conference.attendees.select_related("agency").order_by("pk")


@dataclass(frozen=True)
class Attendance:
    present: int
    total: int


def attendance(*, conference: Conference) -> Attendance:
    rows = conference.attendees.all()
    return Attendance(present=rows.filter(attended=True).count(), total=rows.count())


def agencies_vi() -> list[Agency]:
    """Every agency, in Vietnamese dictionary order, for the select lists."""
    return vi.sorted_vi(Agency.objects.all(), key=lambda a: a.name)
