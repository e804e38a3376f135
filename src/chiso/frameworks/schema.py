"""The shape of a scoring framework: field → criterion → sub-criterion.

A framework is one version of an index's methodology (PAR INDEX of one year). It is data, read
from YAML or imported from the ministry's annex; nothing here knows a particular year. Nodes are
frozen so an analysis can hold a framework without anyone changing the maxima under it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from chiso.vi import format_points

LEVELS = ("field", "criterion", "subcriterion")
SOURCES = ("appraisal", "survey_citizen", "survey_leader", "survey_official", "other")
SURVEY_SOURCES = ("survey_citizen", "survey_leader", "survey_official")
RULE_KINDS = ("proportional", "binary", "steps", "manual")

LEVEL_NAMES_VI = {
    "field": "Lĩnh vực",
    "criterion": "Tiêu chí",
    "subcriterion": "Tiêu chí thành phần",
}
SOURCE_NAMES_VI = {
    "appraisal": "Thẩm định",
    "survey_citizen": "Điều tra người dân",
    "survey_leader": "Điều tra lãnh đạo, quản lý",
    "survey_official": "Điều tra công chức",
    "other": "Khác",
    "mixed": "Kết hợp",
}
# Points are compared with this tolerance: annex maxima are quarter points, sums are floats.
TOLERANCE = 0.001


@dataclass(frozen=True)
class ScoringRule:
    """How a sub-criterion's points may be awarded.

    ``proportional`` and ``manual`` accept any value in [0, max]; ``binary`` only 0 or max;
    ``steps`` only the listed values. The ministry's exact rules are unpublished, so they are data.
    """

    kind: str
    steps: tuple[float, ...] = ()

    def allows(self, achieved: float, max_points: float) -> bool:
        if self.kind == "binary":
            return _close(achieved, 0) or _close(achieved, max_points)
        if self.kind == "steps":
            return any(_close(achieved, s) for s in self.steps)
        return True

    def describe_vi(self) -> str:
        if self.kind == "binary":
            return "đạt đủ điểm hoặc 0 điểm"
        if self.kind == "steps":
            return "chỉ nhận các mức " + ", ".join(format_points(s) for s in self.steps)
        if self.kind == "manual":
            return "chấm thủ công"
        return "tính tỷ lệ"


@dataclass(frozen=True)
class Group:
    """A published band of provinces by index percent (A ≥ 90 …)."""

    code: str
    min_percent: float


@dataclass(frozen=True)
class Node:
    code: str
    level: str
    parent: str | None
    name_vi: str
    max_points: float
    official: bool
    lead_agency: str | None = None
    source: str = "mixed"
    rule: ScoringRule | None = None
    note: str | None = None
    children: tuple[str, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Framework:
    """One validated methodology version. Build it with :func:`chiso.frameworks.load`."""

    index: str
    year: int
    code: str
    name_vi: str
    decision: str
    total_max: float
    groups: tuple[Group, ...]
    nodes: Mapping[str, Node]
    sources: tuple[Mapping[str, str], ...] = ()
    notes: str = ""
    component_totals: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    path: str | None = None

    @property
    def roots(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.parent is None)

    @property
    def official(self) -> bool:
        """True only when every node is published fact."""
        return all(n.official for n in self.nodes.values())

    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes.values() if n.is_leaf)

    def leaves_under(self, code: str) -> tuple[str, ...]:
        """Codes of the scored items (leaves) at or below ``code``."""
        node = self.nodes[code]
        if node.is_leaf:
            return (code,)
        return tuple(leaf for child in node.children for leaf in self.leaves_under(child))

    def walk(self) -> Iterator[Node]:
        """Nodes in document order (depth first), as an annex lists them."""

        def visit(node: Node) -> Iterator[Node]:
            yield node
            for child in node.children:
                yield from visit(self.nodes[child])

        for root in self.roots:
            yield from visit(root)

    def count(self, level: str) -> int:
        return sum(1 for n in self.nodes.values() if n.level == level)

    def group_for(self, percent: float) -> str | None:
        """The group code for an index percent, or None below the lowest band."""
        for group in sorted(self.groups, key=lambda g: -g.min_percent):
            if percent >= group.min_percent - 1e-9:
                return group.code
        return None

    def field_of(self, code: str) -> Node:
        node = self.nodes[code]
        while node.parent is not None:
            node = self.nodes[node.parent]
        return node


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE
