"""The start-up warm-up: the newest year's pages computed once, database connections closed."""

from __future__ import annotations

import pytest

from chiso.web import warmup
from chiso.web.dashboard import selectors
from chiso.web.datasets import selectors as datasets
from chiso.web.warmup import warm

# warm() closes connections, which must not happen inside a test's wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cold():
    """Every cache warm() fills, emptied before and after the test."""

    def clear() -> None:
        datasets._analyse.cache_clear()
        datasets._demo_survey.cache_clear()
        selectors._charts._values.clear()

    clear()
    yield
    clear()


def test_the_newest_results_and_survey_are_computed_once_and_then_served_from_memory(cold):
    warmed = warm(province="Lạng Sơn")
    assert (warmed.province, warmed.year, warmed.pages) == ("Lạng Sơn", 2025, ("Kết quả", "SIPAS"))
    computed = datasets._analyse.cache_info().misses, datasets._demo_survey.cache_info().misses

    # What the first requests of a worker do now takes everything from memory.
    analysis, source = selectors.results(province="Lạng Sơn", year=2025)
    selectors.chart_svgs(analysis, source)
    datasets.survey_for(datasets.survey_source(province="Lạng Sơn", year=2025))
    assert (datasets._analyse.cache_info().misses, datasets._demo_survey.cache_info().misses) == (
        computed
    )
    assert datasets._analyse.cache_info().hits >= 1
    assert datasets._demo_survey.cache_info().hits >= 1


@pytest.mark.parametrize("fails", [False, True], ids=["warmed", "failed"])
def test_connections_are_closed_for_the_fork_that_follows(cold, monkeypatch, fails):
    # The test database is SQLite in memory, which Django never really closes; what matters is
    # that warm() asks, also when computing fails.
    closed = []
    monkeypatch.setattr(warmup.connections, "close_all", lambda: closed.append(True))
    if fails:
        monkeypatch.setattr(selectors, "latest_year", lambda province: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            warm(province="Lạng Sơn")
    else:
        warm(province="Lạng Sơn")
    assert closed == [True]


def test_a_province_without_data_warms_nothing_and_raises_nothing(cold):
    warmed = warm(province="Tỉnh Không Có")
    assert warmed.pages == ()
    assert datasets._analyse.cache_info().currsize == 0
