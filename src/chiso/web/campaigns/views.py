"""Thin views: check access, parse a form, call one service, render. Service errors become
messages on the page; PermissionDenied and Http404 become 403 and 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiso.documents.contributions import contribution_book
from chiso.documents.nd30 import build_docx
from chiso.web import files
from chiso.web.accounts.permissions import (
    access_assignment,
    access_assignments,
    access_campaign,
    access_contribution,
    can_write_contribution,
    require_coordinator,
)
from chiso.web.campaigns import assignments, reminders, selectors, services, versions
from chiso.web.campaigns.forms import (
    AssignmentForm,
    AttachmentForm,
    CampaignForm,
    ContributionForm,
    ReviewForm,
)
from chiso.web.campaigns.models import Attachment, Campaign, Contribution
from chiso.web.http import download, is_htmx, show_errors


def campaign_list(request):
    campaigns = selectors.campaigns_for_user(user=request.user)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


def campaign_create(request):
    require_coordinator(request.user)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_open(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, f"Đã mở đợt với {campaign.assignments.count()} nội dung.")
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form})


def campaign_detail(request, pk: int):
    campaign = access_campaign(request.user, pk, for_change=False)
    if request.user.is_agency_member:
        own = campaign.contributions.get(agency=request.user.agency_id)
        return redirect("contribution_detail", pk=own.pk)
    rows, summary = selectors.campaign_overview(user=request.user, campaign=campaign)
    unassigned = campaign.assignments.filter(lead_agency__isnull=True)
    return render(
        request,
        "campaigns/detail.html",
        {"campaign": campaign, "rows": rows, "summary": summary, "unassigned": unassigned},
    )


def campaign_book(request, pk: int):
    """The consolidated book (sổ tổng hợp tham luận) as DOCX, for the Sở Nội vụ and leaders.

    It holds every agency's text, so an agency member gets 403 (404 when their agency is not even
    in the campaign, as ``access_campaign`` decides).
    """
    campaign = access_campaign(request.user, pk, for_change=False)
    if request.user.is_agency_member:
        raise PermissionDenied("Sổ tổng hợp tham luận chỉ dành cho Sở Nội vụ và lãnh đạo.")
    document = contribution_book(
        province=campaign.province,
        year=campaign.year,
        title=campaign.title,
        contributions=selectors.book_contributions(campaign=campaign),
        issued=timezone.localdate(),
        illustrative=selectors.campaign_is_illustrative(campaign=campaign),
    )
    return download(build_docx(document), f"so-tham-luan-{campaign.year}.docx")


@require_POST
def campaign_close(request, pk: int):
    campaign = access_campaign(request.user, pk, for_change=True)
    try:
        services.campaign_close(acting_user=request.user, campaign=campaign)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "Đã đóng đợt tham luận.")
    return redirect("campaign_detail", pk=pk)


@require_POST
def campaign_remind(request, pk: int):
    """The coordinator's "Gửi nhắc nhở": e-mail every agency that has not submitted yet."""
    campaign = access_campaign(request.user, pk, for_change=True)
    try:
        count = reminders.reminder_send(acting_user=request.user, campaign=campaign)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        if count:
            messages.success(request, f"Đã gửi thư nhắc nhở tới {count} cơ quan.")
        else:
            messages.info(
                request, "Không có cơ quan nào cần nhắc (hoặc chưa có địa chỉ thư điện tử)."
            )
    return redirect("campaign_detail", pk=pk)


def contribution_detail(request, pk: int):
    contribution = access_contribution(request.user, pk, for_change=request.method == "POST")
    items = list(selectors.contribution_items(contribution=contribution))
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        items=items,
        owner=contribution.agency.name,
        initial=_initial(contribution),
    )
    if request.method == "POST" and not form.is_valid():
        # Nothing is saved; the page shows the user's input back with each problem at its row.
        messages.error(request, "Chưa lưu: sửa các ô được đánh dấu lỗi bên dưới rồi lưu lại.")
    elif request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                version = services.contribution_submit(
                    acting_user=request.user, contribution=contribution, content=form.content()
                )
                note = " (sau hạn, được ghi nhận là nộp muộn)" if version.late else ""
                messages.success(request, f"Đã nộp tham luận, lần {version.number}{note}.")
            else:
                services.contribution_save_draft(
                    acting_user=request.user, contribution=contribution, content=form.content()
                )
                messages.success(request, "Đã lưu bản nháp.")
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            return redirect("contribution_detail", pk=pk)
    editable = (
        can_write_contribution(request.user, contribution)
        and contribution.state in services.EDITABLE
        and contribution.campaign.status == contribution.campaign.Status.OPEN
    )
    return render(
        request,
        "campaigns/contribution.html",
        {
            "contribution": contribution,
            "form": form,
            "lead_groups": form.lead_groups(),
            "support_groups": form.support_groups(),
            "editable": editable,
            "reviewable": request.user.is_coordinator
            and contribution.state == Contribution.State.SUBMITTED,
            "lost_total": selectors.contribution_lost_total(contribution=contribution),
            "versions": selectors.contribution_versions(contribution=contribution),
            "review_form": ReviewForm(),
            "attachments": selectors.contribution_attachments(contribution=contribution),
            "attachment_form": AttachmentForm(),
            "max_upload_mb": settings.CHISO_MAX_UPLOAD_MB,
        },
    )


