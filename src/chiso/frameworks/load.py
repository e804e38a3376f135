"""Read and validate framework files.

A framework is only usable when it is whole: unique codes, every child's parent present, each
parent's maximum equal to the sum of its children, the total equal to the published 100 points,
and the appraisal/survey split as declared. All problems are collected and reported together
with the line of the YAML file they sit on.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.frameworks.schema import (
    LEVELS,
    RULE_KINDS,
    SOURCES,
    SURVEY_SOURCES,
    TOLERANCE,
    Framework,
    Group,
    Node,
    ScoringRule,
)
from chiso.frameworks.yaml_lines import line_of, parse_document, read_document_text

SCHEMA = "chiso.framework/1"
EMBEDDED_PACKAGE = "chiso.frameworks.data"


def load(path: str | Path) -> Framework:
    """Load and validate one framework file; :class:`ValidationFailed` lists every problem."""
    return load_text(read_document_text(path, what="khung chỉ số"), origin=str(path))


def load_text(text: str, *, origin: str) -> Framework:
    return from_mapping(parse_document(text, file=Path(origin).name), origin=origin)


def from_mapping(data: Any, *, origin: str) -> Framework:
    """Validate a parsed framework document and build the :class:`Framework`."""
    builder = _Builder(Path(origin).name)
    framework = builder.build(data, origin)
    if builder.problems:
        raise ValidationFailed(
            f"Khung chỉ số {Path(origin).name} có {len(builder.problems)} lỗi; chưa dùng được.",
            builder.problems,
        )
    assert framework is not None
    return framework


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.nodes: dict[str, Node] = {}

    def err(self, message: str, where: Any = None, *, code: str = "invalid_framework") -> None:
        self.problems.append(Problem(message, file=self.file, row=line_of(where), code=code))

    def build(self, data: Any, origin: str) -> Framework | None:
        if not isinstance(data, Mapping):
            self.err("Tệp phải là một bảng khóa–giá trị YAML (mapping) ở cấp ngoài cùng.")
            return None
        if data.get("schema") != SCHEMA:
            self.err(f"Khóa 'schema' phải là '{SCHEMA}' (đang là {data.get('schema')!r}).", data)
        for key in ("index", "year", "code", "name_vi", "decision", "total_max", "tree"):
            if key not in data:
                self.err(f"Thiếu khóa bắt buộc '{key}'.", data)
        if self.problems:
            return None
        year = data["year"]
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            self.err(f"'year' phải là một năm (ví dụ 2025), đang là {year!r}.", data)
        total_max = self._number(data["total_max"], "total_max", data)
        tree = data["tree"]
        if not isinstance(tree, list) or not tree:
            self.err("'tree' phải là danh sách các lĩnh vực.", data)
            return None
        roots = [self._node(item, 0, None, None) for item in tree]
        roots_total = math.fsum(self.nodes[c].max_points for c in roots if c in self.nodes)
        if total_max is not None and abs(roots_total - total_max) > TOLERANCE:
            self.err(
                f"Tổng điểm tối đa các lĩnh vực là {roots_total:g}, khác total_max {total_max:g}.",
                data,
            )
        if data["index"] == "parindex" and total_max is not None and total_max != 100:
            self.err(f"PAR INDEX có tổng 100 điểm; total_max đang là {total_max:g}.", data)
        sources = data.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, Mapping) for s in sources):
            self.err("'sources' phải là danh sách các bảng khóa–giá trị (title, url).", data)
        components = self._components(data)
        groups = self._groups(data)
        if self.problems or total_max is None:
            return None
        return Framework(
            index=_text(data["index"]),
            year=year,
            code=_text(data["code"]),
            name_vi=_text(data["name_vi"]),
            decision=_text(data["decision"]),
            total_max=total_max,
            groups=groups,
            nodes=MappingProxyType(dict(self.nodes)),
            sources=tuple(
                MappingProxyType({k: _text(v) for k, v in s.items()})
                for s in data.get("sources") or ()
            ),
            notes=_text(data.get("notes") or ""),
            component_totals=MappingProxyType(components),
            path=origin,
        )

    def _number(self, value: Any, key: str, where: Any) -> float | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.err(f"'{key}' phải là một số, đang là {value!r}.", where)
            return None
        return float(value)

    def _node(
        self, item: Any, depth: int, parent: str | None, inherited_lead: str | None
    ) -> str | None:
        """Read one node and its subtree; a node without a lead agency takes its parent's."""
        if not isinstance(item, Mapping):
            self.err(f"Mỗi nút phải là một bảng khóa–giá trị (dưới {parent or 'tree'}).", item)
            return None
        code = item.get("code")
        if not isinstance(code, str) or not code.strip():
            self.err("Nút thiếu 'code'.", item)
            return None
        code = code.strip()
        if code in self.nodes:
            self.err(f"Mã {code} bị trùng.", item, code="duplicate_code")
            return None
        if depth >= len(LEVELS):
            self.err(
                f"Nút {code}: khung chỉ có 3 cấp (lĩnh vực, tiêu chí, tiêu chí thành phần).", item
            )
            return None
        name = item.get("name_vi")
        if not isinstance(name, str) or not name.strip():
            self.err(f"Nút {code}: thiếu tên 'name_vi'.", item)
        max_points = self._number(item.get("max_points"), f"{code}.max_points", item)
        if max_points is not None and max_points <= 0:
            self.err(f"Nút {code}: điểm tối đa phải lớn hơn 0.", item)
        official = item.get("official")
        if not isinstance(official, bool):
            self.err(f"Nút {code}: phải ghi rõ 'official: true' hoặc 'official: false'.", item)
        lead = item.get("lead_agency")
        lead = self._agency(lead, code, item) if lead is not None else inherited_lead
        raw_children = item.get("children") or []
        if not isinstance(raw_children, list):
            self.err(f"Nút {code}: 'children' phải là danh sách.", item)
            raw_children = []
        # Reserve the code before the children so a child reusing it is caught as a duplicate.
        self.nodes[code] = None  # type: ignore[assignment]
        children = tuple(
            c for c in (self._node(child, depth + 1, code, lead) for child in raw_children) if c
        )
        source, rule = "mixed", None
        if children:
            for key in ("source", "rule"):
                if key in item:
                    self.err(f"Nút {code} có nút con nên không ghi '{key}' (chỉ nút lá).", item)
            child_nodes = [self.nodes[c] for c in children if self.nodes.get(c)]
            total = math.fsum(c.max_points for c in child_nodes)
            if max_points is not None and abs(total - max_points) > TOLERANCE:
                self.err(
                    f"Nút {code}: điểm tối đa {max_points:g} khác tổng các nút con {total:g}.",
                    item,
                    code="children_sum",
                )
            kinds = {c.source for c in child_nodes}
            source = kinds.pop() if len(kinds) == 1 else "mixed"
        else:
            source = item.get("source")
            if source not in SOURCES:
                self.err(
                    f"Nút {code}: 'source' phải là một trong {', '.join(SOURCES)} "
                    f"(đang là {source!r}).",
                    item,
                )
                source = "other"
            rule = self._rule(item.get("rule"), code, max_points, item)
        note = item.get("note")
        self.nodes[code] = Node(
            code=code,
            level=LEVELS[depth],
            parent=parent,
            name_vi=_text(name or ""),
            max_points=max_points or 0.0,
            official=bool(official),
            lead_agency=lead,
            source=source,
            rule=rule,
            note=_text(note) if note else None,
            children=children,
        )
        return code

    def _agency(self, value: Any, code: str, where: Any) -> str | None:
        from chiso import units

        if not isinstance(value, str):
            self.err(f"Nút {code}: 'lead_agency' phải là mã cơ quan.", where)
            return None
        try:
            return units.find_agency(value.strip()).code
        except NotFound as exc:
            self.err(f"Nút {code}: {exc.message}", where, code="unknown_agency")
            return None

    def _rule(self, value: Any, code: str, max_points: float | None, where: Any) -> ScoringRule:
        if isinstance(value, str):
            value = {"kind": value}
        if not isinstance(value, Mapping) or value.get("kind") not in RULE_KINDS:
            self.err(
                f"Nút {code}: 'rule' phải có kind là một trong {', '.join(RULE_KINDS)}.", where
            )
            return ScoringRule("manual")
        if value["kind"] != "steps":
            return ScoringRule(value["kind"])
        steps = value.get("steps")
        if (
            not isinstance(steps, list)
            or len(steps) < 2
            or not all(isinstance(s, int | float) and not isinstance(s, bool) for s in steps)
        ):
            self.err(f"Nút {code}: quy tắc 'steps' cần danh sách các mức điểm.", where)
            return ScoringRule("manual")
        steps = [float(s) for s in steps]
        if steps != sorted(set(steps)):
            self.err(f"Nút {code}: các mức điểm phải tăng dần, không trùng.", where)
        if max_points is not None and (
            abs(steps[0]) > TOLERANCE or abs(steps[-1] - max_points) > TOLERANCE
        ):
            self.err(
                f"Nút {code}: các mức điểm phải bắt đầu từ 0 và kết thúc ở điểm tối đa.", where
            )
        return ScoringRule("steps", tuple(steps))

    def _components(self, data: Mapping[str, Any]) -> dict[str, float]:
        declared = data.get("component_totals") or {}
        if not isinstance(declared, Mapping):
            self.err("'component_totals' phải là bảng khóa–giá trị.", data)
            return {}
        leaves = [n for n in self.nodes.values() if n and not n.children]
        actual = {
            "appraisal": math.fsum(n.max_points for n in leaves if n.source == "appraisal"),
            "survey": math.fsum(n.max_points for n in leaves if n.source in SURVEY_SOURCES),
        }
        result: dict[str, float] = {}
        for key, expected in declared.items():
            if key not in actual:
                self.err(
                    f"component_totals chỉ nhận 'appraisal' và 'survey', không có '{key}'.", data
                )
                continue
            number = self._number(expected, f"component_totals.{key}", data)
            if number is None:
                continue
            if abs(actual[key] - number) > TOLERANCE:
                label = "thẩm định" if key == "appraisal" else "điều tra xã hội học"
                self.err(
                    f"Tổng điểm {label} của các tiêu chí thành phần là {actual[key]:g}, "
                    f"khác {number:g} đã khai báo.",
                    data,
                    code="component_sum",
                )
            result[key] = number
        return result

    def _groups(self, data: Mapping[str, Any]) -> tuple[Group, ...]:
        raw = data.get("groups") or []
        if not isinstance(raw, list):
            self.err("'groups' phải là danh sách nhóm xếp loại (code, min_percent).", data)
            return ()
        groups = []
        for item in raw:
            if not isinstance(item, Mapping) or "code" not in item or "min_percent" not in item:
                self.err("Mỗi nhóm xếp loại cần 'code' và 'min_percent'.", item)
                continue
            min_percent = self._number(item["min_percent"], "min_percent", item)
            if min_percent is not None:
                groups.append(Group(_text(item["code"]), min_percent))
        if len({g.code for g in groups}) != len(groups):
            self.err("Mã nhóm xếp loại bị trùng.", data)
        return tuple(groups)


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


# --- embedded frameworks ---------------------------------------------------------------------


def embedded_paths(index: str = "parindex") -> tuple[Path, ...]:
    """The framework files shipped with chiso for an index, oldest year first."""
    folder = resources.files(EMBEDDED_PACKAGE) / index
    return tuple(
        sorted(
            (
                Path(str(p))
                for p in folder.iterdir()
                if p.name[:4].isdigit() and p.name.endswith(".yaml")
            ),
            key=lambda p: p.name,
        )
    )


@cache
def embedded(year: int, index: str = "parindex") -> Framework:
    """The framework shipped with chiso for a year (cached: frameworks are immutable)."""
    for path in embedded_paths(index):
        if path.stem == str(year):
            # A stable origin, not this machine's install path, for provenance and messages.
            return load_text(path.read_text(encoding="utf-8"), origin=f"chiso:{index}/{path.name}")
    years = ", ".join(p.stem for p in embedded_paths(index))
    raise NotFound(f"Chưa có khung chỉ số {index} năm {year}. Các năm có sẵn: {years}.")


def embedded_years(index: str = "parindex") -> tuple[int, ...]:
    return tuple(int(p.stem) for p in embedded_paths(index))
