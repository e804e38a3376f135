"""One province's PAR INDEX analysis for one year — the answer to the seed's questions.

Where were points lost, against whom, who is responsible, what would it take to climb. Built
from plain values (framework, score sheet, all-province table, last year) so the CLI, the web
app and the documents all show the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chiso import units, vi
from chiso.errors import NotFound
from chiso.frameworks.crosswalk import Crosswalk
from chiso.frameworks.schema import Framework
from chiso.parindex.ledger import (
    AgencyLosses,
    NodeResult,
    below_max,
    build_ledger,
    by_agency,
    grand_total,
)
from chiso.parindex.ranking import Climb, Peer, climbs, competition_ranks, peers
from chiso.parindex.results import ResultsTable, ScoreSheet
from chiso.parindex.whatif import Recovery, WhatIf, simulate


@dataclass(frozen=True)
class PreviousYear:
    """Last year's sheet and the code mapping that makes node-by-node change meaningful."""

    framework: Framework
    sheet: ScoreSheet
    crosswalk: Crosswalk


@dataclass(frozen=True)
class NodeChange:
    code: str
    previous_achieved: float
    previous_max: float
    change: float  # points, this year minus last year


@dataclass(frozen=True)
class TrendPoint:
    year: int
    percent: float
    rank: int | None
    of: int
    group: str | None
    illustrative: bool
    source: str


@dataclass(frozen=True)
class Provenance:
    framework: str
    framework_official: bool
    results: str | None
    results_illustrative: bool
    sheet: str
    sheet_illustrative: bool
    published_sources: tuple[Mapping[str, str], ...] = ()
    published_figures: tuple[tuple[str, str], ...] = ()  # (province, source URL) in the table

    @property
    def illustrative(self) -> bool:
        return self.results_illustrative or self.sheet_illustrative or not self.framework_official


@dataclass(frozen=True)
class Analysis:
    province: str
    year: int
    framework: Framework
    ledger: tuple[NodeResult, ...]
    achieved: float
    max: float
    percent: float
    rank: int | None
    of: int | None
    group: str | None
    below_max: tuple[NodeResult, ...]
    agencies: tuple[AgencyLosses, ...]
    peers: tuple[Peer, ...]
    climbs: tuple[Climb, ...]
    provenance: Provenance
    changes: Mapping[str, NodeChange] = field(default_factory=dict)
    previous_year: int | None = None
    trend: tuple[TrendPoint, ...] = ()
    what_if: WhatIf | None = None
    warnings: tuple[str, ...] = ()

    def node(self, code: str) -> NodeResult:
        return next(n for n in self.ledger if n.code == code)

    @property
    def fields(self) -> tuple[NodeResult, ...]:
        return tuple(n for n in self.ledger if n.parent is None)


def analyse(
    *,
    framework: Framework,
    sheet: ScoreSheet,
    table: ResultsTable | None = None,
    previous: PreviousYear | None = None,
    history: tuple[ResultsTable, ...] = (),
    what_if: tuple[Recovery, ...] = (),
    climb_places: int = 5,
) -> Analysis:
    """Analyse ``sheet`` on ``framework`` against the other provinces in ``table``."""
    province = sheet.province
    ledger = build_ledger(framework, sheet)
    achieved, maximum = grand_total(ledger)
    percent = round(achieved / framework.total_max * 100, 2)
    warnings: list[str] = []
    rank = of = None
    if table is not None:
        rank, of = _rank(table, province, percent, warnings)
        expected = len(units.provinces(table.year))
        if len(table.rows) != expected:
            warnings.append(
                f"Bảng kết quả năm {table.year} có {len(table.rows)} tỉnh, không đủ {expected}: "
                "thứ hạng và trung bình chỉ tính trên các tỉnh có trong bảng."
            )
    lost_items = below_max(ledger)
    result_what_if = None
    if what_if:
        result_what_if = simulate(
            framework=framework,
            ledger=ledger,
            table=table,
            province=province,
            recoveries=list(what_if),
        )
    changes = _changes(ledger, previous) if previous else {}
    return Analysis(
        province=province,
        year=sheet.year,
        framework=framework,
        ledger=ledger,
        achieved=achieved,
        max=maximum,
        percent=percent,
        rank=rank,
        of=of,
        group=framework.group_for(percent),
        below_max=lost_items,
        agencies=by_agency(lost_items),
        peers=tuple(peers(table, province)) if table else (),
        climbs=tuple(climbs(table, province, climb_places)) if table else (),
        provenance=Provenance(
            framework=framework.path or framework.code,
            framework_official=framework.official,
            results=table.source if table else None,
            results_illustrative=bool(table and table.any_illustrative),
            sheet=sheet.source,
            sheet_illustrative=sheet.illustrative,
            published_sources=framework.sources,
            published_figures=tuple(
                (r.province, r.source) for r in (table.rows if table else ()) if not r.illustrative
            ),
        ),
        changes=changes,
        previous_year=previous.sheet.year if previous else None,
        trend=_trend((*history, *((table,) if table else ())), province, framework),
        what_if=result_what_if,
        warnings=tuple(warnings),
    )


def _rank(
    table: ResultsTable, province: str, percent: float, warnings: list[str]
) -> tuple[int | None, int]:
    row = table.get(province)
    if row is None:
        warnings.append(f"Bảng kết quả năm {table.year} không có {province}; không xếp hạng được.")
        return None, len(table.rows)
    if abs(row.index_percent - percent) > 0.01:
        warnings.append(
            f"Tổng điểm bảng chi tiết ({vi.format_percent(percent)}) khác chỉ số trong bảng "
            f"kết quả các tỉnh ({vi.format_percent(row.index_percent)}); "
            "thứ hạng theo bảng kết quả."
        )
    rank = row.rank or competition_ranks(table.values())[province]
    return rank, len(table.rows)


def _changes(ledger: tuple[NodeResult, ...], previous: PreviousYear) -> dict[str, NodeChange]:
    last = build_ledger(previous.framework, previous.sheet)
    last_achieved = {n.code: n.achieved for n in last}
    result = {}
    for node in ledger:
        value = previous.crosswalk.previous_value(node.code, previous.framework, last_achieved)
        if value is None:
            continue
        prev_achieved, prev_max = value
        result[node.code] = NodeChange(
            node.code,
            round(prev_achieved, 4),
            round(prev_max, 4),
            round(node.achieved - prev_achieved, 4),
        )
    return result


def _trend(
    tables: tuple[ResultsTable, ...], province: str, framework: Framework
) -> tuple[TrendPoint, ...]:
    """The province's index and rank in each table; groups use this year's published bands."""
    points = []
    for table in sorted(tables, key=lambda t: t.year):
        try:
            name = units.find_province(province, table.year).name
        except NotFound:  # a province that did not exist that year has no trend point
            continue
        row = table.get(name)
        if row is None:
            continue
        rank = row.rank or competition_ranks(table.values())[name]
        points.append(
            TrendPoint(
                year=table.year,
                percent=row.index_percent,
                rank=rank,
                of=len(table.rows),
                group=framework.group_for(row.index_percent),
                illustrative=row.illustrative,
                source=row.source,
            )
        )
    return tuple(points)
