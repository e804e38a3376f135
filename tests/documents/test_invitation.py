"""Tests for chiso.documents.invitation: the Giấy mời rebuilt from the structured event."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date, datetime
from pathlib import Path

import docx
import pytest

from chiso.documents.event import VN_TZ, Event, Participant, Task, load_event
from chiso.documents.invitation import (
    deadline_phrase,
    format_time,
    invitation,
    time_phrase,
)
from chiso.documents.model import Bullet, Document, Heading, Number, Paragraph
from chiso.documents.nd30 import build_docx, date_text, number_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "giay-moi-sipas-par-index-2025.yaml"
CORRECTED = ROOT / "examples" / "giay-moi-sipas-par-index-2025-da-sua.yaml"
# CI lays shared/ beside the repository; a developer's checkout may not have it.
SEED = ROOT.parent / "shared" / "seeds" / "000_3e8557c17b624072.txt"

# The seed, line by line, as a reader sees it (markdown markers and blank lines dropped). Kept
# here so the test never depends on the shared file alone.
SEED_LINES = (
    "Số: /GM-UBND",
    "Lạng Sơn, ngày tháng 5 năm 2026",
    "GIẤY MỜI",
    "Dự Hội nghị phân tích kết quả Chỉ số hài lòng của người dân",
    "đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS);",
    "Chỉ số cải cách hành chính (PAR INDEX) tỉnh Lạng Sơn năm 2025",
    "Thực hiện Chương trình công tác tháng 5 năm 2024, UBND tỉnh trân trọng kính mời đại biểu "
    "dự Hội nghị phân tích kết quả Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan "
    "hành chính nhà nước (SIPAS); Chỉ số cải cách hành chính (PAR INDEX) tỉnh Lạng Sơn năm 2025, "
    "như sau:",
    "1. Thành phần dự Hội nghị",
    "- Lãnh đạo UBND tỉnh - Chủ trì hội nghị.",
    "- Đại diện lãnh đạo Hội đồng nhân dân tỉnh (có giấy mời riêng);",
    "- Đại diện lãnh đạo Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh (có giấy mời riêng);",
    "- Thủ trưởng các cơ quan chuyên môn thuộc UBND tỉnh;",
    "- Giám đốc Bưu điện tỉnh.",
    "- Chủ tịch UBND các xã, phường.",
    "2. Thời gian: từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu).",
    "3. Địa điểm: Hội trường HĐND - UBND tỉnh (địa chỉ: số 02 đường Hùng Vương, phường Lương "
    "Văn Tri, tỉnh Lạng Sơn).",
    "4. Nội dung Hội nghị",
    "- Báo cáo phân tích kết quả chỉ số SIPAS, PAR INDEX năm 2025.",
    "- Thảo luận, đề xuất giải pháp khắc phục tồn tại, hạn chế của các chỉ số SIPAS, PAR INDEX.",
    "5. Tổ chức thực hiện",
    "a) Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan chuẩn bị tài liệu phục vụ Hội "
    "nghị; đôn đốc các đơn vị chuẩn bị nội dung tham luận; phối hợp với Văn phòng UBND tỉnh chuẩn "
    "bị các điều kiện phục vụ Hội nghị; dự thảo kịch bản chương trình, bài phát biểu khai mạc, bế "
    "mạc của lãnh đạo UBND tỉnh, trình UBND tỉnh chậm nhất ngày 27/5/2026.",
    "b) Văn phòng UBND tỉnh chuẩn bị các điều kiện phục vụ Hội nghị;",
    "c) Các cơ quan, đơn vị có tên trong danh sách tham luận chuẩn bị nội dung theo yêu cầu (trong "
    "đó cần tập trung phân tích những nội dung chưa đạt điểm tối đa trong năm 2025, xác định rõ "
    "trách nhiệm của cơ quan, đơn vị, cá nhân có liên quan; đề xuất các giải pháp khắc phục trong "
    "năm 2026), gửi Sở Nội vụ tổng hợp trước ngày 27/5/2026.",
    "d) Các thành phần dự họp chủ động nghiên cứu tài liệu, chuẩn bị các nội dung liên quan để "
    "phát biểu ý kiến tại cuộc họp.",
    "Trân trọng kính mời đại biểu tham dự Hội nghị./.",
    "Nơi nhận:",
    "- Như thành phần mời;",
    "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
    "- Văn phòng Đoàn ĐBQH&HĐND tỉnh;",
    "- các phòng CM, HCQT, TTTT;",
    "- Báo và Phát thanh truyền hình Lạng Sơn, Cổng Thông tin điện tử tỉnh (đưa tin);",
    "- Lưu: VT, NC(HTMĐ).",
    "TL. CHỦ TỊCH",
    "KT. CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "Nguyễn Thị Thúy",
)


def normalise(line: str) -> str:
    """Compare as read: markdown bold/italic markers dropped, whitespace runs made one space."""
    return " ".join(line.replace("*", "").split())


def document_lines(document: Document) -> list[str]:
    """Every printed line of the document, top to bottom, as a reader meets them."""
    lines = [
        number_text(document.number),
        date_text(document.issuer.place, document.date),
        document.type_name or "",
        *document.subject.splitlines(),
    ]
    for block in document.body:
        if isinstance(block, Bullet):
            lines.append("- " + "".join(run.text for run in block.runs))
        elif isinstance(block, Paragraph):
            lines.append("".join(run.text for run in block.runs))
        elif isinstance(block, Heading):
            lines.append(block.text)
    lines.append("Nơi nhận:")
    lines += [f"- {line}" for line in document.distribution]
    lines += [*document.signature.authority, document.signature.signer]
    return [normalise(line) for line in lines]


def assert_in_order(expected: list[str] | tuple[str, ...], actual: list[str]) -> None:
    position = -1
    for line in expected:
        assert line in actual[position + 1 :], f"thiếu hoặc sai thứ tự: {line!r}"
        position = actual.index(line, position + 1)


@pytest.fixture(scope="module")
def event() -> Event:
    return load_event(EXAMPLE)


@pytest.fixture(scope="module")
def document(event: Event) -> Document:
    return invitation(event)


def test_regenerated_seed_holds_every_element_of_the_embedded_seed_in_order(document):
    """The regenerated seed invitation holds every element of the seed, in the seed's order."""
    lines = document_lines(document)
    assert_in_order(SEED_LINES, lines)
    assert lines == list(SEED_LINES)  # and nothing else


