"""The province results dashboard and its SIPAS page: read-only, for every signed-in role."""

from __future__ import annotations

from csp.decorators import csp
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from chiso import vi
from chiso.parindex.export import agency_name
from chiso.web.accounts.permissions import require_signed_in
from chiso.web.dashboard import selectors, sipas
from chiso.web.dashboard.export import ledger_xlsx
from chiso.web.datasets import selectors as datasets
from chiso.web.http import download


def _province() -> str:
    return getattr(settings, "CHISO_PROVINCE", "Lạng Sơn")


def _filters(request) -> tuple[str, str | None]:
    sort = request.GET.get("sap_xep", "mat")
    if sort not in selectors.SORTS:
        sort = "mat"
    return sort, request.GET.get("co_quan") or None


def _chart_links(
    images: dict, keys, url_name: str, year: int, query: str = ""
) -> dict[str, dict[str, str]]:
    """Template key → the chart's image URL (with its content version, and ``query`` such as the
    questionnaire) and its title (alt text)."""
    return {
        key: {
            "url": f"{reverse(url_name, args=[year, slug])}?v={images[slug].version}{query}",
            "title": images[slug].title,
        }
        for slug, key in keys
    }


# The chart is our own matplotlib output: its <style> element and style attributes are all it
# needs, never a script. This policy applies when the SVG is opened on its own in a tab.
_SVG_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "frame-ancestors": ["'none'"],
}


def _svg(image: selectors.ChartImage) -> HttpResponse:
    response = HttpResponse(image.svg, content_type="image/svg+xml; charset=utf-8")
    # The page links each chart with ?v=<content hash>: a new dataset is a new URL.
    response["Cache-Control"] = "private, max-age=86400"
    return response


def results_latest(request):
    return redirect("results", year=selectors.latest_year(_province()))


def results(request, year: int):
    require_signed_in(request.user)
    analysis, source = selectors.results(province=_province(), year=year)
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
    agencies = vi.sorted_vi(
        [(g.agency, agency_name(g.agency)) for g in analysis.agencies if g.agency],
        key=lambda pair: pair[1],
    )
    svgs = selectors.chart_svgs(analysis, source)
    provenance = analysis.provenance
    return render(
        request,
        "dashboard/results.html",
        {
            "analysis": analysis,
            "year": year,
            "percent": vi.format_percent(analysis.percent),
            "lost": vi.format_points(analysis.max - analysis.achieved),
            "illustrative": source.demo,
            "sources": [
                (d.get_kind_display(), datasets.source_line(d))
                for d in (source.sheet, source.table)
                if d is not None
            ]
            + [  # earlier years' tables feed the trend chart once a score sheet is imported
                (f"{d.get_kind_display()} năm {d.year}", datasets.source_line(d))
                for d in (source.history if not source.demo else ())
            ],
            "table_missing": source.sheet is not None and source.table is None,
            "history_missing": not source.demo and not source.history,
            "table_unused": source.demo and source.table is not None,
            "results_illustrative": not source.demo and provenance.results_illustrative,
            "framework_illustrative": not source.demo and not provenance.framework_official,
            "warnings": analysis.warnings,
            "has_survey": datasets.survey_source(province=_province(), year=year) is not None,
            "charts": _chart_links(
                svgs, [(slug, key) for slug, key, _ in selectors.PAR_CHARTS], "results_chart", year
            ),
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
    return download(content, f"diem-bi-tru-{year}.xlsx")


QUESTIONNAIRE = "bang_hoi"  # the query parameter choosing among a year's surveys


def _survey(request, year: int):
    """The survey of ``year`` the request asks for (``?bang_hoi=CODE``), else the first one."""
    questionnaire = request.GET.get(QUESTIONNAIRE) or None
    source = datasets.survey_source(province=_province(), year=year, questionnaire=questionnaire)
    if source is None:
        if questionnaire:
            raise Http404(f"Không có khảo sát năm {year} theo bảng hỏi {questionnaire}.")
        raise Http404(f"Chưa có dữ liệu khảo sát sự hài lòng năm {year}.")
    return source, datasets.survey_for(source)


def _choices(year: int, current: str) -> list[dict[str, object]]:
    """The year's surveys as links, when there is more than one to choose from."""
    imported = datasets.surveys(province=_province(), year=year)
    if len(imported) < 2:
        return []
    names = sipas.questionnaire_names()
    return [
        {
            "code": d.standard,
            "name": names.get(d.standard, d.standard),
            "url": f"{reverse('survey', args=[year])}?{urlencode({QUESTIONNAIRE: d.standard})}",
            "current": d.standard == current,
        }
        for d in imported
    ]


def survey(request, year: int):
    require_signed_in(request.user)
    source, part = _survey(request, year)
    code = part.questionnaire.code
    query = "" if source.demo else f"&{urlencode({QUESTIONNAIRE: code})}"
    sort = request.GET.get("sap_xep", "cao")
    if sort not in sipas.SORTS:
        sort = "cao"
    indicators = sipas.indicator_rows(part)
    top = sipas.root(part)
    svgs = sipas.chart_svgs(part, source)
    return render(
        request,
        "dashboard/sipas.html",
        {
            "year": year,
            "province": _province(),
            "part": part,
            "questionnaire": part.questionnaire,
            "illustrative": source.demo or part.illustrative,
            "source": part.source,
            "index": next((r for r in indicators if r.code == top), None),
            "indicators": [r for r in indicators if r.code != top],
            "units": sipas.unit_rows(part, sort=sort),
            "has_changes": bool(part.changes),
            "sort": sort,
            "charts": _chart_links(svgs, sipas.SURVEY_CHARTS, "survey_chart", year, query),
            "choices": _choices(year, code),
            "questionnaire_param": "" if source.demo else code,
        },
    )


@csp(_SVG_POLICY)
def results_chart(request, year: int, name: str):
    """One chart of the results page as an SVG file (the page shows it with ``<img>``)."""
    require_signed_in(request.user)
    analysis, source = selectors.results(province=_province(), year=year)
    image = selectors.chart_svgs(analysis, source).get(name)
    if image is None:
        raise Http404("Không có biểu đồ này.")
    return _svg(image)


@csp(_SVG_POLICY)
def survey_chart(request, year: int, name: str):
    """One chart of the SIPAS page as an SVG file."""
    require_signed_in(request.user)
    source, part = _survey(request, year)
    image = sipas.chart_svgs(part, source).get(name)
    if image is None:
        raise Http404("Không có biểu đồ này.")
    return _svg(image)


def survey_export(request, year: int):
    require_signed_in(request.user)
    source, part = _survey(request, year)
    meta = {
        "questionnaire": part.questionnaire.code,
        "year": year,
        "source": part.source,
        "illustrative": source.demo or part.illustrative,
    }
    # With several surveys in a year, each workbook says which questionnaire it is.
    several = len(datasets.surveys(province=_province(), year=year)) > 1
    suffix = f"-{part.questionnaire.code.lower()}" if several else ""
    return download(sipas.workbook(part, meta=meta), f"khao-sat-hai-long-{year}{suffix}.xlsx")
