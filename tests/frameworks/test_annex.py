"""Tests for chiso.frameworks.annex: importing a framework from an annex table, and its CLI."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from chiso.cli import app
from chiso.errors import Problem, ValidationFailed
from chiso.frameworks.annex import import_annex
from chiso.frameworks.load import load, load_text
from chiso.frameworks.schema import ScoringRule

HEADERS = ("Mã", "Nội dung", "Điểm tối đa", "Nguồn điểm", "Cách chấm", "Các mức", "Cơ quan chủ trì")

# 2 fields, 3 criteria, 5 sub-criteria; 80 appraisal + 20 survey = 100 points.
ROWS = (
    ("I", "Công tác chỉ đạo, điều hành", 60, None, None, None, "SNV"),
    ("I.1", "Kế hoạch cải cách hành chính", 20, None, None, None, None),
    ("I.1.1", "Ban hành kế hoạch đúng hạn", 1, "Thẩm định", None, "0; 0,5; 1", None),
    ("I.1.2", "Hoàn thành kế hoạch", 19, "thẩm định", "Đạt/không đạt", None, "VPUBND"),
    ("I.2", "Kiểm tra cải cách hành chính", 40, None, None, None, None),
    ("I.2.1", "Tỷ lệ cơ quan được kiểm tra", 40, None, None, None, None),
    ("II.", "Thủ tục hành chính", 40, None, None, None, "stp"),
    ("II.1", "Mức độ hài lòng", 40, None, None, None, None),
    ("II.1.1", "Người dân hài lòng", 20, "Điều tra người dân", "Tỷ lệ", None, None),
    ("II.1.2", "Kết quả giải quyết hồ sơ", 20, "THẨM ĐỊNH", "thủ công", None, None),
)

runner = CliRunner()


def write_annex(path: Path, rows=ROWS, headers=HEADERS, title: str = "Phụ lục") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def with_cell(code: str, column: str, value) -> list[tuple]:
    """ROWS with one cell replaced: the row whose code is ``code``, the column named ``column``."""
    index = HEADERS.index(column)
    return [
        tuple(value if i == index else v for i, v in enumerate(row)) if row[0] == code else row
        for row in ROWS
    ]


def import_problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ValidationFailed) as info:
        import_annex(path, year=2026)
    return info.value.problems


@pytest.fixture
def annex(tmp_path) -> Path:
    return write_annex(tmp_path / "phu-luc.xlsx")


@pytest.fixture
def imported(annex):
    return import_annex(annex, year=2026, decision="12/QĐ-BNV ngày 01/12/2025")


# --- a good annex --------------------------------------------------------------------------------


def test_import_builds_the_tree(imported):
    fw, _ = imported
    assert (fw.year, fw.index, fw.total_max) == (2026, "parindex", 100.0)
    assert fw.decision == "12/QĐ-BNV ngày 01/12/2025"
    assert (fw.count("field"), fw.count("criterion"), fw.count("subcriterion")) == (2, 3, 5)
    assert [(n.code, n.level, n.parent) for n in fw.walk()] == [
        ("I", "field", None),
        ("I.1", "criterion", "I"),
        ("I.1.1", "subcriterion", "I.1"),
        ("I.1.2", "subcriterion", "I.1"),
        ("I.2", "criterion", "I"),
        ("I.2.1", "subcriterion", "I.2"),
        ("II", "field", None),  # the trailing dot of "II." is dropped
        ("II.1", "criterion", "II"),
        ("II.1.1", "subcriterion", "II.1"),
        ("II.1.2", "subcriterion", "II.1"),
    ]
    assert fw.nodes["I.1"].max_points == 20.0
    assert fw.official is True
    assert [g.code for g in fw.groups] == ["A", "B", "C"]


def test_import_reads_sources_and_rules(imported):
    fw, _ = imported
    expected = {
        "I.1.1": ("appraisal", ScoringRule("steps", (0.0, 0.5, 1.0))),
        "I.1.2": ("appraisal", ScoringRule("binary")),
        "I.2.1": ("appraisal", ScoringRule("proportional")),  # blank cells: the defaults
        "II.1.1": ("survey_citizen", ScoringRule("proportional")),
        "II.1.2": ("appraisal", ScoringRule("manual")),
    }
    assert {n.code: (n.source, n.rule) for n in fw.leaves()} == expected
    assert fw.nodes["II.1"].source == "mixed"
    assert fw.nodes["I"].source == "appraisal"
    assert fw.nodes["I"].rule is None


def test_import_inherits_lead_agencies(imported):
    fw, _ = imported
    assert {n.code: n.lead_agency for n in fw.leaves()} == {
        "I.1.1": "SNV",
        "I.1.2": "VPUBND",
        "I.2.1": "SNV",
        "II.1.1": "STP",  # "stp" in the annex: agency codes are case-insensitive
        "II.1.2": "STP",
    }


def test_imported_yaml_reloads_into_an_equal_framework(imported):
    fw, text = imported
    again = load_text(text, origin="2026.yaml")
    assert dict(again.nodes) == dict(fw.nodes)
    assert [n.code for n in again.walk()] == [n.code for n in fw.walk()]
    assert (again.year, again.decision, again.groups) == (fw.year, fw.decision, fw.groups)
    assert text.startswith("schema: chiso.framework/1\n")
    assert "Người dân hài lòng" in text  # written as UTF-8, not \u escapes


def test_import_can_mark_everything_illustrative(annex):
    fw, text = import_annex(annex, year=2026, official=False)
    assert not any(n.official for n in fw.nodes.values())
    assert "official: true" not in text


def test_import_official_column_overrides_the_default(tmp_path):
    headers = (*HEADERS, "Chính thức")
    rows = [(*row, "có" if row[0] == "I" else "không") for row in ROWS]
    fw, _ = import_annex(write_annex(tmp_path / "a.xlsx", rows, headers), year=2026)
    assert {n.code for n in fw.nodes.values() if n.official} == {"I"}


def test_import_picks_the_named_sheet(tmp_path):
    path = write_annex(tmp_path / "a.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Ghi chú", 0).append(["Không phải phụ lục"])
    workbook.save(path)
    fw, _ = import_annex(path, year=2026, sheet="Phụ lục")
    assert fw.count("subcriterion") == 5


def test_import_csv_with_parent_column(tmp_path):
    """Codes need not be dotted when the annex says each row's parent."""
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        "STT;Tên;Điểm chuẩn;Mã cấp trên;Nguồn\n"
        "A;Lĩnh vực;100;;\n"
        "B;Tiêu chí;100;A;\n"
        "C;Thành phần một;60,5;B;thẩm định\n"
        "D;Thành phần hai;39,5;B;điều tra lãnh đạo\n",
        encoding="utf-8-sig",
    )
    fw, _ = import_annex(path, year=2026)
    assert [(n.code, n.parent, n.level) for n in fw.walk()] == [
        ("A", None, "field"),
        ("B", "A", "criterion"),
        ("C", "B", "subcriterion"),
        ("D", "B", "subcriterion"),
    ]
    assert fw.nodes["C"].max_points == 60.5
    assert fw.nodes["D"].source == "survey_leader"


