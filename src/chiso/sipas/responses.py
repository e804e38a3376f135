"""Survey responses: validate a wide file (or a KoboToolbox/ODK export) and store it as Parquet.

The wide format is one row per respondent: ``respondent_id, unit, stratum, psu, weight``, one
column per item code (answers are the scale's integer codes, blank = no answer) and the profile
columns. Everything is checked before anything is written; accepted data becomes one immutable
Parquet file named by the source file's hash, with a manifest saying which questionnaire version,
which source and how many rows it holds. Straight-lining is flagged, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chiso import units, vi
from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.sipas.questionnaire import DESIGN_COLUMNS, Questionnaire
from chiso.tabular import Row, Table, read_table

DESIGN_ALIASES = {
    "respondent_id": ("mã phiếu", "id", "_uuid", "_id", "instanceid", "meta/instanceid"),
    "unit": ("đơn vị", "mã đơn vị", "xã", "cơ quan", "tỉnh"),
    "stratum": ("tầng", "strata"),
    "psu": ("cụm", "thôn", "đơn vị mẫu bậc 1"),
    "weight": ("trọng số", "quyền số", "wgt"),
}
STRAIGHT_LINE_MIN = 10  # answered satisfaction items before identical answers look suspicious
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Dataset:
    """A stored, validated response file."""

    parquet: Path
    manifest: dict[str, Any]
    flags: tuple[Problem, ...] = field(default=())

    @property
    def rows(self) -> int:
        return int(self.manifest["counts"]["respondents"])


def kobo_header(header: str) -> str:
    """``grp_dichvu/C9.15`` → ``C9.15``: Kobo/ODK put group paths in front of field names.

    Kobo exports its database row number ``_id`` beside the submission's ``_uuid``; both would
    be taken as ``respondent_id`` (a duplicate column), so ``_id`` is set aside and ``_uuid``
    identifies the respondent.
    """
    if header.lower() == "_id":
        return "kobo_id"
    return header.rsplit("/", 1)[-1] if "/" in header and not header.startswith("meta/") else header


def unit_lookup(
    questionnaire: Questionnaire, year: int | None = None
) -> dict[str, tuple[str, str]]:
    """Folded code or name → (canonical code, display name) for the questionnaire's unit kind."""
    table: dict[str, tuple[str, str]] = {}
    if questionnaire.unit_kind == "commune":
        for c in units.communes():
            proper = c.name.split(" ", 1)[1]
            # Excel drops leading zeros of codes typed as numbers: 05977 → 5977.
            for key in (c.code, c.code.lstrip("0"), f"XA-{c.code}", c.name, proper):
                table[vi.fold(key)] = (c.code, c.name)
    elif questionnaire.unit_kind == "department":
        for a in units.agencies():
            if a.kind != "commune":
                for key in (a.code, a.name, a.short_name):
                    table[vi.fold(key)] = (a.code, a.name)
    else:
        for p in units.provinces(year or _year_of(questionnaire)):
            for key in (p.name, p.full_name, p.code, p.code.lstrip("0")):
                table[vi.fold(key)] = (p.name, p.name)
    return table


def _year_of(questionnaire: Questionnaire) -> int:
    digits = "".join(ch for ch in questionnaire.version if ch.isdigit())[:4]
    return int(digits) if len(digits) == 4 else 2025


def _unit(
    value: str, lookup: dict[str, tuple[str, str]], questionnaire: Questionnaire
) -> tuple[str, str]:
    key = vi.fold(value)
    if key in lookup:
        return lookup[key]
    if questionnaire.unit_kind == "province":
        try:
            province = units.find_province(value, _year_of(questionnaire))
            return province.name, province.name
        except NotFound as exc:
            raise ValueError(exc.message) from exc
    kind = {"commune": "xã, phường", "department": "cơ quan"}[questionnaire.unit_kind]
    raise ValueError(
        f"Không có {kind} {value!r} trong danh mục (xem 'chiso units agencies --communes')."
    )


