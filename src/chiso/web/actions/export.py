"""The campaign's actions as an XLSX workbook (openpyxl), formula-like text neutralised."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from chiso.parindex.export import safe_cell
from chiso.web.actions.models import Action

HEADERS = (
    "Mã tiêu chí",
    "Tiêu chí thành phần",
    "Cơ quan thực hiện",
    "Hành động",
    "Hạn hoàn thành",
    "Trạng thái",
    "Tiến độ (%)",
    "Điểm bị trừ",
    "Điểm kỳ vọng",
    "Quá hạn",
    "Số minh chứng",
)


def actions_xlsx(actions: Iterable[Action], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hành động khắc phục"
    sheet.append([safe_cell(title)])
    sheet.append(list(HEADERS))
    for action in actions:
        sheet.append(
            [
                safe_cell(action.assignment.code),
                safe_cell(action.assignment.name),
                safe_cell(action.owner_agency.name),
                safe_cell(action.title),
                action.deadline,
                action.get_status_display(),
                action.progress,
                float(action.assignment.lost),
                float(action.expected_points),
                "Có" if action.overdue else "",
                len(action.evidence.all()),  # prefetched by actions_for_user
            ]
        )
    widths = (12, 40, 30, 50, 14, 16, 10, 10, 10, 8, 12)
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
