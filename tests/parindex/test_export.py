import json

import pytest

from chiso.parindex import export
from chiso.parindex.inputs import analyse_province
from chiso.parindex.whatif import Recovery


@pytest.fixture(scope="module")
def analysis():
    return analyse_province(province="Lạng Sơn", year=2025, what_if=(Recovery("LV7"),))


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+A1", "-2+3", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_neutralised(text):
    assert export.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Sở Nội vụ", 1.5, -0.25, None, "", "-0,3", "+1,34", "+1"])
def test_ordinary_values_pass_through(value):
    assert export.safe_cell(value) == value


def test_dict_is_json_serialisable_and_names_agencies(analysis):
    data = json.loads(json.dumps(export.to_dict(analysis), ensure_ascii=False))
    assert data["what_if"]["recovered"]
    names = {n["lead_agency"]: n["lead_agency_name"] for n in data["nodes"]}
    assert names["SNV"] == "Sở Nội vụ"
    assert data["provenance"]["note"].startswith("minh họa")
    assert data["provenance"]["published_sources"], "framework sources travel with the numbers"


def test_csv_has_one_row_per_node_and_bom(analysis):
    text = export.to_csv(analysis)
    assert text.startswith("\ufeff")
    assert len(text.strip().splitlines()) == len(analysis.ledger) + 1


def test_xlsx_summary_says_illustrative(analysis, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "a.xlsx"
    export.write_xlsx(analysis, path)
    ws = load_workbook(path)["Tổng quan"]
    labels = {row[0].value: row[1].value for row in ws.iter_rows()}
    assert labels["Tỉnh"] == "Lạng Sơn"
    assert labels["Chỉ số (%)"] == analysis.percent
    assert "minh họa" in labels["Lưu ý"]
    assert labels["Giả định: chỉ số (%)"] == analysis.what_if.percent
