"""What the report's documents carry from user text: formulas in its tables' workbook (``chiso
report --xlsx``) and control characters in any DOCX (a contribution pasted from another program).

Tables: text starting with =, +, -, @, tab or CR gets an apostrophe; signed numbers written as
text by the report ("-0,3", "+0,14") stay as written. DOCX: the characters XML cannot hold are
dropped instead of failing the whole document.
"""

from __future__ import annotations

import io

import docx
import openpyxl

from chiso.documents.model import (
    Document,
    Heading,
    IssueDate,
    Issuer,
    Number,
    Paragraph,
    Signature,
    Table,
)
from chiso.documents.nd30 import build_docx
from chiso.documents.report import write_tables

CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def document(*blocks, subject: str = "Báo cáo phân tích") -> Document:
    return Document(
        issuer=Issuer("SỞ NỘI VỤ", "SNV", "Lạng Sơn", "UBND TỈNH LẠNG SƠN"),
        number=Number("BC", "SNV"),
        date=IssueDate(2026, 5, 20),
        type_name="BÁO CÁO",
        subject=subject,
        body=tuple(blocks),
        signature=Signature(("GIÁM ĐỐC",), "Nguyễn Văn A"),
        distribution=("Lưu: VT, CCHC.",),
    )


def test_report_tables_workbook_neutralises_formulas_and_keeps_signed_numbers(tmp_path):
    table = Table(
        headers=("Mã", "=Tên"),
        rows=(("=1+1", "-0,3"), ("@SUM(1)", "+0,14"), ("+cmd|' /C calc'!A0", "12,5")),
        caption="-Bảng 1",
    )
    path = tmp_path / "bang.xlsx"
    write_tables(document(table), path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert values == [
        ["'-Bảng 1", None],
        ["Mã", "'=Tên"],
        ["'=1+1", "-0,3"],
        ["'@SUM(1)", "+0,14"],
        ["'+cmd|' /C calc'!A0", "12,5"],
    ]


def test_a_docx_is_written_whatever_control_characters_the_text_holds():
    text = f"Nguyên nhân{CONTROLS}: chậm\ttrễ"
    table = Table(headers=("Mã", f"Tên{CONTROLS}"), rows=((f"LV1{CONTROLS}", "1"),))
    content = build_docx(
        document(
            Heading(f"I. KẾT QUẢ{CONTROLS}"),
            Paragraph.text(text),
            table,
            subject=f"Báo cáo{CONTROLS} phân tích",
        )
    )
    opened = docx.Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in opened.paragraphs)
    assert "Nguyên nhân: chậm\ttrễ" in paragraphs
    assert "I. KẾT QUẢ" in paragraphs
    cells = {c.text for t in opened.tables for row in t.rows for c in row.cells}
    assert {"LV1", "Tên"} <= cells
    assert opened.core_properties.title == "Báo cáo phân tích"
