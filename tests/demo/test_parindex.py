"""The demo keeps every published fact true while filling the rest illustratively."""

import csv
import math
from importlib import resources

import pytest

from chiso import units
from chiso.demo import parindex as demo


def published(year):
    path = resources.files("chiso.data") / "published" / f"parindex_{year}_provinces.csv"
    with path.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["index_percent"] and r["rank"].isdigit()]


@pytest.mark.parametrize("year", demo.YEARS)
def test_table_covers_every_province_once(year):
    table = demo.table(year)
    names = [r.province for r in table.rows]
    assert sorted(names) == sorted(p.name for p in units.provinces(year))


@pytest.mark.parametrize("year", [2023, 2024])
def test_published_values_and_ranks_are_kept_with_their_source(year):
    table = demo.table(year)
    for rec in published(year):
        row = table.get(units.find_province(rec["province"], year).name)
        assert row.index_percent == float(rec["index_percent"])
        assert row.rank == int(rec["rank"])
        assert row.source == rec["source_url"]
        assert not row.illustrative


@pytest.mark.parametrize(("year", "mean"), [(2023, 86.98), (2024, 88.37)])
def test_national_mean_equals_the_published_average(year, mean):
    values = demo.table(year).values().values()
    assert math.fsum(values) / len(values) == pytest.approx(mean, abs=0.005)


def test_2024_group_counts_hold():
    values = demo.table(2024).values().values()
    assert sum(v >= 90 for v in values) == 13  # 13 in group A, published
    assert min(values) >= 80  # no group C


def test_2024_rank_only_and_derived_facts():
    t23, t24 = demo.table(2023), demo.table(2024)
    assert t24.get("Hà Nội").rank == 3
    assert t24.get("Bình Thuận").index_percent == pytest.approx(
        t23.get("Bình Thuận").index_percent + 6.39
    )
    assert t24.get("Lai Châu").index_percent == pytest.approx(
        t23.get("Lai Châu").index_percent + 0.19
    )


@pytest.mark.parametrize("year", demo.YEARS)
def test_lang_son_is_illustrative_and_matches_its_sheet(year):
    sheet = demo.sheet(year)
    assert sheet.illustrative
    total = round(math.fsum(line.achieved for line in sheet.lines.values()), 2)
    assert total == demo.TARGETS[year]
    row = demo.table(year).get("Lạng Sơn")
    assert row.index_percent == total and row.illustrative


def test_every_illustrative_row_says_so():
    for year in demo.YEARS:
        for row in demo.table(year).rows:
            assert row.illustrative == (row.source == demo.ILLUSTRATIVE_SOURCE)


def test_demo_is_deterministic():
    demo.sheet.cache_clear()
    demo.table.cache_clear()
    first = demo.table(2025).values()
    demo.sheet.cache_clear()
    demo.table.cache_clear()
    assert demo.table(2025).values() == first
