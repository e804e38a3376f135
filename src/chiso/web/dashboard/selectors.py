"""The province's results: the analysis of the active imported files (else the demo), its charts
and its lost-points ledger. Analyses and charts are kept in memory per set of files: an imported
file never changes, so neither does what is computed from it."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from django.http import Http404

from chiso.documents import charts
from chiso.errors import NotFound
from chiso.parindex.analysis import Analysis
from chiso.parindex.ledger import NodeResult
from chiso.web.datasets import selectors as datasets
from chiso.web.datasets.models import Dataset
from chiso.web.datasets.selectors import ParSource

LATEST_YEAR = 2025  # the newest year of the embedded demo
SORTS = ("mat", "ma")
T = TypeVar("T")


class Memo:
    """A small thread-safe LRU of values too slow to compute per request (SVG charts)."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: two first requests may both compute, harmlessly
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


_charts = Memo()


def results(*, province: str, year: int) -> tuple[Analysis, ParSource]:
    """The analysis of ``province`` in ``year`` and the files it came from; 404 without data."""
    source = datasets.par_source(province=province, year=year)
    try:
        return datasets.analysis_for(province=province, year=year, source=source), source
    except NotFound as exc:
        raise Http404(str(exc)) from None


def analysis_for(*, province: str, year: int) -> Analysis:
    """The analysis of ``province`` in ``year``; 404 when there is no data for it."""
    return results(province=province, year=year)[0]


def latest_year(province: str) -> int:
    """The newest year with data: an imported score sheet, else the demo's newest year."""
    years = datasets.imported_years(kind=Dataset.Kind.SHEET, province=province)
    return max([LATEST_YEAR, *years])


@dataclass(frozen=True)
class ChartImage:
    """A chart as a standalone SVG file, shown with ``<img>``.

    Inline SVG would put matplotlib's ``<style>`` element and ``style=`` attributes into the page,
    which the Content-Security-Policy (``style-src 'self'``) blocks; an image is its own document,
    outside the page's policy, and cannot run scripts. ``version`` changes with the content, so
    the image URL can be cached.
    """

    title: str
    svg: str
    version: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.svg.encode()).hexdigest()[:12]
        object.__setattr__(self, "version", digest)


# URL slug (Vietnamese, no diacritics) → template key → the core's chart function.
PAR_CHARTS = (
    ("linh-vuc", "fields", charts.field_scores),
    ("dien-bien", "trend", charts.trend),
    ("co-quan", "agencies", charts.lost_by_agency),
    ("so-sanh", "peers", charts.peers),
)


def chart_svgs(analysis: Analysis, source: ParSource) -> dict[str, ChartImage]:
    """The four dashboard charts by URL slug (rendering is slow, the result never changes)."""
    illustrative = analysis.provenance.illustrative

    def draw() -> dict[str, ChartImage]:
        images = {}
        for slug, _key, build in PAR_CHARTS:
            chart = build(analysis, illustrative=illustrative)
            images[slug] = ChartImage(chart.title, chart.svg())
        return images

    return _charts.get(("par", analysis.province, analysis.year, source.key), draw)


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
