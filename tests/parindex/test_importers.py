"""Tests for chiso.parindex.importers: all-province tables and a province's detailed sheet.

Every file starts from what ``chiso demo export`` writes (a valid template) and is then
corrupted one way at a time; a rejected file must name file, row and column of each problem.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

import chiso.cli
from chiso.demo import parindex as demo
from chiso.demo.files import SHEET_HEADER, export_demo, sheet_rows
from chiso.errors import Problem, ValidationFailed
from chiso.frameworks import embedded
from chiso.parindex.importers import import_results_table, import_score_sheet

FW = embedded(2025)
LEAVES = FW.leaves()
TABLE_HEADER = ["province", "index_percent", "rank"]
FIELD_CODES = [root.code for root in FW.roots]
# "Hoàn thành sau thời hạn" typed in a TCVN3 (.VnTime) font and read as Latin-1.
TCVN3_NOTE = "Hoµn thµnh sau thêi h¹n"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def write_csv(path: Path, grid: list[list[Any]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerows([["" if v is None else v for v in row] for row in grid])
    return path


def write_xlsx(path: Path, grid: list[list[Any]], title: str = "Bảng điểm") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in grid:
        ws.append(list(row))
    wb.save(path)
    return path


def write(path: Path, grid: list[list[Any]]) -> Path:
    return write_xlsx(path, grid) if path.suffix == ".xlsx" else write_csv(path, grid)


def sheet_grid() -> list[list[Any]]:
    """The demo sheet of 2025: header + one row per leaf (code, name, max, achieved, self, note)."""
    return [list(SHEET_HEADER)] + [list(r) for r in sheet_rows(2025)]


def row_of(grid: list[list[Any]], code: str) -> int:
    """Index in ``grid`` of the row for ``code``; equals the Excel row number minus one."""
    return next(i for i, r in enumerate(grid) if r[0] == code)


def excel_row(grid: list[list[Any]], code: str) -> int:
    return row_of(grid, code) + 1


def import_sheet(path: Path, **kwargs: Any):
    return import_score_sheet(path, framework=FW, province="Lạng Sơn", **kwargs)


def sheet_failure(tmp_path: Path, grid: list[list[Any]], name: str = "bang-diem.csv"):
    path = write(tmp_path / name, grid)
    with pytest.raises(ValidationFailed) as info:
        import_sheet(path)
    return info.value


def table_failure(tmp_path: Path, grid: list[list[Any]], name: str = "ket-qua.csv", year=2025):
    path = write(tmp_path / name, grid)
    with pytest.raises(ValidationFailed) as info:
        import_results_table(path, year=year, framework=embedded(year))
    return info.value


def only(exc: ValidationFailed, code: str) -> Problem:
    found = [p for p in exc.problems if p.code == code]
    assert len(found) == 1, [str(p) for p in exc.problems]
    return found[0]


def codes(exc: ValidationFailed) -> list[str]:
    return [p.code for p in exc.problems]


def a_leaf(kind: str | None, *, min_max: float = 0.0):
    """The first leaf whose rule is ``kind`` (None: proportional/unset) and max ≥ min_max."""

    def rule_kind(leaf):
        return leaf.rule.kind if leaf.rule and leaf.rule.kind != "proportional" else None

    return next(lf for lf in LEAVES if rule_kind(lf) == kind and lf.max_points >= min_max)


PROPORTIONAL = a_leaf(None, min_max=1.0)
BINARY = a_leaf("binary")
STEPS = a_leaf("steps")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    export_demo(folder)
    return folder


# --- the demo export re-imports ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_demo_sheet_reimports(demo_dir, suffix):
    sheet = import_sheet(demo_dir / f"bang-diem-lang-son-2025.{suffix}")
    assert sheet.achieved() == demo.sheet(2025).achieved()
    assert len(sheet.lines) == len(LEAVES) == 87
    assert sheet.province == "Lạng Sơn"
    assert sheet.year == 2025
    assert not sheet.illustrative


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_demo_sheet_keeps_self_assessment_notes_and_rows(demo_dir, suffix):
    sheet = import_sheet(demo_dir / f"bang-diem-lang-son-2025.{suffix}")
    expected = demo.sheet(2025)
    for number, leaf in enumerate(LEAVES, start=2):
        line = sheet.lines[leaf.code]
        assert line.row == number
        assert line.self_assessed == expected.lines[leaf.code].self_assessed
        assert line.note == expected.lines[leaf.code].note


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_demo_table_reimports(demo_dir, suffix):
    table = import_results_table(
        demo_dir / f"ket-qua-cac-tinh-2025.{suffix}", year=2025, framework=FW
    )
    expected = demo.table(2025)
    assert table.values() == expected.values()
    assert {r.province: r.rank for r in table.rows} == {r.province: r.rank for r in expected.rows}
    assert table.year == 2025
    assert len(table.rows) == 34


def test_demo_table_reimports_without_framework(demo_dir):
    table = import_results_table(demo_dir / "ket-qua-cac-tinh-2025.csv", year=2025)
    assert table.values() == demo.table(2025).values()


def test_demo_table_rows_remember_their_source_line(demo_dir):
    table = import_results_table(demo_dir / "ket-qua-cac-tinh-2025.csv", year=2025)
    assert table.rows[0].source == "ket-qua-cac-tinh-2025.csv, dòng 2"
    assert table.rows[-1].source == "ket-qua-cac-tinh-2025.csv, dòng 35"


# --- sheet: one error at a time ----------------------------------------------------------------


def test_sheet_score_above_maximum(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = PROPORTIONAL.max_points + 0.5
    problem = only(sheet_failure(tmp_path, grid), "above_max")
    assert (problem.file, problem.row, problem.column) == ("bang-diem.csv", i + 1, "achieved")
    assert "vượt điểm tối đa" in problem.message
    assert PROPORTIONAL.code in problem.message


def test_sheet_self_assessment_above_maximum(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][4] = PROPORTIONAL.max_points * 3
    problem = only(sheet_failure(tmp_path, grid), "above_max")
    assert (problem.row, problem.column) == (i + 1, "self_assessed")


def test_sheet_score_at_maximum_is_accepted(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = PROPORTIONAL.max_points
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.lines[PROPORTIONAL.code].achieved == PROPORTIONAL.max_points


def test_sheet_negative_score(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = "-0,5"
    exc = sheet_failure(tmp_path, grid)
    assert len(exc.problems) == 1
    problem = exc.problems[0]
    assert (problem.row, problem.column, problem.code) == (i + 1, "achieved", "invalid")
    assert "âm" in problem.message
    assert "-0,5" in problem.message


def test_sheet_unknown_code(tmp_path):
    grid = sheet_grid()
    grid.append(["LV9.9.9", "Tiêu chí không có", "", 0.5, "", ""])
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "unknown_code")
    assert (problem.row, problem.column) == (len(grid), "code")
    assert "LV9.9.9" in problem.message
    assert FW.code in problem.message
    assert codes(exc) == ["unknown_code"]


def test_sheet_code_of_another_year_is_unknown(tmp_path):
    extra = next(c for c in embedded(2024).nodes if c not in FW.nodes)
    grid = sheet_grid()
    grid.append([extra, "", "", 0, "", ""])
    problem = only(sheet_failure(tmp_path, grid), "unknown_code")
    assert problem.row == len(grid)


def test_sheet_duplicate_row_names_both_rows(tmp_path):
    grid = sheet_grid()
    first = row_of(grid, PROPORTIONAL.code)
    grid.append(list(grid[first]))
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "duplicate")
    assert (problem.row, problem.column) == (len(grid), "code")
    assert f"dòng {first + 1} và {len(grid)}" in problem.message
    assert codes(exc) == ["duplicate"]


def test_sheet_duplicate_detected_across_spellings(tmp_path):
    grid = sheet_grid()
    first = row_of(grid, PROPORTIONAL.code)
    copy = list(grid[first])
    copy[0] = PROPORTIONAL.code.lower() + "."
    grid.append(copy)
    problem = only(sheet_failure(tmp_path, grid), "duplicate")
    assert problem.row == len(grid)


def test_sheet_missing_sub_criterion(tmp_path):
    grid = sheet_grid()
    del grid[row_of(grid, PROPORTIONAL.code)]
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "missing_nodes")
    assert problem.file == "bang-diem.csv"
    assert problem.row is None and problem.column is None
    assert PROPORTIONAL.code in problem.message
    assert "Thiếu 1 tiêu chí thành phần" in problem.message


def test_sheet_many_missing_sub_criteria_are_counted(tmp_path):
    grid = sheet_grid()[:11]  # header + the first ten leaves
    problem = only(sheet_failure(tmp_path, grid), "missing_nodes")
    assert f"Thiếu {len(LEAVES) - 10} tiêu chí thành phần" in problem.message
    assert problem.message.endswith("….")


def test_sheet_header_only_reports_every_leaf_missing(tmp_path):
    problem = only(sheet_failure(tmp_path, sheet_grid()[:1]), "missing_nodes")
    assert f"Thiếu {len(LEAVES)} tiêu chí" in problem.message


@pytest.mark.parametrize("text", ["abc", "đạt", "1,2,3", "0.5 điểm", "--1"])
def test_sheet_text_in_number_cell(tmp_path, text):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = text
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "not_a_number")
    assert (problem.row, problem.column) == (i + 1, "achieved")
    assert "không phải là số" in problem.message
    assert codes(exc) == ["not_a_number"]


def test_sheet_text_in_self_assessed_cell(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][4] = "x"
    problem = only(sheet_failure(tmp_path, grid), "not_a_number")
    assert (problem.row, problem.column) == (i + 1, "self_assessed")


def test_sheet_empty_achieved_cell(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = ""
    exc = sheet_failure(tmp_path, grid)
    assert len(exc.problems) == 1  # not reported as missing as well
    problem = exc.problems[0]
    assert (problem.row, problem.column) == (i + 1, "achieved")
    assert "Ô trống" in problem.message


def test_sheet_binary_leaf_given_half_score(tmp_path):
    assert BINARY.rule.kind == "binary"
    grid = sheet_grid()
    i = row_of(grid, BINARY.code)
    grid[i][3] = BINARY.max_points / 2
    problem = only(sheet_failure(tmp_path, grid), "rule")
    assert (problem.row, problem.column) == (i + 1, "achieved")
    assert BINARY.code in problem.message
    assert "đạt đủ điểm hoặc 0 điểm" in problem.message


@pytest.mark.parametrize("value", ["zero", "max"])
def test_sheet_binary_leaf_accepts_zero_or_maximum(tmp_path, value):
    grid = sheet_grid()
    i = row_of(grid, BINARY.code)
    grid[i][3] = 0 if value == "zero" else BINARY.max_points
    grid[i][4] = grid[i][3]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.lines[BINARY.code].achieved == grid[i][3]


def test_sheet_steps_leaf_between_steps(tmp_path):
    steps = STEPS.rule.steps
    between = (steps[0] + steps[1]) / 2
    grid = sheet_grid()
    i = row_of(grid, STEPS.code)
    grid[i][3] = between
    problem = only(sheet_failure(tmp_path, grid), "rule")
    assert (problem.row, problem.column) == (i + 1, "achieved")
    assert "chỉ nhận các mức" in problem.message


def test_sheet_rule_applies_to_self_assessment_too(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, BINARY.code)
    grid[i][4] = BINARY.max_points / 2
    problem = only(sheet_failure(tmp_path, grid), "rule")
    assert problem.column == "self_assessed"


def criterion_with_leaves():
    criterion = next(n for n in FW.nodes.values() if n.level == "criterion")
    leaves = FW.leaves_under(criterion.code)
    assert len(leaves) >= 2
    return criterion, leaves


def test_sheet_subtotal_that_disagrees(tmp_path):
    criterion, leaves = criterion_with_leaves()
    grid = sheet_grid()
    total = math.fsum(grid[row_of(grid, c)][3] for c in leaves)
    wrong = round(total - 0.25, 2)
    grid.append([criterion.code, criterion.name_vi, criterion.max_points, wrong, "", ""])
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "inconsistent")
    assert (problem.row, problem.column) == (len(grid), "achieved")
    assert criterion.code in problem.message
    assert "tổng các tiêu chí thành phần" in problem.message
    assert codes(exc) == ["inconsistent"]


def test_sheet_subtotals_that_agree_are_accepted(tmp_path):
    criterion, _ = criterion_with_leaves()
    field = FW.field_of(criterion.code)
    grid = sheet_grid()
    for node in (criterion, field):
        total = round(math.fsum(grid[row_of(grid, c)][3] for c in FW.leaves_under(node.code)), 2)
        grid.insert(1, [node.code, node.name_vi, node.max_points, total, "", ""])
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert set(sheet.lines) == {leaf.code for leaf in LEAVES}  # subtotals are not lines
    assert sheet.achieved() == demo.sheet(2025).achieved()


def test_sheet_subtotal_above_its_maximum(tmp_path):
    field = FW.roots[0]
    grid = sheet_grid()
    grid.append([field.code, "", "", field.max_points + 1, "", ""])
    exc = sheet_failure(tmp_path, grid)
    assert only(exc, "above_max").row == len(grid)
    assert only(exc, "inconsistent").row == len(grid)


def test_sheet_max_points_of_another_framework(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][2] = PROPORTIONAL.max_points + 1
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "framework_mismatch")
    assert (problem.row, problem.column) == (i + 1, "max_points")
    assert FW.code in problem.message
    assert "năm khác" in problem.message
    assert codes(exc) == ["framework_mismatch"]


def test_sheet_legacy_tcvn3_note(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][5] = TCVN3_NOTE
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "legacy_encoding")
    assert (problem.row, problem.column) == (i + 1, "note")
    assert "TCVN3" in problem.message
    assert "Hoàn thành sau thời hạn" in problem.message  # the converted spelling is suggested
    assert "Unicode" in problem.message
    assert codes(exc) == ["legacy_encoding"]


def test_sheet_legacy_tcvn3_name(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][1] = "L¹ng S¬n"
    problem = only(sheet_failure(tmp_path, grid), "legacy_encoding")
    assert (problem.row, problem.column) == (i + 1, "name")
    assert "Lạng Sơn" in problem.message


def test_sheet_unicode_note_with_latin1_letters_is_not_legacy(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][5] = "Đã hoàn thành; xem báo cáo số 12/BC-UBND"
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.lines[PROPORTIONAL.code].note == grid[i][5]


def test_sheet_blank_code_with_values_is_reported_in_csv(tmp_path):
    grid = sheet_grid()
    grid.append(["", "Tổng cộng", "", 88.12, "", ""])
    exc = sheet_failure(tmp_path, grid)
    assert len(exc.problems) == 1
    problem = exc.problems[0]
    assert (problem.row, problem.column) == (len(grid), "code")
    assert "Thiếu mã" in problem.message


def test_sheet_blank_code_with_values_is_reported_in_xlsx(tmp_path):
    grid = sheet_grid()
    grid.append([None, "Tổng cộng", None, 88.12, None, None])
    exc = sheet_failure(tmp_path, grid, name="bang-diem.xlsx")
    assert [(p.row, p.column) for p in exc.problems] == [(len(grid), "code")]


def test_sheet_blank_rows_are_skipped(tmp_path):
    grid = sheet_grid()
    grid.insert(10, ["", "", "", "", "", ""])
    grid.append(["", "", "", "", "", ""])
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == demo.sheet(2025).achieved()
    assert sheet.lines[grid[11][0]].row == 12  # rows keep their number in the file


def test_sheet_several_errors_all_reported_at_once(tmp_path):
    grid = sheet_grid()
    grid[row_of(grid, PROPORTIONAL.code)][3] = PROPORTIONAL.max_points + 1
    grid[row_of(grid, BINARY.code)][3] = BINARY.max_points / 2
    grid[row_of(grid, STEPS.code)][3] = "abc"
    grid[row_of(grid, STEPS.code)][5] = TCVN3_NOTE
    last = grid[-1][0]
    grid.append(list(grid[1]))
    grid.append(["LV0.0.0", "", "", 0, "", ""])
    del grid[row_of(grid, last)]
    exc = sheet_failure(tmp_path, grid)
    assert sorted(codes(exc)) == sorted(
        [
            "above_max",
            "rule",
            "not_a_number",
            "legacy_encoding",
            "duplicate",
            "unknown_code",
            "missing_nodes",
        ]
    )
    assert f"{len(exc.problems)} lỗi" in exc.message
    assert "không có gì được ghi" in exc.message
    assert all(p.file == "bang-diem.csv" for p in exc.problems)
    text = str(exc)
    assert "cột 'achieved'" in text and "cột 'note'" in text and "cột 'code'" in text


def test_sheet_missing_required_column(tmp_path):
    grid = [[r[0], r[1], r[2], r[4]] for r in sheet_grid()]  # no "achieved"
    exc = sheet_failure(tmp_path, grid)
    problem = only(exc, "missing_column")
    assert problem.row == 1
    assert "achieved" in problem.message
    assert "điểm đạt" in problem.message  # the accepted spellings are listed


def test_sheet_xlsx_problems_name_the_worksheet(tmp_path):
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = PROPORTIONAL.max_points + 1
    problem = only(sheet_failure(tmp_path, grid, name="bang-diem.xlsx"), "above_max")
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "bang-diem.xlsx",
        "Bảng điểm",
        i + 1,
        "achieved",
    )
    assert "trang tính 'Bảng điểm'" in str(problem)


def test_sheet_xlsx_named_worksheet(tmp_path):
    wb = Workbook()
    wb.active.title = "Bìa"
    wb.active.append(["Bảng điểm chi tiết"])
    ws = wb.create_sheet("Chi tiết")
    for row in sheet_grid():
        ws.append(row)
    wb.save(tmp_path / "two.xlsx")
    sheet = import_sheet(tmp_path / "two.xlsx", sheet="Chi tiết")
    assert sheet.achieved() == demo.sheet(2025).achieved()
    with pytest.raises(ValidationFailed) as info:
        import_sheet(tmp_path / "two.xlsx", sheet="Không có")
    assert "Chi tiết" in info.value.problems[0].message


# --- sheet: what is forgiven -------------------------------------------------------------------


def comma(value: Any) -> Any:
    return f"{value:.2f}".replace(".", ",") if isinstance(value, float) else value


def test_sheet_vietnamese_comma_decimals(tmp_path):
    grid = sheet_grid()
    grid = [grid[0]] + [[comma(v) for v in row] for row in grid[1:]]
    assert grid[row_of(grid, PROPORTIONAL.code)][2].count(",") == 1
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == pytest.approx(demo.sheet(2025).achieved(), abs=1e-9)


def test_sheet_comma_decimal_value(tmp_path):
    leaf = next(lf for lf in LEAVES if lf.max_points >= 1 and lf.rule.kind == "proportional")
    grid = sheet_grid()
    grid[row_of(grid, leaf.code)][3] = "0,75"
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.lines[leaf.code].achieved == 0.75


def test_sheet_semicolon_csv_with_comma_decimals(tmp_path):
    grid = sheet_grid()
    grid = [grid[0]] + [[comma(v) for v in row] for row in grid[1:]]
    path = write_csv(tmp_path / "s.csv", grid, delimiter=";")
    assert '"' not in path.read_text(encoding="utf-8").splitlines()[1]
    sheet = import_sheet(path)
    assert sheet.achieved() == pytest.approx(demo.sheet(2025).achieved(), abs=1e-9)


def test_sheet_codes_in_lower_case_or_with_trailing_dot(tmp_path):
    grid = sheet_grid()
    for n, row in enumerate(grid[1:]):
        row[0] = (row[0].lower(), row[0] + ".", f" {row[0].lower()}. ")[n % 3]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert set(sheet.lines) == {leaf.code for leaf in LEAVES}
    assert sheet.achieved() == demo.sheet(2025).achieved()


def test_sheet_vietnamese_headers(tmp_path):
    grid = sheet_grid()
    grid[0] = ["Mã", "Tên tiêu chí", "Điểm tối đa", "Điểm đạt", "Điểm tự đánh giá", "Ghi chú"]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == demo.sheet(2025).achieved()
    expected = demo.sheet(2025)
    assert all(
        sheet.lines[c].self_assessed == expected.lines[c].self_assessed for c in expected.lines
    )


def test_sheet_vietnamese_headers_in_nfd_and_odd_case(tmp_path):
    grid = [[r[0], r[3]] for r in sheet_grid()]
    grid[0] = [nfd(" MÃ "), nfd("điểm đạt:")]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == demo.sheet(2025).achieved()


def test_sheet_problem_column_is_the_header_as_written(tmp_path):
    grid = sheet_grid()
    grid[0] = ["Mã", "Tên tiêu chí", "Điểm tối đa", "Điểm đạt", "Điểm tự đánh giá", "Ghi chú"]
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = PROPORTIONAL.max_points + 1
    grid[i][5] = TCVN3_NOTE
    exc = sheet_failure(tmp_path, grid)
    assert only(exc, "above_max").column == "Điểm đạt"
    assert only(exc, "legacy_encoding").column == "Ghi chú"


def test_sheet_minimal_columns_only(tmp_path):
    grid = [[r[0], r[3]] for r in sheet_grid()]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == demo.sheet(2025).achieved()
    assert all(line.self_assessed is None and line.note is None for line in sheet.lines.values())


def test_sheet_rows_in_any_order(tmp_path):
    grid = sheet_grid()
    grid = [grid[0], *reversed(grid[1:])]
    sheet = import_sheet(write_csv(tmp_path / "s.csv", grid))
    assert sheet.achieved() == demo.sheet(2025).achieved()


def test_sheet_utf8_bom_and_percent_sign(tmp_path):
    grid = [[r[0], r[3]] for r in sheet_grid()]
    path = tmp_path / "s.csv"
    lines = [f"{code},{value}" for code, value in grid]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    assert import_sheet(path).achieved() == demo.sheet(2025).achieved()


def test_sheet_not_utf8_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("code,achieved,note\nLV1.1.1,0.5,Hoàn thành\n".encode("cp1258"))
    with pytest.raises(ValidationFailed) as info:
        import_sheet(path)
    problem = info.value.problems[0]
    assert (problem.code, problem.file, problem.row) == ("encoding", "s.csv", 2)
    assert "UTF-8" in problem.message


def test_sheet_unsupported_format(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("code,achieved\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        import_sheet(path)
    assert info.value.problems[0].code == "unsupported_format"


def test_sheet_missing_file(tmp_path):
    with pytest.raises(ValidationFailed) as info:
        import_sheet(tmp_path / "khong-co.csv")
    assert info.value.problems[0].file == "khong-co.csv"


def test_sheet_year_defaults_to_the_framework(tmp_path, demo_dir):
    sheet = import_sheet(demo_dir / "bang-diem-lang-son-2025.csv")
    assert sheet.year == FW.year
    other = import_sheet(demo_dir / "bang-diem-lang-son-2025.csv", year=2026)
    assert other.year == 2026


def test_sheet_of_2024_is_refused_against_the_2025_framework(demo_dir):
    with pytest.raises(ValidationFailed) as info:
        import_sheet(demo_dir / "bang-diem-lang-son-2024.csv")
    found = set(codes(info.value))
    assert {"unknown_code", "framework_mismatch", "missing_nodes"} <= found


# --- all-province table ------------------------------------------------------------------------


def small_table(*names: str, values=(91.5, 90.25, 88.0, 86.75)) -> list[list[Any]]:
    return [TABLE_HEADER] + [
        [n, v, i] for i, (n, v) in enumerate(zip(names, values, strict=False), start=1)
    ]


def import_table(path: Path, year: int = 2025, **kwargs: Any):
    return import_results_table(path, year=year, framework=embedded(year), **kwargs)


def test_table_province_name_spellings_resolve(tmp_path):
    grid = small_table(nfd("Lạng Sơn"), "  tỉnh Cao Bằng ", "Thành phố Hà Nội", "TP. Hồ Chí Minh")
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert [r.province for r in table.rows] == ["Lạng Sơn", "Cao Bằng", "Hà Nội", "Hồ Chí Minh"]
    assert [r.rank for r in table.rows] == [1, 2, 3, 4]
    assert table.get("Lạng Sơn").index_percent == 91.5


@pytest.mark.parametrize(
    "written",
    [
        "Lạng Sơn",
        nfd("Lạng Sơn"),
        "tỉnh Lạng Sơn",
        "Tỉnh Lạng Sơn",
        nfd("tỉnh Lạng Sơn"),
        "TỈNH LẠNG SƠN",
        "lạng sơn",
        " Lạng  Sơn ",
    ],
)
def test_table_lang_son_variants(tmp_path, written):
    table = import_table(write_csv(tmp_path / "t.csv", small_table(written)))
    assert table.rows[0].province == "Lạng Sơn"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Thành phố Hà Nội", "Hà Nội"),
        ("thành phố Hà Nội", "Hà Nội"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("Thành phố Huế", "Huế"),
        ("Khánh Hoà", "Khánh Hòa"),
    ],
)
def test_table_city_prefixes(tmp_path, written, name):
    table = import_table(write_csv(tmp_path / "t.csv", small_table(written)))
    assert table.rows[0].province == name


def test_table_unknown_province_with_suggestion(tmp_path):
    grid = small_table("Hà Nội", "Lang Son", "Atlantis")
    exc = table_failure(tmp_path, grid)
    found = [p for p in exc.problems if p.code == "unknown_province"]
    assert [(p.row, p.column) for p in found] == [(3, "province"), (4, "province")]
    assert "Lang Son" in found[0].message
    assert "Có phải 'Lạng Sơn'?" in found[0].message
    assert "Atlantis" in found[1].message
    assert "34" in found[1].message
    assert set(codes(exc)) == {"unknown_province"}  # the ranks in the file are right


def test_table_pre_merger_name_refused_in_2025(tmp_path):
    exc = table_failure(tmp_path, small_table("Hà Nội", "Bắc Giang"))
    problem = only(exc, "unknown_province")
    assert (problem.row, problem.column) == (3, "province")
    assert "Bắc Giang" in problem.message
    assert "Bắc Ninh" in problem.message  # what it merged into
    assert "hợp nhất" in problem.message


def test_table_pre_merger_name_accepted_in_2024(tmp_path):
    table = import_table(write_csv(tmp_path / "t.csv", small_table("Hà Nội", "Bắc Giang")), 2024)
    assert [r.province for r in table.rows] == ["Hà Nội", "Bắc Giang"]


def test_table_duplicate_province(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội", nfd("tỉnh Lạng Sơn"))
    exc = table_failure(tmp_path, grid)
    problem = only(exc, "duplicate")
    assert (problem.row, problem.column) == (4, "province")
    assert "dòng 2 và 4" in problem.message
    assert codes(exc) == ["duplicate"]  # and no rank noise from the repeated name


def test_table_blank_province_in_csv(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid.append(["", 80.0, 3])
    exc = table_failure(tmp_path, grid)
    assert [(p.row, p.column, p.code) for p in exc.problems] == [(4, "province", "invalid")]
    assert "Thiếu tên tỉnh" in exc.problems[0].message


def test_table_blank_province_in_xlsx(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid.append([None, 80.0, 3])
    exc = table_failure(tmp_path, grid, name="ket-qua.xlsx")
    assert [(p.row, p.column) for p in exc.problems] == [(4, "province")]


def test_table_legacy_province_name(tmp_path):
    exc = table_failure(tmp_path, small_table("Hà Nội", "L¹ng S¬n"))
    problem = only(exc, "legacy_encoding")
    assert (problem.row, problem.column) == (3, "province")
    assert "Lạng Sơn" in problem.message
    assert codes(exc) == ["legacy_encoding"]


@pytest.mark.parametrize("value", [100.5, -1, "101,2"])
def test_table_index_outside_0_100(tmp_path, value):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[2][1] = value
    grid[2][2] = ""
    exc = table_failure(tmp_path, grid)
    problem = next(p for p in exc.problems if p.column == "index_percent")
    assert (problem.row, problem.code) == (3, "invalid")
    assert "0–100" in problem.message


@pytest.mark.parametrize("value", [0, 100, "91,43", "91,43 %", "91.43%"])
def test_table_index_accepted_forms(tmp_path, value):
    grid = [TABLE_HEADER, ["Lạng Sơn", value, ""]]
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert table.rows[0].index_percent == pytest.approx(
        float(str(value).strip(" %").replace(",", "."))
    )


def test_table_index_not_a_number(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[1][1] = "chín mươi"
    problem = only(table_failure(tmp_path, grid), "not_a_number")
    assert (problem.row, problem.column) == (2, "index_percent")


def test_table_index_missing(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[1][1] = ""
    exc = table_failure(tmp_path, grid)
    assert [(p.row, p.column) for p in exc.problems if "Ô trống" in p.message] == [
        (2, "index_percent")
    ]


@pytest.mark.parametrize("rank", [1.5, "2,5", 0, -3])
def test_table_rank_not_a_positive_integer(tmp_path, rank):
    grid = small_table("Lạng Sơn", "Hà Nội", "Huế")
    grid[2][2] = rank
    exc = table_failure(tmp_path, grid)
    assert [(p.row, p.column, p.code) for p in exc.problems] == [(3, "rank", "invalid")]
    assert "số nguyên dương" in exc.problems[0].message


def test_table_rank_text(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[2][2] = "hai"
    problem = only(table_failure(tmp_path, grid), "not_a_number")
    assert (problem.row, problem.column) == (3, "rank")


def test_table_rank_written_as_float_whole_number(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[1][2] = "1.0"
    grid[2][2] = "2,0"
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert [r.rank for r in table.rows] == [1, 2]
    assert all(isinstance(r.rank, int) for r in table.rows)


def test_table_rank_mismatch(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội", "Huế")
    grid[1][2], grid[2][2] = 2, 1
    exc = table_failure(tmp_path, grid)
    found = [p for p in exc.problems if p.code == "rank_mismatch"]
    assert [(p.row, p.column) for p in found] == [(2, "rank"), (3, "rank")]
    assert "Lạng Sơn" in found[0].message
    assert "phải là hạng 1" in found[0].message
    assert "phải là hạng 2" in found[1].message


def test_table_rank_mismatch_column_as_written(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội")
    grid[0] = ["Tỉnh, thành phố", "Chỉ số (%)", "Xếp hạng"]
    grid[2][2] = 5
    problem = only(table_failure(tmp_path, grid), "rank_mismatch")
    assert (problem.row, problem.column) == (3, "Xếp hạng")


def test_table_ties_share_a_rank(tmp_path):
    grid = [TABLE_HEADER, ["Lạng Sơn", 90.5, 1], ["Hà Nội", "90,50", 1], ["Huế", 88, 3]]
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert [r.rank for r in table.rows] == [1, 1, 3]
    grid[3][2] = 2
    assert only(table_failure(tmp_path, grid), "rank_mismatch").row == 4


def test_table_wrong_province_name_does_not_shift_other_ranks(tmp_path):
    grid = small_table("Atlantis", "Hà Nội", "Huế")
    exc = table_failure(tmp_path, grid)
    assert codes(exc) == ["unknown_province"]


def test_table_rank_column_is_optional(tmp_path):
    grid = [["province", "index_percent"], ["Lạng Sơn", 88.0], ["Hà Nội", 91.0]]
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert [r.rank for r in table.rows] == [None, None]


def fields_table(points_rows: list[tuple[str, list[float], float]]) -> list[list[Any]]:
    grid = [[*TABLE_HEADER, *FIELD_CODES]]
    ordered = sorted(points_rows, key=lambda r: -r[2])
    for rank, (name, points, index) in enumerate(ordered, start=1):
        grid.append([name, index, rank, *points])
    return grid


def full_points() -> list[float]:
    return [root.max_points for root in FW.roots]


def test_table_field_columns_that_add_up(tmp_path):
    points = full_points()
    points[6] -= 1.25
    grid = fields_table([("Lạng Sơn", points, 98.75), ("Hà Nội", full_points(), 100.0)])
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    row = table.get("Lạng Sơn")
    assert dict(row.field_points) == dict(zip(FIELD_CODES, points, strict=True))
    assert list(row.field_points) == FIELD_CODES


def test_table_field_columns_ignored_without_framework(tmp_path):
    grid = fields_table([("Lạng Sơn", full_points(), 99.0)])  # would be inconsistent
    table = import_results_table(write_csv(tmp_path / "t.csv", grid), year=2025)
    assert dict(table.rows[0].field_points) == {}


def test_table_field_columns_that_do_not_add_up(tmp_path):
    grid = fields_table([("Lạng Sơn", full_points(), 98.0), ("Hà Nội", full_points(), 100.0)])
    exc = table_failure(tmp_path, grid)
    problem = only(exc, "inconsistent")
    assert (problem.row, problem.column) == (3, "index_percent")
    assert "Tổng điểm các lĩnh vực (100)" in problem.message
    assert "(98)" in problem.message
    assert codes(exc) == ["inconsistent"]


def test_table_field_column_above_maximum(tmp_path):
    points = full_points()
    points[7] = FW.roots[7].max_points + 1
    points[0] -= 1
    grid = fields_table([("Lạng Sơn", points, 100.0)])
    exc = table_failure(tmp_path, grid)
    problem = only(exc, "out_of_range")
    assert (problem.row, problem.column) == (2, "LV8")
    assert "LV8" in problem.message
    assert codes(exc) == ["out_of_range"]


def test_table_field_column_negative(tmp_path):
    points = full_points()
    points[2] = -0.5
    grid = fields_table([("Lạng Sơn", points, round(math.fsum(points), 2))])
    problem = only(table_failure(tmp_path, grid), "out_of_range")
    assert (problem.row, problem.column) == (2, "LV3")


def test_table_field_column_header_case(tmp_path):
    grid = fields_table([("Lạng Sơn", full_points(), 100.0)])
    grid[0][3:] = [c.lower() for c in FIELD_CODES]
    grid[1][4] = "abc"
    problem = only(table_failure(tmp_path, grid), "not_a_number")
    assert (problem.row, problem.column) == (2, "lv2")


def test_table_partial_field_columns_are_not_summed(tmp_path):
    grid = [[*TABLE_HEADER, "LV1"], ["Lạng Sơn", 88.0, 1, 9.0]]
    table = import_table(write_csv(tmp_path / "t.csv", grid))
    assert dict(table.rows[0].field_points) == {"LV1": 9.0}


def test_table_empty_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"")
    with pytest.raises(ValidationFailed) as info:
        import_table(path)
    problem = info.value.problems[0]
    assert (problem.file, problem.row) == ("t.csv", 1)
    assert "trống" in info.value.message


def test_table_empty_xlsx(tmp_path):
    exc = table_failure(tmp_path, [], name="t.xlsx")
    assert exc.problems[0].row == 1


def test_table_header_only(tmp_path):
    exc = table_failure(tmp_path, [TABLE_HEADER])
    assert len(exc.problems) == 1
    assert exc.problems[0].file == "ket-qua.csv"
    assert "không có dòng dữ liệu" in exc.problems[0].message


def test_table_header_only_xlsx_names_the_sheet(tmp_path):
    exc = table_failure(tmp_path, [TABLE_HEADER], name="t.xlsx")
    assert exc.problems[0].sheet == "Bảng điểm"


def test_table_missing_index_column(tmp_path):
    exc = table_failure(tmp_path, [["province", "rank"], ["Lạng Sơn", 1]])
    problem = only(exc, "missing_column")
    assert "index_percent" in problem.message


def test_table_duplicate_header(tmp_path):
    exc = table_failure(tmp_path, [["province", "Tỉnh", "index_percent"], ["Lạng Sơn", "x", 1]])
    assert exc.problems[0].row == 1
    assert "trùng" in exc.problems[0].message


def test_table_vietnamese_headers_xlsx(tmp_path):
    grid = [
        ["Tỉnh, thành phố", "Chỉ số (%)", "Xếp hạng"],
        ["tỉnh Lạng Sơn", "91,43", 1],
        ["Thành phố Hà Nội", 90.1, 2],
    ]
    table = import_table(write_xlsx(tmp_path / "t.xlsx", grid))
    assert table.values() == {"Lạng Sơn": 91.43, "Hà Nội": 90.1}


def test_table_several_errors_all_reported_at_once(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội", "Bắc Giang", "Huế")
    grid[1][1] = 120
    grid[2][2] = 2.5
    grid[4][1] = "x"
    grid.append(["Hà Nội", 50, 5])
    exc = table_failure(tmp_path, grid)
    assert sorted((p.row, p.code) for p in exc.problems) == [
        (2, "invalid"),
        (3, "invalid"),
        (4, "unknown_province"),
        (5, "not_a_number"),
        (6, "duplicate"),
    ]  # no rank_mismatch: with Huế's index unreadable the true ranks are unknown


def test_table_rank_mismatch_reported_with_other_errors(tmp_path):
    grid = small_table("Lạng Sơn", "Hà Nội", "Bắc Giang", "Huế")
    grid[1][1] = 120
    grid[4][2] = 2
    exc = table_failure(tmp_path, grid)
    assert sorted((p.row, p.code) for p in exc.problems) == [
        (2, "invalid"),
        (4, "unknown_province"),
        (5, "rank_mismatch"),
    ]


# --- changes nothing ---------------------------------------------------------------------------


def test_failed_import_touches_no_file(tmp_path):
    grid = sheet_grid()
    grid[1][3] = "abc"
    path = write_csv(tmp_path / "s.csv", grid)
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ValidationFailed):
        import_sheet(path)
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_successful_import_touches_no_file(demo_dir):
    before = {p.name: p.stat().st_mtime_ns for p in demo_dir.iterdir()}
    import_sheet(demo_dir / "bang-diem-lang-son-2025.xlsx")
    import_table(demo_dir / "ket-qua-cac-tinh-2025.xlsx")
    assert {p.name: p.stat().st_mtime_ns for p in demo_dir.iterdir()} == before


def test_imported_values_are_read_only(demo_dir):
    sheet = import_sheet(demo_dir / "bang-diem-lang-son-2025.csv")
    with pytest.raises(TypeError):
        sheet.lines["LV1.1.1"] = None  # type: ignore[index]


def run_analyze(table: Path, sheet: Path, output: Path):
    return CliRunner().invoke(
        chiso.cli.app,
        [
            "analyze",
            "--province",
            "Lạng Sơn",
            "--year",
            "2025",
            "--results",
            str(table),
            "--sheet",
            str(sheet),
            "--format",
            "json",
            "--output",
            str(output),
        ],
    )


def bad_sheet(tmp_path: Path) -> tuple[Path, int]:
    grid = sheet_grid()
    i = row_of(grid, PROPORTIONAL.code)
    grid[i][3] = PROPORTIONAL.max_points + 1
    return write_csv(tmp_path / "bang-diem-loi.csv", grid), i + 1


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_cli_failing_sheet_writes_no_output(tmp_path, demo_dir):
    sheet, row = bad_sheet(tmp_path)
    out = tmp_path / "ket-qua.json"
    result = run_analyze(demo_dir / "ket-qua-cac-tinh-2025.csv", sheet, out)
    assert result.exit_code == 2, result.output
    text = one_line(result.output)
    assert "bang-diem-loi.csv" in text
    assert f"dòng {row}" in text
    assert "cột 'achieved'" in text
    assert not out.exists()


def test_cli_failing_sheet_keeps_previous_output(tmp_path, demo_dir):
    sheet, row = bad_sheet(tmp_path)
    out = tmp_path / "ket-qua.json"
    out.write_text("kết quả lần trước", encoding="utf-8")
    result = run_analyze(demo_dir / "ket-qua-cac-tinh-2025.csv", sheet, out)
    assert result.exit_code == 2
    assert f"dòng {row}" in one_line(result.stderr)
    assert out.read_text(encoding="utf-8") == "kết quả lần trước"


def test_cli_failing_table_keeps_previous_output(tmp_path, demo_dir):
    table = write_csv(tmp_path / "bang-loi.csv", small_table("Hà Nội", "Bắc Giang"))
    out = tmp_path / "ket-qua.json"
    out.write_text("{}", encoding="utf-8")
    result = run_analyze(table, demo_dir / "bang-diem-lang-son-2025.csv", out)
    assert result.exit_code == 2
    text = one_line(result.output)
    assert "bang-loi.csv" in text and "dòng 3" in text and "cột 'province'" in text
    assert out.read_text(encoding="utf-8") == "{}"


def test_cli_valid_files_write_output(tmp_path, demo_dir):
    out = tmp_path / "ket-qua.json"
    result = run_analyze(
        demo_dir / "ket-qua-cac-tinh-2025.csv", demo_dir / "bang-diem-lang-son-2025.csv", out
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
