"""The consolidated contribution book: plain data in, a checked Báo cáo out."""

from datetime import date
from io import BytesIO

import pytest
from docx import Document as open_docx

from chiso.documents.checks import ERROR, check_document
from chiso.documents.contributions import AgencyContribution, ItemAnswer, contribution_book
from chiso.documents.model import Heading, Table
from chiso.documents.nd30 import build_docx


def _item(code: str, name: str, lost: float, note: str) -> ItemAnswer:
    return ItemAnswer(
        code=code,
        name=name,
        lost=lost,
        causes=f"Nguyên nhân {note}\nDòng thứ hai {note}",
        responsibility_agency=f"Lãnh đạo {note}",
        responsibility_unit=f"Phòng {note}",
        responsibility_individual="",
        solutions=f"Giải pháp {note}",
    )


@pytest.fixture
def contributions():
    return (
        AgencyContribution(
            agency_name="Sở Tư pháp",
            state_label="Đã tiếp nhận",
            submitted_on=date(2026, 5, 20),
            late=False,
            items=(
                _item("2.1.1", "Ban hành văn bản quy phạm pháp luật", 0.5, "STP-1"),
                _item("2.3", "Kiểm tra, rà soát văn bản", 1.25, "STP-2"),
            ),
            general_text="Ý kiến chung của Sở Tư pháp",
        ),
        AgencyContribution(
            agency_name="Bưu điện tỉnh",
            state_label="Đã nộp",
            submitted_on=date(2026, 6, 2),
            late=True,
            items=(_item("6.4", "Tiếp nhận hồ sơ qua dịch vụ bưu chính", 1, "BDT"),),
        ),
        AgencyContribution(
            agency_name="Sở Xây dựng",
            state_label="Chưa nộp (bản nháp)",
            submitted_on=None,
            late=False,
            items=(
                ItemAnswer("7.2", "Cung cấp dịch vụ công trực tuyến", 0.75, "", "", "", "", ""),
            ),
        ),
    )


@pytest.fixture
def book(contributions):
    return contribution_book(
        province="Lạng Sơn",
        year=2025,
        title="Tham luận SIPAS, PAR INDEX năm 2025",
        contributions=contributions,
        issued=date(2026, 6, 5),
        illustrative=True,
    )


def test_book_is_a_sở_nội_vụ_report_that_passes_the_checks(book):
    assert book.type_name == "BÁO CÁO"
    assert book.number.doc_type == "BC" and book.issuer.code == "SNV"
    assert book.subject.startswith("Tổng hợp tham luận của các cơ quan, đơn vị")
    assert "năm 2025" in book.subject
    assert book.recipients == ("Ủy ban nhân dân tỉnh",)
    assert book.illustrative_note
    errors = [f for f in check_document(book) if f.level == ERROR]
    assert errors == []
    assert [str(f) for f in check_document(book)] == []


def test_opening_counts_and_summary_table(book):
    opening = "".join(run.text for run in book.body[0].runs)
    assert "có 2/3 cơ quan, đơn vị đã nộp tham luận" in opening
    assert "trong đó 1 cơ quan, đơn vị nộp muộn" in opening
    assert "1 cơ quan, đơn vị chưa nộp" in opening
    assert "5/6/2026" in opening
    headings = [b.text for b in book.body if isinstance(b, Heading) and b.level == 2]
    assert headings == ["1. Sở Tư pháp", "2. Bưu điện tỉnh", "3. Sở Xây dựng"]
    (table,) = [b for b in book.body if isinstance(b, Table)]
    assert table.rows == (
        ("1", "Sở Tư pháp", "2", "1,75", "Đã tiếp nhận", "20/5/2026", ""),
        ("2", "Bưu điện tỉnh", "1", "1", "Đã nộp", "2/6/2026", "Muộn"),
        ("3", "Sở Xây dựng", "1", "0,75", "Chưa nộp (bản nháp)", "Chưa nộp", ""),
    )


def test_docx_holds_every_agency_and_item_in_order(book):
    text = "\n".join(p.text for p in open_docx(BytesIO(build_docx(book))).paragraphs)
    expected = [
        "BÁO CÁO",
        "1. Sở Tư pháp",
        "Ý kiến chung: Ý kiến chung của Sở Tư pháp",
        "2.1.1 – Ban hành văn bản quy phạm pháp luật (mất 0,5 điểm)",
        "a) Nguyên nhân: Nguyên nhân STP-1",
        "Dòng thứ hai STP-1",
        "b) Trách nhiệm:",
        "Của cơ quan: Lãnh đạo STP-1",
        "Của đơn vị: Phòng STP-1",
        "Của cá nhân: (chưa có nội dung)",
        "c) Giải pháp: Giải pháp STP-1",
        "2.3 – Kiểm tra, rà soát văn bản (mất 1,25 điểm)",
        "Nguyên nhân STP-2",
        "2. Bưu điện tỉnh",
        "nộp ngày 2/6/2026 (nộp muộn)",
        "6.4 – Tiếp nhận hồ sơ qua dịch vụ bưu chính (mất 1 điểm)",
        "Giải pháp BDT",
        "3. Sở Xây dựng",
        "chưa nộp, nội dung dưới đây là bản nháp",
        "7.2 – Cung cấp dịch vụ công trực tuyến (mất 0,75 điểm)",
        "II. TỔNG HỢP TÌNH HÌNH NỘP THAM LUẬN",
        "./.",
    ]
    position = 0
    for piece in expected:
        found = text.find(piece, position)
        assert found >= 0, piece
        position = found + len(piece)


