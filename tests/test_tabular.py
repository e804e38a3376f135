"""Tests for chiso.tabular: reading clerks' CSV/XLSX tables and locating every problem."""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chiso import tabular, vi
from chiso.errors import Problem, ValidationFailed
from chiso.tabular import Table, header_key, read_number, read_table, read_text

ALIASES = {
    "province": ("tỉnh", "tên tỉnh"),
    "achieved": ("điểm đạt", "điểm"),
    "note": ("ghi chú",),
}
REQUIRED = ("province", "achieved")


def write_csv(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def read(path: Path, **kwargs) -> Table:
    return read_table(path, aliases=ALIASES, required=REQUIRED, **kwargs)


def refused(path: Path, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read(path, **kwargs)
    return info.value


def values(table: Table) -> list[tuple[int, dict]]:
    return [(r.number, {k: c.value for k, c in r.cells.items()}) for r in table.rows]


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_with_bom_semicolons_and_upper_case_headers(tmp_path):
    path = write_csv(tmp_path / "kq.csv", "TỈNH;ĐIỂM ĐẠT\nLạng Sơn;12,5\nCao Bằng;9\n")
    table = read(path)
    assert table.columns == ("province", "achieved")
    assert (table.file, table.sheet) == ("kq.csv", None)
    assert values(table) == [
        (2, {"province": "Lạng Sơn", "achieved": "12,5"}),
        (3, {"province": "Cao Bằng", "achieved": "9"}),
    ]
    # The BOM does not stick to the first header, and cells remember the header as written.
    assert table.rows[0].cells["province"].column == "TỈNH"
    assert table.rows[0].cells["achieved"].column == "ĐIỂM ĐẠT"


@pytest.mark.parametrize(
    "header",
    [
        "Điểm đạt",
        "ĐIỂM ĐẠT",
        unicodedata.normalize("NFD", "Điểm đạt"),  # as macOS writes it
        "  điểm   đạt : ",
        "Điểm đạt *",
        "achieved",
        "ACHIEVED",
        "Điểm",
    ],
)
def test_header_aliases_are_case_form_and_space_tolerant(tmp_path, header):
    path = write_csv(tmp_path / "kq.csv", f"Tỉnh;{header}\nLạng Sơn;12,5\n")
    assert read(path).rows[0].get("achieved") == "12,5"


def test_header_key():
    assert header_key(" Điểm_Đạt: ") == "điểm đạt"
    assert header_key(unicodedata.normalize("NFD", "ĐIỂM")) == "điểm"


def test_comma_and_tab_delimited_csv(tmp_path):
    comma = write_csv(tmp_path / "a.csv", 'Tỉnh,Điểm đạt\nLạng Sơn,"12,5"\n')
    tab = write_csv(tmp_path / "b.csv", "Tỉnh\tĐiểm đạt\nLạng Sơn\t12,5\n")
    assert read(comma).rows[0].get("achieved") == "12,5"
    assert read(tab).rows[0].get("achieved") == "12,5"


def test_unknown_columns_are_kept_under_their_folded_header(tmp_path):
    path = write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt;LV1  Điểm\nLạng Sơn;12,5;3\n")
    table = read(path)
    assert table.columns == ("province", "achieved", "lv1 điểm")
    assert table.rows[0].get("lv1 điểm") == "3"


def test_blank_rows_are_skipped_and_rows_numbered_as_excel_shows_them(tmp_path):
    text = "Tỉnh;Điểm đạt\n\n;\n  ;  \nLạng Sơn;12,5\n\nCao Bằng;9\n"
    table = read(write_csv(tmp_path / "kq.csv", text))
    assert [(r.number, r.get("province")) for r in table.rows] == [(5, "Lạng Sơn"), (7, "Cao Bằng")]


def test_ragged_semicolon_csv_is_read_by_its_header(tmp_path):
    """Rows of unequal width defeat csv.Sniffer; the decimal comma must not become the delimiter."""
    table = read(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt;Ghi chú\nLạng Sơn;12,5\n"))
    assert values(table) == [(2, {"province": "Lạng Sơn", "achieved": "12,5"})]
    assert table.rows[0].get("note") is None


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_any_line_ending(tmp_path, newline):
    text = newline.join(["Tỉnh;Điểm đạt", "Lạng Sơn;12,5", "Cao Bằng;9", ""])
    table = read(write_csv(tmp_path / "kq.csv", text))
    assert values(table) == [
        (2, {"province": "Lạng Sơn", "achieved": "12,5"}),
        (3, {"province": "Cao Bằng", "achieved": "9"}),
    ]


def test_quoted_cell_with_a_line_break_stays_one_row(tmp_path):
    text = 'Tỉnh;Điểm đạt;Ghi chú\r\nLạng Sơn;12,5;"dòng một\r\ndòng hai"\r\nCao Bằng;9;\r\n'
    table = read(write_csv(tmp_path / "kq.csv", text))
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].get("note") == "dòng một\r\ndòng hai"


def test_unclosed_quote_swallowing_the_file_is_a_problem(tmp_path):
    text = 'Tỉnh;Điểm đạt\nLạng Sơn;"12,5\n' + "Cao Bằng;9\n" * 20_000
    error = refused(write_csv(tmp_path / "kq.csv", text))
    [problem] = error.problems
    assert problem.code == "invalid_csv"
    assert problem.file == "kq.csv"
    assert "ngoặc kép" in problem.message


def test_non_utf8_csv_is_refused_with_the_row(tmp_path):
    # "Lạng Sơn" as Windows-1258 (Vietnamese ANSI) bytes, on line 3 of the file.
    lang_son = "La\u0323ng S\u01a1n".encode("cp1258")
    path = tmp_path / "kq.csv"
    path.write_bytes(b"province;achieved\nCao Bang;9\n" + lang_son + b";12,5\n")
    error = refused(path)
    assert error.message == "Tệp kq.csv không phải văn bản UTF-8."
    [problem] = error.problems
    assert (problem.code, problem.row, problem.file) == ("encoding", 3, "kq.csv")
    assert "CSV UTF-8" in problem.message


def test_nul_bytes_are_refused_as_binary(tmp_path):
    path = tmp_path / "kq.csv"
    path.write_bytes(b"Province;Achieved\nA;1\x00\n")
    [problem] = refused(path).problems
    assert problem.code == "binary"
    assert "NUL" in problem.message


def test_binary_garbage_csv(tmp_path):
    path = tmp_path / "kq.csv"
    path.write_bytes(bytes(range(256)))
    error = refused(path)
    assert error.problems[0].code in ("encoding", "binary")


@pytest.mark.parametrize("content", [b"", b"\n\n", b";;\n;\n", "\ufeff".encode()])
def test_empty_csv_asks_for_a_header_row(tmp_path, content):
    path = tmp_path / "kq.csv"
    path.write_bytes(content)
    [problem] = refused(path).problems
    assert problem.row == 1
    assert problem.message == "Dòng 1 phải là tiêu đề cột."


def test_missing_required_column_lists_accepted_names(tmp_path):
    error = refused(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm tối đa\nLạng Sơn;12,5\n"))
    [problem] = error.problems
    assert problem.code == "missing_column"
    assert problem.row == 1
    assert problem.message == (
        "Thiếu cột bắt buộc 'achieved' (chấp nhận tên: 'achieved', 'điểm đạt', 'điểm')."
    )


def test_all_header_problems_are_reported_together(tmp_path):
    error = refused(write_csv(tmp_path / "kq.csv", "Ghi chú;Khác\nx;y\n"))
    assert [p.code for p in error.problems] == ["missing_column", "missing_column"]


def test_duplicate_columns(tmp_path):
    error = refused(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt;Tên tỉnh\nA;1;B\n"))
    [problem] = error.problems
    assert problem.message == "Cột 'Tên tỉnh' trùng với cột 'Tỉnh'."
    assert problem.row == 1


def test_missing_file(tmp_path):
    error = refused(tmp_path / "absent.csv")
    assert error.problems[0].message == "Tệp không tồn tại."


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_BYTES", 10)
    error = refused(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt\nLạng Sơn;12,5\n"))
    assert error.message == "Tệp kq.csv quá lớn."


@pytest.mark.parametrize("name", ["kq.ods", "kq.xls", "kq.txt", "kq"])
def test_unsupported_format(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Tinh;Diem dat\n")
    [problem] = refused(path).problems
    assert problem.code == "unsupported_format"
    assert problem.message == "Chỉ nhận tệp .csv hoặc .xlsx."


def test_upper_case_suffix_is_accepted(tmp_path):
    path = write_csv(tmp_path / "KQ.CSV", "Tỉnh;Điểm đạt\nLạng Sơn;12,5\n")
    assert len(read(path).rows) == 1


# --- XLSX ----------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path) -> Path:
    return write_xlsx(
        tmp_path / "kq.xlsx",
        {
            "Ghi chú": [["Bảng này không phải kết quả"]],
            "Kết quả": [
                ["Tỉnh", "Điểm đạt", "Ghi chú"],
                ["Lạng Sơn", 12.5, None],
                [None, None, None],
                ["Cao Bằng", "9,25", "sửa tay"],
            ],
        },
    )


def test_xlsx_named_sheet(workbook):
    table = read(workbook, sheet="Kết quả")
    assert (table.file, table.sheet) == ("kq.xlsx", "Kết quả")
    assert values(table) == [
        (2, {"province": "Lạng Sơn", "achieved": 12.5, "note": None}),
        (4, {"province": "Cao Bằng", "achieved": "9,25", "note": "sửa tay"}),
    ]


def test_xlsx_defaults_to_the_first_sheet(workbook):
    error = refused(workbook)  # the first sheet has no result columns
    assert {p.sheet for p in error.problems} == {"Ghi chú"}
    assert [p.code for p in error.problems] == ["missing_column", "missing_column"]


def test_xlsx_missing_sheet_lists_available_sheets(workbook):
    error = refused(workbook, sheet="Kết quả 2025")
    assert error.message == "Tệp kq.xlsx không có trang tính 'Kết quả 2025'."
    [problem] = error.problems
    assert problem.message == "Các trang tính có: Ghi chú, Kết quả"
    assert problem.sheet == "Kết quả 2025"


@pytest.mark.parametrize(
    "content", [b"", b"Tinh;Diem dat\n", b"PK\x03\x04 not really a zip"], ids=repr
)
def test_xlsx_that_is_not_a_zip(tmp_path, content):
    path = tmp_path / "kq.xlsx"
    path.write_bytes(content)
    error = refused(path)
    assert error.message == "Không mở được tệp Excel kq.xlsx."
    assert error.problems[0].message == "Tệp hỏng hoặc không phải .xlsx (BadZipFile)."


def test_xlsx_problems_name_sheet_row_and_header(workbook):
    table = read(workbook, sheet="Kết quả")
    problems: list[Problem] = []
    assert read_number(table, table.rows[0], "achieved", problems) == 12.5
    assert read_number(table, table.rows[1], "achieved", problems) == 9.25
    assert read_number(table, table.rows[1], "note", problems) is None
    [problem] = problems
    assert str(problem) == (
        "tệp kq.xlsx, trang tính 'Kết quả', dòng 4, cột 'Ghi chú': 'sửa tay' không phải là số"
    )


# --- read_number and read_text -------------------------------------------------------------------


@pytest.fixture
def cells(tmp_path) -> Table:
    """One row per test value in column 'Điểm đạt', rows 2… in file order."""
    text = "Tỉnh;Điểm đạt\n" + "".join(
        f"{name};{value}\n"
        for name, value in [
            ("A", "12,5"),
            ("B", "12.5"),
            ("C", "1.234,5"),
            ("D", " 91,43 % "),
            ("E", "abc"),
            ("F", ""),
            ("G", "-0,25"),
            ("H", "1.234.567"),
        ]
    )
    return read(write_csv(tmp_path / "kq.csv", text))


def cell(table: Table, province: str):
    return next(r for r in table.rows if r.get("province") == province)


@pytest.mark.parametrize(
    ("province", "number"),
    [("A", 12.5), ("B", 12.5), ("C", 1234.5), ("D", 91.43), ("G", -0.25), ("H", 1234567.0)],
)
def test_read_number_accepts_vietnamese_numbers(cells, province, number):
    problems: list[Problem] = []
    assert read_number(cells, cell(cells, province), "achieved", problems) == number
    assert problems == []


def test_read_number_text_is_a_problem_with_row_and_header(cells):
    problems: list[Problem] = []
    assert read_number(cells, cell(cells, "E"), "achieved", problems) is None
    [problem] = problems
    assert problem.code == "not_a_number"
    assert (problem.file, problem.row, problem.column) == ("kq.csv", 6, "Điểm đạt")
    assert problem.message == "'abc' không phải là số"


def test_read_number_blank(cells):
    problems: list[Problem] = []
    assert read_number(cells, cell(cells, "F"), "achieved", problems, required=False) is None
    assert problems == []
    assert read_number(cells, cell(cells, "F"), "achieved", problems) is None
    [problem] = problems
    assert (problem.message, problem.row) == ("Ô trống; cần một số.", 7)


def test_read_number_missing_column_uses_the_canonical_name(cells):
    problems: list[Problem] = []
    assert read_number(cells, cell(cells, "A"), "note", problems) is None
    assert problems[0].column == "note"


@pytest.mark.parametrize(
    ("value", "message"),
    [(True, "True không phải là số."), (math.nan, "Giá trị không hữu hạn.")],
)
def test_read_number_refuses_booleans_and_nan(tmp_path, value, message):
    path = write_xlsx(tmp_path / "kq.xlsx", {"KQ": [["Tỉnh", "Điểm đạt"], ["A", value]]})
    table = read(path)
    problems: list[Problem] = []
    if isinstance(value, float):  # openpyxl writes NaN as text; feed it directly
        row = tabular.Row(2, {"achieved": tabular.Cell(value, "Điểm đạt")})
    else:
        row = table.rows[0]
    assert read_number(table, row, "achieved", problems) is None
    assert [p.message for p in problems] == [message]


def test_read_number_keeps_xlsx_numbers(tmp_path):
    path = write_xlsx(tmp_path / "kq.xlsx", {"KQ": [["Tỉnh", "Điểm đạt"], ["A", 7]]})
    table = read(path)
    number = read_number(table, table.rows[0], "achieved", [])
    assert number == 7.0 and isinstance(number, float)


def test_read_text_normalises_to_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Lạng Sơn")
    table = read(write_csv(tmp_path / "kq.csv", f"Tỉnh;Điểm đạt\n  {nfd} ;1\n"))
    problems: list[Problem] = []
    assert read_text(table, table.rows[0], "province", problems) == "Lạng Sơn"
    assert read_text(table, table.rows[0], "note", problems) is None
    assert problems == []


def test_read_text_refuses_tcvn3_and_suggests_the_unicode_spelling(tmp_path):
    table = read(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt\nL¹ng S¬n;12,5\n"))
    problems: list[Problem] = []
    assert read_text(table, table.rows[0], "province", problems) is None
    [problem] = problems
    assert problem.code == "legacy_encoding"
    assert (problem.row, problem.column) == (2, "Tỉnh")
    assert "bảng mã cũ TCVN3" in problem.message
    assert "'Lạng Sơn'" in problem.message


def test_read_text_refuses_vni(tmp_path):
    table = read(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt\nLaïng Sôn;12,5\n"))
    problems: list[Problem] = []
    assert read_text(table, table.rows[0], "province", problems) is None
    assert "bảng mã cũ VNI" in problems[0].message
    assert "'Lạng Sơn'" in problems[0].message


def test_read_text_accepts_latin_accents_that_are_not_legacy(tmp_path):
    table = read(write_csv(tmp_path / "kq.csv", "Tỉnh;Điểm đạt\nCafé Zürich;1\n"))
    problems: list[Problem] = []
    assert read_text(table, table.rows[0], "province", problems) == "Café Zürich"
    assert problems == []


# --- properties ----------------------------------------------------------------------------------

_SPACE = st.sampled_from(["", " ", "  ", "\u00a0"])
_NUMBER_TEXT = st.builds(
    lambda lead, sign, body, percent, trail: f"{lead}{sign}{body}{percent}{trail}",
    _SPACE,
    st.sampled_from(["", "-", "+", "\u2212"]),
    st.from_regex(r"\A[0-9]{1,7}([.,][0-9]{1,4}){0,3}\Z"),
    st.sampled_from(["", "%", " %"]),
    _SPACE,
)


def _parses(text: str) -> bool:
    try:
        vi.parse_number(text)
    except ValueError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(
    text=_NUMBER_TEXT.filter(_parses),
    province=st.sampled_from(["Lạng Sơn", "Hà Nội", "A"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_csv_round_trip_keeps_every_accepted_number(
    tmp_path_factory, text, province, delimiter, newline
):
    path = tmp_path_factory.mktemp("rt") / "kq.csv"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(
        [["Tỉnh", "Điểm đạt"], [province, text]]
    )
    write_csv(path, buffer.getvalue())
    table = read(path)
    problems: list[Problem] = []
    assert read_number(table, table.rows[0], "achieved", problems) == vi.parse_number(text)
    assert problems == []


def _read_any(path: Path) -> None:
    try:
        table = read(path)
    except ValidationFailed as exc:
        assert exc.problems
        assert all(isinstance(p, Problem) for p in exc.problems)
    else:
        assert all(r.number >= 2 for r in table.rows)


@settings(max_examples=200, deadline=None)
@given(content=st.binary())
@example(content=b"a\rb;c\n")  # a bare CR inside a line once crashed the csv module
@example(content=b"\xef\xbb\xbf")
@example(content=b"\x00")
def test_read_table_only_ever_raises_validation_failed(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("bytes") / "kq.csv"
    path.write_bytes(content)
    _read_any(path)


_CSV_CHARS = st.sampled_from([*";,\t\"'\r\n 1,5%", "Tỉnh", "Điểm đạt", "Lạng Sơn", "\x00"])


@settings(max_examples=200, deadline=None)
@given(content=st.lists(_CSV_CHARS, max_size=60).map("".join))
def test_read_table_on_csv_like_text_only_raises_validation_failed(tmp_path_factory, content):
    """Random bytes rarely look like CSV; these texts exercise quoting, delimiters and newlines."""
    path = tmp_path_factory.mktemp("text") / "kq.csv"
    path.write_bytes(content.encode("utf-8"))
    _read_any(path)
