"""Views of the delegate list: add, edit, remove, pre-fill, check in, print, export.

The list is the Sở Nội vụ's (coordinators change it) and the leaders' (they read it); agency
members get 403 on the list's pages and 404 on a delegate's own URLs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chiso.web.accounts.permissions import (
    access_attendee,
    access_conference,
    require_attendance_reader,
)
from chiso.web.conference import documents, selectors, services
from chiso.web.conference.export import attendees_xlsx
from chiso.web.conference.forms import AttendeeForm, CheckInForm
from chiso.web.conference.models import Conference
from chiso.web.http import download, is_htmx, show_errors


def _readable(request, pk: int) -> Conference:
    conference = access_conference(request.user, pk, for_change=False)
    require_attendance_reader(request.user)
    return conference


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def attendee_list(request, pk: int):
    conference = _readable(request, pk)
    return render(
        request,
        "conference/attendance.html",
        {
            "conference": conference,
            "campaign": conference.campaign,
            "attendees": selectors.attendees(conference=conference),
            "attendance": selectors.attendance(conference=conference),
            "groups": [p.text for p in conference.participants.all()],
            "form": AttendeeForm() if request.user.is_coordinator else None,
        },
    )


@require_POST
def attendee_add(request, pk: int):
    conference = access_conference(request.user, pk, for_change=True)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        try:
            services.attendee_create(
                acting_user=request.user, conference=conference, values=form.values()
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, "Đã thêm đại biểu.")
    else:
        _form_errors(request, form)
    return redirect("attendee_list", pk=pk)


@require_POST
def attendee_prefill(request, pk: int):
    """One row per participant group and per presenting agency, names to be filled in."""
    conference = access_conference(request.user, pk, for_change=True)
    created = services.attendees_prefill(acting_user=request.user, conference=conference)
    if created:
        messages.success(request, f"Đã thêm {len(created)} dòng đại biểu.")
    else:
        messages.info(request, "Không có dòng mới: mọi thành phần và cơ quan tham luận đã có.")
    return redirect("attendee_list", pk=pk)


def attendee_edit(request, attendee_pk: int):
    attendee = access_attendee(request.user, attendee_pk, for_change=True)
    initial = {
        "name": attendee.name,
        "position": attendee.position,
        "agency": attendee.agency_id,
        "organisation": attendee.organisation,
        "group": attendee.group,
    }
    form = AttendeeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendee_update(
                acting_user=request.user, attendee=attendee, values=form.values()
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, "Đã cập nhật đại biểu.")
            return redirect("attendee_list", pk=attendee.conference.campaign_id)
    return render(
        request,
        "conference/attendee_form.html",
        {
            "attendee": attendee,
            "form": form,
            "campaign_id": attendee.conference.campaign_id,
            "groups": [p.text for p in attendee.conference.participants.all()],
        },
    )


@require_POST
def attendee_delete(request, attendee_pk: int):
    attendee = access_attendee(request.user, attendee_pk, for_change=True)
    campaign_id = attendee.conference.campaign_id
    services.attendee_delete(acting_user=request.user, attendee=attendee)
    messages.success(request, f"Đã xóa đại biểu {attendee}.")
    return redirect("attendee_list", pk=campaign_id)


@require_POST
def attendee_check_in(request, attendee_pk: int):
    """Present / absent; htmx swaps the row and the "có mặt x/y" count in place."""
    attendee = access_attendee(request.user, attendee_pk, for_change=True)
    form = CheckInForm(request.POST)
    form.is_valid()
    attendee = services.attendee_check_in(
        acting_user=request.user, attendee=attendee, attended=form.cleaned_data.get("attended")
    )
    conference = attendee.conference
    if is_htmx(request):
        return render(
            request,
            "conference/_attendee_row.html",
            {
                "attendee": attendee,
                "number": request.POST.get("number", ""),
                "editable": True,
                "attendance": selectors.attendance(conference=conference),
                "oob": True,
            },
        )
    return redirect("attendee_list", pk=conference.campaign_id)


def sign_in_sheet(request, pk: int):
    """ "Danh sách đại biểu" to print and sign at the door."""
    conference = _readable(request, pk)
    return render(
        request,
        "conference/sign_in_sheet.html",
        {
            "conference": conference,
            "when": documents.when(conference),
            "attendees": selectors.attendees(conference=conference),
        },
    )


def attendee_export(request, pk: int):
    conference = _readable(request, pk)
    content = attendees_xlsx(
        selectors.attendees(conference=conference),
        title=f"Danh sách đại biểu — {conference.title}",
    )
    return download(content, "dai-bieu.xlsx")
