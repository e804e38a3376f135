"""An analysis as JSON-ready data, CSV rows and an Excel workbook.

The JSON keys are a contract (tests and the web app read them): province, year, framework,
provenance, total, rank, group, nodes, below_max and, with recoveries, what_if. Spreadsheet
exports neutralise text that Excel would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from chiso import units, vi
from chiso.errors import NotFound
from chiso.frameworks.schema import LEVEL_NAMES_VI, SOURCE_NAMES_VI
from chiso.parindex.analysis import Analysis
from chiso.parindex.ledger import NodeResult
from chiso.parindex.results import ILLUSTRATIVE

NODE_COLUMNS = (
    "code",
    "level",
    "parent",
    "name",
    "max",
    "achieved",
    "lost",
    "percent",
    "self_assessed",
    "source",
    "lead_agency",
    "lead_agency_name",
    "official",
    "change",
)
NODE_HEADERS_VI = {
    "code": "Mã",
    "level": "Cấp",
    "parent": "Mã cấp trên",
    "name": "Tên",
    "max": "Điểm tối đa",
    "achieved": "Điểm đạt",
    "lost": "Điểm mất",
    "percent": "Tỷ lệ đạt (%)",
    "self_assessed": "Điểm tự đánh giá",
    "source": "Nguồn điểm",
    "lead_agency": "Mã cơ quan chủ trì",
    "lead_agency_name": "Cơ quan chủ trì",
    "official": "Số liệu chính thức",
    "change": "Thay đổi so với năm trước (điểm)",
}


def agency_name(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return units.find_agency(code).name
    except NotFound:
        return code


def node_dict(analysis: Analysis, node: NodeResult) -> dict[str, Any]:
    change = analysis.changes.get(node.code)
    return {
        "code": node.code,
        "level": node.level,
        "parent": node.parent,
        "name": node.name,
        "max": node.max,
        "achieved": node.achieved,
        "lost": node.lost,
        "percent": node.percent,
        "self_assessed": node.self_assessed,
        "source": node.source,
        "lead_agency": node.lead_agency,
        "lead_agency_name": agency_name(node.lead_agency),
        "official": node.official,
        "change": change.change if change else None,
    }


def to_dict(analysis: Analysis) -> dict[str, Any]:
    """Everything the analysis knows, JSON-ready, keys in English, text in Vietnamese."""
    p = analysis.provenance
    data: dict[str, Any] = {
        "province": analysis.province,
        "year": analysis.year,
        "framework": {
            "code": analysis.framework.code,
            "name": analysis.framework.name_vi,
            "decision": analysis.framework.decision,
            "official": analysis.framework.official,
        },
        "illustrative": p.illustrative,
        "provenance": {
            "framework": p.framework,
            "framework_official": p.framework_official,
            "results": p.results,
            "results_illustrative": p.results_illustrative,
            "sheet": p.sheet,
            "sheet_illustrative": p.sheet_illustrative,
            "published_sources": [dict(s) for s in p.published_sources],
            "published_figures": [{"province": n, "source": u} for n, u in p.published_figures],
            "note": ILLUSTRATIVE if p.illustrative else None,
        },
        "total": {"achieved": analysis.achieved, "max": analysis.max, "percent": analysis.percent},
        "rank": analysis.rank,
        "of": analysis.of,
        "group": analysis.group,
        "nodes": [node_dict(analysis, n) for n in analysis.ledger],
        "below_max": [node_dict(analysis, n) for n in analysis.below_max],
        "by_agency": [
            {
                "lead_agency": g.agency,
                "lead_agency_name": agency_name(g.agency),
                "lost": g.lost,
                "codes": [i.code for i in g.items],
            }
            for g in analysis.agencies
        ],
        "peers": [asdict(peer) for peer in analysis.peers],
        "climbs": [asdict(c) for c in analysis.climbs],
        "previous_year": analysis.previous_year,
        "trend": [asdict(t) for t in analysis.trend],
        "warnings": list(analysis.warnings),
    }
    if analysis.what_if is not None:
        w = analysis.what_if
        data["what_if"] = {
            "total": {"achieved": w.total, "max": analysis.max, "percent": w.percent},
            "gained": w.gained,
            "rank": w.rank,
            "of": w.of,
            "group": w.group,
            "recovered": [{"code": c, "points": p} for c, p in w.recovered],
        }
    return data


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def safe_cell(value: Any) -> Any:
    """A value as a CSV or XLSX cell that no spreadsheet will run or refuse.

    Text that Excel would evaluate (=, +, -, @, tab or carriage return first) is prefixed with an
    apostrophe. A signed plain number written as text ("-0,3", "+1,34": the report's changes)
    cannot call anything and is left as written. Control characters no workbook can hold are
    dropped (openpyxl refuses the whole file otherwise). Numbers, dates and None pass through.
    """
    if not isinstance(value, str):
        return value
    value = vi.strip_controls(value)
    if value[:1] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(analysis: Analysis) -> str:
    """The node ledger, one row per node, Vietnamese headers; UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([NODE_HEADERS_VI[c] for c in NODE_COLUMNS])
    for node in analysis.ledger:
        row = node_dict(analysis, node)
        writer.writerow([safe_cell(row[c]) if row[c] is not None else "" for c in NODE_COLUMNS])
    return "\ufeff" + out.getvalue()


def write_xlsx(analysis: Analysis, path: str | Path) -> None:
    """A workbook an officer can open: summary, ledger, lost items, agencies, peers, sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng quan"
    for label, value in _summary_rows(analysis):
        summary.append([label, safe_cell(value)])
    summary.column_dimensions["A"].width = 42
    summary.column_dimensions["B"].width = 60

    def sheet(title: str, headers: list[str], rows: list[list[Any]]) -> None:
        ws = wb.create_sheet(title)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLMN", (12, 14, 12, 70), strict=False):
            ws.column_dimensions[letter].width = width

    def ledger_rows(nodes: tuple[NodeResult, ...]) -> list[list[Any]]:
        return [
            [
                LEVEL_NAMES_VI.get(v, v)
                if c == "level"
                else SOURCE_NAMES_VI.get(v, v)
                if c == "source"
                else v
                for c, v in ((c, node_dict(analysis, n)[c]) for c in NODE_COLUMNS)
            ]
            for n in nodes
        ]

    headers = [NODE_HEADERS_VI[c] for c in NODE_COLUMNS]
    sheet("Chi tiết", headers, ledger_rows(analysis.ledger))
    sheet("Chưa đạt tối đa", headers, ledger_rows(analysis.below_max))
    sheet(
        "Theo cơ quan",
        ["Cơ quan chủ trì", "Điểm mất", "Số tiêu chí thành phần", "Các mã"],
        [
            [
                agency_name(g.agency) or "(chưa giao)",
                g.lost,
                len(g.items),
                ", ".join(i.code for i in g.items),
            ]
            for g in analysis.agencies
        ],
    )
    sheet(
        "So sánh",
        ["So sánh với", "Tỉnh", "Chỉ số (%)", "Chênh lệch (điểm)", "Minh họa"],
        [
            [p.label, p.province or "", p.value, p.gap, "có" if p.illustrative else ""]
            for p in analysis.peers
        ],
    )
    sheet(
        "Nguồn",
        ["Nguồn", "Địa chỉ"],
        [[s.get("title", ""), s.get("url", "")] for s in analysis.provenance.published_sources],
    )
    wb.save(path)


def _summary_rows(analysis: Analysis) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("Tỉnh", analysis.province),
        ("Năm", analysis.year),
        ("Khung chỉ số", f"{analysis.framework.name_vi} ({analysis.framework.decision})"),
        ("Tổng điểm đạt", analysis.achieved),
        ("Điểm tối đa", analysis.max),
        ("Chỉ số (%)", analysis.percent),
        ("Xếp hạng", f"{analysis.rank}/{analysis.of}" if analysis.rank else "chưa xếp hạng"),
        ("Nhóm", analysis.group or "dưới nhóm C"),
        ("Điểm mất", round(analysis.max - analysis.achieved, 4)),
    ]
    if analysis.what_if:
        w = analysis.what_if
        rows += [
            ("Giả định: điểm khôi phục", w.gained),
            ("Giả định: chỉ số (%)", w.percent),
            ("Giả định: xếp hạng", f"{w.rank}/{w.of}" if w.rank else ""),
            ("Giả định: nhóm", w.group or ""),
        ]
    if analysis.provenance.illustrative:
        rows.append(("Lưu ý", "Có số liệu " + ILLUSTRATIVE))
    rows += [("Cảnh báo", w) for w in analysis.warnings]
    return rows
