"""Tests for chiso.documents.event: the chiso.event/1 schema and its located problems."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from chiso.documents.event import (
    VN_TZ,
    Participant,
    Task,
    Venue,
    load_event,
    load_event_text,
    split_markup,
    strip_markup,
)
from chiso.documents.model import IssueDate, Issuer, Number, Signature
from chiso.errors import NotFound, ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "giay-moi-sipas-par-index-2025.yaml"

MINIMAL = """\
schema: chiso.event/1
issuer: {name: SỞ NỘI VỤ, code: SNV, place: Lạng Sơn, parent: UBND TỈNH LẠNG SƠN}
number: {doc_type: GM, issuer_code: SNV, number: 5}
issue_date: {year: 2026, month: 5, day: 20}
subject: Dự Hội nghị tập huấn năm 2026
basis: Thực hiện Kế hoạch năm 2026
inviter: Sở Nội vụ trân trọng kính mời đại biểu dự
kind: Hội nghị
title: Hội nghị tập huấn
participants:
  - Lãnh đạo Sở Nội vụ
start: 2026-05-29T08:00:00+07:00
venue: Hội trường Sở Nội vụ
tasks:
  - owner: Văn phòng Sở
    text: chuẩn bị hội trường
    deadline: 2026-05-28
closing: Trân trọng kính mời
distribution: ["Như thành phần mời", "Lưu: VT, CCHC."]
signature: {authority: [GIÁM ĐỐC], signer: Hoàng Văn A}
"""


def load(text: str):
    return load_event_text(text, origin="thu.yaml")


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ValidationFailed) as caught:
        load(text)
    return [(p.row, p.message) for p in caught.value.problems]


def test_example_loads_into_the_schema():
    event = load_event(EXAMPLE)
    assert event.issuer == Issuer("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "UBND", "Lạng Sơn")
    assert event.number == Number("GM", "UBND")
    assert event.issue_date == IssueDate(2026, 5)
    assert len(event.subject) == 3
    assert event.kind == "Hội nghị"
    assert event.participants[0] == Participant("Lãnh đạo UBND tỉnh", "Chủ trì hội nghị", end=".")
    assert event.participants[1].note == "có giấy mời riêng"
    assert event.start == datetime(2026, 5, 29, 14, 0, tzinfo=VN_TZ)
    assert event.end is None
    assert event.venue.name == "Hội trường HĐND - UBND tỉnh"
    assert [t.label for t in event.tasks] == ["a", "b", "c", "d"]
    assert event.tasks[0].assign and event.tasks[0].deadline == date(2026, 5, 27)
    assert event.tasks[0].deadline_kind == "no_later_than"
    assert event.tasks[2].deadline_kind == "before"
    assert event.tasks[3].deadline is None
    assert event.distribution[-1] == "Lưu: VT, NC(HTMĐ)."
    assert event.signature == Signature(
        ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"), "Nguyễn Thị Thúy"
    )
    # YAML line folding is undone: one space between words, no newline.
    assert "\n" not in event.title and "  " not in event.title


def test_minimal_file_with_shorthands():
    event = load(MINIMAL)
    assert event.subject == ("Dự Hội nghị tập huấn năm 2026",)
    assert event.participants == (Participant("Lãnh đạo Sở Nội vụ"),)
    assert event.venue == Venue("Hội trường Sở Nội vụ")
    assert event.tasks == (Task("a", "Văn phòng Sở", "chuẩn bị hội trường", date(2026, 5, 28)),)
    assert event.issuer.parent == "UBND TỈNH LẠNG SƠN"
    assert event.number.number == 5


def test_locate_names_the_key_and_its_line():
    event = load(MINIMAL)
    assert event.locate("basis") == "basis (tệp thu.yaml, dòng 6)"
    assert event.locate("tasks[0].deadline") == "tasks[0].deadline (tệp thu.yaml, dòng 17)"
    # an unknown path falls back to the closest enclosing key
    assert event.locate("tasks[0].nothing") == "tasks[0].nothing (tệp thu.yaml, dòng 15)"


def test_text_is_stored_nfc():
    text = unicodedata.normalize("NFD", MINIMAL)
    event = load(text)
    assert event.title == "Hội nghị tập huấn"
    assert unicodedata.is_normalized("NFC", event.signature.signer)


def test_every_problem_is_reported_with_its_line():
    broken = (
        MINIMAL.replace("schema: chiso.event/1", "schema: chiso.event/9")
        .replace("year: 2026, month: 5, day: 20", "year: 2026, month: 2, day: 30")
        .replace("2026-05-29T08:00:00+07:00", "2026-05-29T08:00:00")
        .replace("deadline: 2026-05-28", "deadine: 2026-05-28")
        .replace("kind: Hội nghị\n", "")
    )
    found = problems(broken)
    messages = " | ".join(message for _, message in found)
    assert "schema" in messages and "chiso.event/1" in messages
    assert "30/2/2026 không có thật" in messages
    assert "thiếu múi giờ" in messages
    assert "'deadine' không có trong lược đồ" in messages
    assert "Thiếu khóa bắt buộc 'kind'" in messages
    rows = dict((message.split(" ")[0], row) for row, message in found)
    assert rows["'start'"] == 11  # line 12 of MINIMAL, less the removed 'kind' line
    assert (4, "Ngày 30/2/2026 không có thật.") in found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("+07:00", "+00:00", "phải theo giờ Việt Nam (+07:00)"),
        ("2026-05-29T08:00:00+07:00", "'29/5/2026 8h'", "phải là ngày giờ ISO"),
        ("deadline: 2026-05-28", "deadline: 28/5/2026", "phải là ngày dạng 2026-05-27"),
        ("deadline: 2026-05-28", "deadline_kind: soon", "phải là no_later_than"),
        ("text: chuẩn bị hội trường", "text: chuẩn bị *hội trường", "Dấu * không khép"),
        ("number: 5}", "number: 0}", "'number.number' phải là số nguyên từ 1"),
        ("year: 2026, month: 5, day: 20", "year: 2026, day: 20", "Có ngày mà không có tháng"),
        ("participants:\n  - Lãnh đạo Sở Nội vụ", "participants: []", "ít nhất một dòng"),
        ("closing: Trân trọng kính mời", "closing: ''", "'closing' đang để trống"),
        ("    deadline: 2026-05-28", "    label: f\n    deadline: 2026-05-28", "một chữ cái"),
    ],
)
def test_invalid_values(old, new, expected):
    assert old in MINIMAL
    found = problems(MINIMAL.replace(old, new, 1))
    assert any(expected in message for _, message in found), found


def test_end_must_be_a_known_mark():
    text = MINIMAL.replace("  - Lãnh đạo Sở Nội vụ", "  - {text: Lãnh đạo Sở Nội vụ, end: '!'}")
    assert any("'participants[0].end'" in m for _, m in problems(text))


def test_note_parentheses_are_optional():
    text = MINIMAL.replace(
        "  - Lãnh đạo Sở Nội vụ", "  - {text: Lãnh đạo HĐND tỉnh, note: (có giấy mời riêng)}"
    )
    assert load(text).participants[0].note == "có giấy mời riêng"


def test_times_in_vietnam_are_kept_as_written():
    event = load(MINIMAL.replace("2026-05-29T08:00:00+07:00", "'2026-05-29T08:00:00+07:00'"))
    assert event.start.utcoffset() == timedelta(hours=7)
    assert (event.start.hour, event.start.minute) == (8, 0)


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(ValidationFailed) as caught:
        load("schema: chiso.event/1\nissuer: [unclosed\n")
    assert caught.value.problems[0].file == "thu.yaml"
    assert caught.value.problems[0].row is not None


def test_missing_file(tmp_path):
    with pytest.raises(NotFound):
        load_event(tmp_path / "khong-co.yaml")


def test_markup():
    assert split_markup("a (*b*), **c**.") == [
        ("a (", False, False),
        ("b", False, True),
        ("), ", False, False),
        ("c", True, False),
        (".", False, False),
    ]
    assert strip_markup("Cổng Thông tin điện tử tỉnh (*đưa tin*)") == (
        "Cổng Thông tin điện tử tỉnh (đưa tin)"
    )
