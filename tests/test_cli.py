"""The command line as a user meets it: Vietnamese output, clean errors, exit codes."""

import csv
import json

import pytest
from typer.testing import CliRunner

from chiso.cli import app
from chiso.demo import parindex as demo

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_analyze_table_prints_a_vietnamese_summary():
    result = invoke("analyze", "--province", "Lạng Sơn", "--year", "2025")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "TỈNH LẠNG SƠN NĂM 2025" in out
    assert "88,12%" in out  # Vietnamese decimal comma
    assert "MINH HỌA" in out  # illustrative data says so
    assert "Điểm mất theo cơ quan chủ trì" in out


def test_analyze_json_contract():
    result = invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "province",
        "year",
        "framework",
        "provenance",
        "total",
        "rank",
        "group",
        "nodes",
        "below_max",
    ):
        assert key in data
    assert set(data["total"]) == {"achieved", "max", "percent"}
    node_keys = {
        "code",
        "level",
        "parent",
        "name",
        "max",
        "achieved",
        "lost",
        "lead_agency",
        "official",
    }
    assert all(node_keys <= set(n) for n in data["nodes"] + data["below_max"])
    assert data["illustrative"] is True
    nodes = {n["code"]: n for n in data["nodes"]}
    for node in data["nodes"]:
        assert node["lost"] == pytest.approx(node["max"] - node["achieved"])
        children = [c for c in data["nodes"] if c["parent"] == node["code"]]
        if children:
            assert node["achieved"] == pytest.approx(sum(c["achieved"] for c in children))
    roots = [n for n in nodes.values() if n["parent"] is None]
    assert data["total"]["achieved"] == pytest.approx(sum(r["achieved"] for r in roots))
    lost = [n["lost"] for n in data["below_max"]]
    assert lost == sorted(lost, reverse=True)
    assert "what_if" not in data


def test_what_if_moves_total_rank_and_group_consistently():
    base = json.loads(invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json").stdout)
    codes = [n["code"] for n in base["below_max"][:2]]
    result = invoke(
        "analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json", "--what-if", ",".join(codes)
    )
    data = json.loads(result.stdout)
    gained = sum(n["lost"] for n in base["below_max"][:2])
    new_percent = round(base["total"]["percent"] + gained, 2)
    assert data["what_if"]["total"]["percent"] == pytest.approx(new_percent)
    others = [r.index_percent for r in demo.table(2025).rows if r.province != "Lạng Sơn"]
    assert data["what_if"]["rank"] == 1 + sum(v > new_percent for v in others)
    assert data["what_if"]["group"] == ("A" if new_percent >= 90 else "B")


def test_what_if_accepts_a_decimal_comma():
    base = json.loads(invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json").stdout)
    code = base["below_max"][0]["code"]
    data = json.loads(
        invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json", "-w", f"{code}=0,1").stdout
    )
    assert data["what_if"]["gained"] == pytest.approx(0.1)


def test_csv_and_xlsx_outputs(tmp_path):
    csv_path = tmp_path / "a.csv"
    result = invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "csv", "-o", str(csv_path))
    assert result.exit_code == 0
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Mã,Cấp,Mã cấp trên,Tên,Điểm tối đa")
    xlsx_path = tmp_path / "a.xlsx"
    assert (
        invoke(
            "analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "xlsx", "-o", str(xlsx_path)
        ).exit_code
        == 0
    )
    from openpyxl import load_workbook

    wb = load_workbook(xlsx_path)
    assert wb.sheetnames == [
        "Tổng quan",
        "Chi tiết",
        "Chưa đạt tối đa",
        "Theo cơ quan",
        "So sánh",
        "Nguồn",
    ]


def test_xlsx_needs_an_output_file():
    result = invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "xlsx")
    assert result.exit_code == 1
    assert "--output" in result.output


