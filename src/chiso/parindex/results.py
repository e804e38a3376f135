"""Imported PAR INDEX results: the all-province table of a year and one province's score sheet.

Both keep provenance: where every figure came from (a file and row, a published source URL, or
chiso's illustrative demo), so a report can print the source under each table and never pass an
invented number off as published.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ILLUSTRATIVE = "minh họa (dữ liệu demo của chiso, không phải số liệu công bố)"


@dataclass(frozen=True)
class ProvinceResult:
    """One province's line in the ministry's all-province table."""

    province: str
    index_percent: float
    rank: int | None = None
    field_points: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    source: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class ResultsTable:
    """All provinces of one year, as published (or as illustrated by the demo)."""

    year: int
    rows: tuple[ProvinceResult, ...]
    source: str
    illustrative: bool = False

    def get(self, province: str) -> ProvinceResult | None:
        for row in self.rows:
            if row.province == province:
                return row
        return None

    def values(self) -> dict[str, float]:
        return {r.province: r.index_percent for r in self.rows}

    def mean(self, provinces: set[str] | None = None) -> float | None:
        vals = [r.index_percent for r in self.rows if provinces is None or r.province in provinces]
        return round(math.fsum(vals) / len(vals), 2) if vals else None

    @property
    def any_illustrative(self) -> bool:
        return self.illustrative or any(r.illustrative for r in self.rows)


@dataclass(frozen=True)
class ScoreLine:
    code: str
    achieved: float
    self_assessed: float | None = None
    note: str | None = None
    row: int | None = None  # where it was read, for messages and provenance


@dataclass(frozen=True)
class ScoreSheet:
    """A province's detailed sheet: points achieved per sub-criterion of one framework year."""

    province: str
    year: int
    lines: Mapping[str, ScoreLine]
    source: str
    illustrative: bool = False

    def achieved(self) -> dict[str, float]:
        return {code: line.achieved for code, line in self.lines.items()}
