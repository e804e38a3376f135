"""Write the embedded demo as the files a province would import.

The same CSV/XLSX layouts the importers read, so the demo doubles as a template and the tests
can check that exporting and re-importing the demo gives the same analysis.
"""

from __future__ import annotations

import csv
from pathlib import Path

from chiso.demo import parindex as demo
from chiso.frameworks import embedded

TABLE_HEADER = ("province", "index_percent", "rank", "illustrative", "source")
SHEET_HEADER = ("code", "name", "max_points", "achieved", "self_assessed", "note")


def _safe(value: object) -> object:
    from chiso.parindex.export import safe_cell

    return safe_cell(value)


def table_rows(year: int) -> list[tuple[object, ...]]:
    return [
        (r.province, r.index_percent, r.rank, "minh họa" if r.illustrative else "", r.source)
        for r in demo.table(year).rows
    ]


def sheet_rows(year: int) -> list[tuple[object, ...]]:
    framework = embedded(year)
    sheet = demo.sheet(year)
    rows = []
    for leaf in framework.leaves():
        line = sheet.lines[leaf.code]
        rows.append(
            (leaf.code, leaf.name_vi, leaf.max_points, line.achieved, line.self_assessed, line.note)
        )
    return rows


def export_demo(folder: str | Path) -> list[Path]:
    """Write ``ket-qua-cac-tinh-YEAR`` and ``bang-diem-lang-son-YEAR`` as CSV and XLSX."""
    from openpyxl import Workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in demo.YEARS:
        for stem, header, rows in (
            (f"ket-qua-cac-tinh-{year}", TABLE_HEADER, table_rows(year)),
            (f"bang-diem-lang-son-{year}", SHEET_HEADER, sheet_rows(year)),
        ):
            csv_path = folder / f"{stem}.csv"
            with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows([["" if v is None else _safe(v) for v in row] for row in rows])
            wb = Workbook()
            ws = wb.active
            ws.title = "Minh họa" if "bang-diem" in stem else "Kết quả"
            ws.append(header)
            for row in rows:
                ws.append([_safe(v) for v in row])
            xlsx_path = folder / f"{stem}.xlsx"
            wb.save(xlsx_path)
            written += [csv_path, xlsx_path]
    return written
