"""The estimator against an independent implementation (svy) and against first principles."""

import math

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
import svy

from chiso.sipas import synth
from chiso.sipas.estimate import OVERALL, estimate, interval
from chiso.sipas.questionnaire import embedded

TOL = 1e-6


@pytest.fixture(scope="module")
def questionnaire():
    return embedded("tinh-xa-2025")


def make(tmp_path_factory, questionnaire, *, missing: float, name: str):
    spec = synth.SynthSpec(
        respondents=3000,
        seed=7,
        units=synth.default_units(questionnaire, 6),
        villages_per_unit=4,
        missing_rate=missing,
    )
    path = tmp_path_factory.mktemp("est") / f"{name}.parquet"
    synth.write(questionnaire, spec, path)
    return path


@pytest.fixture(scope="module")
def with_missing(tmp_path_factory, questionnaire):
    return make(tmp_path_factory, questionnaire, missing=0.08, name="missing")


@pytest.fixture(scope="module")
def complete(tmp_path_factory, questionnaire):
    return make(tmp_path_factory, questionnaire, missing=0.0, name="complete")


def svy_sample(path, questionnaire, extra=None):
    frame = pl.from_arrow(pq.read_table(path))
    for code in questionnaire.items:
        positive = list(questionnaire.positive_answers(code))
        frame = frame.with_columns(
            pl.when(pl.col(code).is_null())
            .then(None)
            .otherwise(pl.col(code).is_in(positive).cast(pl.Float64))
            .alias(f"y_{code}")
        )
    if extra is not None:
        frame = frame.with_columns(extra(frame))
    design = svy.Design(stratum="stratum", psu="psu", wgt="weight")
    return svy.Sample(frame, design)


def by_key(results):
    return {(r.unit, r.indicator): r for r in results}


def test_items_match_svy_with_missing_answers(with_missing, questionnaire):
    ours = by_key(estimate(with_missing, questionnaire))
    sample = svy_sample(with_missing, questionnaire)
    checked = 0
    for code in list(questionnaire.items)[:6]:
        rows = sample.estimation.mean(f"y_{code}", by="unit", drop_nulls=True).to_polars()
        for row in rows.iter_rows(named=True):
            mine = ours[(str(row["unit"]), code)]
            assert mine.estimate / 100 == pytest.approx(row["est"], abs=TOL)
            assert mine.se / 100 == pytest.approx(row["se"], abs=TOL)
            checked += 1
        whole = sample.estimation.mean(f"y_{code}", drop_nulls=True).to_polars().row(0, named=True)
        mine = ours[(OVERALL, code)]
        assert mine.estimate / 100 == pytest.approx(whole["est"], abs=TOL)
        assert mine.se / 100 == pytest.approx(whole["se"], abs=TOL)
    assert checked == 36


def test_elements_match_svy_on_complete_answers(complete, questionnaire):
    """With every item answered, an element is the mean of each respondent's item indicators."""
    ours = by_key(estimate(complete, questionnaire))
    elements = [n for n in questionnaire.walk() if n.level == "element"]

    def scores(frame):
        return [
            pl.mean_horizontal([pl.col(f"y_{c}") for c in e.children]).alias(f"e_{e.code}")
            for e in elements
        ]

    sample = svy_sample(complete, questionnaire, extra=scores)
    for element in elements:
        rows = sample.estimation.mean(f"e_{element.code}", by="unit").to_polars()
        for row in rows.iter_rows(named=True):
            mine = ours[(str(row["unit"]), element.code)]
            assert mine.estimate / 100 == pytest.approx(row["est"], abs=TOL)
            assert mine.se / 100 == pytest.approx(row["se"], abs=TOL)


def test_composite_variance_is_not_the_independent_items_one(complete, questionnaire):
    """Items of one respondent are correlated: treating them as independent would understate."""
    ours = by_key(estimate(complete, questionnaire))
    svc = ours[(OVERALL, "SVC")]
    elements = [ours[(OVERALL, f"SVC.{i}")] for i in range(1, 6)]
    independent = math.sqrt(sum((e.se / 5) ** 2 for e in elements))
    assert svc.se > independent * 1.2


