import pytest

from chiso.demo import parindex as demo
from chiso.errors import ChisoError
from chiso.frameworks import embedded
from chiso.parindex.ledger import below_max, build_ledger
from chiso.parindex.ranking import rank_among
from chiso.parindex.whatif import Recovery, parse_recovery, simulate


@pytest.fixture(scope="module")
def setting():
    framework = embedded(2025)
    ledger = build_ledger(framework, demo.sheet(2025))
    return framework, ledger, demo.table(2025)


def run(setting, *recoveries):
    framework, ledger, table = setting
    return simulate(
        framework=framework,
        ledger=ledger,
        table=table,
        province="Lạng Sơn",
        recoveries=list(recoveries),
    )


def test_parse_recovery_forms():
    assert parse_recovery("lv7.2.1") == Recovery("LV7.2.1")
    assert parse_recovery("LV7.2.1=0,5") == Recovery("LV7.2.1", 0.5)
    assert parse_recovery("LV7.2.1=0.25") == Recovery("LV7.2.1", 0.25)
    for bad in ("=1", "LV1=abc", "LV1=0", "LV1=-1"):
        with pytest.raises(ChisoError):
            parse_recovery(bad)


def test_recovering_everything_reaches_full_marks(setting):
    framework, _ledger, _table = setting
    result = run(setting, *(Recovery(f.code) for f in framework.roots))
    assert result.total == pytest.approx(100)
    assert result.rank == 1 and result.group == "A"


def test_rank_and_group_follow_the_table(setting):
    framework, ledger, table = setting
    top = below_max(ledger)[:3]
    result = run(setting, *(Recovery(i.code) for i in top))
    gained = sum(i.lost for i in top)
    assert result.gained == pytest.approx(gained)
    expected_percent = round(demo.TARGETS[2025] + gained, 2)
    assert result.percent == pytest.approx(expected_percent)
    others = {r.province: r.index_percent for r in table.rows if r.province != "Lạng Sơn"}
    assert result.rank == rank_among(expected_percent, others)
    assert result.of == len(table.rows)
    assert result.group == framework.group_for(expected_percent)


def test_partial_recovery_and_limits(setting):
    _framework, ledger, _table = setting
    item = below_max(ledger)[0]
    half = round(item.lost / 2, 2)
    assert run(setting, Recovery(item.code, half)).gained == pytest.approx(half)
    with pytest.raises(ChisoError, match="chỉ mất"):
        run(setting, Recovery(item.code, item.lost + 1))
    with pytest.raises(ChisoError, match="không có trong khung"):
        run(setting, Recovery("LV99.1.1"))
    with pytest.raises(ChisoError, match="không phải tiêu chí thành phần"):
        run(setting, Recovery("LV7", 0.5))


def test_recovering_a_field_recovers_its_losses(setting):
    _framework, ledger, _table = setting
    lv7 = next(n for n in ledger if n.code == "LV7")
    assert run(setting, Recovery("LV7")).gained == pytest.approx(lv7.lost)


def test_recovering_a_full_item_gains_nothing(setting):
    framework, ledger, table = setting
    full = next(n for n in ledger if n.parent and n.lost == 0 and framework.nodes[n.code].is_leaf)
    result = run(setting, Recovery(full.code))
    assert result.gained == 0
    assert result.rank == table.get("Lạng Sơn").rank
