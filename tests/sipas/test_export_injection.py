"""Formula injection through the survey exports: the estimates as CSV and XLSX (``chiso survey
estimate``, the dashboard's workbook) and the XLSForm written from a questionnaire file.

Unit names, questionnaire texts and run information are text a user controls (a questionnaire
file, a Kobo export's names). Estimates stay numbers; text starting with =, +, -, @, tab or CR
gets an apostrophe (:func:`chiso.parindex.export.safe_cell`) — except in the XLSForm, whose labels
Kobo shows as written: there a formula-like label is stored as text, unchanged.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import openpyxl

from chiso.sipas.estimate import OVERALL, Estimate
from chiso.sipas.export import rows, to_csv, write_xlsx
from chiso.sipas.questionnaire import embedded, load_text
from chiso.sipas.xlsform import write_xlsform

Q = embedded("tinh-xa-2025")
KOBO_TEXT = "+cmd|' /C calc'!A0"
NAME = '=HYPERLINK("http://example.invalid","Xã")'


def estimates() -> list[Estimate]:
    return [
        Estimate("05977", "C9.16", 40, 81.25, 3.5, 74.4, 88.1, 1.2, ("small_n",)),
        Estimate(OVERALL, "C9.16", 400, -0.5, 0.25, -1.0, 0.0, None, ()),
    ]


def records() -> list[dict]:
    return rows(estimates(), Q, {"05977": NAME, OVERALL: "@SUM(1)"})


def test_csv_neutralises_names_and_keeps_numbers():
    table = list(csv.DictReader(io.StringIO(to_csv(records()).lstrip("\ufeff"))))
    assert table[0]["unit_name"] == "'" + NAME
    assert table[1]["unit_name"] == "'@SUM(1)"
    assert table[1]["estimate"] == "-0.5"  # a number, not "'-0.5"


def test_xlsx_neutralises_names_and_run_information_and_keeps_numbers(tmp_path):
    path = tmp_path / "uoc-luong.xlsx"
    write_xlsx(records(), path, {"nguồn": KOBO_TEXT, "ghi chú": "-đã lọc\x07"})
    workbook = openpyxl.load_workbook(path)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + NAME in values and "'@SUM(1)" in values and "'" + KOBO_TEXT in values
    assert "'-đã lọc" in values  # the bell character no workbook can hold is dropped
    [estimate] = [c for c in cells if c.value == -0.5]
    assert estimate.data_type == "n"


def test_xlsform_keeps_formula_like_labels_as_text(tmp_path):
    source = (resources.files("chiso.sipas.data") / "tinh-xa-2025.yaml").read_text("utf-8")
    first = "Thông tin về giải quyết thủ tục hành chính được cung cấp theo nhiều hình thức"
    text = source.replace(first, "=1+1 " + first, 1)
    questionnaire = load_text(text, origin="bang-hoi.yaml")
    path = write_xlsform(questionnaire, tmp_path / "bieu-mau.xlsx", title="@SUM(1)")
    workbook = openpyxl.load_workbook(path)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells), "a label became a formula"
    values = {c.value for c in cells}
    assert any(isinstance(v, str) and v.startswith("=1+1 Thông tin") for v in values)
    assert "@SUM(1)" in values  # Kobo shows labels exactly as given: no apostrophe
