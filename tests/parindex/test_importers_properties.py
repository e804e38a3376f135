"""Property tests for chiso.parindex.importers: any valid sheet round-trips, any single
corruption is refused with the right problem code, and every province name variant resolves."""

from __future__ import annotations

import csv
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from chiso import units
from chiso.errors import ValidationFailed
from chiso.frameworks import embedded
from chiso.parindex.importers import import_results_table, import_score_sheet

FW = embedded(2025)
LEAVES = FW.leaves()
HEADER = ["code", "achieved", "self_assessed", "note"]

SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def hundredths(leaf) -> st.SearchStrategy[int]:
    """A valid score for ``leaf`` in hundredths of a point, respecting its rule."""
    top = round(leaf.max_points * 100)
    rule = leaf.rule.kind if leaf.rule else "proportional"
    if rule == "binary":
        return st.sampled_from([0, top])
    if rule == "steps":
        return st.sampled_from([round(s * 100) for s in leaf.rule.steps])
    return st.integers(0, top)


def text(cents: int, sep: str) -> str:
    """Two decimals with '.' or ','; a Vietnamese sheet may mix both."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}{sep}{frac:02d}"


@st.composite
def valid_sheets(draw) -> tuple[list[list[Any]], dict[str, int]]:
    """A valid sheet as (rows without header, code → achieved in hundredths)."""
    values = {leaf.code: draw(hundredths(leaf)) for leaf in LEAVES}
    rows = []
    for leaf in LEAVES:
        sep = draw(st.sampled_from(".,"))
        code = draw(st.sampled_from([leaf.code, leaf.code.lower(), leaf.code + "."]))
        self_assessed = draw(st.one_of(st.just(""), st.just(text(values[leaf.code], sep))))
        rows.append([code, text(values[leaf.code], sep), self_assessed, ""])
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order], values


def write_sheet(folder: Path, rows: list[list[Any]], fmt: str) -> Path:
    if fmt == "xlsx":
        path = folder / "bang-diem.xlsx"
        wb = Workbook()
        for row in [HEADER, *rows]:
            wb.active.append(row)
        wb.save(path)
        return path
    path = folder / "bang-diem.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=fmt).writerows([HEADER, *rows])
    return path


FORMATS = st.sampled_from([",", ";", "\t", "xlsx"])


@settings(max_examples=50, **SETTINGS)
@given(sheet=valid_sheets(), fmt=FORMATS, numeric=st.booleans())
def test_valid_sheets_round_trip(sheet, fmt, numeric):
    rows, values = sheet
    if fmt == "xlsx" and numeric:  # real number cells rather than text
        rows = [[r[0], values[r[0].upper().rstrip(".")] / 100, *r[2:]] for r in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = write_sheet(Path(folder), rows, fmt)
        imported = import_score_sheet(path, framework=FW, province="Lạng Sơn")
    assert set(imported.lines) == set(values)
    for code, cents in values.items():
        assert abs(imported.lines[code].achieved - cents / 100) <= 1e-9


CORRUPTIONS = {
    "above_max": "above_max",
    "negative": "invalid",
    "unknown_code": "unknown_code",
    "duplicate": "duplicate",
    "delete": "missing_nodes",
    "text": "not_a_number",
}
NOT_NUMBERS = st.text(alphabet="abcxyzđơưạ", min_size=1, max_size=8) | st.sampled_from(
    ["n/a", "1,2,3", "1.2,3.4", "—", "?", "12a", "0,5đ"]
)


def unknown_codes() -> st.SearchStrategy[str]:
    made = st.builds(
        lambda f, c, s: f"LV{f}.{c}.{s}", st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)
    )
    return (made | st.sampled_from(["LV", "LV1.1.1.1", "X1", "TC1"])).filter(
        lambda c: c.upper().rstrip(".") not in FW.nodes
    )


@settings(max_examples=90, **SETTINGS)
@given(
    sheet=valid_sheets(),
    fmt=st.sampled_from([",", ";"]),
    kind=st.sampled_from(sorted(CORRUPTIONS)),
    data=st.data(),
)
def test_one_corruption_is_refused(sheet, fmt, kind, data):
    rows, _ = sheet
    rows = [list(r) for r in rows]
    i = data.draw(st.integers(0, len(rows) - 1), label="row")
    code = rows[i][0].upper().rstrip(".")
    top = round(FW.nodes[code].max_points * 100)
    if kind == "above_max":
        rows[i][1] = text(top + data.draw(st.integers(1, 500)), data.draw(st.sampled_from(".,")))
    elif kind == "negative":
        rows[i][1] = text(-data.draw(st.integers(1, 500)), data.draw(st.sampled_from(".,")))
    elif kind == "unknown_code":
        rows[i][0] = data.draw(unknown_codes(), label="code")
    elif kind == "duplicate":
        rows.insert(data.draw(st.integers(0, len(rows))), list(rows[i]))
    elif kind == "delete":
        del rows[i]
    else:
        rows[i][1] = data.draw(NOT_NUMBERS, label="text")
    with tempfile.TemporaryDirectory() as folder:
        path = write_sheet(Path(folder), rows, fmt)
        try:
            import_score_sheet(path, framework=FW, province="Lạng Sơn")
        except ValidationFailed as exc:
            problems = exc.problems
        else:
            raise AssertionError(f"{kind} accepted")
    expected = CORRUPTIONS[kind]
    assert any(p.code == expected for p in problems), [str(p) for p in problems]
    if kind == "negative":
        assert any("âm" in p.message for p in problems if p.code == expected)
    for p in problems:
        assert p.file == path.name
        if p.code != "missing_nodes":
            assert p.row is not None and p.row >= 2
            assert p.column in HEADER


# --- province names ------------------------------------------------------------------------------

PREFIXES = ("", "tỉnh ", "Tỉnh ", "thành phố ", "Thành phố ", "TP. ", "TP.", "tp ")
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])


@st.composite
def spelling(draw, name: str) -> str:
    written = draw(st.sampled_from(PREFIXES)) + draw(
        st.sampled_from([name, name.lower(), name.upper()])
    )
    if " - " in written and draw(st.booleans()):
        written = written.replace(" - ", "-")
    written = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), written)
    return draw(SPACES) + written + draw(SPACES)


@settings(max_examples=150, **SETTINGS)
@given(year=st.sampled_from([2024, 2025]), data=st.data())
def test_find_province_forgives_prefix_form_and_spaces(year, data):
    province = data.draw(st.sampled_from(units.provinces(year)), label="province")
    written = data.draw(spelling(province.name), label="written")
    assert units.find_province(written, year) == province


@settings(max_examples=12, **SETTINGS)
@given(year=st.sampled_from([2024, 2025]), fmt=st.sampled_from(["csv", "xlsx"]), data=st.data())
def test_table_importer_resolves_every_province(year, fmt, data):
    provinces = list(units.provinces(year))
    order = data.draw(st.permutations(provinces), label="order")
    grid: list[list[Any]] = [["province", "index_percent", "rank"]]
    for rank, province in enumerate(order, start=1):
        name = data.draw(spelling(province.name), label=province.name)
        grid.append([name, round(99.0 - rank * 0.25, 2), rank])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ket-qua.{fmt}"
        if fmt == "xlsx":
            wb = Workbook()
            for row in grid:
                wb.active.append(row)
            wb.save(path)
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(grid)
        table = import_results_table(path, year=year, framework=embedded(year))
    assert [r.province for r in table.rows] == [p.name for p in order]
    assert [r.rank for r in table.rows] == list(range(1, len(order) + 1))