# --- a bad annex ---------------------------------------------------------------------------------


def test_unknown_parent_code(tmp_path):
    rows = [("II.9.1" if r[0] == "II.1.2" else r[0], *r[1:]) for r in ROWS]
    [problem] = import_problems(write_annex(tmp_path / "a.xlsx", rows))
    assert problem.message == "Mã II.9.1: không tìm thấy nút cấp trên II.9."
    assert (problem.file, problem.sheet, problem.row, problem.column) == (
        "a.xlsx",
        "Phụ lục",
        11,
        "Mã",
    )


def test_duplicate_code(tmp_path):
    rows = [("I.1.1" if r[0] == "I.1.2" else r[0], *r[1:]) for r in ROWS]
    [problem] = import_problems(write_annex(tmp_path / "a.xlsx", rows))
    assert problem.message == "Mã I.1.1 bị trùng."
    assert (problem.row, problem.column) == (5, "Mã")


def test_text_in_the_points_column_names_row_and_header(tmp_path):
    path = write_annex(tmp_path / "a.xlsx", with_cell("I.2.1", "Điểm tối đa", "bốn mươi"))
    [problem] = import_problems(path)
    assert problem.code == "not_a_number"
    assert (problem.row, problem.column) == (7, "Điểm tối đa")
    assert str(problem) == (
        "tệp a.xlsx, trang tính 'Phụ lục', dòng 7, cột 'Điểm tối đa': 'bốn mươi' không phải là số"
    )


def test_header_is_quoted_as_written(tmp_path):
    headers = tuple("ĐIỂM TỐI ĐA" if h == "Điểm tối đa" else h for h in HEADERS)
    rows = with_cell("I.2.1", "Điểm tối đa", "x")
    [problem] = import_problems(write_annex(tmp_path / "a.xlsx", rows, headers))
    assert problem.column == "ĐIỂM TỐI ĐA"


