"""The campaign's actions as an XLSX workbook (openpyxl), formula-like text neutralised."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from chiso.parindex.export import safe_cell
from chiso.web.actions.models import Action

HEADERS = (
    "Mã tiêu chí",
    "Tiêu chí thành phần",
    "Cơ quan thực hiện",
    "Hành động",
    "Đơn vị/cá nhân thực hiện",
    "Hạn hoàn thành",
    "Trạng thái",
    "Tiến độ (%)",
    "Điểm bị trừ",
    "Điểm kỳ vọng",
    "Quá hạn",
    "Số minh chứng",
)


def actions_xlsx(actions: Iterable[Action], *, title: str, with_campaign: bool = False) -> bytes:
    """One row per action; ``with_campaign`` adds a first column naming the campaign (for the
    list of every campaign's actions)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hành động khắc phục"
    sheet.append([safe_cell(title)])
    sheet.append([*(("Đợt tham luận",) if with_campaign else ()), *HEADERS])
    for action in actions:
        sheet.append(
            [
                *((safe_cell(action.campaign.title),) if with_campaign else ()),
                safe_cell(action.assignment.code),
                safe_cell(action.assignment.name),
                safe_cell(action.owner_agency.name),
                safe_cell(action.title),
                safe_cell(action.executor),
                action.deadline,
                action.get_status_display(),
                action.progress,
                float(action.assignment.lost),
                float(action.expected_points),
                "Có" if action.overdue else "",
                len(action.evidence.all()),  # prefetched by the selectors
            ]
        )
    # Dates as Vietnamese readers write them (31/12/2026), still real dates Excel can sort.
    deadline_column = HEADERS.index("Hạn hoàn thành") + 1 + (1 if with_campaign else 0)
    for (cell,) in sheet.iter_rows(min_row=3, min_col=deadline_column, max_col=deadline_column):
        cell.number_format = "d/m/yyyy"
    widths = (*((40,) if with_campaign else ()), 12, 40, 30, 50, 30, 14, 16, 10, 10, 10, 8, 12)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
