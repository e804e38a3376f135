from chiso.parindex.ranking import climbs, competition_ranks, peers, rank_among
from chiso.parindex.results import ProvinceResult, ResultsTable


def make_table(values: dict[str, float], year: int = 2025) -> ResultsTable:
    rows = tuple(ProvinceResult(name, value) for name, value in values.items())
    return ResultsTable(year=year, rows=rows, source="test")


def test_competition_ranks_share_ties_and_skip():
    ranks = competition_ranks({"a": 90.0, "b": 88.5, "c": 88.5, "d": 80.0})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_ranks_compare_published_precision():
    # 88.501 and 88.499 are both published as 88.50: the same rank.
    assert competition_ranks({"a": 88.501, "b": 88.499}) == {"a": 1, "b": 1}


def test_rank_among_counts_only_strictly_better():
    others = {"x": 91.0, "y": 89.0, "z": 89.0}
    assert rank_among(89.0, others) == 2
    assert rank_among(95.0, others) == 1
    assert rank_among(70.0, others) == 4


def test_peers_national_regional_best_and_just_above():
    table = make_table(
        {"Lạng Sơn": 86.0, "Cao Bằng": 88.0, "Hà Nội": 92.0, "Sơn La": 87.0, "Cà Mau": 84.0}
    )
    by_label = {p.label.split(" vùng ")[0]: p for p in peers(table, "Lạng Sơn")}
    assert by_label["Trung bình cả nước"].value == 87.4
    assert by_label["Trung bình cả nước"].gap == 1.4
    # Lạng Sơn, Cao Bằng and Sơn La are all in Trung du và miền núi phía Bắc.
    regional = by_label["Trung bình"]
    assert regional.value == 87.0 and regional.gap == 1.0
    assert by_label["Tỉnh dẫn đầu"].province == "Hà Nội"
    assert by_label["Tỉnh xếp ngay trên"].province == "Sơn La"
    assert by_label["Tỉnh xếp ngay trên"].gap == 1.0


def test_leader_has_no_province_above():
    table = make_table({"Lạng Sơn": 95.0, "Hà Nội": 92.0})
    labels = [p.label for p in peers(table, "Lạng Sơn")]
    assert "Tỉnh xếp ngay trên" not in labels


def test_climbs_points_to_pass_each_place():
    table = make_table({"A": 93.0, "B": 91.5, "C": 90.0, "Lạng Sơn": 89.0, "D": 85.0})
    result = climbs(table, "Lạng Sơn", max_places=5)
    assert [(c.places, c.target_rank, c.province_at_target) for c in result] == [
        (1, 3, "C"),
        (2, 2, "B"),
        (3, 1, "A"),
    ]
    assert [c.points_needed for c in result] == [1.01, 2.51, 4.01]


def test_climbs_after_a_tie_pass_the_tied_province():
    table = make_table({"A": 90.0, "Lạng Sơn": 88.0, "B": 88.0})
    result = climbs(table, "Lạng Sơn")
    assert [(c.target_rank, c.province_at_target, c.points_needed) for c in result] == [
        (1, "A", 2.01)
    ]
