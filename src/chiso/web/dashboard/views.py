"""The province results dashboard: read-only, for every signed-in role."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from chiso import vi
from chiso.parindex.export import agency_name
from chiso.web.accounts.permissions import require_signed_in
from chiso.web.dashboard import selectors
from chiso.web.dashboard.export import ledger_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _province() -> str:
    return getattr(settings, "CHISO_PROVINCE", "Lạng Sơn")


def _filters(request) -> tuple[str, str | None]:
    sort = request.GET.get("sap_xep", "mat")
    if sort not in selectors.SORTS:
        sort = "mat"
    return sort, request.GET.get("co_quan") or None


def results_latest(request):
    return redirect("results", year=selectors.LATEST_YEAR)


def results(request, year: int):
    require_signed_in(request.user)
    analysis = selectors.analysis_for(province=_province(), year=year)
    sort, agency = _filters(request)
    rows = [
        {
            "code": n.code,
            "name": n.name,
            "max": vi.format_points(n.max),
            "achieved": vi.format_points(n.achieved),
            "lost": vi.format_points(n.lost),
            "agency": agency_name(n.lead_agency) or "(chưa giao)",
        }
        for n in selectors.ledger_rows(analysis, sort=sort, agency=agency)
    ]
    agencies = [(g.agency, agency_name(g.agency)) for g in analysis.agencies if g.agency]
    svgs = selectors.chart_svgs(analysis.province, year)
    return render(
        request,
        "dashboard/results.html",
        {
            "analysis": analysis,
            "year": year,
            "percent": vi.format_percent(analysis.percent),
            "lost": vi.format_points(analysis.max - analysis.achieved),
            "illustrative": analysis.provenance.illustrative,
            # The SVG comes from our own chart code (matplotlib), never from user input.
            "charts": {name: mark_safe(svg) for name, svg in svgs.items()},
            "rows": rows,
            "agencies": agencies,
            "sort": sort,
            "agency": agency or "",
        },
    )


def results_export(request, year: int):
    require_signed_in(request.user)
    analysis = selectors.analysis_for(province=_province(), year=year)
    sort, agency = _filters(request)
    content = ledger_xlsx(
        selectors.ledger_rows(analysis, sort=sort, agency=agency),
        title=f"Điểm bị trừ — {analysis.province}, năm {year}",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diem-bi-tru-{year}.xlsx"'
    return response
