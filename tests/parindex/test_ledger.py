import math

import pytest

from chiso.demo import parindex as demo
from chiso.frameworks import embedded
from chiso.parindex.ledger import below_max, build_ledger, by_agency, code_key, grand_total


@pytest.fixture(scope="module")
def ledger():
    return build_ledger(embedded(2025), demo.sheet(2025))


def test_every_total_is_the_sum_of_its_children(ledger):
    by_code = {n.code: n for n in ledger}
    for node in ledger:
        children = [n for n in ledger if n.parent == node.code]
        if children:
            assert node.achieved == pytest.approx(math.fsum(c.achieved for c in children))
            assert node.max == pytest.approx(math.fsum(c.max for c in children))
    assert set(by_code) == set(embedded(2025).nodes)


def test_lost_is_max_minus_achieved_everywhere(ledger):
    for node in ledger:
        assert node.lost == pytest.approx(node.max - node.achieved, abs=1e-9)
        assert 0 <= node.achieved <= node.max + 1e-9


def test_grand_total_matches_demo_target(ledger):
    achieved, maximum = grand_total(ledger)
    assert maximum == 100
    assert achieved == pytest.approx(demo.TARGETS[2025])


def test_below_max_holds_only_losing_leaves_sorted(ledger):
    items = below_max(ledger)
    parents = {n.parent for n in ledger}
    assert items, "the demo loses points somewhere"
    assert all(i.code not in parents and i.lost > 0 for i in items)
    losses = [i.lost for i in items]
    assert losses == sorted(losses, reverse=True)
    total_lost = 100 - grand_total(ledger)[0]
    assert math.fsum(losses) == pytest.approx(total_lost)


def test_by_agency_partitions_the_losses(ledger):
    items = below_max(ledger)
    groups = by_agency(items)
    assert sorted(c for g in groups for c in (i.code for i in g.items)) == sorted(
        i.code for i in items
    )
    assert [g.lost for g in groups] == sorted((g.lost for g in groups), reverse=True)
    for group in groups:
        assert all(i.lead_agency == group.agency for i in group.items)


def test_self_assessed_sums_only_when_every_child_has_one(ledger):
    for node in ledger:
        children = [n for n in ledger if n.parent == node.code]
        if children and any(c.self_assessed is None for c in children):
            assert node.self_assessed is None


def test_code_key_orders_numbers_numerically():
    codes = ["LV1.10.1", "LV1.2.1", "LV10.1", "LV2.1", "1.1"]
    assert sorted(codes, key=code_key) == ["1.1", "LV1.2.1", "LV1.10.1", "LV2.1", "LV10.1"]
