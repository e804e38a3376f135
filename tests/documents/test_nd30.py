"""chiso.documents.nd30: the DOCX follows Nghị định 30/2020/NĐ-CP, read back with python-docx.

The documents here are the seed Giấy mời (issued by the UBND tỉnh itself), a Báo cáo of the Sở Nội
vụ under its cơ quan chủ quản with a table, a chart and a landscape Phụ lục, and a công văn.
"""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from collections.abc import Iterator

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from chiso.documents import nd30
from chiso.documents.model import (
    Appendix,
    Bullet,
    Document,
    Figure,
    Heading,
    IssueDate,
    Issuer,
    Number,
    PageBreak,
    Paragraph,
    Run,
    Signature,
    Table,
)

UBND = Issuer(name="ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", code="UBND", place="Lạng Sơn", parent=None)
SNV = Issuer(name="SỞ NỘI VỤ", code="SNV", place="Lạng Sơn", parent="UBND TỈNH LẠNG SƠN")
SEED_SIGNATURE = Signature(
    authority=("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
    signer=unicodedata.normalize("NFD", "Nguyễn Thị Thúy"),  # as typed on a Mac: must come out NFC
)


def giay_moi(number: int | None = 5, day: int | None = 29) -> Document:
    """The seed invitation (../../shared/seeds/000_3e8557c17b624072.txt) as data."""
    p, b = Paragraph.text, Bullet.text
    return Document(
        issuer=UBND,
        number=Number("GM", "UBND", number=number),
        date=IssueDate(2026, 5, day),
        type_name="GIẤY MỜI",
        subject=(
            "Dự Hội nghị phân tích kết quả Chỉ số hài lòng của người dân\n"
            "đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS);\n"
            "Chỉ số cải cách hành chính (PAR INDEX) tỉnh Lạng Sơn năm 2025"
        ),
        body=(
            p(
                "Thực hiện Chương trình công tác tháng 5 năm 2024, UBND tỉnh trân trọng kính mời "
                "đại biểu dự Hội nghị phân tích kết quả Chỉ số hài lòng của người dân đối với sự "
                "phục vụ của cơ quan hành chính nhà nước (SIPAS); Chỉ số cải cách hành chính "
                "(PAR INDEX) tỉnh Lạng Sơn năm 2025, như sau:"
            ),
            Heading("1. Thành phần dự Hội nghị", level=2),
            b("Lãnh đạo UBND tỉnh - Chủ trì hội nghị."),
            b("Đại diện lãnh đạo Hội đồng nhân dân tỉnh (có giấy mời riêng);"),
            b("Đại diện lãnh đạo Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh (có giấy mời riêng);"),
            b("Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh;"),
            b("Giám đốc Bưu điện tỉnh."),
            b("Chủ tịch UBND các xã, phường."),
            Paragraph(
                (
                    Run("2. Thời gian: ", bold=True),
                    Run("từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)."),
                )
            ),
            Paragraph(
                (
                    Run("3. Địa điểm: ", bold=True),
                    Run(
                        "Hội trường HĐND - UBND tỉnh (địa chỉ: số 02 đường Hùng Vương, "
                        "phường Lương Văn Tri, tỉnh Lạng Sơn)."
                    ),
                )
            ),
            Heading("4. Nội dung Hội nghị", level=2),
            b("Báo cáo phân tích kết quả chỉ số SIPAS, PAR INDEX năm 2025."),
            b("Thảo luận, đề xuất giải pháp khắc phục tồn tại, hạn chế của các chỉ số SIPAS."),
            Heading("5. Tổ chức thực hiện", level=2),
            Paragraph(
                (
                    Run(
                        "a) Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan chuẩn bị "
                        "tài liệu phục vụ Hội nghị; đôn đốc các đơn vị chuẩn bị nội dung tham "
                        "luận; phối hợp với Văn phòng UBND tỉnh chuẩn bị các điều kiện phục vụ "
                        "Hội nghị; dự thảo kịch bản chương trình, bài phát biểu khai mạc, bế mạc "
                        "của lãnh đạo UBND tỉnh, trình UBND tỉnh "
                    ),
                    Run("chậm nhất ngày 27/5/2026", bold=True),
                    Run("."),
                )
            ),
            p("b) Văn phòng UBND tỉnh chuẩn bị các điều kiện phục vụ Hội nghị;"),
            Paragraph(
                (
                    Run(
                        "c) Các cơ quan, đơn vị có tên trong danh sách tham luận chuẩn bị nội dung "
                        "theo yêu cầu ("
                    ),
                    Run(
                        "trong đó cần tập trung phân tích những nội dung chưa đạt điểm tối đa "
                        "trong năm 2025, xác định rõ trách nhiệm của cơ quan, đơn vị, cá nhân có "
                        "liên quan; đề xuất các giải pháp khắc phục trong năm 2026",
                        italic=True,
                    ),
                    Run("), gửi Sở Nội vụ tổng hợp "),
                    Run("trước ngày 27/5/2026", bold=True),
                    Run("."),
                )
            ),
            p(
                "d) Các thành phần dự họp chủ động nghiên cứu tài liệu, chuẩn bị các nội dung "
                "liên quan để phát biểu ý kiến tại cuộc họp."
            ),
            p("Trân trọng kính mời đại biểu tham dự Hội nghị."),  # "./." is added by the layout
        ),
        signature=SEED_SIGNATURE,
        distribution=(
            "Như thành phần mời;",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
            "Văn phòng Đoàn ĐBQH&HĐND tỉnh;",
            "các phòng CM, HCQT, TTTT;",
            "Báo và Phát thanh truyền hình Lạng Sơn, Cổng Thông tin điện tử tỉnh (đưa tin);",
            "Lưu: VT, NC(HTMĐ).",
        ),
    )


def chart_png() -> bytes:
    """A small bar chart, as the analysis report embeds them."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 2.5), dpi=100)
    ax.bar(["2023", "2024", "2025"], [85.1, 87.4, 89.9], color="0.4")
    ax.set_ylabel("Điểm (%)")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


RESULTS = Table(
    headers=("STT", "Lĩnh vực", "Điểm tối đa", "Điểm đạt", "Tỷ lệ (%)"),
    rows=(
        ("1", "Công tác chỉ đạo, điều hành CCHC", "13", "11,25", "86,54"),
        ("2", "Cải cách thể chế", "10,5", "9,75", "92,86"),
        ("3", "Cải cách thủ tục hành chính", "11", "10,1", "91,82"),
    ),
    caption="Bảng 1. Kết quả Chỉ số CCHC năm 2025 theo lĩnh vực",
    source="Nguồn: Bộ Nội vụ, Báo cáo Chỉ số CCHC năm 2025 (số liệu minh họa).",
    widths_cm=(1.2, 7.3, 2.6, 2.6, 2.8),
    numeric=(2, 3, 4),
)


def bao_cao() -> Document:
    """A Sở Nội vụ report to the UBND tỉnh with a table, a chart and a landscape Phụ lục."""
    detail = Table(
        headers=("Mã", "Tiêu chí thành phần", "2023", "2024", "2025", "Thay đổi", "Ghi chú"),
        rows=(
            ("1.1", "Ban hành kế hoạch CCHC năm", "1", "1", "1", "0", ""),
            ("1.2", "Tổ chức thực hiện kế hoạch CCHC", "2,5", "2,75", "3", "+0,25", ""),
        ),
        caption="Bảng PL1. Điểm theo tiêu chí thành phần",
        widths_cm=(1.5, 10.0, 2.2, 2.2, 2.2, 2.6, 4.0),
        numeric=(2, 3, 4, 5),
    )
    return Document(
        issuer=SNV,
        number=Number("BC", "SNV", number=128),
        date=IssueDate(2026, 2, 5),
        type_name="BÁO CÁO",
        subject="Phân tích kết quả Chỉ số cải cách hành chính năm 2025 của tỉnh Lạng Sơn",
        body=(
            Heading("I. KẾT QUẢ CHUNG", level=1),
            Paragraph.text("Năm 2025, Chỉ số CCHC của tỉnh đạt 89,90%, tăng 2,50 điểm."),
            RESULTS,
            Heading("II. DIỄN BIẾN QUA CÁC NĂM", level=1),
            Figure(
                chart_png(),
                width_cm=12,
                caption="Hình 1. Chỉ số CCHC 2023-2025",
                source="Nguồn: Sở Nội vụ tổng hợp.",
            ),
            Heading("a) Nhận xét", level=3),
            PageBreak(),
            Paragraph.text("Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh./."),
        ),
        signature=Signature(authority=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), signer="Hoàng Văn Minh"),
        distribution=("Như trên", "Lãnh đạo Sở", "Lưu: VT, CCHC"),
        recipients=("Ủy ban nhân dân tỉnh Lạng Sơn",),
        appendices=(
            Appendix(
                title="Phụ lục 1",
                subject="Kết quả chi tiết theo tiêu chí thành phần",
                blocks=(detail,),
                note="(Kèm theo Báo cáo số 128/BC-SNV ngày 05/02/2026 của Sở Nội vụ)",
                landscape=True,
            ),
        ),
        illustrative_note="Số liệu trong báo cáo này là số liệu minh họa.",
    )


def cong_van() -> Document:
    return Document(
        issuer=SNV,
        number=Number("", "SNV", unit="CCHC", number=12),
        date=IssueDate(2026, 11, 3),
        type_name=None,
        subject="Đôn đốc nộp báo cáo tự đánh giá Chỉ số CCHC",
        body=(Paragraph.text("Sở Nội vụ đề nghị các cơ quan, đơn vị gửi báo cáo đúng hạn"),),
        signature=Signature(authority=("GIÁM ĐỐC",), signer="Hoàng Văn Minh"),
        distribution=("Như trên;", "Lưu: VT, CCHC."),
        recipients=("Các sở, ban, ngành tỉnh", "UBND các xã, phường"),
    )


# --- helpers ------------------------------------------------------------------------------------


def reopen(document: Document) -> DocxDocument:
    return docx.Document(io.BytesIO(nd30.build_docx(document)))


@pytest.fixture(scope="module")
def invitation() -> DocxDocument:
    return reopen(giay_moi())


@pytest.fixture(scope="module")
def report() -> DocxDocument:
    return reopen(bao_cao())


def body_items(doc: DocxDocument) -> Iterator[DocxParagraph | DocxTable]:
    """Top-level paragraphs and tables in document order."""
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield DocxParagraph(child, doc._body)
        elif child.tag == qn("w:tbl"):
            yield DocxTable(child, doc._body)


def cell_runs(table: DocxTable, row: int, column: int) -> list[DocxRun]:
    return [run for p in table.rows[row].cells[column].paragraphs for run in p.runs]


def find_run(runs: list[DocxRun], text: str) -> DocxRun:
    matches = [run for run in runs if run.text == text]
    assert matches, f"{text!r} not in {[run.text for run in runs]}"
    return matches[0]


def texts(table: DocxTable, row: int, column: int) -> list[str]:
    return [p.text for p in table.rows[row].cells[column].paragraphs]


def size(run: DocxRun) -> float:
    assert run.font.size is not None, f"{run.text!r} has no explicit size"
    return run.font.size.pt


def grid_cm(table: DocxTable) -> list[float]:
    return [round(col.width.cm, 2) for col in table.columns]


def borders(table: DocxTable) -> dict[str, str]:
    edges = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert edges is not None
    return {edge.tag.split("}")[1]: edge.get(qn("w:val")) for edge in edges}


def signature_table(doc: DocxDocument) -> DocxTable:
    return next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")


def position(items: list[DocxParagraph | DocxTable], table: DocxTable) -> int:
    return next(
        i for i, it in enumerate(items) if isinstance(it, DocxTable) and it._tbl is table._tbl
    )


def all_runs(doc: DocxDocument) -> list[DocxRun]:
    return [run for item in body_items(doc) for run in _runs_of(item)]


def _runs_of(item: DocxParagraph | DocxTable) -> list[DocxRun]:
    if isinstance(item, DocxParagraph):
        return list(item.runs)
    return [r for row in item.rows for cell in row.cells for p in cell.paragraphs for r in p.runs]


# --- the issue's "Must show" --------------------------------------------------------------------


def test_page_is_a4_portrait_with_the_decree_margins(invitation):
    section = invitation.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width.mm == pytest.approx(210, abs=0.5)
    assert section.page_height.mm == pytest.approx(297, abs=0.5)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_header_is_a_borderless_two_column_table_with_explicit_widths(invitation):
    header = invitation.tables[0]
    assert len(header.columns) == 2
    assert grid_cm(header) == [6.0, 10.5]
    assert [round(cell.width.cm, 2) for cell in header.rows[0].cells] == [6.0, 10.5]
    assert set(borders(header).values()) == {"nil"}
    assert len(borders(header)) == 6
    layout = header._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"


def test_quoc_hieu_and_tieu_ngu(invitation):
    runs = cell_runs(invitation.tables[0], 0, 1)
    quoc_hieu = find_run(runs, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert 12 <= size(quoc_hieu) <= 13 and quoc_hieu.font.bold
    tieu_ngu = find_run(runs, "Độc lập - Tự do - Hạnh phúc")
    assert 13 <= size(tieu_ngu) <= 14 and tieu_ngu.font.bold
    rule = invitation.tables[0].rows[0].cells[1].paragraphs[-1]
    assert rule.text == ""
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"


def test_issuer_column(invitation, report):
    # The UBND issues the seed itself: no cơ quan chủ quản, its name in two balanced lines.
    assert texts(invitation.tables[0], 0, 0)[0] == "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN"
    name = invitation.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert name.font.bold and size(name) == 12
    # The Sở Nội vụ under its cơ quan chủ quản, regular then bold, and a rule under the name.
    left = report.tables[0].rows[0].cells[0].paragraphs
    parent, issuer, rule = left
    assert parent.text == "UBND TỈNH LẠNG SƠN"
    assert not parent.runs[0].font.bold and size(parent.runs[0]) == 12
    assert issuer.text == "SỞ NỘI VỤ" and issuer.runs[0].font.bold
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    # the rule is 1/3–1/2 of the name: its indents leave that much of the 6 cm column
    fmt = rule.paragraph_format
    length = 6.0 - fmt.left_indent.cm - fmt.right_indent.cm
    name_width = nd30._text_width_cm("SỞ NỘI VỤ", 12, bold=True)
    assert name_width / 3 <= length <= name_width / 2


def test_so_ky_hieu_and_date_share_the_second_row(invitation):
    header = invitation.tables[0]
    number = find_run(cell_runs(header, 1, 0), "Số: 05/GM-UBND")
    assert size(number) == 13 and not number.font.bold and not number.font.italic
    place_date = find_run(cell_runs(header, 1, 1), "Lạng Sơn, ngày 29 tháng 5 năm 2026")
    assert 13 <= size(place_date) <= 14 and place_date.font.italic


def test_blank_number_and_day_for_the_clerk():
    header = reopen(giay_moi(number=None, day=None)).tables[0]
    assert texts(header, 1, 0) == ["Số:      /GM-UBND"]
    assert texts(header, 1, 1) == ["Lạng Sơn, ngày      tháng 5 năm 2026"]


def test_ten_loai_and_trich_yeu(invitation):
    paragraphs = [p for p in body_items(invitation) if isinstance(p, DocxParagraph)]
    title = next(p for p in paragraphs if p.text == "GIẤY MỜI")
    run = title.runs[0]
    assert 13 <= size(run) <= 14 and run.font.bold
    assert title.alignment == 1  # centre
    subject = paragraphs[paragraphs.index(title) + 1]
    assert subject.text.startswith("Dự Hội nghị phân tích")
    assert subject.text.count("\n") == 2  # the lines break where the subject says
    assert subject.runs[0].font.bold and size(subject.runs[0]) == 14
    rule = paragraphs[paragraphs.index(title) + 2]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None


def test_page_number_field_in_the_header_but_not_on_page_one(invitation):
    section = invitation.sections[0]
    assert section.different_first_page_header_footer  # w:titlePg
    header = section.header._element
    instructions = [t.text.strip() for t in header.iter(qn("w:instrText"))]
    simple = [f.get(qn("w:instr")).strip() for f in header.iter(qn("w:fldSimple"))]
    assert "PAGE" in instructions + simple
    number = section.header.paragraphs[0]
    assert number.alignment == 1
    assert all(size(run) == 13 for run in number.runs)
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText"))) and not list(first.iter(qn("w:fldSimple")))


def test_noi_nhan_and_its_list(invitation):
    table = signature_table(invitation)
    assert len(table.columns) == 2 and set(borders(table).values()) == {"nil"}
    assert grid_cm(table) == [6.0, 10.5]
    left = table.rows[0].cells[0].paragraphs
    heading = left[0].runs[0]
    assert heading.text == "Nơi nhận:"
    assert size(heading) == 12 and heading.font.bold and heading.font.italic
    assert left[0].alignment == 0  # flush left
    lines = left[1:]
    assert lines[0].text == "- Như thành phần mời;"
    assert lines[-1].text == "- Lưu: VT, NC(HTMĐ)."
    assert all(size(run) == 11 for p in lines for run in p.runs)


# --- the rest of the layout ---------------------------------------------------------------------


def test_times_new_roman_on_every_run_and_on_the_styles(invitation, report):
    for doc in (invitation, report):
        runs = all_runs(doc) + list(doc.sections[0].header.paragraphs[0].runs)
        assert runs
        for run in runs:
            fonts = run._r.rPr.find(qn("w:rFonts"))
            for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
                assert fonts.get(qn(f"w:{attr}")) == "Times New Roman", run.text
            assert run.font.color.rgb == (0, 0, 0)
        normal = doc.styles["Normal"].element.rPr
        fonts = normal.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {
            "Times New Roman"
        }
        assert fonts.get(qn("w:asciiTheme")) is None
        assert normal.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
        assert doc.styles["Normal"].font.size.pt == 14


def test_body_paragraphs_follow_the_decree(invitation):
    items = list(body_items(invitation))
    first = next(p for p in items if isinstance(p, DocxParagraph) and p.text.startswith("Thực"))
    fmt = first.paragraph_format
    assert first.alignment == 3  # justify
    assert fmt.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert fmt.space_after.pt >= 6
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert all(size(run) == 14 for run in first.runs)
    bullet = next(p for p in items if isinstance(p, DocxParagraph) and p.text.startswith("- Lãnh"))
    assert bullet.text == "- Lãnh đạo UBND tỉnh - Chủ trì hội nghị."
    heading = next(p for p in items if isinstance(p, DocxParagraph) and p.text.startswith("1. "))
    assert heading.runs[0].font.bold
    mixed = next(p for p in items if isinstance(p, DocxParagraph) and p.text.startswith("2. "))
    assert [r.font.bold for r in mixed.runs] == [True, False]


def test_content_ends_with_the_end_mark_once(invitation, report):
    for doc, expected in (
        (invitation, "Trân trọng kính mời đại biểu tham dự Hội nghị./."),
        (report, "Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh./."),  # already marked: not doubled
    ):
        items = list(body_items(doc))
        before = items[position(items, signature_table(doc)) - 1]
        assert isinstance(before, DocxParagraph) and before.text == expected


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Trân trọng kính mời./.", "Trân trọng kính mời./."),
        ("Trân trọng kính mời.", "Trân trọng kính mời./."),
        ("Trân trọng kính mời", "Trân trọng kính mời./."),
        ("các nội dung trên;  ", "các nội dung trên./."),
    ],
)
def test_end_mark(text, marked):
    assert nd30._end_mark(text) == marked


def test_signature_lines_in_order(invitation):
    right = signature_table(invitation).rows[0].cells[1].paragraphs
    lines = [p.text for p in right if p.text]
    assert lines == [
        "TL. CHỦ TỊCH",
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Nguyễn Thị Thúy",
    ]
    assert all(p.alignment == 1 for p in right)
    runs = [p.runs[0] for p in right if p.text]
    assert all(run.font.bold and size(run) == 14 for run in runs)
    empty = [p for p in right if not p.text]
    assert 3 <= len(empty) <= 4  # the space for the signature, between authority and name
    assert right.index(empty[0]) == 3 and right.index(empty[-1]) == len(right) - 2


def test_no_kinh_gui_on_an_invitation(invitation):
    assert not any("Kính gửi" in p.text for p in invitation.paragraphs)


def test_kinh_gui_one_and_several(report):
    assert any(p.text == "Kính gửi: Ủy ban nhân dân tỉnh Lạng Sơn." for p in report.paragraphs)
    lines = [p.text for p in reopen(cong_van()).paragraphs]
    start = lines.index("Kính gửi:")
    assert lines[start + 1 : start + 3] == ["- Các sở, ban, ngành tỉnh;", "- UBND các xã, phường."]


def test_cong_van_has_no_ten_loai_and_its_trich_yeu_under_so():
    doc = reopen(cong_van())
    assert texts(doc.tables[0], 1, 0) == [
        "Số: 12/SNV-CCHC",
        "V/v Đôn đốc nộp báo cáo tự đánh giá Chỉ số CCHC",
    ]
    vv = doc.tables[0].rows[1].cells[0].paragraphs[1].runs[0]
    assert 12 <= size(vv) <= 13 and not vv.font.bold
    assert texts(doc.tables[0], 1, 1) == ["Lạng Sơn, ngày 03 tháng 11 năm 2026"]
    assert not any(p.text.isupper() and len(p.text) > 3 for p in doc.paragraphs)
    assert any(p.text.endswith("đúng hạn./.") for p in doc.paragraphs)


def test_data_table(report):
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "STT")
    assert grid_cm(table) == [1.2, 7.3, 2.6, 2.6, 2.8]
    assert [round(c.width.cm, 2) for c in table.rows[1].cells] == [1.2, 7.3, 2.6, 2.6, 2.8]
    assert set(borders(table).values()) == {"single"}
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(r.font.bold and size(r) == 12 for c in header.cells for r in c.paragraphs[0].runs)
    row = table.rows[1].cells
    assert [c.paragraphs[0].alignment for c in row] == [0, 0, 2, 2, 2]  # numbers on the right
    assert all(size(r) == 12 and not r.font.bold for c in row for r in c.paragraphs[0].runs)
    items = list(body_items(report))
    at = position(items, table)
    caption, source = items[at - 1], items[at + 1]
    assert isinstance(caption, DocxParagraph) and isinstance(source, DocxParagraph)
    assert caption.text == RESULTS.caption and caption.runs[0].font.bold
    assert size(caption.runs[0]) == 13 and caption.alignment == 1
    assert source.text == RESULTS.source
    assert source.runs[0].font.italic and size(source.runs[0]) == 12


def test_table_wider_than_the_page_is_scaled_to_fit():
    wide = Table(headers=("A", "B"), rows=(("1", "2"),), widths_cm=(20.0, 13.0))
    doc = reopen(dataclasses.replace(cong_van(), body=(wide, Paragraph.text("Hết."))))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "A")
    assert grid_cm(table) == [10.0, 6.5]


def test_figure_caption_and_source(report):
    paragraphs = report.paragraphs
    picture = next(p for p in paragraphs if p._p.xpath(".//pic:pic"))
    assert picture.alignment == 1
    extent = picture._p.xpath(".//wp:extent")[0]
    assert int(extent.get("cx")) / 360000 == pytest.approx(12.0, abs=0.01)
    caption = paragraphs[paragraphs.index(picture) + 1]
    assert caption.text == "Hình 1. Chỉ số CCHC 2023-2025"
    assert caption.runs[0].font.italic and size(caption.runs[0]) == 13 and caption.alignment == 1
    assert paragraphs[paragraphs.index(picture) + 2].text == "Nguồn: Sở Nội vụ tổng hợp."


def test_page_break_and_level_three_heading(report):
    xml = report.element.body.xml
    assert 'w:type="page"' in xml
    heading = next(p for p in report.paragraphs if p.text == "a) Nhận xét")
    assert not heading.runs[0].font.bold  # điểm: regular upright (Phụ lục I)


def test_illustrative_note_box(report):
    box = next(t for t in report.tables if "minh họa" in t.rows[0].cells[0].text)
    assert len(box.columns) == 1 and set(borders(box).values()) == {"single"}
    run = box.rows[0].cells[0].paragraphs[0].runs[0]
    assert run.font.italic and size(run) == 12
    items = list(body_items(report))
    kinh_gui = next(
        i for i, it in enumerate(items) if isinstance(it, DocxParagraph) and "Kính gửi" in it.text
    )
    assert kinh_gui < position(items, box) < position(items, signature_table(report))


def test_landscape_appendix_in_its_own_section(report):
    main, appendix = report.sections
    assert main.orientation == WD_ORIENT.PORTRAIT
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert appendix.start_type == WD_SECTION.NEW_PAGE
    assert appendix.page_width.mm == pytest.approx(297, abs=0.5)
    assert appendix.page_height.mm == pytest.approx(210, abs=0.5)
    assert appendix.top_margin.mm == pytest.approx(30, abs=0.5)  # the binding edge
    restart = appendix._sectPr.find(qn("w:pgNumType"))
    assert restart is not None and restart.get(qn("w:start")) == "1"
    assert appendix.different_first_page_header_footer
    lines = [p.text for p in report.paragraphs]
    title = lines.index("Phụ lục 1")
    assert lines[title + 1 : title + 3] == [
        "KẾT QUẢ CHI TIẾT THEO TIÊU CHÍ THÀNH PHẦN",
        "(Kèm theo Báo cáo số 128/BC-SNV ngày 05/02/2026 của Sở Nội vụ)",
    ]
    table = report.tables[-1]
    assert table.rows[0].cells[1].text == "Tiêu chí thành phần"
    assert sum(grid_cm(table)) <= 25.7 + 0.01  # fits the landscape text width


def test_all_text_is_nfc(invitation, report):
    for doc in (invitation, report):
        for t in doc.element.body.iter(qn("w:t")):
            assert unicodedata.is_normalized("NFC", t.text or ""), t.text
    signer = signature_table(invitation).rows[0].cells[1].paragraphs[-1].text
    assert signer == "Nguyễn Thị Thúy" and unicodedata.is_normalized("NFC", signer)


def test_core_properties(report):
    props = report.core_properties
    assert props.title.startswith("Phân tích kết quả Chỉ số cải cách hành chính")
    assert props.author == "SỞ NỘI VỤ"
    assert props.language == "vi-VN"


# --- texts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (Number("GM", "UBND", number=5), "Số: 05/GM-UBND"),
        (Number("BC", "SNV", number=128), "Số: 128/BC-SNV"),
        (Number("GM", "UBND"), "Số:      /GM-UBND"),
        (Number("", "UBND", unit="NC", number=12), "Số: 12/UBND-NC"),
        (Number("QyĐ", "UBND", number=1), "Số: 01/QyĐ-UBND"),
    ],
)
def test_number_text(number, text):
    assert nd30.number_text(number) == text


def test_number_text_rejects_unknown_types():
    with pytest.raises(ValueError, match="Không có loại văn bản"):
        nd30.number_text(Number("XX", "UBND", number=1))
    with pytest.raises(ValueError, match="đơn vị soạn thảo"):
        nd30.number_text(Number("GM", "UBND", unit="NC", number=1))


def test_doc_types_keep_mixed_case_and_the_real_d_with_stroke():
    assert nd30.DOC_TYPES["GM"] == "Giấy mời"
    assert nd30.DOC_TYPES["QyĐ"] == "Quy định" and nd30.DOC_TYPES["QĐ"] == "Quyết định"
    assert {"TTr", "CTr", "TrS", "ĐA", "HĐ", "CĐ"} <= set(nd30.DOC_TYPES)
    assert all("\u0110" in code for code in ("QĐ", "QyĐ", "ĐA", "HĐ", "CĐ"))
    assert all(unicodedata.is_normalized("NFC", k + v) for k, v in nd30.DOC_TYPES.items())


@pytest.mark.parametrize(
    ("issued", "text"),
    [
        (IssueDate(2026, 5, 29), "Lạng Sơn, ngày 29 tháng 5 năm 2026"),
        (IssueDate(2026, 2, 5), "Lạng Sơn, ngày 05 tháng 02 năm 2026"),
        (IssueDate(2026, 5), "Lạng Sơn, ngày      tháng 5 năm 2026"),
        (IssueDate(2026, 1), "Lạng Sơn, ngày      tháng 01 năm 2026"),
        (IssueDate(2026), "Lạng Sơn, ngày      tháng      năm 2026"),
    ],
)
def test_date_text(issued, text):
    assert nd30.date_text("Lạng Sơn", issued) == text
