"""Charts: PNG and SVG from one figure, Vietnamese text and numbers, no global matplotlib state."""

from __future__ import annotations

import dataclasses
import os
import struct
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import pytest
from matplotlib import font_manager

from chiso.documents import charts

PNG_WIDTH_200_DPI = int(16 / 2.54 * 200)  # 16 cm at 200 dpi (matplotlib truncates)


@pytest.fixture(scope="module")
def analysis():
    from chiso.parindex.inputs import analyse_province

    return analyse_province(province="Lạng Sơn", year=2025)


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    """The demo survey's 2025 estimates, generated in a temporary cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHISO_CACHE", str(tmp_path_factory.mktemp("cache")))
        from chiso.demo import sipas as demo
        from chiso.sipas.estimate import estimate
        from chiso.sipas.export import unit_names

        source = demo.dataset(2025)
        questionnaire = demo.questionnaire()
        estimates = estimate(source, questionnaire)
        names = unit_names(source, "unit", questionnaire)
    return estimates, questionnaire, names


@pytest.fixture(scope="module")
def built(analysis, survey):
    """Every chart, built once, with its expected title."""
    estimates, questionnaire, names = survey
    return {
        "field_scores": (charts.field_scores(analysis), "Điểm đạt theo lĩnh vực năm 2025"),
        "lost_by_agency": (
            charts.lost_by_agency(analysis),
            "Điểm mất theo cơ quan chủ trì năm 2025",
        ),
        "trend": (charts.trend(analysis), "Chỉ số CCHC của Lạng Sơn qua các năm"),
        "peers": (charts.peers(analysis), "Chỉ số CCHC năm 2025 của Lạng Sơn so với các tỉnh"),
        "sipas_units": (
            charts.sipas_units(estimates, "SVC", names, top=20, questionnaire=questionnaire),
            "Chỉ số hài lòng về cung ứng dịch vụ hành chính công của UBND cấp xã theo đơn vị",
        ),
        "sipas_elements": (
            charts.sipas_elements(estimates, questionnaire),
            "Mức độ hài lòng theo yếu tố dịch vụ",
        ),
    }


@pytest.fixture(scope="module")
def svgs(built):
    return {name: chart.svg() for name, (chart, _) in built.items()}


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


NAMES = ("field_scores", "lost_by_agency", "trend", "peers", "sipas_units", "sipas_elements")


@pytest.mark.parametrize("name", NAMES)
def test_each_chart_gives_png_and_svg(built, svgs, name):
    chart, title = built[name]
    png = chart.png()
    assert png.startswith(b"\x89PNG")
    width, height = _png_size(png)
    assert width == PNG_WIDTH_200_DPI  # 16 cm: the text width of an A4 page
    assert height <= round(charts.MAX_HEIGHT_CM / 2.54 * 200)
    assert chart.width_cm == pytest.approx(16)
    svg = svgs[name]
    assert svg.startswith("<svg")
    assert title in svg
    assert chart.title == title
    assert unicodedata.is_normalized("NFC", svg)
    assert not chart.illustrative
    assert charts.ILLUSTRATIVE_NOTE not in svg
    assert charts.ILLUSTRATIVE_GID not in svg


def test_lower_dpi_gives_a_smaller_png(built):
    chart, _ = built["trend"]
    assert _png_size(chart.png(dpi=100))[0] == int(16 / 2.54 * 100)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("field_scores", ("12,2/13", "9,34/9,5", "LV8. Tác động của CCHC", "Điểm tối đa")),
        ("lost_by_agency", ("Sở Nội vụ", "5,22", "3,26", "Văn phòng Ủy ban nhân dân tỉnh")),
        ("trend", ("hạng 23/34", "hạng 44/63", "88,12%", "minh họa")),
        ("peers", ("88,12%", "94,04% (+5,92)", "87,47% (−0,65)", "Tỉnh dẫn đầu: Hà Tĩnh")),
        ("sipas_units", ("Toàn tỉnh: 77,14%", "Bậc 1", "1. xã ", "KTC 95%")),
        ("sipas_elements", ("77,14%", "Tiếp cận dịch vụ", "khoảng tin cậy 95%")),
    ],
)
def test_labels_are_vietnamese(svgs, name, expected):
    for text in expected:
        assert text in svgs[name], text


def test_axis_formatter_prints_vietnamese_numbers():
    assert charts.number_formatter()(88.12) == "88,12"
    assert charts.number_formatter(0, "%")(80) == "80%"
    assert charts.number_formatter(1)(1234.5) == "1.234,5"


def test_axis_ticks_use_decimal_commas(built):
    chart, _ = built["sipas_units"]
    ax = chart.figure.axes[0]
    formatter = ax.xaxis.get_major_formatter()
    assert formatter(88.12, 0) == "88%"  # the axis has whole-number ticks
    labels = [formatter(t, 0) for t in ax.get_xticks()]
    assert labels and all(label.endswith("%") and "." not in label for label in labels)
    field_chart, _ = built["field_scores"]
    ticks = field_chart.figure.axes[0].get_xticks()
    assert [field_chart.figure.axes[0].xaxis.get_major_formatter()(t, 0) for t in ticks] == [
        "0",
        "5",
        "10",
        "15",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_illustrative_note_only_when_asked(analysis, survey, name):
    estimates, questionnaire, names = survey
    calls = {
        "field_scores": lambda **kw: charts.field_scores(analysis, **kw),
        "lost_by_agency": lambda **kw: charts.lost_by_agency(analysis, **kw),
        "trend": lambda **kw: charts.trend(analysis, **kw),
        "peers": lambda **kw: charts.peers(analysis, **kw),
        "sipas_units": lambda **kw: charts.sipas_units(estimates, "SVC", names, top=5, **kw),
        "sipas_elements": lambda **kw: charts.sipas_elements(estimates, questionnaire, **kw),
    }
    chart = calls[name](illustrative=True)
    svg = chart.svg()
    assert chart.illustrative
    assert "Số liệu minh họa" in svg
    assert charts.ILLUSTRATIVE_GID in svg


def test_analysis_provenance_drives_the_note(analysis):
    assert analysis.provenance.illustrative  # the embedded demo
    chart = charts.peers(analysis, illustrative=analysis.provenance.illustrative)
    assert "Số liệu minh họa" in chart.svg()


def test_font_is_a_serif_covering_vietnamese():
    family = charts.font_family()
    assert family in charts.PREFERRED_FONTS
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    charmap = font_manager.get_font(path).get_charmap()
    assert all(ord(c) in charmap for c in "Điểm đạt lĩnh vực Ủy ban hạng ượ ữ ỹ")


def test_text_uses_the_chosen_font(built):
    chart, _ = built["field_scores"]
    chart.png(dpi=50)  # ticks exist after a draw
    ax = chart.figure.axes[0]
    texts = [chart.figure.texts, ax.texts, ax.get_yticklabels(), ax.get_xticklabels()]
    for text in (t for group in texts for t in group):
        assert text.get_fontfamily()[0] == charts.font_family()


def test_building_does_not_touch_global_state(analysis, survey):
    estimates, _, names = survey
    # A raw copy: reading rcParams["backend"] or get_backend() could itself import pyplot.
    before = matplotlib.rcParams.copy()
    plt = sys.modules.get("matplotlib.pyplot")
    figures = plt.get_fignums() if plt else None
    for chart in (
        charts.field_scores(analysis, illustrative=True),
        charts.sipas_units(estimates, "SVC", names, top=5),
    ):
        chart.png(dpi=50)
        chart.svg()
    assert dict.__eq__(matplotlib.rcParams, before)
    assert sys.modules.get("matplotlib.pyplot") is plt
    if plt is not None:
        assert plt.get_fignums() == figures


def test_charts_never_import_pyplot(tmp_path):
    code = (
        "import sys\n"
        "from chiso.documents import charts\n"
        "from chiso.parindex.inputs import analyse_province\n"
        "a = analyse_province(province='Lạng Sơn', year=2025)\n"
        "assert charts.trend(a).png(dpi=50).startswith(b'\\x89PNG')\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    env = dict(os.environ, CHISO_CACHE=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr


def test_threads_build_and_render_the_same_charts(analysis):
    expected = charts.field_scores(analysis).png(dpi=60)

    def build(_: int) -> bytes:
        return charts.field_scores(analysis).png(dpi=60)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(build, range(4)))
    assert all(r == expected for r in results)


def test_one_chart_rendered_from_several_threads(built):
    chart, _ = built["trend"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        pngs = list(pool.map(lambda _: chart.png(dpi=60), range(4)))
        svgs = list(pool.map(lambda _: chart.svg(), range(4)))
    assert len(set(pngs)) == 1
    assert all(s.startswith("<svg") for s in svgs)


def test_short_field_names():
    assert charts.short_field_name("Cải cách thủ tục hành chính") == "Cải cách TTHC"
    assert charts.short_field_name("Cải cách chế độ công vụ") == "Cải cách chế độ công vụ"
    # NFD input and an unknown name: abbreviated where a known phrase occurs
    name = unicodedata.normalize("NFD", "Tuyên truyền cải cách hành chính")
    assert charts.short_field_name(name) == "Tuyên truyền CCHC"


def test_lost_by_agency_sums_the_rest(analysis):
    chart = charts.lost_by_agency(analysis, top=3)
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert len(labels) == 4
    assert labels[-1] == "Các cơ quan khác (4 cơ quan)"
    assert "1,73" in chart.svg()  # 0,91 + 0,71 + 0,10 + 0,01


def test_sipas_units_top_keeps_highlighted_units(survey):
    estimates, _, names = survey
    from chiso.sipas.reading import tiers

    ranked = tiers(estimates, "SVC")
    last = ranked[-1].estimate.unit
    chart = charts.sipas_units(estimates, "SVC", names, highlight={last}, top=5)
    labels = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert len(labels) == 6
    assert labels[-1] == f"{len(ranked)}. {names[last]}"
    assert chart.figure.axes[0].get_yticklabels()[-1].get_fontweight() == "bold"


def test_names_with_dollar_signs_are_not_mathtext(survey):
    estimates, _, names = survey
    odd = {unit: f"Đơn vị $x$ {name}" for unit, name in names.items()}
    chart = charts.sipas_units(estimates, "SVC", odd, top=3)
    assert chart.png(dpi=50).startswith(b"\x89PNG")
    assert "$x$" in chart.svg()


def test_empty_inputs_still_draw(analysis, survey):
    estimates, questionnaire, names = survey
    bare = dataclasses.replace(analysis, agencies=(), trend=(), peers=())
    for chart in (
        charts.lost_by_agency(bare),
        charts.trend(bare),
        charts.peers(bare),
        charts.sipas_units(estimates, "NOT.AN.INDICATOR", names),
        charts.sipas_elements(estimates, questionnaire, unit="no such unit"),
    ):
        assert chart.png(dpi=50).startswith(b"\x89PNG")
