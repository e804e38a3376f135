"""A satisfaction questionnaire and its aggregation recipe, as versioned data.

The ministry changes items between years and has not published every aggregation step, so the
questionnaire file says what each answer means and how indices are built: which answers count as
"satisfied" (the cut-off), how blanks are treated, and how items roll up into elements, groups,
the policy and service indices and SIPAS. The estimator only follows the recipe, so a formula
confirmed later is a data change, re-run on the same raw answers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.frameworks.yaml_lines import line_of, parse_document, read_document_text

SCHEMA = "chiso.questionnaire/1"
ITEM_KINDS = ("satisfaction", "perception", "expectation")
UNIT_KINDS = ("province", "commune", "department")
NONRESPONSE_RULES = ("exclude",)
DESIGN_COLUMNS = ("respondent_id", "unit", "stratum", "psu", "weight")


@dataclass(frozen=True)
class Scale:
    code: str
    labels: Mapping[int, str]  # answer value → Vietnamese label
    positive: tuple[int, ...]  # answers that count for the indicator (the cut-off)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(self.labels)


@dataclass(frozen=True)
class Item:
    code: str
    text_vi: str
    scale: str
    kind: str
    section: str = ""
    positive: tuple[int, ...] = ()  # overrides the scale's positive answers when set


@dataclass(frozen=True)
class Indicator:
    """A composite: a weighted mean of child indicators and/or items."""

    code: str
    name_vi: str
    children: tuple[str, ...]  # indicator or item codes
    weights: tuple[float, ...]  # same length as children, summing to 1
    level: str  # "index" | "aspect" | "element" | "group"


@dataclass(frozen=True)
class ProfileField:
    code: str
    label_vi: str
    choices: Mapping[int, str]


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: str
    name_vi: str
    decision: str
    official: bool
    unit_kind: str
    scales: Mapping[str, Scale]
    items: Mapping[str, Item]
    indicators: Mapping[str, Indicator]
    profile: tuple[ProfileField, ...]
    nonresponse: str = "exclude"
    min_n: int = 30
    sources: tuple[Mapping[str, str], ...] = ()
    notes: str = ""
    path: str | None = None

    def positive_answers(self, item: str) -> tuple[int, ...]:
        it = self.items[item]
        return it.positive or self.scales[it.scale].positive

    def item_coefficients(self, indicator: str) -> dict[str, float]:
        """Each item's weight in an indicator: composites are linear in item indices.

        This is what makes honest composite variances cheap: the linearised score of a
        composite is the same weighted sum of its items' linearised scores.
        """
        if indicator in self.items:
            return {indicator: 1.0}
        result: dict[str, float] = {}
        node = self.indicators[indicator]
        for child, weight in zip(node.children, node.weights, strict=True):
            for item, coef in self.item_coefficients(child).items():
                result[item] = result.get(item, 0.0) + weight * coef
        return result

    def compose(self, values: Mapping[str, float]) -> dict[str, float]:
        """Composite values from known child values (items or indicators), bottom-up.

        Used to check the recipe against published figures: Hà Nội 2024 policy 86,51 and
        service 86,49 must give SIPAS 86,50.
        """
        result = dict(values)
        for node in reversed(list(self.walk())):
            if node.code in result:
                continue
            if all(c in result for c in node.children):
                result[node.code] = math.fsum(
                    w * result[c] for c, w in zip(node.children, node.weights, strict=True)
                )
        return result

    def walk(self) -> Iterator[Indicator]:
        """Composites from the top (SIPAS) down, children after parents."""
        roots = [
            i
            for i in self.indicators.values()
            if not any(i.code in other.children for other in self.indicators.values())
        ]
        seen: set[str] = set()

        def visit(node: Indicator) -> Iterator[Indicator]:
            if node.code in seen:
                return
            seen.add(node.code)
            yield node
            for child in node.children:
                if child in self.indicators:
                    yield from visit(self.indicators[child])

        for root in roots:
            yield from visit(root)

    def parent_of(self, code: str) -> str | None:
        for node in self.indicators.values():
            if code in node.children:
                return node.code
        return None

    def items_of_kind(self, kind: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items.values() if i.kind == kind)

    def identity(self) -> dict[str, str]:
        """What a stored dataset records of the questionnaire its answers follow."""
        return {"code": self.code, "version": self.version, "unit_kind": self.unit_kind}

    @property
    def answer_columns(self) -> tuple[str, ...]:
        return tuple(self.items) + tuple(p.code for p in self.profile)


def load(path: str | Path) -> Questionnaire:
    return load_text(read_document_text(path, what="bảng hỏi"), origin=str(path))


def load_text(text: str, *, origin: str) -> Questionnaire:
    name = Path(origin).name
    data = parse_document(text, file=name)
    builder = _Builder(name)
    questionnaire = builder.build(data, origin)
    if builder.problems or questionnaire is None:
        raise ValidationFailed(
            f"Bảng hỏi {name} có {len(builder.problems)} lỗi; chưa dùng được.", builder.problems
        )
    return questionnaire


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def err(self, message: str, where: Any = None) -> None:
        self.problems.append(Problem(message, file=self.file, row=line_of(where)))

    def build(self, data: Any, origin: str) -> Questionnaire | None:
        if not isinstance(data, Mapping) or data.get("schema") != SCHEMA:
            self.err(f"Khóa 'schema' phải là '{SCHEMA}'.", data)
            return None
        for key in ("code", "version", "name_vi", "unit_kind", "scales", "items", "indicators"):
            if key not in data:
                self.err(f"Thiếu khóa bắt buộc '{key}'.", data)
        if self.problems:
            return None
        if data["unit_kind"] not in UNIT_KINDS:
            self.err(f"'unit_kind' phải là một trong {', '.join(UNIT_KINDS)}.", data)
        recipe = data.get("recipe") or {}
        if not isinstance(recipe, Mapping):
            self.err("'recipe' phải là bảng khóa–giá trị.", data)
            recipe = {}
        nonresponse = recipe.get("nonresponse", "exclude")
        min_n = recipe.get("min_n", 30)
        if not isinstance(min_n, int) or isinstance(min_n, bool) or min_n < 1:
            self.err("recipe.min_n phải là số nguyên dương.", recipe)
            min_n = 30
        if not isinstance(data.get("official", False), bool):
            self.err("'official' phải là true hoặc false.", data)
        sources = data.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(x, Mapping) for x in sources):
            self.err("'sources' phải là danh sách {title, url}.", data)
            sources = []
        if nonresponse not in NONRESPONSE_RULES:
            self.err(f"recipe.nonresponse chỉ hỗ trợ {', '.join(NONRESPONSE_RULES)}.", recipe)
        scales = self._scales(data["scales"])
        items = self._items(data["items"], scales)
        indicators = self._indicators(data["indicators"], items)
        profile = self._profile(data.get("profile") or [])
        profile_codes = [p.code for p in profile]
        clash = (set(items) | set(indicators)) & set(profile_codes)
        clash |= (set(items) | set(profile_codes) | set(indicators)) & set(DESIGN_COLUMNS)
        clash |= {c for c in profile_codes if profile_codes.count(c) > 1}
        for code in sorted(clash):
            self.err(f"Mã {code} dùng cho hai cột khác nhau (câu hỏi/hồ sơ/thiết kế mẫu).", data)
        if self.problems:
            return None
        return Questionnaire(
            code=_t(data["code"]),
            version=_t(data["version"]),
            name_vi=_t(data["name_vi"]),
            decision=_t(data.get("decision", "")),
            official=bool(data.get("official", False)),
            unit_kind=data["unit_kind"],
            scales=MappingProxyType(scales),
            items=MappingProxyType(items),
            indicators=MappingProxyType(indicators),
            profile=tuple(profile),
            nonresponse=nonresponse,
            min_n=min_n,
            sources=tuple(MappingProxyType(dict(s)) for s in sources),
            notes=_t(data.get("notes", "")),
            path=origin,
        )

    def _scales(self, raw: Any) -> dict[str, Scale]:
        scales = {}
        if not isinstance(raw, Mapping):
            self.err("'scales' phải là bảng khóa–giá trị.", raw)
            return scales
        for code, spec in raw.items():
            labels = spec.get("labels") if isinstance(spec, Mapping) else None
            if not isinstance(labels, Mapping) or not all(isinstance(k, int) for k in labels):
                self.err(f"Thang đo {code}: 'labels' phải ánh xạ số nguyên → nhãn.", spec)
                continue
            positive = _int_list(spec.get("positive"))
            if positive is None or any(p not in labels for p in positive):
                self.err(f"Thang đo {code}: 'positive' phải là các giá trị có trong labels.", spec)
            scales[code] = Scale(
                code, MappingProxyType({k: _t(v) for k, v in labels.items()}), positive
            )
        return scales

    def _items(self, raw: Any, scales: Mapping[str, Scale]) -> dict[str, Item]:
        items: dict[str, Item] = {}
        for spec in raw if isinstance(raw, list) else []:
            code = spec.get("code") if isinstance(spec, Mapping) else None
            if not isinstance(code, str) or not code:
                self.err("Câu hỏi thiếu 'code'.", spec)
                continue
            if code in items:
                self.err(f"Mã câu hỏi {code} bị trùng.", spec)
                continue
            if not _CODE.fullmatch(code):
                self.err(
                    f"Mã câu hỏi {code!r} phải bắt đầu bằng chữ cái và chỉ gồm chữ, số, '.', '_' "
                    "(dùng làm tên cột và tên trường XLSForm).",
                    spec,
                )
                continue
            scale = spec.get("scale")
            if scale not in scales:
                self.err(f"Câu hỏi {code}: thang đo {scale!r} chưa khai báo.", spec)
                continue
            kind = spec.get("kind", "satisfaction")
            if kind not in ITEM_KINDS:
                self.err(f"Câu hỏi {code}: 'kind' phải là một trong {', '.join(ITEM_KINDS)}.", spec)
            positive = _int_list(spec.get("positive"))
            if positive is None or any(p not in scales[scale].labels for p in positive):
                self.err(
                    f"Câu hỏi {code}: 'positive' phải là danh sách giá trị của thang đo.", spec
                )
                positive = ()
            if not (positive or scales[scale].positive):
                self.err(
                    f"Câu hỏi {code}: cần 'positive' (thang đo {scale} không có mặc định).", spec
                )
            items[code] = Item(
                code,
                _t(spec.get("text_vi", "")),
                scale,
                kind,
                _t(spec.get("section", "")),
                positive,
            )
        if not items:
            self.err("'items' phải là danh sách câu hỏi không rỗng.", raw)
        return items

    def _indicators(self, raw: Any, items: Mapping[str, Item]) -> dict[str, Indicator]:
        indicators: dict[str, Indicator] = {}
        specs = raw if isinstance(raw, list) else []
        declared = {s.get("code") for s in specs if isinstance(s, Mapping)}
        for spec in specs:
            code = spec.get("code") if isinstance(spec, Mapping) else None
            if not isinstance(code, str) or code in indicators or code in items:
                self.err(f"Chỉ số {code!r}: mã thiếu hoặc bị trùng.", spec)
                continue
            children = tuple(spec.get("children") or ())
            if not children:
                self.err(f"Chỉ số {code}: cần 'children' (câu hỏi hoặc chỉ số con).", spec)
                continue
            for child in children:
                if child not in items and child not in declared:
                    self.err(
                        f"Chỉ số {code}: '{child}' không phải câu hỏi hay chỉ số đã khai báo.", spec
                    )
                elif child in items and items[child].kind != "satisfaction":
                    self.err(f"Chỉ số {code}: '{child}' không phải câu hỏi mức độ hài lòng.", spec)
            if len(set(children)) != len(children):
                self.err(f"Chỉ số {code}: 'children' có mã lặp lại.", spec)
                continue
            weights = spec.get("weights")
            if weights is None:
                weights = [1 / len(children)] * len(children)
            if (
                not isinstance(weights, list)
                or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in weights)
                or len(weights) != len(children)
                or abs(math.fsum(weights) - 1) > 1e-9
            ):
                self.err(
                    f"Chỉ số {code}: 'weights' phải cùng số phần tử với children, tổng 1.", spec
                )
                continue
            indicators[code] = Indicator(
                code,
                _t(spec.get("name_vi", code)),
                children,
                tuple(float(w) for w in weights),
                spec.get("level", "group"),
            )
        self._check_cycles(indicators)
        return indicators

    def _check_cycles(self, indicators: Mapping[str, Indicator]) -> None:
        def visit(code: str, path: tuple[str, ...]) -> None:
            if code in path:
                self.err(f"Chỉ số {code} tự chứa chính nó: {' → '.join((*path, code))}.")
                return
            for child in indicators[code].children if code in indicators else ():
                visit(child, (*path, code))

        for code in indicators:
            visit(code, ())

    def _profile(self, raw: Any) -> list[ProfileField]:
        fields = []
        for spec in raw if isinstance(raw, list) else []:
            choices = spec.get("choices") if isinstance(spec, Mapping) else None
            if (
                not isinstance(choices, Mapping)
                or not isinstance(spec.get("code"), str)
                or not all(isinstance(k, int) and not isinstance(k, bool) for k in choices)
            ):
                self.err("Mỗi trường hồ sơ cần 'code' và 'choices' (số nguyên → nhãn).", spec)
                continue
            fields.append(
                ProfileField(
                    spec["code"],
                    _t(spec.get("label_vi", spec["code"])),
                    MappingProxyType({int(k): _t(v) for k, v in choices.items()}),
                )
            )
        return fields


_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")


def _int_list(value: Any) -> tuple[int, ...] | None:
    """A list of integer answer codes, or None when it is something else."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return None
    return tuple(value)


def _t(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


# --- embedded questionnaires --------------------------------------------------------------------


def embedded_names() -> tuple[str, ...]:
    folder = resources.files("chiso.sipas.data")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def embedded(name: str) -> Questionnaire:
    """A questionnaire shipped with chiso, by file stem (e.g. ``sipas-2024``)."""
    resource = resources.files("chiso.sipas.data") / f"{name}.yaml"
    if not resource.is_file():
        raise NotFound(
            f"Chưa có bảng hỏi {name!r}. Các bảng hỏi có sẵn: {', '.join(embedded_names())}."
        )
    return load_text(resource.read_text(encoding="utf-8"), origin=f"chiso:sipas/{name}.yaml")


def resolve(name_or_path: str) -> Questionnaire:
    """An embedded questionnaire by name, or a YAML file by path."""
    if name_or_path.endswith((".yaml", ".yml")):
        return load(name_or_path)
    return embedded(name_or_path)
