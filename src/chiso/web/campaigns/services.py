"""Every write of the tham luận workflow. One transaction per service, audit row included.

States of a contribution::

    draft ──submit──▶ submitted ──accept──▶ accepted
                        │  ▲
                  return│  │submit
                        ▼  │
                      returned

A submission after the deadline is accepted and marked late, never refused: losing an agency's
analysis is worse than receiving it late. Only a campaign the coordinator has closed refuses it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chiso import vi
from chiso.errors import ChisoError
from chiso.web import faults, files
from chiso.web.accounts.models import Agency, User
from chiso.web.accounts.permissions import can_write_contribution, require_coordinator
from chiso.web.audit.services import record
from chiso.web.campaigns.models import (
    Assignment,
    Attachment,
    Campaign,
    Contribution,
    ContributionVersion,
    ItemResponse,
    Solution,
)
from chiso.web.campaigns.solutions import SolutionText, solution_problems, solution_values

State = Contribution.State
EDITABLE = (State.DRAFT, State.RETURNED)


@dataclass(frozen=True)
class ItemText:
    """What an agency writes about one lost sub-criterion; blank solution rows are ignored."""

    causes: str = ""
    responsibility_agency: str = ""
    responsibility_unit: str = ""
    responsibility_individual: str = ""
    solutions: tuple[SolutionText, ...] = ()


TEXT_FIELDS = (
    "causes",
    "responsibility_agency",
    "responsibility_unit",
    "responsibility_individual",
)


@dataclass(frozen=True)
class ContributionContent:
    """The whole text of a contribution; ``items`` is keyed by sub-criterion code."""

    general_text: str = ""
    items: Mapping[str, ItemText] = field(default_factory=dict)


def _points(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


@transaction.atomic
def campaign_open(
    *,
    acting_user: User,
    year: int,
    title: str,
    deadline: datetime,
    province: str = "Lạng Sơn",
    event_date: date | None = None,
) -> Campaign:
    """Open a campaign and assign every sub-criterion below its maximum to its lead agency.

    The lost sub-criteria come from the core's analysis of the active imported score sheet (the
    embedded, illustrative demo until one is imported), the same one the dashboard shows, so the
    web and the CLI read the same ledger. The campaign keeps that source.
    """
    from chiso.web.datasets import selectors as datasets

    require_coordinator(acting_user)
    if timezone.is_naive(deadline):
        raise ValidationError("Hạn nộp phải kèm múi giờ.")
    if deadline <= timezone.now():
        raise ValidationError("Hạn nộp phải sau thời điểm hiện tại.")
    try:
        source = datasets.par_source(province=province, year=year)
        analysis = datasets.analysis_for(province=province, year=year, source=source)
    except ChisoError as exc:
        raise ValidationError(exc.message) from exc
    if not analysis.below_max:
        raise ValidationError("Không có tiêu chí thành phần nào bị trừ điểm: không cần tham luận.")
    agencies = {a.code: a for a in Agency.objects.all()}
    missing = sorted({n.lead_agency for n in analysis.below_max} - set(agencies) - {None})
    if missing:
        raise ValidationError(f"Danh mục cơ quan chưa có: {', '.join(missing)}.")

    campaign = Campaign(
        year=year,
        province=analysis.province,
        title=title.strip(),
        event_date=event_date,
        deadline=deadline,
        source=_source_text(source)[:255],
        illustrative=source.sheet is None,
        sheet=source.sheet,
        results=source.table if source.sheet is not None else None,
        created_by=acting_user,
    )
    campaign.full_clean()
    campaign.save()

    contributions: dict[str, Contribution] = {}
    for position, node in enumerate(analysis.below_max, start=1):
        lead = agencies.get(node.lead_agency) if node.lead_agency else None
        assignment = Assignment(
            campaign=campaign,
            position=position,
            code=node.code,
            name=node.name,
            max_points=_points(node.max),
            achieved=_points(node.achieved),
            lost=_points(node.lost),
            lead_agency=lead,
        )
        assignment.full_clean()
        assignment.save()
        if lead is None:
            continue
        if lead.code not in contributions:
            contribution = Contribution(campaign=campaign, agency=lead)
            contribution.full_clean()
            contribution.save()
            contributions[lead.code] = contribution
        ItemResponse.objects.create(contribution=contributions[lead.code], assignment=assignment)

    record(
        actor=acting_user,
        event="campaign.opened",
        obj=campaign,
        new={
            "year": year,
            "province": campaign.province,
            "title": campaign.title,
            "deadline": deadline.isoformat(),
            "source": campaign.source,
            "assignments": len(analysis.below_max),
            "agencies": sorted(contributions),
        },
    )
    return campaign


def _source_text(source) -> str:
    from chiso.web.datasets import selectors as datasets

    if source.sheet is None:
        return "Nguồn: số liệu minh họa của chiso (không phải kết quả chính thức)"
    return datasets.source_line(source.sheet)


@transaction.atomic
def campaign_close(*, acting_user: User, campaign: Campaign) -> Campaign:
    """Stop accepting submissions. Only the coordinator decides this; a deadline never does."""
    require_coordinator(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError("Đợt tham luận đã đóng.")
    campaign.status = Campaign.Status.CLOSED
    campaign.full_clean()
    campaign.save()
    record(
        actor=acting_user,
        event="campaign.closed",
        obj=campaign,
        old={"status": "open"},
        new={"status": "closed"},
    )
    return campaign


def _lock(contribution: Contribution) -> Contribution:
    return (
        Contribution.objects.select_for_update()
        .select_related("campaign", "agency")
        .get(pk=contribution.pk)
    )


def _check_writable(acting_user: User, contribution: Contribution, verb: str) -> None:
    if not can_write_contribution(acting_user, contribution):
        raise PermissionDenied("Chỉ cơ quan được giao hoặc Sở Nội vụ được sửa tham luận này.")
    if contribution.campaign.status != Campaign.Status.OPEN:
        raise ValidationError("Đợt tham luận đã đóng, không nhận thêm nội dung.")
    if contribution.state not in EDITABLE:
        raise ValidationError(
            f"Không thể {verb} tham luận ở trạng thái «{contribution.get_state_display()}»."
        )


def has_content(response: ItemResponse) -> bool:
    """Whether the agency wrote anything on this item (text or a solution)."""
    return any(getattr(response, name).strip() for name in TEXT_FIELDS) or (
        response.solution_rows.exists()
    )


def _write_solutions(response: ItemResponse, solutions: Sequence[SolutionText]) -> None:
    """Replace the item's solutions by the non-blank ``solutions`` (already checked)."""
    response.solution_rows.all().delete()
    rows = [s for s in solutions if not s.is_blank]
    for position, solution in enumerate(rows, start=1):
        values = solution_values(solution)  # stripped, NFC
        row = Solution(
            item=response,
            position=position,
            text=values["text"],
            owner=values["owner"],
            deadline=solution.deadline,
            expected_points=solution.expected_points,
        )
        row.full_clean()
        row.save()