def test_user_files_are_analysed(tmp_path):
    assert invoke("demo", "export", str(tmp_path)).exit_code == 0
    result = invoke(
        "analyze",
        "-p",
        "tỉnh Lạng Sơn",
        "-y",
        "2024",
        "--results",
        str(tmp_path / "ket-qua-cac-tinh-2024.xlsx"),
        "--sheet",
        str(tmp_path / "bang-diem-lang-son-2024.csv"),
        "--previous-sheet",
        str(tmp_path / "bang-diem-lang-son-2023.csv"),
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"]["percent"] == demo.TARGETS[2024]
    assert data["rank"] == demo.table(2024).get("Lạng Sơn").rank and data["of"] == 63
    assert data["provenance"]["sheet"].endswith("bang-diem-lang-son-2024.csv")
    assert data["previous_year"] == 2023


def test_history_files_draw_the_trend(tmp_path):
    assert invoke("demo", "export", str(tmp_path)).exit_code == 0
    args = ["analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json"]
    args += ["--results", str(tmp_path / "ket-qua-cac-tinh-2025.csv")]
    args += ["--sheet", str(tmp_path / "bang-diem-lang-son-2025.csv")]
    result = invoke(*args, "--history", f"2024={tmp_path / 'ket-qua-cac-tinh-2024.xlsx'}")
    assert result.exit_code == 0, result.output
    trend = json.loads(result.stdout)["trend"]
    assert [(p["year"], p["rank"]) for p in trend] == [
        (2024, demo.table(2024).get("Lạng Sơn").rank),
        (2025, 23),
    ]


@pytest.mark.parametrize(
    "specs, message",
    [
        (["2024"], "cần dạng NĂM=TỆP"),
        (["năm=ket-qua.csv"], "cần dạng NĂM=TỆP"),
        (["2024="], "cần dạng NĂM=TỆP"),
        (["2024=a.csv", "2024=b.csv"], "năm 2024 được nêu hai lần"),
    ],
)
def test_a_malformed_history_option_says_what_is_wrong(specs, message):
    history = [arg for spec in specs for arg in ("--history", spec)]
    result = invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", *history)
    assert result.exit_code != 0
    assert message in result.output


def test_malformed_sheet_exits_2_names_the_place_and_writes_nothing(tmp_path):
    invoke("demo", "export", str(tmp_path))
    sheet = tmp_path / "bang-diem-lang-son-2025.csv"
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    achieved = header.index("achieved")
    rows[1][achieved] = str(float(rows[1][header.index("max_points")]) + 1)  # above max
    rows[2][achieved] = "nhiều"  # text in a number cell
    rows.append(rows[3])  # duplicate
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.json"
    out.write_text("previous", encoding="utf-8")
    result = invoke(
        "analyze",
        "-p",
        "Lạng Sơn",
        "-y",
        "2025",
        "--results",
        str(tmp_path / "ket-qua-cac-tinh-2025.csv"),
        "--sheet",
        str(sheet),
        "-f",
        "json",
        "-o",
        str(out),
    )
    assert result.exit_code == 2
    text = result.output
    assert "bang-diem-lang-son-2025.csv, dòng 2, cột 'achieved'" in text
    assert "vượt điểm tối đa" in text
    assert "dòng 3, cột 'achieved': 'nhiều' không phải là số" in text
    assert f"dòng {len(rows)}, cột 'code'" in text and "xuất hiện hai lần" in text
    assert "Traceback" not in text
    assert out.read_text(encoding="utf-8") == "previous"


def test_unknown_province_suggests_the_right_one():
    result = invoke("analyze", "-p", "Lang Son", "-y", "2025")
    assert result.exit_code == 1
    assert "Lạng Sơn" in result.output


def test_frameworks_commands(tmp_path):
    listing = invoke("frameworks", "list")
    assert listing.exit_code == 0 and "876/QĐ-BNV" in listing.output
    shown = invoke("frameworks", "show", "2025", "--depth", "1")
    assert (
        shown.exit_code == 0 and "LV8" in shown.output and "87 tiêu chí thành phần" in shown.output
    )
    from chiso.frameworks.load import embedded_paths

    ok = invoke("frameworks", "validate", *map(str, embedded_paths()))
    assert ok.exit_code == 0 and ok.output.count("✓") == 3
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        embedded_paths()[0]
        .read_text(encoding="utf-8")
        .replace("max_points: 9.5", "max_points: 9.75", 1),
        encoding="utf-8",
    )
    failed = invoke("frameworks", "validate", str(bad))
    assert failed.exit_code == 2
    assert "bad.yaml, dòng" in failed.output and "khác tổng các nút con" in failed.output


def test_units_commands():
    provinces = invoke("units", "provinces", "--year", "2025")
    assert provinces.exit_code == 0 and "tỉnh Lạng Sơn" in provinces.output
    agencies = invoke("units", "agencies", "--communes")
    assert "Sở Nội vụ" in agencies.output and "xã" in agencies.output


def test_every_command_has_vietnamese_help():
    for args in (
        ["--help"],
        ["analyze", "--help"],
        ["frameworks", "import", "--help"],
        ["demo", "export", "--help"],
    ):
        result = invoke(*args)
        assert result.exit_code == 0
        assert any(word in result.output for word in ("Phân tích", "phân tích", "Nhập", "Ghi"))


def test_places_sets_how_far_to_climb():
    data = json.loads(
        invoke("analyze", "-p", "Lạng Sơn", "-y", "2025", "-f", "json", "--places", "8").stdout
    )
    assert [c["places"] for c in data["climbs"]] == list(range(1, 9))
    needed = [c["points_needed"] for c in data["climbs"]]
    assert needed == sorted(needed)
