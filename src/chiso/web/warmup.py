"""Compute, once at server start, what the first views of the results and SIPAS pages need.

A fresh process spends about 5 s on its first dashboard and SIPAS views (imports, the analysis,
the survey estimates, the charts), and every gunicorn worker is a fresh process: after a restart
the first coordinators — possibly at 16:55 on deadline day — would each wait for that. With
``chiso.web.gunicorn_conf`` the master loads the application and calls :func:`warm` before it
forks the workers, so they start with these results already in memory (shared copy-on-write)
and nobody pays the cost. Anything not warmed is still computed on first use, as before.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.http import Http404

from chiso.errors import ChisoError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Warmed:
    """What :func:`warm` prepared, for the server's log."""

    province: str
    year: int
    pages: tuple[str, ...]
    seconds: float


def warm(*, province: str | None = None) -> Warmed:
    """Fill this process's caches for the newest year's results and SIPAS pages of ``province``
    (default ``CHISO_PROVINCE``), then close the database connections.

    Closing matters: the caller forks workers next, and a connection (or SQLite file handle)
    shared by several processes corrupts their conversations with the database. A page that has
    no data (no survey for the year, an unknown province) is skipped, not an error: the page
    itself says so when visited.
    """
    # Every view module, the core and matplotlib: imported by the first request otherwise.
    import chiso.web.urls  # noqa: F401
    from chiso.web.dashboard import selectors, sipas
    from chiso.web.datasets import selectors as datasets

    province = province or settings.CHISO_PROVINCE
    started = time.perf_counter()
    pages: list[str] = []
    try:
        year = selectors.latest_year(province)
        try:
            analysis, source = selectors.results(province=province, year=year)
            selectors.chart_svgs(analysis, source)
            pages.append("Kết quả")
        except (Http404, ChisoError):
            pass
        survey = datasets.survey_source(province=province, year=year)
        if survey is not None:
            try:
                sipas.chart_svgs(datasets.survey_for(survey), survey)
                pages.append("SIPAS")
            except ChisoError:
                pass
    finally:
        connections.close_all()
    return Warmed(province, year, tuple(pages), time.perf_counter() - started)