def _write_content(contribution: Contribution, content: ContributionContent) -> tuple[dict, dict]:
    """Apply ``content``; returns the old and new values of what actually changed.

    Items missing from ``content`` are left as they are. Every solution row of every item is
    checked first, so an invalid row refuses the whole save and nothing is half-written.
    """
    old: dict = {}
    new: dict = {}
    responses = {
        r.assignment.code: r
        for r in contribution.items.select_related("assignment").prefetch_related("solution_rows")
    }
    unknown = sorted(set(content.items) - set(responses))
    if unknown:
        raise ValidationError(f"Nội dung không giao cho cơ quan này: {', '.join(unknown)}.")
    problems = []
    for code, text in content.items.items():
        lost = responses[code].assignment.lost
        problems += solution_problems(text.solutions, lost=lost).messages(code)
    if problems:
        raise ValidationError(problems)
    general_text = vi.nfc(content.general_text)
    if contribution.general_text != general_text:
        old["general_text"], new["general_text"] = contribution.general_text, general_text
        contribution.general_text = general_text
    for code, text in content.items.items():
        response = responses[code]
        before = {name: getattr(response, name) for name in TEXT_FIELDS}
        before["solutions"] = [solution_values(s) for s in response.solution_rows.all()]
        after = {name: vi.nfc(getattr(text, name)).strip() for name in TEXT_FIELDS}
        after["solutions"] = [solution_values(s) for s in text.solutions if not s.is_blank]
        if before == after:
            continue
        changed = [name for name in after if before[name] != after[name]]
        old[code] = {name: before[name] for name in changed}
        new[code] = {name: after[name] for name in changed}
        for name in TEXT_FIELDS:
            setattr(response, name, after[name])
        response.full_clean()
        response.save()
        if "solutions" in changed:
            _write_solutions(response, text.solutions)
    return old, new


