"""Submission states, versions, deadline and lateness, enforced by the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.models import Contribution
from chiso.web.campaigns.services import (
    ContributionContent,
    ItemText,
    campaign_close,
    contribution_accept,
    contribution_return,
    contribution_save_draft,
    contribution_submit,
)

pytestmark = pytest.mark.django_db
State = Contribution.State


def _state(contribution) -> str:
    contribution.refresh_from_db()
    return contribution.state


def test_full_cycle_submit_return_resubmit_accept(own, member, coordinator, fill):
    v1 = contribution_submit(acting_user=member, contribution=own, content=fill(own, "v1"))
    assert (v1.number, _state(own)) == (1, State.SUBMITTED)
    contribution_return(acting_user=coordinator, contribution=own, comment="Bổ sung trách nhiệm")
    assert _state(own) == State.RETURNED and own.review_comment == "Bổ sung trách nhiệm"
    v2 = contribution_submit(acting_user=member, contribution=own, content=fill(own, "v2"))
    assert (v2.number, _state(own)) == (2, State.SUBMITTED)
    contribution_accept(acting_user=coordinator, contribution=own)
    assert _state(own) == State.ACCEPTED
    events = list(
        AuditEvent.objects.filter(object_id=str(own.pk), event__startswith="contribution.")
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == [
        "contribution.submitted",
        "contribution.returned",
        "contribution.submitted",
        "contribution.accepted",
    ]


def test_every_submit_keeps_a_frozen_version(own, member, coordinator, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "một"))
    contribution_return(acting_user=coordinator, contribution=own, comment="Sửa")
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "hai"))
    versions = list(own.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert "một" in versions[0].snapshot["items"][0]["causes"]
    assert "hai" in versions[1].snapshot["items"][0]["causes"]
    assert versions[0].snapshot["agency"] == "BDT"
    assert versions[0].snapshot["items"][0]["code"] == own.items.get().assignment.code
    assert all(v.submitted_by == member for v in versions)


def test_draft_saves_without_submitting_and_audits_only_changes(own, member, fill):
    contribution_save_draft(acting_user=member, contribution=own, content=fill(own, "nháp"))
    assert _state(own) == State.DRAFT
    assert own.items.get().causes.endswith("nháp")
    assert not own.versions.exists()
    event = AuditEvent.objects.get(event="contribution.draft_saved")
    code = own.items.get().assignment.code
    assert event.old[code]["causes"] == "" and event.new[code]["causes"].endswith("nháp")
    contribution_save_draft(acting_user=member, contribution=own, content=fill(own, "nháp"))
    assert AuditEvent.objects.filter(event="contribution.draft_saved").count() == 1


def test_submit_requires_causes_and_solutions_for_every_item(own, member):
    code = own.items.get().assignment.code
    content = ContributionContent(items={code: ItemText(causes="Có nguyên nhân")})
    with pytest.raises(ValidationError) as caught:
        contribution_submit(acting_user=member, contribution=own, content=content)
    assert caught.value.messages == [f"Mục {code}: chưa có giải pháp khắc phục."]
    assert _state(own) == State.DRAFT
    assert own.items.get().causes == ""  # the content was rolled back with the refusal


def test_content_for_an_item_not_assigned_is_refused(own, member):
    content = ContributionContent(items={"LV9.9.9": ItemText(causes="x")})
    with pytest.raises(ValidationError, match=r"LV9\.9\.9"):
        contribution_save_draft(acting_user=member, contribution=own, content=content)


@pytest.mark.parametrize(
    "prepare, action",
    [
        ("draft", "return"),
        ("draft", "accept"),
        ("submitted", "submit"),
        ("submitted", "save"),
        ("returned", "accept"),
        ("returned", "return"),
        ("accepted", "submit"),
        ("accepted", "save"),
        ("accepted", "return"),
        ("accepted", "accept"),
    ],
)
def test_invalid_transitions_are_refused(own, member, coordinator, fill, prepare, action):
    if prepare != "draft":
        contribution_submit(acting_user=member, contribution=own, content=fill(own))
    if prepare == "returned":
        contribution_return(acting_user=coordinator, contribution=own, comment="Sửa")
    if prepare == "accepted":
        contribution_accept(acting_user=coordinator, contribution=own)
    before = (_state(own), own.versions.count(), AuditEvent.objects.count())
    calls = {
        "submit": lambda: contribution_submit(acting_user=member, contribution=own),
        "save": lambda: contribution_save_draft(
            acting_user=member, contribution=own, content=fill(own, "khác")
        ),
        "return": lambda: contribution_return(
            acting_user=coordinator, contribution=own, comment="x"
        ),
        "accept": lambda: contribution_accept(acting_user=coordinator, contribution=own),
    }
    with pytest.raises(ValidationError):
        calls[action]()
    assert (_state(own), own.versions.count(), AuditEvent.objects.count()) == before


def test_return_needs_a_comment(own, member, coordinator, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    with pytest.raises(ValidationError, match="lý do"):
        contribution_return(acting_user=coordinator, contribution=own, comment="   ")
    assert _state(own) == State.SUBMITTED


def test_only_coordinators_review(own, member, leader, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    for user in (member, leader):
        with pytest.raises(PermissionDenied):
            contribution_accept(acting_user=user, contribution=own)
        with pytest.raises(PermissionDenied):
            contribution_return(acting_user=user, contribution=own, comment="x")
    assert _state(own) == State.SUBMITTED


def test_other_agencies_and_leaders_cannot_write(own, other_member, leader, fill):
    for user in (other_member, leader):
        with pytest.raises(PermissionDenied):
            contribution_save_draft(acting_user=user, contribution=own, content=fill(own))
        with pytest.raises(PermissionDenied):
            contribution_submit(acting_user=user, contribution=own, content=fill(own))


def test_coordinator_may_write_and_submit_for_an_agency(own, coordinator, fill):
    version = contribution_submit(acting_user=coordinator, contribution=own, content=fill(own))
    assert version.submitted_by == coordinator and _state(own) == State.SUBMITTED


def test_on_time_submission_is_not_late(own, member, fill):
    version = contribution_submit(acting_user=member, contribution=own, content=fill(own))
    own.refresh_from_db()
    assert not version.late and not own.late
    assert own.submitted_at == own.first_submitted_at == version.submitted_at


def _after_deadline(monkeypatch, campaign, minutes: int = 1) -> None:
    moment = campaign.deadline + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_late_submission_is_accepted_and_marked_late(own, member, coordinator, fill, monkeypatch):
    _after_deadline(monkeypatch, own.campaign)
    version = contribution_submit(acting_user=member, contribution=own, content=fill(own))
    own.refresh_from_db()
    assert own.state == State.SUBMITTED and own.late and version.late
    assert own.submitted_at > own.campaign.deadline
    assert AuditEvent.objects.get(event="contribution.submitted").new["late"] is True
    contribution_accept(acting_user=coordinator, contribution=own)
    assert _state(own) == State.ACCEPTED


def test_submission_exactly_at_the_deadline_is_on_time(own, member, fill, monkeypatch):
    moment = own.campaign.deadline
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert not contribution_submit(acting_user=member, contribution=own, content=fill(own)).late


def test_resubmission_after_the_deadline_keeps_an_on_time_first_submission(
    own, member, coordinator, fill, monkeypatch
):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    contribution_return(acting_user=coordinator, contribution=own, comment="Bổ sung")
    _after_deadline(monkeypatch, own.campaign, minutes=60)
    second = contribution_submit(acting_user=member, contribution=own, content=fill(own, "2"))
    own.refresh_from_db()
    assert second.late  # the version records when it really came in
    assert not own.late  # but the agency met the deadline with its first submission


def test_deadline_in_vietnam_time(campaign):
    local = timezone.localtime(campaign.deadline)
    assert str(local.tzinfo) == "Asia/Ho_Chi_Minh"


def test_closed_campaign_refuses_submissions(own, member, coordinator, fill):
    campaign_close(acting_user=coordinator, campaign=own.campaign)
    with pytest.raises(ValidationError, match="đã đóng"):
        contribution_submit(acting_user=member, contribution=own, content=fill(own))
    assert _state(own) == State.DRAFT


def test_open_campaign_is_open_now(campaign):
    assert campaign.deadline > timezone.now() and not campaign.is_past_deadline
