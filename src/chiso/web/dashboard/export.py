"""The lost-points ledger as an XLSX workbook (openpyxl), formula-like text neutralised."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from chiso.parindex.export import agency_name, safe_cell
from chiso.parindex.ledger import NodeResult

HEADERS = ("Mã", "Nội dung", "Tối đa", "Đạt", "Mất", "Cơ quan chủ trì")


def ledger_xlsx(rows: Iterable[NodeResult], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Điểm bị trừ"
    sheet.append([safe_cell(title)])
    sheet.append(list(HEADERS))
    for node in rows:
        sheet.append(
            [
                safe_cell(node.code),
                safe_cell(node.name),
                node.max,
                node.achieved,
                node.lost,
                safe_cell(agency_name(node.lead_agency) or "(chưa giao)"),
            ]
        )
    for column, width in zip("ABCDEF", (12, 60, 8, 8, 8, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