def validate(
    path: str | Path,
    *,
    questionnaire: Questionnaire,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, list[Any]], list[Problem], list[Problem], Table]:
    """Check every row; return columns, errors, flags and the table read."""
    aliases = dict(DESIGN_ALIASES) | {code: (code,) for code in questionnaire.answer_columns}
    table = read_table(
        path, aliases=aliases, required=("unit",), sheet=sheet, header_transform=kobo_header
    )
    problems: list[Problem] = []
    flags: list[Problem] = []
    items = tuple(questionnaire.items)
    sat_items = tuple(i.code for i in questionnaire.items_of_kind("satisfaction"))
    allowed = {
        code: set(questionnaire.scales[i.scale].labels) for code, i in questionnaire.items.items()
    }
    allowed |= {p.code: set(p.choices) for p in questionnaire.profile}
    missing = [c for c in items if c not in table.columns]
    if len(missing) == len(items):
        problems.append(
            Problem(
                "Không có cột câu hỏi nào khớp bảng hỏi "
                f"{questionnaire.code} (ví dụ cần cột {items[0]}).",
                file=table.file,
                sheet=table.sheet,
                row=1,
                code="no_items",
            )
        )
        raise ValidationFailed(
            f"Tệp {table.file} không theo bảng hỏi {questionnaire.code}.", problems
        )
    lookup = unit_lookup(questionnaire)
    columns: dict[str, list[Any]] = {
        c: [] for c in (*DESIGN_COLUMNS, "unit_name", *questionnaire.answer_columns)
    }
    seen: dict[str, int] = {}
    total = len(table.rows)
    for index, row in enumerate(table.rows):
        if progress and index % 2000 == 0:
            progress(index, total)
        rid = _text(row.get("respondent_id")) or f"r{row.number}"
        if rid in seen:
            problems.append(
                table.problem(
                    f"Mã phiếu {rid} trùng với dòng {seen[rid]}.",
                    row=row,
                    column="respondent_id",
                    code="duplicate",
                )
            )
        seen.setdefault(rid, row.number)
        unit_code = unit_name = None
        raw_unit = _text(row.get("unit"))
        if raw_unit is None:
            problems.append(
                table.problem("Thiếu đơn vị.", row=row, column="unit", code="missing_unit")
            )
        else:
            try:
                unit_code, unit_name = _unit(raw_unit, lookup, questionnaire)
            except ValueError as exc:
                problems.append(
                    table.problem(str(exc), row=row, column="unit", code="unknown_unit")
                )
        weight = _weight(table, row, problems)
        answers = {}
        for code in questionnaire.answer_columns:
            answers[code] = _answer(table, row, code, allowed[code], problems)
        answered = [answers[c] for c in items if answers[c] is not None]
        if not answered:
            problems.append(
                table.problem(
                    "Phiếu trống: không trả lời câu hỏi nào (hãy xóa dòng này).",
                    row=row,
                    code="empty_form",
                )
            )
        sat = [answers[c] for c in sat_items if answers[c] is not None]
        if len(sat) >= STRAIGHT_LINE_MIN and len(set(sat)) == 1:
            flags.append(
                table.problem(
                    f"Trả lời giống hệt nhau ({sat[0]}) cho cả {len(sat)} câu hỏi hài lòng "
                    "(straight-lining): giữ lại, cần kiểm tra.",
                    row=row,
                    code="straight_lining",
                )
            )
        columns["respondent_id"].append(rid)
        columns["unit"].append(unit_code)
        columns["unit_name"].append(unit_name)
        columns["stratum"].append(_text(row.get("stratum")) or "_")
        columns["psu"].append(_text(row.get("psu")) or f"_r{rid}")
        columns["weight"].append(weight)
        for code, value in answers.items():
            columns[code].append(value)
    if progress:
        progress(total, total)
    if not table.rows:
        problems.append(
            Problem(
                "Tệp không có phiếu nào.", file=table.file, sheet=table.sheet, code="empty_file"
            )
        )
    return columns, problems, flags, table


