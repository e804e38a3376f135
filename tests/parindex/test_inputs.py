"""Choosing an analysis's inputs: earlier years' results tables for the trend."""

from __future__ import annotations

import pytest

from chiso.demo import parindex as demo
from chiso.errors import ChisoError
from chiso.parindex.inputs import analyse_province


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """What ``chiso demo export`` writes: score sheets and results tables 2023–2025."""
    from chiso.demo.files import export_demo

    folder = tmp_path_factory.mktemp("demo-export")
    export_demo(folder)
    return folder


def _analyse(files, **extra):
    return analyse_province(
        province="Lạng Sơn",
        year=2025,
        sheet=files / "bang-diem-lang-son-2025.csv",
        results=files / "ket-qua-cac-tinh-2025.csv",
        **extra,
    )


def test_without_history_the_trend_is_this_year_only(files):
    assert [p.year for p in _analyse(files).trend] == [2025]


def test_earlier_tables_give_the_trend_with_each_years_rank_and_source(files):
    history = {
        2024: files / "ket-qua-cac-tinh-2024.xlsx",
        2023: files / "ket-qua-cac-tinh-2023.csv",
    }
    trend = _analyse(files, history=history).trend
    assert [p.year for p in trend] == [2023, 2024, 2025]
    for point in trend[:2]:
        published = demo.table(point.year).get("Lạng Sơn")
        assert (point.percent, point.rank, point.of) == (
            published.index_percent,
            published.rank,
            63,
        )
    assert trend[0].source.startswith("ket-qua-cac-tinh-2023.csv, dòng ")
    assert (trend[2].rank, trend[2].of) == (23, 34)


def test_a_table_of_this_year_or_later_is_refused(files):
    with pytest.raises(ChisoError, match="phải của một năm trước năm 2025") as caught:
        _analyse(files, history={2025: files / "ket-qua-cac-tinh-2025.csv"})
    assert "ket-qua-cac-tinh-2025.csv" in str(caught.value)


def test_a_file_that_is_not_a_results_table_names_itself(files):
    with pytest.raises(ChisoError) as caught:
        _analyse(files, history={2024: files / "bang-diem-lang-son-2024.csv"})
    assert "bang-diem-lang-son-2024.csv" in str(caught.value)


def test_history_alone_is_not_the_demo(files):
    with pytest.raises(ChisoError, match="Cần bảng điểm chi tiết"):
        analyse_province(
            province="Lạng Sơn", year=2025, history={2024: files / "ket-qua-cac-tinh-2024.csv"}
        )
