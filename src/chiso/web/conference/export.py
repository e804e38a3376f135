"""The delegate list as an XLSX workbook (openpyxl); formula-like text neutralised."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from chiso.parindex.export import safe_cell
from chiso.web.conference.models import Attendee

HEADERS = ("TT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Thành phần", "Có mặt", "Điểm danh lúc")


def _moment(value) -> str:
    """ "14:05 29/5/2026" in Vietnam time: a text cell, so no spreadsheet shifts its zone."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} {local.day}/{local.month}/{local.year}"


def attendees_xlsx(attendees: Iterable[Attendee], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đại biểu"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, row in enumerate(attendees, start=1):
        sheet.append(
            [
                number,
                safe_cell(row.name),
                safe_cell(row.position),
                safe_cell(row.organisation_label),
                safe_cell(row.group),
                "Có" if row.attended else "",
                _moment(row.checked_in_at),
            ]
        )
    for column, width in zip("ABCDEFG", (5, 28, 24, 40, 36, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
