import pytest

from chiso.demo import parindex as demo
from chiso.errors import ChisoError, NotFound
from chiso.parindex.inputs import analyse_province
from chiso.parindex.whatif import Recovery


@pytest.fixture(scope="module")
def analysis():
    return analyse_province(province="Lạng Sơn", year=2025)


def test_headline_figures(analysis):
    assert analysis.province == "Lạng Sơn"
    assert analysis.percent == demo.TARGETS[2025]
    assert analysis.max == 100
    assert analysis.rank == demo.table(2025).get("Lạng Sơn").rank
    assert analysis.of == 34
    assert analysis.group == "B"
    assert analysis.provenance.illustrative
    assert analysis.warnings == ()


def test_previous_year_change_goes_through_the_crosswalk(analysis):
    assert analysis.previous_year == 2024
    last = {code: line.achieved for code, line in demo.sheet(2024).lines.items()}
    # Same code, same meaning: a plain difference.
    lv1 = analysis.changes["LV1.1.1"]
    assert lv1.change == pytest.approx(analysis.node("LV1.1.1").achieved - last["LV1.1.1"])
    # LV3.4.2 of 2025 merges LV3.4.2 and LV3.4.3 of 2024 (see crosswalk_2024_2025.yaml).
    merged = analysis.changes["LV3.4.2"]
    assert merged.previous_achieved == pytest.approx(last["LV3.4.2"] + last["LV3.4.3"])
    # A sub-criterion new in 2025 has nothing to compare with.
    assert "LV4.3.3" not in analysis.changes
    # Fields exist every year.
    assert {f.code for f in analysis.fields} <= set(analysis.changes)


def test_trend_covers_three_years(analysis):
    assert [t.year for t in analysis.trend] == [2023, 2024, 2025]
    assert [t.of for t in analysis.trend] == [63, 63, 34]
    assert [t.percent for t in analysis.trend] == [demo.TARGETS[y] for y in demo.YEARS]


def test_what_if_is_carried(analysis):
    top = analysis.below_max[0]
    result = analyse_province(province="Lạng Sơn", year=2025, what_if=(Recovery(top.code),))
    assert result.what_if is not None
    assert result.what_if.percent == pytest.approx(analysis.percent + top.lost)


def test_demo_only_has_lang_son_and_its_years():
    with pytest.raises(NotFound, match="chỉ có Lạng Sơn"):
        analyse_province(province="Hà Nội", year=2025)
    with pytest.raises(NotFound, match="không có năm 2022"):
        analyse_province(province="Lạng Sơn", year=2022)


def test_results_without_sheet_is_refused(tmp_path):
    with pytest.raises(ChisoError, match="--sheet"):
        analyse_province(province="Lạng Sơn", year=2025, results=tmp_path / "x.csv")


def test_sheet_total_disagreeing_with_table_is_warned(tmp_path):
    from chiso.demo.files import export_demo

    export_demo(tmp_path)
    table = tmp_path / "ket-qua-cac-tinh-2025.csv"
    text = table.read_text(encoding="utf-8-sig")
    own = f"{demo.TARGETS[2025]}"
    assert own in text
    # Keep the rank consistent but change Lạng Sơn's value by a hundredth.
    table.write_text(text.replace(own, f"{demo.TARGETS[2025] + 0.001:.3f}"), encoding="utf-8")
    result = analyse_province(
        province="Lạng Sơn",
        year=2025,
        results=table,
        sheet=tmp_path / "bang-diem-lang-son-2025.csv",
    )
    assert result.warnings == ()  # within the published precision
    table.write_text(text.replace(own, "88.30"), encoding="utf-8")
    with pytest.raises(ChisoError):  # the rank no longer matches the values
        analyse_province(
            province="Lạng Sơn",
            year=2025,
            results=table,
            sheet=tmp_path / "bang-diem-lang-son-2025.csv",
        )
