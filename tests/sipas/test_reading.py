import math

import pytest

from chiso.sipas.estimate import OVERALL, Estimate
from chiso.sipas.reading import changes, expectations, tiers


def est(unit, value, low, high, indicator="SVC", se=1.0):
    return Estimate(unit, indicator, 100, value, se, low, high, 1.0, ())


def test_tiers_group_overlapping_intervals_with_the_leader():
    data = [
        est("a", 90, 88, 92),
        est("b", 89, 87, 91),  # overlaps a → tier 1
        est("c", 86, 84, 87.9),  # does not reach a's lower bound 88 → tier 2
        est("d", 85, 83, 87),  # overlaps c → tier 2
        est("e", 70, 65, 75),  # tier 3
        est(OVERALL, 85, 84, 86),  # the whole sample is not a unit
    ]
    result = tiers(data, "SVC")
    assert [(t.estimate.unit, t.tier, t.rank) for t in result] == [
        ("a", 1, 1),
        ("b", 1, 2),
        ("c", 2, 3),
        ("d", 2, 4),
        ("e", 3, 5),
    ]


def test_changes_are_significant_only_beyond_the_noise():
    now = [est("a", 85, 0, 0, se=1.0), est("b", 85, 0, 0, se=1.0)]
    before = [est("a", 84, 0, 0, se=1.0), est("b", 80, 0, 0, se=1.0)]
    result = {c.unit: c for c in changes(now, before)}
    assert result["a"].difference == 1 and not result["a"].significant
    assert result["b"].difference == 5 and result["b"].significant
    assert result["b"].se == pytest.approx(math.sqrt(2))
    assert result["b"].p_value == pytest.approx(0.000407, rel=0.01)


def test_expectations_are_ranked_for_one_unit():
    data = [
        est(OVERALL, 60, 58, 62, "E1"),
        est(OVERALL, 75, 73, 77, "E2"),
        est(OVERALL, 74, 72, 76, "E3"),
        est("a", 99, 98, 100, "E1"),
    ]
    ranked = expectations(data, ["E1", "E2", "E3"])
    assert [(t.estimate.indicator, t.tier) for t in ranked] == [("E2", 1), ("E3", 1), ("E1", 2)]
