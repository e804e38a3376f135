"""The imported-data page: the list of imports, one upload form per kind, re-activation.

Every page works without JavaScript (the forms post normally and the page comes back with the
problems listed). With htmx, a form posts in the background so the page can show the upload's
progress (``static/chiso/datasets.js``) and only the form's result area is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chiso import vi
from chiso.errors import Problem, ValidationFailed
from chiso.web.accounts.permissions import (
    access_dataset,
    require_coordinator,
    require_dataset_reader,
)
from chiso.web.datasets import selectors, services
from chiso.web.datasets.forms import ImportForm
from chiso.web.datasets.models import Dataset
from chiso.web.http import is_htmx, show_errors

PROBLEMS_SHOWN = 1000  # a file wrong on every row would make a page no browser wants to draw


@dataclass(frozen=True)
class Failure:
    """Why an import was refused, ready for the template."""

    summary: str
    problems: list[dict[str, str]] = field(default_factory=list)
    more: str = ""  # how many problems are not listed, Vietnamese digits ("1.234"), or ""


def _problem_row(problem: Problem) -> dict[str, str]:
    return {
        "file": problem.file or "",
        "sheet": problem.sheet or "",
        "row": vi.format_number(problem.row, 0) if problem.row is not None else "",
        "column": problem.column or "",
        "message": problem.message,
    }


def _failure(exc: ValidationFailed) -> Failure:
    hidden = len(exc.problems) - PROBLEMS_SHOWN
    return Failure(
        summary=exc.message,
        problems=[_problem_row(p) for p in exc.problems[:PROBLEMS_SHOWN]],
        more=vi.format_number(hidden, 0) if hidden > 0 else "",
    )


def _render_page(request, *, bound: ImportForm | None = None, failure: Failure | None = None):
    forms = []
    for kind, label in Dataset.Kind.choices:
        form = bound if bound is not None and bound.kind == kind else ImportForm(kind=kind)
        forms.append(
            {
                "kind": kind,
                "label": label,
                "form": form,
                "failure": failure if form is bound else None,
            }
        )
    return render(
        request,
        "datasets/list.html",
        {
            "datasets": [
                {"d": d, "rows": vi.format_number(d.rows, 0)} for d in selectors.datasets()
            ],
            "forms": forms,
            "can_import": request.user.is_coordinator,
            "province": settings.CHISO_PROVINCE,
        },
    )


def dataset_list(request):
    require_dataset_reader(request.user)
    return _render_page(request)


def _success_message(dataset: Dataset) -> str:
    text = (
        f"Đã nhập {dataset.get_kind_display().lower()} năm {dataset.year} từ tệp "
        f"{dataset.original_name} ({vi.format_number(dataset.rows, 0)} dòng); "
        "bộ dữ liệu này đang được dùng."
    )
    flags = dataset.details.get("counts", {}).get("flags", 0)
    if flags:
        text += f" Có {vi.format_number(flags, 0)} phiếu cần kiểm tra (trả lời giống hệt nhau)."
    return text


@require_POST
def dataset_import(request):
    require_coordinator(request.user)
    form = ImportForm(request.POST, request.FILES)
    failure = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            dataset = services.dataset_import(
                acting_user=request.user,
                kind=data["kind"],
                province=settings.CHISO_PROVINCE,
                year=data["year"],
                uploaded_file=data["file"],
                questionnaire=data["questionnaire"] or None,
            )
        except ValidationFailed as exc:
            failure = _failure(exc)
        except ValidationError as exc:
            failure = Failure(summary=" ".join(exc.messages))
        else:
            messages.success(request, _success_message(dataset))
            if is_htmx(request):
                response = HttpResponse()
                response["HX-Redirect"] = reverse("dataset_list")
                return response
            return redirect("dataset_list")
    if is_htmx(request):
        return render(request, "datasets/_import_result.html", {"form": form, "failure": failure})
    return _render_page(request, bound=form, failure=failure)


@require_POST
def dataset_activate(request, pk: int):
    dataset = access_dataset(request.user, pk, for_change=True)
    try:
        services.dataset_activate(acting_user=request.user, dataset=dataset)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            f"Đã dùng lại {dataset.get_kind_display().lower()} năm {dataset.year} "
            f"từ tệp {dataset.original_name}.",
        )
    return redirect("dataset_list")
