"""The lost-points ledger: achieved, maximum and lost points for every node of a framework.

Only sub-criteria carry imported points; fields and criteria are sums, computed here, so a
total always equals the sum of its children and ``lost = max − achieved`` holds everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from chiso.frameworks.schema import Framework
from chiso.parindex.results import ScoreSheet


@dataclass(frozen=True)
class NodeResult:
    code: str
    level: str
    parent: str | None
    name: str
    max: float
    achieved: float
    self_assessed: float | None
    lead_agency: str | None
    official: bool
    source: str
    note: str | None = None

    @property
    def lost(self) -> float:
        return round(self.max - self.achieved, 4)

    @property
    def percent(self) -> float:
        return round(self.achieved / self.max * 100, 2) if self.max else 0.0

    @property
    def deducted_on_appraisal(self) -> float | None:
        """Points the appraisal took off the province's own score, where a self-score exists."""
        if self.self_assessed is None:
            return None
        return round(self.self_assessed - self.achieved, 4)


@dataclass(frozen=True)
class AgencyLosses:
    agency: str | None
    lost: float
    items: tuple[NodeResult, ...]


def build_ledger(framework: Framework, sheet: ScoreSheet) -> tuple[NodeResult, ...]:
    """Every node in document order with sums computed bottom-up from the sheet's sub-criteria."""
    achieved: dict[str, float] = {}
    assessed: dict[str, float | None] = {}

    def total(code: str) -> tuple[float, float | None]:
        node = framework.nodes[code]
        if node.is_leaf:
            line = sheet.lines[code]
            value = (line.achieved, line.self_assessed)
        else:
            parts = [total(c) for c in node.children]
            own = [p[1] for p in parts]
            value = (
                math.fsum(p[0] for p in parts),
                None if any(a is None for a in own) else math.fsum(a for a in own if a is not None),
            )
        achieved[code], assessed[code] = value
        return value

    for root in framework.roots:
        total(root.code)
    return tuple(
        NodeResult(
            code=node.code,
            level=node.level,
            parent=node.parent,
            name=node.name_vi,
            max=node.max_points,
            achieved=round(achieved[node.code], 4),
            self_assessed=None if assessed[node.code] is None else round(assessed[node.code], 4),
            lead_agency=node.lead_agency,
            official=node.official,
            source=node.source,
            note=sheet.lines[node.code].note if node.code in sheet.lines else None,
        )
        for node in framework.walk()
    )


def grand_total(ledger: tuple[NodeResult, ...]) -> tuple[float, float]:
    """(achieved, max) over the fields."""
    roots = [n for n in ledger if n.parent is None]
    return round(math.fsum(n.achieved for n in roots), 4), round(math.fsum(n.max for n in roots), 4)


def below_max(ledger: tuple[NodeResult, ...]) -> tuple[NodeResult, ...]:
    """Scored items (leaves) that lost points, largest loss first, then by code."""
    parents = {n.parent for n in ledger}
    leaves = [n for n in ledger if n.code not in parents and n.lost > 0.0001]
    return tuple(sorted(leaves, key=lambda n: (-n.lost, code_key(n.code))))


def by_agency(items: tuple[NodeResult, ...]) -> tuple[AgencyLosses, ...]:
    """Lost items grouped by lead agency, the agency losing most first."""
    groups: dict[str | None, list[NodeResult]] = {}
    for item in items:
        groups.setdefault(item.lead_agency, []).append(item)
    result = [
        AgencyLosses(agency, round(math.fsum(i.lost for i in group), 4), tuple(group))
        for agency, group in groups.items()
    ]
    return tuple(sorted(result, key=lambda g: (-g.lost, g.agency or "")))


def code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Sort LV1.10.2 after LV1.9.2: digit runs compare as numbers, whatever the code style."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", code)
    )


def achieved_by_code(ledger: tuple[NodeResult, ...]) -> Mapping[str, float]:
    return {n.code: n.achieved for n in ledger}