@transaction.atomic
def contribution_save_draft(
    *, acting_user: User, contribution: Contribution, content: ContributionContent
) -> Contribution:
    """Save the agency's text without submitting it (all or nothing: see ``_write_content``)."""
    contribution = _lock(contribution)
    _check_writable(acting_user, contribution, "sửa")
    old, new = _write_content(contribution, content)
    contribution.full_clean()
    contribution.save()
    if new:
        record(
            actor=acting_user, event="contribution.draft_saved", obj=contribution, old=old, new=new
        )
    return contribution


def _items(contribution: Contribution):
    return (
        contribution.items.select_related("assignment", "contribution")
        .prefetch_related("solution_rows")
        .order_by("assignment__position")
    )


def _missing(contribution: Contribution) -> list[str]:
    """What still blocks a submit. Only chủ trì items must be complete; phối hợp is optional."""
    responses = list(_items(contribution))
    if not responses:
        return ["Tham luận không còn nội dung nào được giao, không cần nộp."]
    problems = []
    for response in responses:
        if not response.is_lead:
            continue
        gaps = []
        if not response.causes.strip():
            gaps.append("nguyên nhân")
        if not response.solution_rows.all():
            gaps.append("giải pháp khắc phục")
        if gaps:
            problems.append(f"Mục {response.assignment.code}: chưa có {' và '.join(gaps)}.")
    return problems


def _snapshot(contribution: Contribution) -> dict:
    """The frozen content of a version; solutions keep owner, ISO deadline and points."""
    items = []
    for response in _items(contribution):
        assignment = response.assignment
        items.append(
            {
                "code": assignment.code,
                "name": assignment.name,
                "max": str(assignment.max_points),
                "lost": str(assignment.lost),
                "role": "lead" if response.is_lead else "support",
                **{name: getattr(response, name) for name in TEXT_FIELDS},
                "solutions": [solution_values(s) for s in response.solution_rows.all()],
            }
        )
    return {
        "campaign": contribution.campaign_id,
        "agency": contribution.agency.code,
        "general_text": contribution.general_text,
        "items": items,
    }


@transaction.atomic
def contribution_submit(
    *,
    acting_user: User,
    contribution: Contribution,
    content: ContributionContent | None = None,
) -> ContributionVersion:
    """Submit (or resubmit after a return), saving ``content`` first when given.

    Every chủ trì item needs its causes and at least one solution; phối hợp items are optional
    (the lead agency answers for the item). Each submit freezes a new version. ``late`` on the
    contribution says whether the *first* submission missed the deadline (a return by the
    coordinator must not make an agency late); each version keeps its own flag.
    """
    contribution = _lock(contribution)
    _check_writable(acting_user, contribution, "nộp")
    old_state = contribution.state
    if content is not None:
        _write_content(contribution, content)
    problems = _missing(contribution)
    if problems:
        raise ValidationError(problems)

    now = timezone.now()
    late = now > contribution.campaign.deadline
    if contribution.first_submitted_at is None:
        contribution.first_submitted_at = now
        contribution.late = late
    contribution.submitted_at = now
    contribution.state = State.SUBMITTED
    contribution.full_clean()
    contribution.save()
    faults.point("submit.state_saved")

    version = ContributionVersion(
        contribution=contribution,
        number=contribution.versions.count() + 1,
        snapshot=_snapshot(contribution),
        submitted_by=acting_user,
        submitted_at=now,
        late=late,
    )
    version.full_clean()
    version.save()
    faults.point("submit.version_saved")
    record(
        actor=acting_user,
        event="contribution.submitted",
        obj=contribution,
        old={"state": old_state},
        new={"state": State.SUBMITTED, "version": version.number, "late": late},
    )
    faults.point_after_commit("submit.committed")
    return version


