"""Hostile files through chiso.tabular, the reader under every importer: whatever the bytes, the
result is a table or a ValidationFailed in Vietnamese naming the file — never a parser's own
exception, never unbounded memory (zip bombs, sheets declaring the whole grid, blank-line floods).

The random-bytes-as-CSV properties live in test_tabular.py; these add XLSX, encodings and size.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import hostile
from chiso import tabular
from chiso.errors import Problem, ValidationFailed
from chiso.tabular import read_number, read_table, read_text

ALIASES = {"province": ("tỉnh",), "achieved": ("điểm đạt",), "note": ("ghi chú",)}
REQUIRED = ("province", "achieved")
HEADER = ["Tỉnh", "Điểm đạt", "Ghi chú"]
VALID = [HEADER, ["Lạng Sơn", "12,5", "sửa tay"], ["Cao Bằng", 9.25, None]]
FUZZ = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read(path: Path) -> tabular.Table:
    return read_table(path, aliases=ALIASES, required=REQUIRED)


def attempt(content: bytes, name: str) -> str:
    """Write ``content`` as ``name`` in a fresh folder and read it: "ok" or "refused"."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return hostile.outcome(lambda: read(path), name)


def refusal(path: Path) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        read(path)
    hostile.check_refusal(info.value, path.name)
    return info.value


# -- XLSX: not a workbook, a damaged workbook -----------------------------------------------------


@FUZZ
@given(content=st.binary(max_size=4096))
@example(content=b"")
@example(content=hostile.zip_not_office())
@example(content=b"PK\x05\x06" + bytes(18))  # an empty ZIP: only the end of its directory
@example(content=hostile.zip_bytes({"[Content_Types].xml": b"<Types/>"}))
def test_any_bytes_named_xlsx_are_read_or_refused(content):
    assert attempt(content, "ket-qua.xlsx") == "refused"


WORKBOOK = hostile.xlsx_bytes(VALID)


@FUZZ
@given(damaged=hostile.truncations(WORKBOOK) | hostile.flipped(WORKBOOK))
def test_a_truncated_or_damaged_workbook_is_read_or_refused(damaged):
    """A flipped byte may land in a part openpyxl ignores: then the table still reads."""
    assert attempt(damaged, "ket-qua.xlsx") in ("ok", "refused")


PARTS = hostile.office_members(hostile.xlsx_bytes(VALID))
JUNK_PARTS = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"<not xml",
            b"<?xml version='1.0'?><worksheet/>",
            b"<workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'/>",
            b"<sheetData><row r='x'><c r='ZZZZZZ1'><v>1</v></c></row></sheetData>",
            b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]><x>&b;</x>",
            hostile.sheet_xml("A1:B2", [("A1", "Tỉnh"), ("B1", "Điểm đạt"), ("A2", "&#0;")]),
            hostile.sheet_xml("A0:B-1", [("A1", "Tỉnh"), ("B1", "Điểm đạt")]),
        ]
    ),
)


@FUZZ
@given(part=st.sampled_from(PARTS), junk=JUNK_PARTS)
def test_a_workbook_with_one_damaged_part_is_read_or_refused(part, junk):
    assert attempt(hostile.with_member(WORKBOOK, part, junk), "ket-qua.xlsx") in ("ok", "refused")


