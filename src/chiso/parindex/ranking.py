"""Ranks, peers and the distance to the next places.

Ranking follows the ministry's tables: ordered by index, equal values share a rank and the next
rank skips ("1, 2, 2, 4"). Index values are published with two decimals, so values are compared
after rounding to two decimals — a what-if that reaches a neighbour's published value ties it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chiso import units
from chiso.parindex.results import ResultsTable

# Index values are published to 0.01; the smallest step that strictly overtakes a neighbour.
STEP = 0.01


def _r(value: float) -> float:
    return round(value + 0.0, 2)


def competition_ranks(values: Mapping[str, float]) -> dict[str, int]:
    """Rank 1..N by value, ties sharing the best rank."""
    ordered = sorted(values.values(), key=lambda v: -_r(v))
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(_r(value), position)
    return {name: first[_r(v)] for name, v in values.items()}


def rank_among(value: float, others: Mapping[str, float]) -> int:
    """The rank ``value`` would take among ``others`` (which exclude the province itself)."""
    return 1 + sum(1 for v in others.values() if _r(v) > _r(value))


@dataclass(frozen=True)
class Peer:
    label: str  # Vietnamese, e.g. "Trung bình cả nước"
    province: str | None
    value: float
    gap: float  # peer minus the province, in points (= percentage points)
    illustrative: bool


@dataclass(frozen=True)
class Climb:
    places: int
    target_rank: int
    province_at_target: str
    value_at_target: float
    points_needed: float  # to strictly pass the province now at the target rank


def peers(table: ResultsTable, province: str) -> list[Peer]:
    """National average, regional average, the best province and the one ranked just above."""
    row = table.get(province)
    if row is None:
        return []
    own = row.index_percent
    result = []
    national = table.mean()
    if national is not None:
        result.append(
            Peer("Trung bình cả nước", None, national, _r(national - own), table.any_illustrative)
        )
    region = units.find_province(province, table.year).region
    same_region = {
        r.province
        for r in table.rows
        if units.find_province(r.province, table.year).region == region
    }
    regional = table.mean(same_region)
    if regional is not None:
        illustrative = any(r.illustrative for r in table.rows if r.province in same_region)
        result.append(
            Peer(f"Trung bình vùng {region}", None, regional, _r(regional - own), illustrative)
        )
    best = max(table.rows, key=lambda r: r.index_percent)
    result.append(
        Peer(
            "Tỉnh dẫn đầu",
            best.province,
            best.index_percent,
            _r(best.index_percent - own),
            best.illustrative,
        )
    )
    above = [r for r in table.rows if _r(r.index_percent) > _r(own)]
    if above:
        nearest = min(above, key=lambda r: r.index_percent)
        result.append(
            Peer(
                "Tỉnh xếp ngay trên",
                nearest.province,
                nearest.index_percent,
                _r(nearest.index_percent - own),
                nearest.illustrative,
            )
        )
    return result


def climbs(table: ResultsTable, province: str, max_places: int = 5) -> list[Climb]:
    """Points needed to move up 1..max_places ranks, assuming the others stay where they are."""
    row = table.get(province)
    if row is None:
        return []
    own = row.index_percent
    ahead = sorted(
        (r for r in table.rows if r.province != province and _r(r.index_percent) >= _r(own)),
        key=lambda r: -r.index_percent,
    )
    current = rank_among(
        own, {r.province: r.index_percent for r in table.rows if r.province != province}
    )
    result = []
    for k in range(1, max_places + 1):
        target_rank = current - k
        if target_rank < 1:
            break
        # To reach rank t we must strictly pass everyone at rank t and below us.
        passed = ahead[target_rank - 1]
        needed = _r(passed.index_percent + STEP - own)
        result.append(
            Climb(k, target_rank, passed.province, passed.index_percent, max(needed, 0.0))
        )
    return result