def import_responses(
    path: str | Path,
    *,
    questionnaire: Questionnaire,
    store: str | Path,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> Dataset:
    """Validate, then store as ``<store>/<sha256>.parquet`` + ``.json``; all or nothing."""
    path = Path(path)
    columns, problems, flags, table = validate(
        path, questionnaire=questionnaire, sheet=sheet, progress=progress
    )
    if problems:
        raise ValidationFailed(
            f"Không nhập được phiếu khảo sát từ {path.name}: {len(problems)} lỗi; "
            "không có gì được lưu.",
            problems,
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    design = [c for c in ("stratum", "psu", "weight") if c in table.columns]
    manifest = {
        "schema": "chiso.responses/1",
        "questionnaire": questionnaire.identity(),
        "source": {"file": path.name, "sha256": digest},
        "design": {"columns": design, "srs": not design},
        "counts": {
            "respondents": len(columns["respondent_id"]),
            "units": len(set(columns["unit"])),
            "answers": sum(
                1 for code in questionnaire.items for v in columns[code] if v is not None
            ),
            "flags": len(flags),
        },
        "flags": [str(f) for f in flags[:200]],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    parquet = write_parquet(columns, questionnaire, Path(store) / f"{digest}.parquet", manifest)
    return Dataset(parquet, manifest, tuple(flags))


def write_parquet(
    columns: dict[str, list[Any]], questionnaire: Questionnaire, target: Path, manifest: dict
) -> Path:
    """Write atomically (temporary file, then rename) so a crash never leaves half a dataset."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return target  # immutable: the same source bytes give the same dataset
    fields = [
        pa.field("respondent_id", pa.string()),
        pa.field("unit", pa.string()),
        pa.field("unit_name", pa.string()),
        pa.field("stratum", pa.string()),
        pa.field("psu", pa.string()),
        pa.field("weight", pa.float64()),
        *(pa.field(code, pa.int8()) for code in questionnaire.answer_columns),
    ]
    schema = pa.schema(fields, metadata={"chiso": json.dumps(manifest, ensure_ascii=False)})
    arrays = [pa.array(columns[f.name], type=f.type) for f in fields]
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), tmp, compression="zstd")
    target.with_suffix(".json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    tmp.replace(target)
    return target


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = vi.nfc(str(value)).strip()
    return text or None


def _weight(table: Table, row: Row, problems: list[Problem]) -> float:
    value = row.get("weight")
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1.0
    if isinstance(value, bool):  # an Excel TRUE is not the weight 1
        problems.append(
            table.problem(
                f"{value!r} không phải là số.", row=row, column="weight", code="not_a_number"
            )
        )
        return 1.0
    try:
        weight = float(value) if isinstance(value, int | float) else vi.parse_number(str(value))
    except ValueError as exc:
        problems.append(table.problem(str(exc), row=row, column="weight", code="not_a_number"))
        return 1.0
    if not math.isfinite(weight) or weight <= 0:
        problems.append(
            table.problem("Trọng số phải là số dương.", row=row, column="weight", code="bad_weight")
        )
    return weight


def _answer(
    table: Table, row: Row, code: str, allowed: set[int], problems: list[Problem]
) -> int | None:
    value = row.get(code)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if isinstance(value, int | float) else vi.parse_number(str(value))
    except ValueError:
        number = math.nan
    if isinstance(value, bool):  # an Excel TRUE is not the answer 1
        number = math.nan
    if not number.is_integer() or int(number) not in allowed:
        choices = ", ".join(str(v) for v in sorted(allowed))
        problems.append(
            table.problem(
                f"Câu trả lời {value!r} ngoài thang đo (chỉ nhận {choices} hoặc để trống).",
                row=row,
                column=code,
                code="out_of_scale",
            )
        )
        return None
    return int(number)