def test_a_damaged_sheet_names_the_file_and_the_sheet(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(
        hostile.with_member(hostile.xlsx_bytes(VALID), "xl/worksheets/sheet1.xml", b"<not xml")
    )
    error = refusal(path)
    assert error.message == "Không mở được tệp Excel ket-qua.xlsx."
    assert "hỏng" in error.problems[0].message


def test_a_workbook_without_worksheets_is_refused(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(
        hostile.with_member(hostile.xlsx_bytes(VALID), "xl/workbook.xml", b"<workbook/>")
    )
    assert "không có trang tính" in refusal(path).problems[0].message


# -- XLSX: archives and sheets that inflate -------------------------------------------------------


def test_a_gigabyte_zip_bomb_is_refused_before_openpyxl_opens_it(tmp_path, monkeypatch):
    import openpyxl

    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(hostile.xlsx_bomb())
    assert path.stat().st_size < 2 * hostile.MB  # 1 GB of zeros inside

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    error = refusal(path)
    [problem] = error.problems
    assert problem.code == "zip_bomb"
    assert problem.message.startswith("Tệp 'ket-qua.xlsx' bị từ chối: nội dung nén bất thường")


def test_a_member_declaring_a_terabyte_is_refused(tmp_path):
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(hostile.faked_sizes(hostile.xlsx_bytes(VALID)))
    assert refusal(path).problems[0].code == "zip_bomb"


def test_an_ordinary_workbook_passes_the_zip_check(tmp_path):
    path = hostile.write_grid(tmp_path / "ket-qua.xlsx", VALID)
    assert [r.get("province") for r in read(path).rows] == ["Lạng Sơn", "Cao Bằng"]


def test_a_sheet_declaring_the_whole_grid_is_read_as_stored(tmp_path):
    """A 2 KB workbook claiming A1:XFD1048576 with a cell in the far corner: padding rows to
    the declared size would build 17 billion cells; read as stored it is a header and nothing."""
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(hostile.cell_bomb(HEADER))
    assert path.stat().st_size < 10_000
    table = read(path)
    assert table.rows == ()
    assert table.columns == ("province", "achieved", "note")


def test_rows_past_excels_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    path = hostile.write_grid(tmp_path / "ket-qua.xlsx", [*VALID, ["Hà Nội", 1, None]])
    [problem] = refusal(path).problems
    assert problem.code == "too_large"
    assert "nhiều hơn 3 dòng" in problem.message


def test_too_many_cells_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_CELLS", 5)
    for name in ("ket-qua.xlsx", "ket-qua.csv"):
        path = hostile.write_grid(tmp_path / name, VALID)
        [problem] = refusal(path).problems
        assert problem.code == "too_large"
        assert "nhiều hơn 5 ô" in problem.message


# -- CSV: encodings and size ----------------------------------------------------------------------

TEXT = 'Tỉnh,Điểm đạt,Ghi chú\nLạng Sơn,"12,5",Đạt\nCao Bằng,9,\n'


@pytest.mark.parametrize("encoding", hostile.ENCODINGS)
def test_a_csv_in_any_encoding_is_read_or_refused_by_name(tmp_path, encoding):
    path = tmp_path / "ket-qua.csv"
    path.write_bytes(hostile.encode(TEXT, encoding))
    if encoding.startswith("utf-8"):
        assert [r.get("province") for r in read(path).rows] == ["Lạng Sơn", "Cao Bằng"]
        return
    # Latin-1 has no Vietnamese letters: what is left is ASCII with '?', headers no longer match.
    problems = refusal(path).problems
    assert {p.code for p in problems} <= {"encoding", "missing_column"}
    if encoding.startswith("utf-16"):
        assert "UTF-16" in problems[0].message


def test_an_ascii_csv_in_utf16_without_bom_is_named_utf16(tmp_path):
    path = tmp_path / "ket-qua.csv"
    path.write_bytes("province,achieved\nLang Son,1\n".encode("utf-16-le"))
    assert "UTF-16" in refusal(path).problems[0].message


@FUZZ
@given(
    text=hostile.control_text(200),
    encoding=st.sampled_from(hostile.ENCODINGS),
    cut=st.integers(0, 400),
)
def test_any_text_in_any_encoding_cut_anywhere_is_read_or_refused(text, encoding, cut):
    assert attempt(hostile.encode("Tỉnh;Điểm đạt\n" + text, encoding)[:cut], "ket-qua.csv") in (
        "ok",
        "refused",
    )


@pytest.mark.parametrize("name", ["ket-qua.csv", "ket-qua.xlsx"])
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, name):
    path = tmp_path / name
    with path.open("wb") as handle:  # sparse: 20 MB + 1 byte without writing them
        handle.truncate(tabular.MAX_BYTES + 1)
    [problem] = refusal(path).problems
    assert problem.message == "Tệp lớn hơn 20 MB."


def test_a_flood_of_blank_lines_stops_at_excels_row_limit(tmp_path):
    path = tmp_path / "ket-qua.csv"
    path.write_bytes(b"Tinh,Diem dat\n" + b"\n" * tabular.MAX_ROWS)  # 1 MB of newlines
    [problem] = refusal(path).problems
    assert problem.code == "too_large"
    assert "1.048.576 dòng" in problem.message


def test_a_cell_longer_than_the_csv_module_allows_is_named(tmp_path):
    path = tmp_path / "ket-qua.csv"
    path.write_text('Tỉnh,Điểm đạt\n"' + "x" * 200_000 + '",1\n', encoding="utf-8")
    [problem] = refusal(path).problems
    assert problem.code == "invalid_csv"
    assert "Có ô dài hơn 131.072 ký tự" in problem.message


# -- hostile cells: every value reads as a number/text or as a located problem --------------------


@FUZZ
@given(
    rows=st.lists(st.lists(hostile.cells(), min_size=0, max_size=4), min_size=1, max_size=4),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_hostile_cells_are_numbers_texts_or_located_problems(rows, suffix, delimiter):
    name = f"ket-qua{suffix}"
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / name, [HEADER, *rows], delimiter=delimiter)
        try:
            table = read(path)
        except ValidationFailed as exc:
            hostile.check_refusal(exc, name)
            return
    problems: list[Problem] = []
    for row in table.rows:
        number = read_number(table, row, "achieved", problems, required=False)
        assert number is None or math.isfinite(number)
        for column in ("province", "note"):
            text: Any = read_text(table, row, column, problems)
            assert text is None or (isinstance(text, str) and text == text.strip() and text)
    for problem in problems:
        assert problem.file == name and problem.row is not None and problem.row >= 2
        assert problem.column in HEADER
        assert hostile.is_vietnamese(problem.message) or "không phải là số" in problem.message