def test_empty_book_still_builds(contributions):
    book = contribution_book(
        province="Lạng Sơn", year=2025, title="x", contributions=(), issued=date(2026, 6, 5)
    )
    assert not [f for f in check_document(book) if f.level == ERROR]
    assert not book.illustrative_note
    assert build_docx(book)[:2] == b"PK"


# -- structured solutions and supporting agencies -----------------------------------------------


@pytest.fixture
def structured():
    from chiso.documents.contributions import SolutionAnswer, SupportAnswer

    item = ItemAnswer(
        code="6.4",
        name="Tiếp nhận hồ sơ qua dịch vụ bưu chính",
        lost=1.5,
        causes="Ít điểm tiếp nhận",
        responsibility_agency="Lãnh đạo Bưu điện",
        responsibility_unit="",
        responsibility_individual="",
        solutions=(
            SolutionAnswer("Mở thêm điểm tiếp nhận", "Phòng Kinh doanh", date(2026, 12, 31), 1.0),
            SolutionAnswer("Tập huấn nhân viên", "Trung tâm Đào tạo", date(2026, 6, 5), 0.25),
        ),
        supporting=(
            SupportAnswer(
                "Trung tâm Phục vụ hành chính công tỉnh",
                causes="Chưa liên thông dữ liệu",
                responsibility_unit="Phòng Tiếp nhận",
                solutions=(SolutionAnswer("Kết nối phần mềm", "Phòng CNTT", date(2026, 9, 30), 0),),
            ),
            SupportAnswer("Sở Tư pháp"),
        ),
    )
    return (
        AgencyContribution(
            agency_name="Bưu điện tỉnh",
            state_label="Đã nộp",
            submitted_on=date(2026, 5, 20),
            late=False,
            items=(item,),
        ),
        AgencyContribution(
            agency_name="Trung tâm Phục vụ hành chính công tỉnh",
            state_label="Đã nộp",
            submitted_on=date(2026, 5, 21),
            late=False,
            items=(),
            supported=("6.4",),
        ),
    )


def _book_text(contributions) -> tuple[str, object]:
    book = contribution_book(
        province="Lạng Sơn",
        year=2025,
        title="Tham luận",
        contributions=contributions,
        issued=date(2026, 6, 5),
    )
    document = open_docx(BytesIO(build_docx(book)))
    return "\n".join(p.text for p in document.paragraphs), book


def _in_order(text: str, pieces: list[str]) -> None:
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found >= 0, piece
        position = found + len(piece)


def test_each_solution_prints_with_owner_deadline_and_points(structured):
    text, book = _book_text(structured)
    _in_order(
        text,
        [
            "6.4 – Tiếp nhận hồ sơ qua dịch vụ bưu chính (mất 1,5 điểm)",
            "c) Giải pháp:",
            "Giải pháp 1: Mở thêm điểm tiếp nhận (thực hiện: Phòng Kinh doanh; thời hạn: "
            "31/12/2026; điểm kỳ vọng: 1)",
            "Giải pháp 2: Tập huấn nhân viên (thực hiện: Trung tâm Đào tạo; thời hạn: 5/6/2026; "
            "điểm kỳ vọng: 0,25)",
        ],
    )
    assert [str(f) for f in check_document(book)] == []


def test_supporting_agencies_input_is_printed_under_the_item(structured):
    text, _ = _book_text(structured)
    _in_order(
        text,
        [
            "c) Giải pháp:",
            "Cơ quan phối hợp: Trung tâm Phục vụ hành chính công tỉnh",
            "Nguyên nhân: Chưa liên thông dữ liệu",
            "Trách nhiệm của đơn vị: Phòng Tiếp nhận",
            "Giải pháp:",
            "Giải pháp 1: Kết nối phần mềm (thực hiện: Phòng CNTT; thời hạn: 30/9/2026; "
            "điểm kỳ vọng: 0)",
            "Cơ quan phối hợp: Sở Tư pháp (chưa có nội dung)",
            "2. Trung tâm Phục vụ hành chính công tỉnh",
            "Phối hợp các nội dung: 6.4 (ý kiến phối hợp in dưới nội dung của cơ quan chủ trì).",
        ],
    )
    assert "Không có nội dung được giao" not in text


def test_supporting_agencies_count_apart_in_the_summary(structured):
    _, book = _book_text(structured)
    (table,) = [b for b in book.body if isinstance(b, Table)]
    assert [row[2:4] for row in table.rows] == [("1", "1,5"), ("0 (+1 phối hợp)", "0")]
    opening = "".join(run.text for run in book.body[0].runs)
    assert "2 cơ quan, đơn vị chủ trì, phối hợp các tiêu chí" in opening


def test_plain_text_solutions_read_as_one_solution():
    from chiso.documents.contributions import SolutionAnswer

    item = _item("1.1", "x", 1, "A")
    assert item.solutions == (SolutionAnswer("Giải pháp A"),)
    assert not item.solutions[0].detailed
    assert _item("1.1", "x", 1, "A").supporting == ()
    empty = ItemAnswer("1", "x", 1.0, "", "", "", "", "   ")
    assert empty.solutions == ()