def test_composite_is_the_recipe_of_its_items(with_missing, questionnaire):
    ours = by_key(estimate(with_missing, questionnaire))
    for unit in {u for u, _ in ours}:
        for node in questionnaire.walk():
            expected = np.mean([ours[(unit, c)].estimate for c in node.children])
            assert ours[(unit, node.code)].estimate == pytest.approx(expected, abs=1e-9)


def test_simple_random_sampling_without_design_columns(tmp_path, questionnaire):
    """Each respondent its own PSU in one stratum, weight 1: SE² = n/(n-1) · p(1-p)/m.

    n counts every respondent (those who skipped the item stay in the design, as in svy's
    drop_nulls), m those who answered it.
    """
    import pyarrow as pa

    make_path = tmp_path / "srs.parquet"
    spec = synth.SynthSpec(respondents=500, seed=3, units=synth.default_units(questionnaire, 1))
    source = tmp_path / "src.parquet"
    synth.write(questionnaire, spec, source)
    data = pq.read_table(source)
    n = data.num_rows
    data = data.set_column(data.schema.get_field_index("stratum"), "stratum", pa.array(["_"] * n))
    data = data.set_column(
        data.schema.get_field_index("psu"), "psu", pa.array([f"r{i}" for i in range(n)])
    )
    data = data.set_column(data.schema.get_field_index("weight"), "weight", pa.array([1.0] * n))
    pq.write_table(data, make_path)
    result = by_key(estimate(make_path, questionnaire))
    column = data.column("C9.16").to_numpy(zero_copy_only=False)
    answered = column[~np.isnan(column.astype(float))]
    y = np.isin(answered, list(questionnaire.positive_answers("C9.16"))).astype(float)
    p, m = y.mean(), len(y)
    se = math.sqrt(n / (n - 1) * p * (1 - p) / m)
    mine = result[(OVERALL, "C9.16")]
    assert mine.estimate / 100 == pytest.approx(p, abs=1e-12)
    assert mine.se / 100 == pytest.approx(se, rel=1e-9)
    assert mine.deff == pytest.approx(n / (n - 1), rel=1e-9)  # SRS: design effect ~ 1
    assert mine.df == n - 1


def test_logit_interval_matches_the_formula_and_stays_inside():
    low, high = interval(0.9, 0.02, 30, 500)
    from scipy import stats

    t = stats.t.ppf(0.975, 30)
    centre = math.log(0.9 / 0.1)
    half = t * 0.02 / (0.9 * 0.1)
    assert low == pytest.approx(1 / (1 + math.exp(-(centre - half))))
    assert high == pytest.approx(1 / (1 + math.exp(-(centre + half))))
    assert 0 < low < 0.9 < high < 1
    assert high - 0.9 < 0.9 - low  # asymmetric near the ceiling, unlike Wald


def test_korn_graubard_covers_the_boundary():
    low, high = interval(1.0, 0.0, 10, 40, method="korn-graubard")
    assert high == 1.0 and 0.85 < low < 1.0
    low, high = interval(0.9, 0.02, 30, 500, method="korn-graubard")
    assert 0.8 < low < 0.9 < high < 1.0


def test_small_units_are_flagged(with_missing, questionnaire):
    results = estimate(with_missing, questionnaire, min_n=10_000)
    assert all("small_n" in r.flags for r in results if r.unit != OVERALL)


def test_unknown_indicator_and_column_are_clear_errors(with_missing, questionnaire):
    from chiso.errors import ChisoError

    with pytest.raises(ChisoError, match="Không có chỉ số"):
        estimate(with_missing, questionnaire, indicators=["NOPE"])
    with pytest.raises(ChisoError, match="Không có cột"):
        estimate(with_missing, questionnaire, by="nope")
