"""The province's results, computed once per (province, year): an Analysis never changes."""

from __future__ import annotations

import re
from functools import lru_cache

from django.http import Http404

from chiso.documents import charts
from chiso.errors import NotFound
from chiso.parindex.analysis import Analysis
from chiso.parindex.inputs import analyse_province
from chiso.parindex.ledger import NodeResult

LATEST_YEAR = 2025
SORTS = ("mat", "ma")


@lru_cache(maxsize=16)
def _analysis(province: str, year: int) -> Analysis:
    return analyse_province(province=province, year=year)


def analysis_for(*, province: str, year: int) -> Analysis:
    """The analysis of ``province`` in ``year``; 404 when there is no data for it."""
    try:
        return _analysis(province, year)
    except NotFound as exc:
        raise Http404(str(exc)) from None


@lru_cache(maxsize=16)
def chart_svgs(province: str, year: int) -> dict[str, str]:
    """The four dashboard charts as inline SVG (rendering is slow, the result never changes)."""
    analysis = _analysis(province, year)
    illustrative = analysis.provenance.illustrative
    return {
        name: chart(analysis, illustrative=illustrative).svg()
        for name, chart in (
            ("fields", charts.field_scores),
            ("trend", charts.trend),
            ("agencies", charts.lost_by_agency),
            ("peers", charts.peers),
        )
    }


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def ledger_rows(
    analysis: Analysis, *, sort: str = "mat", agency: str | None = None
) -> list[NodeResult]:
    """The sub-criteria below maximum, optionally of one lead agency, by points lost or by code."""
    rows = [n for n in analysis.below_max if not agency or n.lead_agency == agency]
    if sort == "ma":
        return sorted(rows, key=lambda n: _code_key(n.code))
    return sorted(rows, key=lambda n: (-n.lost, _code_key(n.code)))