def test_unknown_source_word(tmp_path):
    path = write_annex(tmp_path / "a.xlsx", with_cell("II.1.1", "Nguồn điểm", "phỏng vấn"))
    [problem] = import_problems(path)
    assert problem.message.startswith("Không hiểu 'phỏng vấn'; dùng một trong: thẩm định;")
    assert "điều tra người dân" in problem.message
    assert (problem.row, problem.column) == (10, "Nguồn điểm")


def test_unknown_rule_word(tmp_path):
    path = write_annex(tmp_path / "a.xlsx", with_cell("II.1.1", "Cách chấm", "tùy ý"))
    [problem] = import_problems(path)
    assert problem.message.startswith("Không hiểu 'tùy ý'; dùng một trong: tỷ lệ;")
    assert problem.column == "Cách chấm"


def test_bad_step_value(tmp_path):
    path = write_annex(tmp_path / "a.xlsx", with_cell("I.1.1", "Các mức", "0; nửa; 1"))
    [problem] = import_problems(path)
    assert problem.message == "Các mức điểm: 'nửa' không phải là số"
    assert (problem.row, problem.column) == (4, "Các mức")


def test_legacy_encoded_name(tmp_path):
    path = write_annex(tmp_path / "a.xlsx", with_cell("II.1.1", "Nội dung", "Ng­êi d©n"))
    [problem] = import_problems(path)
    assert problem.code == "legacy_encoding"
    assert "'Người dân'" in problem.message


def test_all_annex_problems_are_reported_together(tmp_path):
    rows = with_cell("I.2.1", "Điểm tối đa", "bốn mươi")
    rows = [("I.1.1", *r[1:]) if r[0] == "I.1.2" else r for r in rows]
    rows = [("II.9.1", *r[1:]) if r[0] == "II.1.2" else r for r in rows]
    problems = import_problems(write_annex(tmp_path / "a.xlsx", rows))
    assert [(p.row, p.column) for p in problems] == [(5, "Mã"), (7, "Điểm tối đa"), (11, "Mã")]


def test_framework_errors_after_import_are_validation_failures(tmp_path):
    """The imported tree goes through the same validation as a hand-written file."""
    path = write_annex(tmp_path / "a.xlsx", with_cell("I.1.2", "Điểm tối đa", 18))
    problems = import_problems(path)
    messages = [p.message for p in problems]
    assert "Nút I.1: điểm tối đa 20 khác tổng các nút con 19." in messages
    assert {p.code for p in problems} >= {"children_sum"}


def test_missing_required_column(tmp_path):
    headers = tuple("Ghi chú khác" if h == "Điểm tối đa" else h for h in HEADERS)
    problems = import_problems(write_annex(tmp_path / "a.xlsx", headers=headers))
    [problem] = problems
    assert problem.code == "missing_column"
    assert "'điểm tối đa'" in problem.message


# --- chiso frameworks import ---------------------------------------------------------------------


def cli_import(annex: Path, output: Path, *extra: str):
    args = ["frameworks", "import", str(annex), "--year", "2026", "--output", str(output)]
    return runner.invoke(app, [*args, *extra])


def one_line(output: str) -> str:
    """Console output with Rich's line wrapping undone."""
    return " ".join(output.split())


def test_cli_import_writes_a_valid_framework(annex, tmp_path):
    output = tmp_path / "2026.yaml"
    result = cli_import(annex, output, "--decision", "12/QĐ-BNV")
    assert result.exit_code == 0, result.output
    assert "2 lĩnh vực, 3 tiêu chí, 5 tiêu chí thành phần, tổng 100 điểm" in one_line(result.output)
    fw = load(output)
    assert (fw.year, fw.decision, fw.count("subcriterion")) == (2026, "12/QĐ-BNV", 5)
    assert list(tmp_path.glob("*.tmp")) == []


def test_cli_import_failure_exits_2_and_writes_nothing(tmp_path):
    annex = write_annex(tmp_path / "a.xlsx", with_cell("I.2.1", "Điểm tối đa", "bốn mươi"))
    output = tmp_path / "2026.yaml"
    result = cli_import(annex, output)
    assert result.exit_code == 2
    assert "dòng 7, cột 'Điểm tối đa'" in one_line(result.output)
    assert "Traceback" not in result.output
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_cli_import_refuses_to_overwrite_without_force(annex, tmp_path):
    output = tmp_path / "2026.yaml"
    output.write_text("cũ", encoding="utf-8")
    result = cli_import(annex, output)
    assert result.exit_code == 1
    assert "dùng --force để ghi đè" in one_line(result.output)
    assert output.read_text(encoding="utf-8") == "cũ"

    forced = cli_import(annex, output, "--force")
    assert forced.exit_code == 0, forced.output
    assert load(output).year == 2026
