"""Tests for chiso.documents.checks: the seed's slip is caught, and nothing else is reported."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

import pytest

from chiso.documents.checks import (
    ERROR,
    WARNING,
    Finding,
    check_document,
    check_event,
    run_checks,
)
from chiso.documents.event import VN_TZ, Event, Task, load_event
from chiso.documents.invitation import invitation
from chiso.documents.model import (
    Bullet,
    Document,
    IssueDate,
    Number,
    Paragraph,
    Signature,
    Table,
)
from chiso.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
FAITHFUL = ROOT / "examples" / "giay-moi-sipas-par-index-2025.yaml"
CORRECTED = ROOT / "examples" / "giay-moi-sipas-par-index-2025-da-sua.yaml"


@pytest.fixture(scope="module")
def event() -> Event:
    """The corrected example: every failing case below changes one thing of a clean event."""
    return load_event(CORRECTED)


@pytest.fixture(scope="module")
def document(event: Event) -> Document:
    return invitation(event)


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.level, f.code) for f in findings]


def with_body(document: Document, *texts: str) -> Document:
    """The document with its body replaced by these paragraphs (the last one keeps "./.")."""
    blocks = tuple(Paragraph.text(text) for text in texts)
    return dataclasses.replace(document, body=(*blocks, Paragraph.text("Trân trọng./.")))


# --- the examples -------------------------------------------------------------------------------


def test_faithful_example_yields_exactly_the_year_warning():
    findings = run_checks(FAITHFUL)
    assert codes(findings) == [(WARNING, "year_mismatch")]
    finding = findings[0]
    assert "năm 2024 không khớp năm tổ chức 2026" in finding.message_vi
    assert "tháng 5 năm 2024" in finding.message_vi
    assert finding.where.startswith("basis (tệp giay-moi-sipas-par-index-2025.yaml, dòng ")
    assert str(finding).startswith("Cảnh báo [year_mismatch] basis")


def test_corrected_example_passes_every_check():
    assert run_checks(CORRECTED) == []


def test_run_checks_reports_a_broken_file(tmp_path):
    path = tmp_path / "hong.yaml"
    path.write_text("schema: chiso.event/1\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        run_checks(path)


# --- weekday ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2. Thời gian: từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Năm).",
        "Hội nghị tổ chức vào thứ Năm, ngày 29/5/2026.",
        "Hội nghị tổ chức vào ngày 29 tháng 5 năm 2026 (thứ Năm).",
        "Ngày 29/5/2026 (Chủ nhật).",
    ],
)
def test_weekday_that_is_not_the_dates_is_an_error(document, text):
    findings = [f for f in check_document(with_body(document, text)) if f.code.startswith("week")]
    assert codes(findings) == [(ERROR, "weekday_mismatch")]
    assert "29/5/2026 là thứ Sáu" in findings[0].message_vi
    assert findings[0].where == "Thân văn bản, đoạn 1"


def test_weekday_in_another_spelling_is_a_warning(document):
    findings = check_document(with_body(document, "Ngày 29/5/2026 (Thứ 6)."))
    assert codes(findings) == [(WARNING, "weekday_format")]
    assert "“thứ Sáu”" in findings[0].message_vi


def test_right_weekday_passes(document):
    assert check_document(with_body(document, "vào thứ Sáu, ngày 29/5/2026")) == []


# --- dates of the event -------------------------------------------------------------------------


def test_deadline_after_the_event_is_an_error(event):
    late = (dataclasses.replace(event.tasks[0], deadline=date(2026, 5, 30)), *event.tasks[1:])
    findings = check_event(dataclasses.replace(event, tasks=late))
    assert codes(findings) == [(ERROR, "deadline_after_event")]
    assert "30/5/2026" in findings[0].message_vi and "29/5/2026" in findings[0].message_vi
    assert findings[0].where.startswith("tasks[0].deadline (tệp")


def test_deadline_on_the_event_day_is_a_warning(event):
    same_day = (dataclasses.replace(event.tasks[0], deadline=date(2026, 5, 29)), *event.tasks[1:])
    findings = check_event(dataclasses.replace(event, tasks=same_day))
    assert codes(findings) == [(WARNING, "deadline_after_event")]


def test_deadline_before_the_issue_date_is_an_error(event):
    issued = dataclasses.replace(event, issue_date=IssueDate(2026, 5, 28))
    findings = check_event(issued)
    assert codes(findings) == [(ERROR, "deadline_before_issue")] * 2
    # with only the month known, a deadline in an earlier month is still wrong
    april = (dataclasses.replace(event.tasks[0], deadline=date(2026, 4, 30)), *event.tasks[1:])
    findings = check_event(dataclasses.replace(event, tasks=april))
    assert codes(findings) == [(ERROR, "deadline_before_issue")]
    assert "tháng ban hành 5/2026" in findings[0].message_vi


def test_invitation_issued_after_the_event_is_an_error(event):
    findings = check_event(dataclasses.replace(event, issue_date=IssueDate(2026, 6)))
    assert (ERROR, "issued_after_event") in codes(findings)
    findings = check_event(dataclasses.replace(event, issue_date=IssueDate(2026, 5, 30)))
    assert (ERROR, "issued_after_event") in codes(findings)


def test_end_before_start_is_an_error(event):
    early = datetime(2026, 5, 29, 13, 0, tzinfo=VN_TZ)
    assert codes(check_event(dataclasses.replace(event, end=early))) == [
        (ERROR, "end_before_start")
    ]


def test_task_labels_follow_vietnamese_order(event):
    tasks = (*event.tasks[:3], dataclasses.replace(event.tasks[3], label="e"))
    findings = check_event(dataclasses.replace(event, tasks=tasks))
    assert codes(findings) == [(WARNING, "task_label_order")]
    assert "d)" in findings[0].message_vi


# --- years --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "basis",
    [
        "Thực hiện Chương trình công tác tháng 5 năm 2025",  # the results year is not the basis
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 10/02/2026 và Chương trình công tác năm 2024",
    ],
)
def test_basis_must_name_the_event_year(event, basis):
    findings = check_event(dataclasses.replace(event, basis=basis))
    assert codes(findings) == [(WARNING, "year_mismatch")]
    assert "không khớp năm tổ chức 2026" in findings[0].message_vi


@pytest.mark.parametrize(
    "basis",
    [
        "Thực hiện Chương trình công tác tháng 5/2026",
        "Thực hiện Nghị định số 30/2020/NĐ-CP và Quyết định số 1165/QĐ-BNV ngày 25/11/2024, "
        "Kế hoạch cải cách hành chính giai đoạn 2021-2030",
    ],
)
def test_basis_years_that_are_not_periods_are_ignored(event, basis):
    assert check_event(dataclasses.replace(event, basis=basis)) == []


def test_years_elsewhere_may_be_the_event_or_the_results_year(event):
    content = (*event.content, "Kết quả năm 2025 so với năm 2023.")
    findings = check_event(dataclasses.replace(event, content=content))
    assert codes(findings) == [(WARNING, "year_mismatch")]
    assert "năm 2023 không khớp năm tổ chức 2026" in findings[0].message_vi
    assert findings[0].where.startswith("content[2]")
    subject = (*event.subject[:2], "Chỉ số cải cách hành chính tỉnh Lạng Sơn năm 2024")
    findings = check_event(dataclasses.replace(event, subject=subject))
    assert codes(findings) == [(WARNING, "year_mismatch")]
    assert findings[0].where.startswith("subject[2]")


# --- số ký hiệu ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (Number("XY", "UBND"), "không có trong bảng chữ viết tắt"),
        (Number("BC", "UBND"), "Giấy mời phải có ký hiệu GM"),
        (Number("GM", "Ubnd"), "phải viết in hoa"),
        (Number("GM", "SNV"), "khác mã cơ quan ban hành"),
        (Number("", "UBND"), "chữ viết tắt tên loại"),
        (Number("GM", "UBND", number=0), "Số văn bản phải từ 1"),
    ],
)
def test_number_must_be_well_formed(document, number, expected):
    findings = check_document(dataclasses.replace(document, number=number))
    assert {f.code for f in findings} == {"number_malformed"}
    assert any(expected in f.message_vi for f in findings), findings


def test_number_hints_at_the_wrong_d(document):
    report = dataclasses.replace(document, type_name="QUYẾT ĐỊNH", number=Number("QÐ", "UBND"))
    findings = check_document(report)
    assert codes(findings) == [(ERROR, "number_malformed")]
    assert "U+0110" in findings[0].message_vi


def test_report_and_cong_van_numbers(document):
    report = dataclasses.replace(document, type_name="BÁO CÁO", number=Number("BC", "UBND", 5))
    assert check_document(report) == []
    cong_van = dataclasses.replace(document, type_name=None, number=Number("", "UBND", None))
    assert codes(check_document(cong_van)) == [(ERROR, "number_malformed")]
    cong_van = dataclasses.replace(cong_van, number=Number("", "UBND", "NC", 12))
    assert check_document(cong_van) == []


# --- required elements --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"subject": ""}, "trích yếu"),
        ({"type_name": None}, "tên loại"),
        ({"date": IssueDate(0, 5)}, "năm ban hành"),
        ({"signature": Signature((), "Nguyễn Thị Thúy")}, "quyền hạn"),
        ({"signature": Signature(("TL. CHỦ TỊCH",), " ")}, "họ tên người ký"),
        ({"distribution": ()}, "Nơi nhận"),
    ],
)
def test_required_elements(document, change, expected):
    findings = check_document(dataclasses.replace(document, **change))
    assert codes(findings) == [(ERROR, "missing_element")]
    assert expected in findings[0].message_vi


def test_issuer_must_be_named(document):
    nameless = dataclasses.replace(document.issuer, name="")
    findings = check_document(dataclasses.replace(document, issuer=nameless))
    assert codes(findings) == [(ERROR, "missing_element")]


def test_distribution_ends_with_luu(document):
    wrong = (*document.distribution[:-1], "Lưu VT.")
    findings = check_document(dataclasses.replace(document, distribution=wrong))
    assert codes(findings) == [(ERROR, "distribution_luu")]
    bare = (*document.distribution[:-1], "Lưu: VT.")  # the drafting unit is missing
    assert codes(check_document(dataclasses.replace(document, distribution=bare))) == [
        (ERROR, "distribution_luu")
    ]


def test_body_ends_with_the_end_mark(document):
    body = (*document.body[:-1], Paragraph.text("Trân trọng kính mời đại biểu tham dự Hội nghị."))
    findings = check_document(dataclasses.replace(document, body=body))
    assert codes(findings) == [(ERROR, "missing_end_mark")]
    ends_with_table = (*document.body, Table(("A",), (("1",),)))
    assert codes(check_document(dataclasses.replace(document, body=ends_with_table))) == [
        (ERROR, "missing_end_mark")
    ]


# --- time and date forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Thời gian: 14h00, ngày 29/5/2026.", "từ 14:00", "từ 14 giờ 30", "từ 8 giờ, ngày 29/5/2026"],
)
def test_times_are_spelled_out(document, text):
    findings = check_document(with_body(document, text))
    assert codes(findings) == [(WARNING, "time_format")]
    assert "14 giờ 00 phút" in findings[0].message_vi


def test_good_and_impossible_times(document):
    fine = "từ 8 giờ 00 phút đến 11 giờ 30 phút; báo cáo trong 24 giờ."
    assert check_document(with_body(document, fine)) == []
    findings = check_document(with_body(document, "lúc 25 giờ 00 phút"))
    assert codes(findings) == [(ERROR, "invalid_time")]


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("trước ngày 27/05/2026", WARNING, "date_format"),
        ("trước ngày 27-5-2026", WARNING, "date_format"),
        ("trước ngày 2026-05-27", WARNING, "date_format"),
        ("trước ngày 27/5/26", WARNING, "date_format"),
        ("trước ngày 27 tháng 5 năm 2026", WARNING, "date_format"),
        ("trước ngày 31/6/2026", ERROR, "invalid_date"),
    ],
)
def test_dates_in_the_body_use_the_short_form(document, text, level, code):
    assert codes(check_document(with_body(document, text))) == [(level, code)]


def test_numbers_and_symbols_are_not_dates(document):
    text = "Theo Nghị định số 30/2020/NĐ-CP, đạt 91,43% và 1.234.567 hồ sơ, tháng 5/2026."
    assert check_document(with_body(document, text)) == []


def test_bullets_and_tables_are_read_too(document):
    body = (
        Bullet.text("Hạn: 14h00 ngày 29/5/2026"),
        Table(("Ngày",), (("29/5/2026 (thứ Năm)",),)),
        Paragraph.text("Trân trọng./."),
    )
    found = codes(check_document(dataclasses.replace(document, body=body)))
    assert found == [(WARNING, "time_format"), (ERROR, "weekday_mismatch")]


def test_a_task_without_deadline_can_still_be_checked(event):
    """A task with no deadline raises nothing about deadlines."""
    tasks = (Task("a", "Sở Nội vụ", "chuẩn bị tài liệu"),)
    assert check_event(dataclasses.replace(event, tasks=tasks)) == []
