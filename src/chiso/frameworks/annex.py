"""Import a framework from an official-annex style XLSX (or CSV) table.

The ministry publishes each year's criteria as an annex table: one row per field, criterion and
sub-criterion with its code and maximum points. A province copies that table into the columns
documented in ``docs/frameworks.md`` and gets a validated YAML framework in one command. The
result goes through exactly the same validation as a hand-written file.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from chiso import vi
from chiso.errors import Problem, ValidationFailed
from chiso.frameworks.load import SCHEMA, from_mapping
from chiso.frameworks.schema import Framework
from chiso.tabular import read_number, read_table, read_text

COLUMNS = {
    "code": ("mã", "mã số", "stt"),
    "name_vi": ("nội dung", "tên", "tiêu chí", "lĩnh vực/tiêu chí"),
    "max_points": ("điểm tối đa", "điểm chuẩn", "tối đa"),
    "parent": ("mã cấp trên", "thuộc"),
    "source": ("nguồn điểm", "phương thức đánh giá", "nguồn"),
    "rule": ("cách chấm", "quy tắc chấm"),
    "steps": ("các mức", "các mức điểm"),
    "lead_agency": ("cơ quan chủ trì", "chủ trì"),
    "official": ("chính thức",),
    "note": ("ghi chú",),
}
SOURCE_WORDS = {
    "appraisal": ("appraisal", "thẩm định", "tự đánh giá", "đánh giá qua báo cáo"),
    "survey_citizen": ("survey_citizen", "điều tra người dân", "người dân", "sipas"),
    "survey_leader": ("survey_leader", "điều tra lãnh đạo", "lãnh đạo, quản lý", "lãnh đạo"),
    "survey_official": ("survey_official", "điều tra công chức", "công chức"),
    "other": ("other", "khác"),
}
RULE_WORDS = {
    "proportional": ("proportional", "tỷ lệ", "theo tỷ lệ"),
    "binary": ("binary", "đạt/không đạt", "đạt - không đạt", "có/không"),
    "steps": ("steps", "theo mức", "mức"),
    "manual": ("manual", "thủ công", "hội đồng chấm"),
}
TRUE_WORDS = ("true", "có", "x", "1", "yes", "chính thức")


def _lookup(words: dict[str, tuple[str, ...]], text: str) -> str | None:
    key = vi.fold(text)
    for canon, options in words.items():
        if key in (vi.fold(o) for o in options):
            return canon
    return None


def import_annex(
    path: str | Path,
    *,
    year: int,
    decision: str = "",
    name: str | None = None,
    sheet: str | None = None,
    official: bool = True,
    index: str = "parindex",
) -> tuple[Framework, str]:
    """Read the annex table and return the validated framework and its YAML text."""
    path = Path(path)
    table = read_table(
        path, aliases=COLUMNS, required=("code", "name_vi", "max_points"), sheet=sheet
    )
    problems: list[Problem] = []
    items: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for row in table.rows:
        if isinstance(row.get("code"), float):
            # Excel turned "1.10" into the number 1.1: the hierarchy would be silently wrong.
            problems.append(
                table.problem(
                    f"Mã {row.get('code')!r} đang là số; hãy định dạng cột mã là Văn bản (Text) "
                    "để giữ đúng mã như 1.10.",
                    row=row,
                    column="code",
                    code="code_is_number",
                )
            )
            continue
        code = read_text(table, row, "code", problems)
        if not code:
            continue
        code = code.rstrip(".")
        if code in items:
            problems.append(table.problem(f"Mã {code} bị trùng.", row=row, column="code"))
            continue
        node: dict[str, Any] = {
            "code": code,
            "name_vi": read_text(table, row, "name_vi", problems) or "",
            "max_points": read_number(table, row, "max_points", problems),
        }
        flag = read_text(table, row, "official", problems)
        node["official"] = official if flag is None else vi.fold(flag) in TRUE_WORDS
        for column, words in (("source", SOURCE_WORDS), ("rule", RULE_WORDS)):
            text = read_text(table, row, column, problems)
            if text is None:
                continue
            canon = _lookup(words, text)
            if canon is None:
                accepted = "; ".join(w[1] for w in words.values())
                problems.append(
                    table.problem(
                        f"Không hiểu {text!r}; dùng một trong: {accepted}.", row=row, column=column
                    )
                )
            node[column] = canon
        steps = read_text(table, row, "steps", problems)
        if steps:
            try:
                node["rule"] = {
                    "kind": "steps",
                    "steps": [vi.parse_number(s) for s in steps.split(";")],
                }
            except ValueError as exc:
                problems.append(table.problem(f"Các mức điểm: {exc}", row=row, column="steps"))
        elif isinstance(node.get("rule"), str):
            node["rule"] = {"kind": node["rule"]}
        for column in ("lead_agency", "note"):
            text = read_text(table, row, column, problems)
            if text:
                node[column] = text
        parent = read_text(table, row, "parent", problems)
        node["_parent"] = (
            parent.rstrip(".") if parent else (code.rsplit(".", 1)[0] if "." in code else None)
        )
        node["_row"] = row
        items[code] = node
        order.append(code)
    tree: list[dict[str, Any]] = []
    for code in order:
        node = items[code]
        parent = node.pop("_parent")
        row = node.pop("_row")
        if parent is None:
            tree.append(node)
        elif parent in items:
            items[parent].setdefault("children", []).append(node)
        else:
            problems.append(
                table.problem(
                    f"Mã {code}: không tìm thấy nút cấp trên {parent}.", row=row, column="code"
                )
            )
    for node in items.values():
        if "children" in node:
            for key in ("source", "rule"):
                node.pop(key, None)  # parents derive them; the annex often repeats them
        else:
            node.setdefault("source", "appraisal")
            node.setdefault("rule", {"kind": "proportional"})
    if problems:
        raise ValidationFailed(
            f"Không nhập được khung chỉ số từ {path.name}: {len(problems)} lỗi; "
            "không có gì được ghi.",
            problems,
        )
    document = {
        "schema": SCHEMA,
        "index": index,
        "year": year,
        "code": f"{index.upper()}-{year}",
        "name_vi": name or f"Chỉ số cải cách hành chính cấp tỉnh năm {year}",
        "decision": decision,
        "total_max": 100,
        "groups": [
            {"code": "A", "min_percent": 90},
            {"code": "B", "min_percent": 80},
            {"code": "C", "min_percent": 70},
        ],
        "sources": [{"title": f"Nhập từ phụ lục {path.name}", "url": ""}],
        "notes": f"Nhập bằng 'chiso frameworks import' từ {path.name}.",
        "tree": tree,
    }
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    text = unicodedata.normalize("NFC", text)
    framework = from_mapping(yaml.safe_load(text), origin=str(path))
    return framework, text
