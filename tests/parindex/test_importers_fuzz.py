"""Hostile files through the PAR INDEX importers (results table, score sheet): random bytes, valid
files with cells replaced by hostile values, truncated files. Each is imported or refused with a
ValidationFailed in Vietnamese naming the file, and the row and column of every cell problem.

test_importers_properties.py checks that each *single* known corruption gets its problem code;
these check that *any* damage gets a clean refusal.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.demo import files as demo_files
from chiso.errors import ValidationFailed
from chiso.frameworks import embedded
from chiso.parindex.importers import import_results_table, import_score_sheet

FW = embedded(2025)
TABLE = [list(demo_files.TABLE_HEADER), *map(list, demo_files.table_rows(2025))]
SHEET = [list(demo_files.SHEET_HEADER), *map(list, demo_files.sheet_rows(2025))]
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def results(path: Path) -> Any:
    return import_results_table(path, year=2025, framework=FW)


def score_sheet(path: Path) -> Any:
    return import_score_sheet(path, framework=FW, province="Lạng Sơn")


IMPORTERS = {"results": (results, TABLE), "sheet": (score_sheet, SHEET)}
LINES = {"encoding", "invalid_csv"}  # problems of a CSV line, before any column is known


def run(kind: str, path: Path) -> str:
    """Import ``path``; on refusal, also check every cell problem is located."""
    importer = IMPORTERS[kind][0]

    def call() -> None:
        try:
            importer(path)
        except ValidationFailed as exc:
            for problem in exc.problems:
                if problem.row is not None and problem.row >= 2 and problem.code not in LINES:
                    assert problem.column is not None, str(problem)
            raise

    return hostile.outcome(call, path.name)


@st.composite
def mutated(draw, grid: list[list[Any]]) -> list[list[Any]]:
    """``grid`` with one to four cells (the header's included) replaced by hostile values, and
    perhaps a row dropped or duplicated."""
    rows = [list(r) for r in grid]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(rows[0]) - 1))
        rows[i][j] = draw(hostile.cells())
    action = draw(st.sampled_from(["none", "drop", "duplicate"]))
    if action != "none" and len(rows) > 2:
        i = draw(st.integers(1, len(rows) - 1))
        if action == "drop":
            del rows[i]
        else:
            rows.insert(i, list(rows[i]))
    return rows


@FUZZ
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    data=st.data(),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_a_valid_file_with_hostile_cells_is_imported_or_refused(kind, data, suffix, delimiter):
    grid = data.draw(mutated(IMPORTERS[kind][1]), label="grid")
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / f"du-lieu{suffix}", grid, delimiter=delimiter)
        assert run(kind, path) in ("ok", "refused")


@FUZZ
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    content=st.binary(max_size=2048),
    suffix=st.sampled_from([".csv", ".xlsx", ".xls", ""]),
)
def test_random_bytes_are_refused(kind, content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"du-lieu{suffix}"
        path.write_bytes(content)
        assert run(kind, path) == "refused"


@FUZZ
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    cut=st.floats(0, 1, exclude_max=True),
)
def test_a_truncated_file_is_imported_or_refused(kind, suffix, cut):
    """A CSV cut at a line end may still be a valid (shorter) table: then the missing rows are
    reported (the score sheet) or the shorter table is what was given (the results table)."""
    with tempfile.TemporaryDirectory() as folder:
        whole = hostile.write_grid(Path(folder) / f"du-lieu{suffix}", IMPORTERS[kind][1])
        content = whole.read_bytes()
        whole.write_bytes(content[: int(len(content) * cut)])
        assert run(kind, whole) in ("ok", "refused")


@FUZZ
@given(
    kind=st.sampled_from(sorted(IMPORTERS)),
    encoding=st.sampled_from(hostile.ENCODINGS),
)
def test_a_valid_file_in_another_encoding_is_imported_or_refused(kind, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / "du-lieu.csv", IMPORTERS[kind][1])
        path.write_bytes(hostile.encode(path.read_text(encoding="utf-8-sig"), encoding))
        result = run(kind, path)
    # Latin-1 lacks the Vietnamese letters: encoded with '?', what is left may be plain ASCII.
    if encoding.startswith("utf-8"):
        assert result == "ok"
    elif encoding.startswith("utf-16"):
        assert result == "refused"


def test_a_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bang-diem.xlsx"
    path.write_bytes(hostile.xlsx_bomb())
    assert run("sheet", path) == "refused"


def test_legacy_encoded_names_are_refused_with_the_unicode_spelling(tmp_path):
    grid = [list(r) for r in TABLE]
    grid[1][0] = "L¹ng S¬n"  # "Lạng Sơn" typed with a TCVN3 font
    path = hostile.write_grid(tmp_path / "ket-qua.csv", grid)
    with pytest.raises(ValidationFailed) as info:
        results(path)
    hostile.check_refusal(info.value, path.name)
    [problem] = [p for p in info.value.problems if p.code == "legacy_encoding"]
    assert "Lạng Sơn" in problem.message and problem.row == 2 and problem.column == "province"
