"""Thin views for the conference page, its documents and its tasks.

Each view checks access through ``accounts.permissions``, parses a form, calls one service or
one core document builder and renders. Service errors become messages on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chiso.documents.checks import ERROR
from chiso.documents.model import Document
from chiso.errors import ChisoError, ValidationFailed
from chiso.web.accounts.permissions import (
    access_campaign,
    access_conference,
    access_conference_task,
    can_toggle_conference_task,
    require_coordinator,
)
from chiso.web.conference import documents, events, selectors, services
from chiso.web.conference.forms import (
    ConferenceForm,
    DoneForm,
    ImportForm,
    ParticipantFormSet,
    TaskForm,
    participant_initial,
    participants_of,
)
from chiso.web.conference.models import Conference, ConferenceTask
from chiso.web.http import download, is_htmx, show_errors


def conference_list(request):
    rows = selectors.conferences_for_user(user=request.user)
    return render(request, "conference/list.html", {"conferences": rows})


def conference_detail(request, pk: int):
    """The conference page; before one exists the Sở Nội vụ is offered to create or import it."""
    user = request.user
    if not Conference.objects.filter(campaign__pk=pk).exists():  # see access_conference
        campaign = access_campaign(user, pk, for_change=False)
        if not user.is_coordinator:
            raise Http404("Đợt này chưa có hội nghị.")
        return render(request, "conference/empty.html", {"campaign": campaign})
    conference = access_conference(user, pk, for_change=False)
    tasks = list(selectors.tasks_for_user(user=user, conference=conference))
    staff = not user.is_agency_member
    found = documents.findings(conference) if staff else []
    errors = sum(1 for f in found if f.level == ERROR)
    return render(
        request,
        "conference/detail.html",
        {
            "conference": conference,
            "campaign": conference.campaign,
            "when": documents.when(conference),
            "programme": documents.programme(conference),
            "participants": conference.participants.all(),
            "presenting": selectors.presenting_agencies(conference=conference),
            "task_rows": [_task_row(user, task) for task in tasks],
            "overdue": sum(1 for task in tasks if task.overdue),
            "findings": [
                {
                    "error": f.level == ERROR,
                    "where": documents.where_label(f.where),
                    "message": f.message_vi,
                }
                for f in found
            ],
            "errors": errors,
            "warnings": len(found) - errors,
            "attendance": selectors.attendance(conference=conference) if staff else None,
            "task_form": TaskForm(prefix="moi") if user.is_coordinator else None,
        },
    )


def _task_row(user, task: ConferenceTask) -> dict:
    return {
        "task": task,
        "can_toggle": not user.is_leader and can_toggle_conference_task(user, task),
    }


def conference_edit(request, pk: int):
    """Create the conference (defaults from the campaign) or edit its invitation and programme."""
    campaign = access_campaign(request.user, pk, for_change=True)
    conference = Conference.objects.filter(campaign=campaign).first()
    if conference is not None:
        event = events.to_event(conference)
        extra = {
            "chair_title": conference.chair_title,
            "chair_name": conference.chair_name,
            "presenting_agencies": [a.pk for a in conference.presenting_agencies.all()],
            "minutes_each": conference.minutes_each,
        }
    else:
        event = events.default_event(campaign, today=timezone.localdate())
        extra = {
            "chair_title": events.chair_of(event),
            "chair_name": "",
            "presenting_agencies": [a.pk for a in services.default_presenting(campaign)],
            "minutes_each": 10,
        }
    data = request.POST if request.method == "POST" else None
    form = ConferenceForm(data, initial=ConferenceForm.initial_for(event, **extra))
    formset = ParticipantFormSet(data, initial=participant_initial(event), prefix="tp")
    if data is not None and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            services.conference_save(
                acting_user=request.user,
                campaign=campaign,
                event=form.event(participants_of(formset)),
                presenting=d["presenting_agencies"],
                chair_title=d["chair_title"],
                chair_name=d["chair_name"],
                minutes_each=d["minutes_each"],
                tasks=None if conference else services.tasks_from(event.tasks),
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, "Đã lưu hội nghị." if conference else "Đã tạo hội nghị.")
            return redirect("conference_detail", pk=pk)
    return render(
        request,
        "conference/edit.html",
        {"campaign": campaign, "conference": conference, "form": form, "formset": formset},
    )


def conference_import(request, pk: int):
    """ "Nhập từ tệp giấy mời (YAML)": the core loader's problems are listed with their lines."""
    campaign = access_campaign(request.user, pk, for_change=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    failure, problems = "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_YAML_BYTES:  # refuse before reading it into memory
                raise ValidationError(f"Tệp {upload.name} quá lớn (tối đa 1 MB).")
            services.conference_import(
                acting_user=request.user, campaign=campaign, data=upload.read(), name=upload.name
            )
        except ValidationFailed as exc:
            failure, problems = exc.message, [str(p) for p in exc.problems]
        except ChisoError as exc:
            failure = exc.message
        except ValidationError as exc:
            failure = " ".join(exc.messages)
        else:
            messages.success(request, f"Đã nhập hội nghị từ tệp {upload.name}.")
            return redirect("conference_detail", pk=pk)
    return render(
        request,
        "conference/import.html",
        {"campaign": campaign, "form": form, "failure": failure, "problems": problems},
        status=400 if failure else 200,
    )


# --- documents ----------------------------------------------------------------------------------


def _unavailable(request, message: str, *, back: str, docx_url: str | None = None):
    """503 with the core's Vietnamese reason (LibreOffice missing, conversion failed …)."""
    return render(
        request,
        "conference/unavailable.html",
        {"message": message, "back": back, "docx_url": docx_url},
        status=503,
    )


def _send(
    request, build: Callable[[], Document], *, name: str, as_pdf: bool, back: str, docx_url: str
):
    """Build with the core and send as DOCX or PDF; a core error answers 503, not a traceback."""
    try:
        document = build()
        if as_pdf:
            return download(documents.pdf(document), f"{name}.pdf")
        return download(documents.docx(document), f"{name}.docx")
    except ChisoError as exc:
        return _unavailable(request, exc.message, back=back, docx_url=docx_url if as_pdf else None)


def _conference_document(request, pk: int, *, kind: str, as_pdf: bool):
    conference = access_conference(request.user, pk, for_change=False)
    build, name, url = {
        "invitation": (documents.invitation_document, "giay-moi", "invitation_docx"),
        "script": (documents.script_document, "kich-ban", "script_docx"),
    }[kind]
    return _send(
        request,
        lambda: build(conference),
        name=name,
        as_pdf=as_pdf,
        back=reverse("conference_detail", args=[pk]),
        docx_url=reverse(url, args=[pk]),
    )


def invitation_docx(request, pk: int):
    return _conference_document(request, pk, kind="invitation", as_pdf=False)


def invitation_pdf(request, pk: int):
    return _conference_document(request, pk, kind="invitation", as_pdf=True)


def script_docx(request, pk: int):
    return _conference_document(request, pk, kind="script", as_pdf=False)


def script_pdf(request, pk: int):
    return _conference_document(request, pk, kind="script", as_pdf=True)


def book_pdf(request, pk: int):
    """The consolidated contribution book as PDF, for the same readers as its DOCX."""
    campaign = access_campaign(request.user, pk, for_change=False)
    if request.user.is_agency_member:
        raise PermissionDenied("Sổ tổng hợp tham luận chỉ dành cho Sở Nội vụ và lãnh đạo.")
    return _send(
        request,
        lambda: documents.book_document(campaign, issued=timezone.localdate()),
        name=f"so-tham-luan-{campaign.year}",
        as_pdf=True,
        back=reverse("campaign_detail", args=[pk]),
        docx_url=reverse("campaign_book", args=[pk]),
    )


# --- tasks --------------------------------------------------------------------------------------


@require_POST
def task_create(request, pk: int):
    conference = access_conference(request.user, pk, for_change=True)
    form = TaskForm(request.POST, prefix="moi")
    if form.is_valid():
        try:
            task = services.task_create(
                acting_user=request.user, conference=conference, task=form.values()
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, f"Đã thêm nhiệm vụ {task.label}).")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("conference_detail", pk=pk)


def task_edit(request, task_pk: int):
    task = access_conference_task(request.user, task_pk, for_change=True)
    require_coordinator(request.user)
    form = TaskForm(request.POST or None, initial=TaskForm.initial_for(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(acting_user=request.user, task=task, values=form.values())
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, f"Đã cập nhật nhiệm vụ {task.label}).")
            return redirect("conference_detail", pk=task.conference.campaign_id)
    return render(request, "conference/task_form.html", {"task": task, "form": form})


@require_POST
def task_delete(request, task_pk: int):
    task = access_conference_task(request.user, task_pk, for_change=True)
    services.task_delete(acting_user=request.user, task=task)
    messages.success(request, f"Đã xóa nhiệm vụ {task.label}) ({task.owner}).")
    return redirect("conference_detail", pk=task.conference.campaign_id)


@require_POST
def task_toggle(request, task_pk: int):
    """Done / not done; htmx swaps the row in place, a plain form reloads the page."""
    task = access_conference_task(request.user, task_pk, for_change=True)
    form = DoneForm(request.POST)
    form.is_valid()
    done = form.cleaned_data.get("done", False)
    task = services.task_set_done(acting_user=request.user, task=task, done=done)
    if is_htmx(request):
        return render(request, "conference/_task_row.html", {"row": _task_row(request.user, task)})
    messages.success(request, f"Nhiệm vụ {task.label}): {'đã xong' if task.done else 'chưa xong'}.")
    return redirect("conference_detail", pk=task.conference.campaign_id)
