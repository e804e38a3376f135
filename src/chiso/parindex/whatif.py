"""What-if: recover chosen lost points and see the new total, rank and group.

A recovery names a sub-criterion (recover all its lost points) or ``CODE=POINTS`` (recover that
many). Naming a criterion or field recovers everything lost beneath it. Other provinces are held
at their published values, which is the question a leader asks: "if we had fixed these, where
would we have stood?"
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chiso import vi
from chiso.errors import ChisoError
from chiso.frameworks.schema import TOLERANCE, Framework
from chiso.parindex.ledger import NodeResult
from chiso.parindex.ranking import rank_among
from chiso.parindex.results import ResultsTable


@dataclass(frozen=True)
class Recovery:
    code: str
    points: float | None = None  # None: everything lost


@dataclass(frozen=True)
class WhatIf:
    recovered: tuple[tuple[str, float], ...]  # (sub-criterion, points regained)
    gained: float
    total: float
    percent: float
    rank: int | None
    of: int
    group: str | None


def parse_recovery(spec: str) -> Recovery:
    """``LV7.2.1`` or ``LV7.2.1=0,5`` (Vietnamese or English decimals)."""
    code, _, points = spec.partition("=")
    code = vi.nfc(code).strip().upper()
    if not code:
        raise ChisoError(f"'{spec}' thiếu mã tiêu chí (dạng MÃ hoặc MÃ=ĐIỂM).", code="bad_what_if")
    if not points.strip():
        return Recovery(code)
    try:
        value = vi.parse_number(points)
    except ValueError as exc:
        raise ChisoError(f"'{spec}': {exc}", code="bad_what_if") from exc
    if value <= 0:
        raise ChisoError(f"'{spec}': số điểm khôi phục phải lớn hơn 0.", code="bad_what_if")
    return Recovery(code, value)


def simulate(
    *,
    framework: Framework,
    ledger: tuple[NodeResult, ...],
    table: ResultsTable | None,
    province: str,
    recoveries: list[Recovery],
) -> WhatIf:
    by_code = {n.code: n for n in ledger}
    regained: dict[str, float] = {}
    for rec in recoveries:
        if rec.code not in by_code:
            raise ChisoError(
                f"Mã {rec.code} không có trong khung chỉ số {framework.code}.", code="bad_what_if"
            )
        leaves = [n for n in framework.leaves_under(rec.code) if by_code[n].lost > TOLERANCE]
        lost = math.fsum(by_code[c].lost for c in leaves)
        if rec.points is None:
            for c in leaves:
                regained[c] = by_code[c].lost
            continue
        if not framework.nodes[rec.code].is_leaf:
            raise ChisoError(
                f"{rec.code} không phải tiêu chí thành phần: chỉ ghi số điểm cho tiêu chí thành "
                "phần, hoặc bỏ '=ĐIỂM' để khôi phục toàn bộ.",
                code="bad_what_if",
            )
        if rec.points > lost + TOLERANCE:
            raise ChisoError(
                f"{rec.code} chỉ mất {vi.format_points(lost)} điểm, không thể khôi phục "
                f"{vi.format_points(rec.points)} điểm.",
                code="bad_what_if",
            )
        regained[rec.code] = rec.points
    gained = round(math.fsum(regained.values()), 4)
    current = math.fsum(n.achieved for n in ledger if n.parent is None)
    total = round(current + gained, 4)
    percent = round(total / framework.total_max * 100, 2)
    rank, of = None, 0
    if table is not None:
        others = {r.province: r.index_percent for r in table.rows if r.province != province}
        rank, of = rank_among(percent, others), len(others) + 1
    return WhatIf(
        recovered=tuple(sorted(regained.items())),
        gained=gained,
        total=total,
        percent=percent,
        rank=rank,
        of=of,
        group=framework.group_for(percent),
    )
