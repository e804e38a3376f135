"""Thin views: check access, parse a form, call one service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chiso.web import files
from chiso.web.accounts.permissions import (
    access_action,
    access_campaign,
    access_evidence,
    can_change_evidence,
    can_update_action,
    require_signed_in,
)
from chiso.web.actions import selectors, services
from chiso.web.actions.export import actions_xlsx
from chiso.web.actions.forms import (
    STATUS_FILTERS,
    ActionFilterForm,
    ActionUpdateForm,
    EvidenceForm,
)
from chiso.web.actions.models import Action
from chiso.web.http import download, show_errors


def action_list(request, pk: int):
    campaign = access_campaign(request.user, pk, for_change=False)
    actions = list(selectors.actions_for_user(user=request.user, campaign=campaign))
    rows = [
        (
            action,
            can_update_action(request.user, action)
            and ActionUpdateForm(
                initial={
                    "status": action.status,
                    "progress": action.progress,
                    "deadline": action.deadline,
                },
                prefix=str(action.pk),
            ),
            # One upload form per action: distinct ids so every label points at its own input.
            can_change_evidence(request.user, action)
            and action.accepts_evidence
            and EvidenceForm(auto_id=f"ev{action.pk}-%s"),
        )
        for action in actions
    ]
    return render(
        request,
        "actions/list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "overdue": sum(1 for a in actions if a.overdue),
            "projection": selectors.projection(campaign),
            "evidence_kinds": files.kinds_label(services.EVIDENCE_KINDS),
            "max_upload_mb": settings.CHISO_MAX_UPLOAD_MB,
        },
    )


@require_POST
def action_create(request, pk: int):
    """The coordinator's button: actions from every accepted contribution of the campaign."""
    campaign = access_campaign(request.user, pk, for_change=True)
    try:
        created = services.actions_from_campaign(acting_user=request.user, campaign=campaign)
    except ValidationError as exc:
        show_errors(request, exc)  # nothing was created: one transaction for the campaign
    else:
        if created:
            messages.success(request, f"Đã tạo {len(created)} hành động khắc phục.")
        else:
            messages.info(request, "Không có hành động mới (chưa có tham luận được tiếp nhận mới).")
    return redirect("action_list", pk=pk)


@require_POST
def action_update(request, pk: int):
    action = access_action(request.user, pk, for_change=True)
    form = ActionUpdateForm(request.POST, prefix=str(action.pk))
    if not form.is_valid():
        messages.error(request, "Trạng thái, tiến độ (0–100) hoặc hạn không hợp lệ.")
        return redirect("action_list", pk=action.campaign_id)
    try:
        services.action_update(acting_user=request.user, action=action, **form.cleaned_data)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã cập nhật hành động «{action.title}».")
    return redirect("action_list", pk=action.campaign_id)


def action_export(request, pk: int):
    campaign = access_campaign(request.user, pk, for_change=False)
    actions = selectors.actions_for_user(user=request.user, campaign=campaign)
    content = actions_xlsx(actions, title=f"Hành động khắc phục — {campaign.title}")
    return download(content, f"hanh-dong-{campaign.year}.xlsx")


def _back_to(action: Action):
    """The actions page, scrolled to ``action``'s row."""
    return redirect(f"{reverse('action_list', args=[action.campaign_id])}#hanh-dong-{action.pk}")


@require_POST
def evidence_add(request, pk: int):
    """The upload form under an action (multipart); back to the list either way."""
    action = access_action(request.user, pk, for_change=True)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Chưa chọn tệp minh chứng, hoặc mô tả dài quá 500 ký tự.")
        return _back_to(action)
    try:
        evidence = services.evidence_add(
            acting_user=request.user,
            action=action,
            uploaded_file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã thêm minh chứng '{evidence.original_name}'.")
    return _back_to(action)


def evidence_download(request, pk: int, evidence_pk: int):
    """Whoever may see the action may download its evidence (404 for another agency)."""
    evidence = access_evidence(request.user, pk, evidence_pk, for_change=False)
    return files.download_response(
        services.evidence_path(evidence),
        filename=evidence.original_name,
        kind=evidence.content_type,
    )


@require_POST
def evidence_remove(request, pk: int, evidence_pk: int):
    evidence = access_evidence(request.user, pk, evidence_pk, for_change=True)
    try:
        services.evidence_remove(acting_user=request.user, evidence=evidence)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã gỡ minh chứng '{evidence.original_name}'.")
    return _back_to(evidence.action)


def _overview(request):
    """The filter form and the filtered overview of ``/hanh-dong/`` (and its workbook)."""
    user = require_signed_in(request.user)
    agencies = None if user.is_agency_member else selectors.action_agencies(user=user)
    form = ActionFilterForm(request.GET or None, agencies=agencies)
    filters = form.filters()
    return form, filters, selectors.action_overview(user=user, **filters)


def action_overview(request):
    """Every campaign's actions: a member's agency's own, or everyone's for the Sở Nội vụ and
    leaders, filtered by agency and status, overdue first."""
    form, filters, overview = _overview(request)
    agency = filters["agency"]
    keep = {"co_quan": agency.code} if agency else {}
    return render(
        request,
        "actions/overview.html",
        {
            "form": form,
            "overview": overview,
            "agency": agency,
            "status": filters["status"],
            # One link per status with its count; the links keep the agency filter.
            "status_links": [
                {
                    "href": "?" + urlencode({**keep, "trang_thai": slug}),
                    "label": label,
                    "count": getattr(overview.counts, value),
                    "selected": value == filters["status"],
                    "overdue": value == selectors.OVERDUE,
                }
                for slug, (value, label) in STATUS_FILTERS.items()
            ],
            "all_link": "?" + urlencode(keep),
            "export_query": request.GET.urlencode(),
        },
    )


def action_overview_export(request):
    """``/hanh-dong.xlsx``: the page's rows, same filters, as a workbook."""
    _, filters, overview = _overview(request)
    title = "Hành động khắc phục"
    if filters["agency"]:
        title += f" — {filters['agency'].name}"
    content = actions_xlsx(overview.actions, title=title, with_campaign=True)
    return download(content, "hanh-dong.xlsx")