def _initial(contribution: Contribution) -> dict:
    return {"general_text": contribution.general_text}


@require_POST
def contribution_review(request, pk: int):
    contribution = access_contribution(request.user, pk, for_change=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Thao tác không hợp lệ.")
        return redirect("contribution_detail", pk=pk)
    try:
        if form.cleaned_data["action"] == "accept":
            services.contribution_accept(acting_user=request.user, contribution=contribution)
            messages.success(request, f"Đã tiếp nhận tham luận của {contribution.agency}.")
        else:
            services.contribution_return(
                acting_user=request.user,
                contribution=contribution,
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, f"Đã trả lại tham luận cho {contribution.agency}.")
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("contribution_detail", pk=pk)
    return redirect("campaign_detail", pk=contribution.campaign_id)


# -- version history ------------------------------------------------------------------------


def version_list(request, pk: int):
    """Every submitted version of a contribution; same visibility as the contribution."""
    contribution = access_contribution(request.user, pk, for_change=False)
    return render(
        request,
        "campaigns/versions.html",
        {
            "contribution": contribution,
            "versions": selectors.contribution_versions(contribution=contribution),
        },
    )


def version_detail(request, pk: int, number: int):
    """One frozen version, and what changed since the one before it."""
    contribution = access_contribution(request.user, pk, for_change=False)
    version, previous = selectors.contribution_version(contribution=contribution, number=number)
    general, items = versions.compare(previous.snapshot if previous else None, version.snapshot)
    return render(
        request,
        "campaigns/version.html",
        {
            "contribution": contribution,
            "version": version,
            "previous": previous,
            "general": general,
            "items": items,
            "changed_count": sum(1 for i in items if i.status != versions.UNCHANGED),
            "has_next": contribution.versions.filter(number=number + 1).exists(),
        },
    )


# -- assignments (phân công) ----------------------------------------------------------------


def _assignment_context(request, campaign: Campaign) -> dict:
    return {
        "campaign": campaign,
        "groups": selectors.agency_groups(),
        "can_edit": request.user.is_coordinator and campaign.status == Campaign.Status.OPEN,
    }


def assignment_list(request, pk: int):
    """The assignment table: every lost sub-criterion, its lead and supporting agencies, and
    (for the Sở Nội vụ, while the campaign is open) a form per row to change them."""
    campaign = access_assignments(request.user, pk, for_change=False)
    context = _assignment_context(request, campaign)
    context["assignments"] = selectors.campaign_assignments(campaign=campaign)
    return render(request, "campaigns/assignments.html", context)


@require_POST
def assignment_edit(request, pk: int, assignment_pk: int):
    """One row's form. Without JavaScript: back to the table with a message. With htmx: the row
    alone, re-rendered in place with its message."""
    assignment = access_assignment(request.user, pk, assignment_pk, for_change=True)
    form = AssignmentForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(m for errors in form.errors.values() for m in errors)
    else:
        try:
            assignments.assignment_update(
                acting_user=request.user,
                assignment=assignment,
                lead_agency=form.cleaned_data["lead_agency"],
                supporting_agencies=form.cleaned_data["supporting_agencies"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    done = f"Đã lưu phân công mục {assignment.code}."
    if is_htmx(request):
        row = selectors.campaign_assignments(campaign=assignment.campaign).get(pk=assignment.pk)
        context = _assignment_context(request, assignment.campaign)
        context |= {"a": row, "row_error": error, "row_saved": "" if error else done}
        return render(request, "campaigns/_assignment_row.html", context)
    if error:
        messages.error(request, f"Mục {assignment.code}: {error}")
    else:
        messages.success(request, done)
    return redirect(f"{reverse('assignment_list', args=[pk])}#a-{assignment.pk}")


@require_POST
def attachment_add(request, pk: int):
    """The contribution page's upload form (multipart); back to the page either way."""
    contribution = access_contribution(request.user, pk, for_change=True)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa chọn tệp để đính kèm.")
        return redirect("contribution_detail", pk=pk)
    try:
        attachment = services.attachment_add(
            acting_user=request.user,
            contribution=contribution,
            uploaded_file=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã đính kèm tệp '{attachment.original_name}'.")
    return redirect("contribution_detail", pk=pk)


def attachment_download(request, pk: int, attachment_pk: int):
    """Stream an attachment to whoever may read the contribution (404 for another agency)."""
    contribution = access_contribution(request.user, pk, for_change=False)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, contribution=contribution)
    return files.download_response(
        services.attachment_path(attachment),
        filename=attachment.original_name,
        kind=attachment.content_type,
    )


@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    contribution = access_contribution(request.user, pk, for_change=True)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, contribution=contribution)
    try:
        services.attachment_remove(acting_user=request.user, attachment=attachment)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã gỡ tệp '{attachment.original_name}'.")
    return redirect("contribution_detail", pk=pk)
