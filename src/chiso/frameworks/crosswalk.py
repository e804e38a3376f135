"""Code mappings between two framework versions.

The ministry renumbers, merges and drops sub-criteria between years. A year-on-year comparison
is only honest through an explicit mapping: a code present in both years with the same meaning
maps to itself; anything else must be listed, and a code that was split cannot be compared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.frameworks.schema import Framework
from chiso.frameworks.yaml_lines import line_of, parse_document

SCHEMA = "chiso.crosswalk/1"
KINDS = ("moved", "merged", "split", "removed", "renamed")


@dataclass(frozen=True)
class Mapping_:
    source: str
    target: str | None
    kind: str
    note: str | None = None


@dataclass(frozen=True)
class Crosswalk:
    index: str
    from_year: int
    to_year: int
    official: bool
    mappings: tuple[Mapping_, ...]
    notes: str = ""

    def sources_of(self, code: str, previous: Framework) -> tuple[str, ...] | None:
        """Previous-year codes whose points make up ``code`` this year.

        Returns ``()`` for a new node and ``None`` when a source was split (its points cannot be
        apportioned, so no change is reported rather than a wrong one).
        """
        listed = {m.source for m in self.mappings}
        explicit = [m for m in self.mappings if m.target == code]
        sources = [m.source for m in explicit]
        if code in previous.nodes and code not in listed:
            sources.append(code)
        for source in sources:
            targets = {m.target for m in self.mappings if m.source == source}
            if len(targets) > 1:
                return None
        return tuple(sources)

    def previous_value(
        self, code: str, previous: Framework, achieved: Mapping[str, float]
    ) -> tuple[float, float] | None:
        """(achieved, max) of ``code``'s predecessors last year, or None if not comparable."""
        sources = self.sources_of(code, previous)
        if not sources or any(s not in achieved for s in sources):
            return None
        return (
            math.fsum(achieved[s] for s in sources),
            math.fsum(previous.nodes[s].max_points for s in sources),
        )

    def check(self, previous: Framework, current: Framework, *, file: str = "") -> None:
        """Raise :class:`ValidationFailed` unless the mapping fits both frameworks exactly."""
        problems = []
        for m in self.mappings:
            if m.source not in previous.nodes:
                problems.append(
                    Problem(f"Mã {m.source} không có trong khung năm {previous.year}.", file=file)
                )
            if m.target is not None and m.target not in current.nodes:
                problems.append(
                    Problem(f"Mã {m.target} không có trong khung năm {current.year}.", file=file)
                )
        listed = {m.source for m in self.mappings}
        for code in previous.nodes:
            if code not in current.nodes and code not in listed:
                problems.append(
                    Problem(
                        f"Mã {code} của năm {previous.year} không còn trong năm {current.year} "
                        "nhưng chưa được khai báo trong bảng chuyển đổi.",
                        file=file,
                    )
                )
        if problems:
            raise ValidationFailed(
                f"Bảng chuyển đổi mã {previous.year}→{current.year} không khớp khung chỉ số.",
                problems,
            )


def load_crosswalk(path: str | Path) -> Crosswalk:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            f"Không đọc được bảng chuyển đổi {path.name}.",
            [Problem("Tệp phải là văn bản UTF-8.", file=path.name)],
        ) from exc
    data = parse_document(text, file=path.name)
    problems: list[Problem] = []

    def err(message: str, where: Any = None) -> None:
        problems.append(Problem(message, file=path.name, row=line_of(where)))

    if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
        raise ValidationFailed(
            f"Tệp {path.name} không phải bảng chuyển đổi mã.",
            [Problem(f"Khóa 'schema' phải là '{SCHEMA}'.", file=path.name)],
        )
    mappings = []
    for item in data.get("mappings") or []:
        if not isinstance(item, Mapping) or not isinstance(item.get("from"), str):
            err("Mỗi dòng chuyển đổi cần 'from' (mã năm trước).", item)
            continue
        if item.get("kind") not in KINDS:
            err(f"'kind' phải là một trong {', '.join(KINDS)}.", item)
            continue
        target = item.get("to")
        if target is not None and not isinstance(target, str):
            err(
                f"'to' của {item['from']} phải là mã (văn bản) hoặc null; hãy đặt trong ngoặc kép.",
                item,
            )
            continue
        mappings.append(
            Mapping_(
                item["from"].strip(),
                target.strip() if target else None,
                item["kind"],
                item.get("note"),
            )
        )
    for key in ("from_year", "to_year"):
        if not isinstance(data.get(key), int):
            err(f"Thiếu '{key}'.", data)
    if problems:
        raise ValidationFailed(f"Bảng chuyển đổi {path.name} có lỗi.", problems)
    return Crosswalk(
        index=str(data.get("index", "parindex")),
        from_year=data["from_year"],
        to_year=data["to_year"],
        official=bool(data.get("official", False)),
        mappings=tuple(mappings),
        notes=str(data.get("notes") or ""),
    )


@cache
def embedded_crosswalk(from_year: int, to_year: int, index: str = "parindex") -> Crosswalk:
    folder = resources.files("chiso.frameworks.data") / index
    resource = folder / f"crosswalk_{from_year}_{to_year}.yaml"
    if not resource.is_file():
        raise NotFound(f"Chưa có bảng chuyển đổi mã {index} {from_year}→{to_year}.")
    return load_crosswalk(Path(str(resource)))
