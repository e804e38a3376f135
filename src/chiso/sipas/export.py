"""Estimates as rows for CSV, JSON and Excel.

The first columns are the documented contract: ``unit, indicator, n, estimate, se, ci_low,
ci_high, deff, flags``; ``unit_name``, ``indicator_name``, ``level`` and ``df`` follow. Values
are percentages with full precision; rounding is for display only.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from chiso.sipas.estimate import COLUMNS, OVERALL, Estimate
from chiso.sipas.questionnaire import Questionnaire

FIELDS = (*COLUMNS[:9], "unit_name", "indicator_name", "level", "df")
FLAG_NAMES_VI = {
    "small_n": "ít phiếu",
    "no_data": "không có dữ liệu",
    "no_df": "không đủ đơn vị mẫu để tính sai số",
    "singleton_stratum": "có tầng chỉ một đơn vị mẫu",
}


def unit_names(source: str | Path, by: str, questionnaire: Questionnaire) -> dict[str, str]:
    """Display names of the ``by`` values: unit names from the data, or profile labels."""
    import duckdb

    names = {OVERALL: "Toàn bộ mẫu"}
    for field in questionnaire.profile:
        if field.code == by:
            names |= {str(k): v for k, v in field.choices.items()}
            return names
    if by == "unit":
        path = str(source).replace("'", "''")
        # A connection of its own: duckdb's module-level default connection is shared by every
        # thread, and two threaded web requests querying through it at once fail.
        with duckdb.connect() as con:
            query = f"SELECT DISTINCT unit, unit_name FROM read_parquet('{path}')"
            rows = con.sql(query).fetchall()
        names |= {str(u): str(n) for u, n in rows}
    return names


def rows(
    estimates: Sequence[Estimate], questionnaire: Questionnaire, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    titles = {c: i.text_vi for c, i in questionnaire.items.items()}
    titles |= {c: i.name_vi for c, i in questionnaire.indicators.items()}
    out = []
    for e in estimates:
        out.append(
            {
                "unit": e.unit,
                "indicator": e.indicator,
                "n": e.n,
                "estimate": _num(e.estimate),
                "se": _num(e.se),
                "ci_low": _num(e.ci_low),
                "ci_high": _num(e.ci_high),
                "deff": _num(e.deff),
                "flags": ";".join(e.flags),
                "unit_name": names.get(e.unit, e.unit),
                "indicator_name": titles.get(e.indicator, e.indicator),
                "level": e.level,
                "df": e.df,
            }
        )
    return out


def _num(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def to_csv(records: list[dict[str, Any]]) -> str:
    from chiso.parindex.export import safe_cell

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for r in records:
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in r.items()})
    return "\ufeff" + out.getvalue()


def to_json(records: list[dict[str, Any]], meta: Mapping[str, Any]) -> str:
    return json.dumps({"meta": dict(meta), "estimates": records}, ensure_ascii=False, indent=2)


def write_xlsx(records: list[dict[str, Any]], path: str | Path, meta: Mapping[str, Any]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from chiso.parindex.export import safe_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "Ước lượng"
    ws.append(list(FIELDS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in records:
        ws.append([safe_cell(r[f]) for f in FIELDS])
    ws.freeze_panes = "A2"
    info = wb.create_sheet("Thông tin")
    for key, value in meta.items():
        info.append([key, safe_cell(str(value))])
    wb.save(path)