def _review(acting_user: User, contribution: Contribution, verb: str) -> Contribution:
    require_coordinator(acting_user)
    contribution = _lock(contribution)
    if contribution.state != State.SUBMITTED:
        raise ValidationError(
            f"Chỉ {verb} được tham luận đã nộp (hiện tại: «{contribution.get_state_display()}»)."
        )
    return contribution


@transaction.atomic
def contribution_return(
    *, acting_user: User, contribution: Contribution, comment: str
) -> Contribution:
    """Send a submitted contribution back to its agency with the reason."""
    contribution = _review(acting_user, contribution, "trả lại")
    comment = comment.strip()
    if not comment:
        raise ValidationError("Cần ghi rõ lý do trả lại để cơ quan bổ sung.")
    contribution.state = State.RETURNED
    contribution.review_comment = comment
    contribution.full_clean()
    contribution.save()
    record(
        actor=acting_user,
        event="contribution.returned",
        obj=contribution,
        old={"state": State.SUBMITTED},
        new={"state": State.RETURNED, "comment": comment},
    )
    return contribution


@transaction.atomic
def contribution_accept(*, acting_user: User, contribution: Contribution) -> Contribution:
    """Accept a submitted contribution for the consolidated book."""
    contribution = _review(acting_user, contribution, "tiếp nhận")
    contribution.state = State.ACCEPTED
    contribution.full_clean()
    contribution.save()
    record(
        actor=acting_user,
        event="contribution.accepted",
        obj=contribution,
        old={"state": State.SUBMITTED},
        new={"state": State.ACCEPTED},
    )
    return contribution


# -- attachments ------------------------------------------------------------------------------


def attachment_path(attachment: Attachment) -> Path:
    """Where ``attachment`` lives on disk: ``<upload dir>/<contribution id>/<stored name>``."""
    return files.path_for(str(attachment.contribution_id), attachment.stored_name)


def attachment_add(*, acting_user: User, contribution: Contribution, uploaded_file) -> Attachment:
    """Attach a PDF, DOCX or XLSX to a draft or returned contribution.

    The type is decided by the file's content, not its name; the size is capped by
    ``CHISO_MAX_UPLOAD_MB``. Permission and state are checked before a byte is written, and
    again under the lock; the file is written outside the transaction, stored under a random
    name, never the user's, and deleted again if the row, its audit entry or the commit fails
    (the body of :func:`files.stored` is this service's one transaction).
    """
    _check_writable(acting_user, contribution, "đính kèm tệp vào")
    with files.stored(uploaded_file, subdir=str(contribution.pk), kinds=files.DOCUMENTS) as stored:
        contribution = _lock(contribution)
        _check_writable(acting_user, contribution, "đính kèm tệp vào")
        attachment = Attachment(
            contribution=contribution,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.kind,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=acting_user,
        )
        attachment.full_clean()
        attachment.save()
        faults.point("attachment.row_saved")
        record(
            actor=acting_user,
            event="contribution.attachment_added",
            obj=contribution,
            new={
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "type": stored.kind,
                "size": attachment.size,
                "sha256": attachment.sha256,
            },
        )
    return attachment


@transaction.atomic
def attachment_remove(*, acting_user: User, attachment: Attachment) -> None:
    """Remove an attachment from a draft or returned contribution; the file goes after commit."""
    contribution = _lock(attachment.contribution)
    _check_writable(acting_user, contribution, "gỡ tệp đính kèm của")
    attachment = Attachment.objects.get(pk=attachment.pk, contribution=contribution)
    path = attachment_path(attachment)
    old = {
        "attachment": attachment.pk,
        "name": attachment.original_name,
        "type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }
    attachment.delete()
    record(actor=acting_user, event="contribution.attachment_removed", obj=contribution, old=old)
    files.remove_after_commit(path)
