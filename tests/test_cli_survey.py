"""`chiso survey …` as a user meets it."""

import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from chiso.cli import app
from chiso.sipas.estimate import COLUMNS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def test_synth_import_estimate_round_trip(tmp_path):
    csv_path = tmp_path / "phieu.csv"
    result = invoke(
        "survey",
        "synth",
        "--respondents",
        "900",
        "--seed",
        "5",
        "--output",
        str(csv_path),
        "--villages",
        "2",
    )
    assert result.exit_code == 0, result.output
    imported = invoke("survey", "import", str(csv_path), "--store", str(tmp_path / "kho"))
    assert imported.exit_code == 0, imported.output
    assert "900 phiếu" in imported.output
    parquet = next((tmp_path / "kho").glob("*.parquet"))
    out = tmp_path / "uoc-luong.csv"
    estimated = invoke(
        "survey",
        "estimate",
        str(parquet),
        "--questionnaire",
        "tinh-xa-2025",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert estimated.exit_code == 0, estimated.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[: len(COLUMNS) - 2] == list(COLUMNS[:9])


def test_estimate_reads_the_questionnaire_from_the_dataset(tmp_path):
    path = tmp_path / "p.parquet"
    invoke("survey", "synth", "--respondents", "600", "--output", str(path))
    result = invoke("survey", "estimate", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["meta"]["illustrative"] is True
    rows = data["estimates"]
    assert {r["indicator"] for r in rows} >= {"SVC", "SVC.1", "C9.16"}
    assert all(r["ci_low"] <= r["estimate"] <= r["ci_high"] for r in rows if r["estimate"])


def test_estimate_by_a_profile_field(tmp_path):
    path = tmp_path / "p.parquet"
    invoke("survey", "synth", "--respondents", "800", "--output", str(path))
    result = invoke("survey", "estimate", str(path), "--by", "gender", "--format", "json")
    units = {r["unit_name"] for r in json.loads(result.stdout)["estimates"]}
    assert units == {"Nam", "Nữ", "Toàn bộ mẫu"}


def test_bad_file_exits_2_with_rows_and_columns_and_stores_nothing(tmp_path):
    path = tmp_path / "phieu.csv"
    invoke("survey", "synth", "--respondents", "20", "--output", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].replace('"', "").split(",")
    cells = lines[3].split(",")
    cells[header.index("C9.18")] = "9"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    store = tmp_path / "kho"
    result = invoke("survey", "import", str(path), "--store", str(store))
    assert result.exit_code == 2
    assert "phieu.csv, dòng 4, cột 'C9.18'" in result.output
    assert not store.exists() or not list(store.glob("*.parquet"))


def test_xlsform_and_questionnaires(tmp_path):
    listing = invoke("survey", "questionnaires")
    assert listing.exit_code == 0 and "sipas-2024" in listing.output
    form = tmp_path / "form.xlsx"
    result = invoke("survey", "xlsform", "--questionnaire", "sipas-2024", "-o", str(form))
    assert result.exit_code == 0 and form.exists()


def test_demo_is_labelled_illustrative_and_shows_tiers(tmp_path, monkeypatch):
    monkeypatch.setenv("CHISO_CACHE", str(tmp_path))
    result = invoke("survey", "demo")
    assert result.exit_code == 0, result.output
    assert "MINH HỌA" in result.output and "Bậc" in result.output
    assert "So với năm trước" in result.output
    out = tmp_path / "demo.json"
    invoke("survey", "demo", "--format", "json", "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["illustrative"] is True
    communes = {r["unit"] for r in data["estimates"]} - {"*"}
    assert len(communes) == 65
    parquet = next(tmp_path.rglob("*2025.parquet"))
    assert pq.read_table(parquet).num_rows == 65 * 120


def test_report_takes_section_two_from_a_survey_dataset(tmp_path):
    from docx import Document as open_docx

    data = tmp_path / "khao-sat.parquet"
    invoke("survey", "synth", "--respondents", "600", "--output", str(data))
    out = tmp_path / "bao-cao.docx"
    result = invoke("report", "-p", "Lạng Sơn", "-y", "2025", "-o", str(out), "--survey", str(data))
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in open_docx(out).paragraphs)
    assert "KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG NĂM 2025" in text
    assert (
        "khao-sat.parquet"
        in "\n".join(c.text for t in open_docx(out).tables for r in t.rows for c in r.cells) + text
    )