@pytest.mark.skipif(not SEED.exists(), reason="shared/seeds is not beside this checkout")
def test_regenerated_seed_holds_every_line_of_the_seed_file_in_order(document):
    """The same, against the real seed file: every non-empty line, whitespace normalised."""
    seed = [normalise(line) for line in SEED.read_text(encoding="utf-8").splitlines()]
    seed = [line for line in seed if line]
    assert seed == list(SEED_LINES)
    assert_in_order(seed, document_lines(document))


def test_header_and_title(document, event):
    assert document.issuer.parent is None  # the UBND issues it: no cơ quan chủ quản
    assert document.number == Number("GM", "UBND")
    assert number_text(document.number) == "Số:      /GM-UBND"
    assert date_text("Lạng Sơn", document.date) == "Lạng Sơn, ngày      tháng 5 năm 2026"
    assert document.type_name == "GIẤY MỜI"
    assert document.subject.splitlines() == list(event.subject)
    assert document.recipients == ()  # a Giấy mời has no Kính gửi


def test_deadlines_are_bold_and_task_c_parenthesis_italic(document):
    bold = [run.text for block in document.body for run in getattr(block, "runs", ()) if run.bold]
    assert bold == ["chậm nhất ngày 27/5/2026", "trước ngày 27/5/2026"]
    italic = [
        run.text for block in document.body for run in getattr(block, "runs", ()) if run.italic
    ]
    assert len(italic) == 1
    assert italic[0].startswith("trong đó cần tập trung phân tích")
    assert italic[0].endswith("đề xuất các giải pháp khắc phục trong năm 2026")


def test_time_and_weekday_are_computed_from_start(event):
    moved = dataclasses.replace(event, start=datetime(2026, 6, 4, 8, 30, tzinfo=VN_TZ))
    lines = document_lines(invitation(moved))
    assert "2. Thời gian: từ 8 giờ 30 phút, ngày 4/6/2026 (thứ Năm)." in lines


def test_time_phrase_with_an_end():
    start = datetime(2026, 5, 29, 14, 0, tzinfo=VN_TZ)
    same_day = datetime(2026, 5, 29, 17, 0, tzinfo=VN_TZ)
    next_day = datetime(2026, 5, 30, 11, 30, tzinfo=VN_TZ)
    assert time_phrase(start) == "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)"
    assert time_phrase(start, same_day) == (
        "từ 14 giờ 00 phút đến 17 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)"
    )
    assert time_phrase(start, next_day) == (
        "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu) đến 11 giờ 30 phút, ngày 30/5/2026 (thứ Bảy)"
    )
    assert format_time(datetime(2026, 1, 5, 7, 5, tzinfo=VN_TZ)) == "7 giờ 05 phút"


def test_deadline_phrases():
    day = date(2026, 5, 27)
    assert deadline_phrase(Task("a", "X", "y", day, "no_later_than")) == "chậm nhất ngày 27/5/2026"
    assert deadline_phrase(Task("a", "X", "y", day, "before")) == "trước ngày 27/5/2026"
    assert deadline_phrase(Task("a", "X", "y")) == ""


def test_default_punctuation_and_section_numbers(event):
    """Without overrides: ";" then "." for the last item; sections renumber when one is absent."""
    plain = dataclasses.replace(
        event,
        participants=(Participant("Lãnh đạo UBND tỉnh", role="Chủ trì"), Participant("Sở Nội vụ")),
        content=(),
        tasks=(Task("a", "Sở Nội vụ", "chuẩn bị tài liệu"), Task("b", "Các sở", "dự họp")),
        closing="Trân trọng kính mời./.",
    )
    lines = document_lines(invitation(plain))
    assert "- Lãnh đạo UBND tỉnh - Chủ trì;" in lines
    assert "- Sở Nội vụ." in lines
    assert "4. Tổ chức thực hiện" in lines
    assert not any(re.match(r"\d\. Nội dung", line) for line in lines)
    assert "a) Sở Nội vụ chuẩn bị tài liệu;" in lines
    assert "b) Các sở dự họp." in lines
    assert lines.count("Trân trọng kính mời./.") == 1  # "./." never doubled


def test_corrected_example_differs_only_in_the_basis(event):
    corrected = load_event(CORRECTED)
    assert corrected.basis == "Thực hiện Chương trình công tác tháng 5 năm 2026"
    assert dataclasses.replace(corrected, basis=event.basis) == event


def test_the_invitation_lays_out_as_docx(document):
    """nd30 prints the same lines: the model is all a layout needs."""
    printed = docx.Document(io.BytesIO(build_docx(document)))
    paragraphs = [normalise(p.text) for p in printed.paragraphs if p.text.strip()]
    body = [line for line in SEED_LINES if line.startswith(("Thực hiện", "1.", "2.", "a)", "d)"))]
    assert_in_order([*body, "Trân trọng kính mời đại biểu tham dự Hội nghị./."], paragraphs)
