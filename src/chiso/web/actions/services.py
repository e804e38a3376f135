"""Every write on remediation actions. One transaction per service, audit row included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chiso.vi import nfc
from chiso.web import files
from chiso.web.accounts.models import User
from chiso.web.accounts.permissions import (
    can_change_evidence,
    can_update_action,
    require_coordinator,
)
from chiso.web.actions.models import Action, ActionEvidence
from chiso.web.audit.services import record
from chiso.web.campaigns.models import Campaign, Contribution, Solution

TITLE_MAX = Action._meta.get_field("title").max_length


def _title(text: str) -> str:
    """The solution's first non-blank line, cut to fit the title with an ellipsis."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > TITLE_MAX:
        first = first[: TITLE_MAX - 1].rstrip() + "…"
    return first


@transaction.atomic
def actions_from_contribution(*, acting_user: User, contribution: Contribution) -> list[Action]:
    """Turn every solution of an accepted contribution into an action; returns the new ones.

    One action per solution, of lead (chủ trì) and supporting (phối hợp) items alike, owned by
    the contribution's agency and carrying the solution's own executor, deadline and expected
    points. Solutions that already have an action are skipped, so calling this twice creates
    nothing the second time; so are all solutions of an item that an older action without a
    solution already covers (one action per item, before solutions had rows), so nothing is
    counted twice in the projection.
    """
    require_coordinator(acting_user)
    # Locked so two coordinators clicking at once queue up instead of racing for the same rows.
    contribution = (
        Contribution.objects.select_for_update()
        .select_related("campaign", "agency")
        .get(pk=contribution.pk)
    )
    if contribution.state != Contribution.State.ACCEPTED:
        raise ValidationError("Chỉ tạo hành động từ tham luận đã được tiếp nhận.")
    campaign = contribution.campaign
    mine = Action.objects.filter(campaign=campaign, owner_agency=contribution.agency)
    covered = set(mine.filter(solution__isnull=True).values_list("assignment_id", flat=True))
    done = set(mine.exclude(solution__isnull=True).values_list("solution_id", flat=True))
    solutions = (
        Solution.objects.filter(item__contribution=contribution)
        .select_related("item__assignment", "item__contribution")
        .order_by("item__assignment__position", "position")
    )
    created = []
    for solution in solutions:
        item = solution.item
        if item.assignment_id in covered or solution.pk in done or not solution.text.strip():
            continue
        action = Action(
            campaign=campaign,
            assignment=item.assignment,
            owner_agency=contribution.agency,
            solution=solution,
            title=_title(solution.text),
            executor=solution.owner,
            deadline=solution.deadline,
            expected_points=solution.expected_points,
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
                "solution": solution.pk,
                "title": action.title,
                "executor": action.executor,
                "deadline": action.deadline.isoformat(),
                "expected_points": str(action.expected_points),
            },
        )
        created.append(action)
    return created


@transaction.atomic
def actions_from_campaign(*, acting_user: User, campaign: Campaign) -> list[Action]:
    """:func:`actions_from_contribution` for every accepted contribution of ``campaign``, in one
    transaction: a refusal half-way leaves no half of the campaign's actions behind."""
    require_coordinator(acting_user)
    # Two coordinators clicking at once queue on the campaign, not on its contributions in turn.
    Campaign.objects.select_for_update().get(pk=campaign.pk)
    accepted = campaign.contributions.filter(state=Contribution.State.ACCEPTED).order_by("pk")
    created: list[Action] = []
    for contribution in accepted:
        created += actions_from_contribution(acting_user=acting_user, contribution=contribution)
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


# -- evidence ---------------------------------------------------------------------------------

EVIDENCE_KINDS = (*files.DOCUMENTS, *files.IMAGES)


def evidence_path(evidence: ActionEvidence) -> Path:
    """Where ``evidence`` lives: ``<CHISO_UPLOAD_DIR>/actions/<action id>/<stored name>``."""
    return files.path_for(f"actions/{evidence.action_id}", evidence.stored_name)


def _check_evidence(acting_user: User, action: Action, verb: str) -> None:
    if not can_change_evidence(acting_user, action):
        raise PermissionDenied("Chỉ cơ quan thực hiện hoặc Sở Nội vụ được thêm, gỡ minh chứng.")
    if not action.accepts_evidence:
        raise ValidationError(f"Hành động «{action.title}» đã hủy: không {verb} minh chứng được.")


def _lock_open_action(acting_user: User, action: Action, verb: str) -> Action:
    """Permission first, then the action locked and checked to still take evidence."""
    _check_evidence(acting_user, action, verb)
    action = Action.objects.select_for_update().get(pk=action.pk)
    _check_evidence(acting_user, action, verb)
    return action


def _audit_fields(evidence: ActionEvidence) -> dict:
    return {
        "evidence": evidence.pk,
        "name": evidence.original_name,
        "type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "note": evidence.note,
    }


def evidence_add(
    *, acting_user: User, action: Action, uploaded_file, note: str = ""
) -> ActionEvidence:
    """Attach an evidence file (PDF, DOCX, XLSX, PNG or JPEG, checked by content) to an action.

    Permission first, then the file is checked and written outside any transaction (10 MB must
    not hold the database's write lock); the body of :func:`files.stored` is this service's one
    transaction, and if it fails or does not commit, the file is deleted.
    """
    _check_evidence(acting_user, action, "thêm")
    with files.stored(uploaded_file, subdir=f"actions/{action.pk}", kinds=EVIDENCE_KINDS) as stored:
        action = _lock_open_action(acting_user, action, "thêm")
        evidence = ActionEvidence(
            action=action,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.kind,
            size=stored.size,
            sha256=stored.sha256,
            note=nfc(" ".join(note.split())),
            uploaded_by=acting_user,
        )
        evidence.full_clean()
        evidence.save()
        record(
            actor=acting_user,
            event="action.evidence_added",
            obj=action,
            new=_audit_fields(evidence),
        )
    return evidence


@transaction.atomic
def evidence_remove(*, acting_user: User, evidence: ActionEvidence) -> None:
    """Remove an evidence file; the file on disk goes once the removal is committed."""
    action = _lock_open_action(acting_user, evidence.action, "gỡ")
    evidence = ActionEvidence.objects.get(pk=evidence.pk, action=action)
    path = evidence_path(evidence)
    old = _audit_fields(evidence)
    evidence.delete()
    record(actor=acting_user, event="action.evidence_removed", obj=action, old=old)
    files.remove_after_commit(path)
