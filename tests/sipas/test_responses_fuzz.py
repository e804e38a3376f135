"""Hostile survey files through chiso.sipas.responses: the wide layout and KoboToolbox exports,
random bytes, hostile cells, truncation, other encodings. Each is stored whole or refused with a
ValidationFailed in Vietnamese naming the file; a refused file leaves the store empty.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.errors import ValidationFailed
from chiso.sipas.questionnaire import embedded
from chiso.sipas.responses import import_responses

Q = embedded("tinh-xa-2025")
FUZZ = settings(
    max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
UNITS = ["05977", "phường Đông Kinh", "Xã Đoàn Kết"]


def wide(n: int = 9) -> list[list[Any]]:
    header = ["respondent_id", "unit", "stratum", "psu", "weight", *Q.answer_columns]
    rows = []
    for i in range(n):
        answers = [1 + (i + k) % 5 for k in range(len(Q.items))]
        profile = [next(iter(p.choices)) for p in Q.profile]
        rows.append([f"P{i}", UNITS[i % 3], "A", f"T{i % 4}", "1,5", *answers, *profile])
    return [header, *rows]


def kobo(n: int = 9) -> list[list[Any]]:
    """What KoboToolbox exports: group paths before names, its own ids, times and free text."""
    header, *rows = wide(n)
    renamed = [
        {"respondent_id": "_uuid", "unit": "g_info/unit", "psu": "g_info/psu"}.get(h, f"g1/{h}")
        for h in header
        if h not in ("stratum", "weight")
    ]
    out = [["start", "end", *renamed, "_id", "_submission_time", "g9/y_kien_khac"]]
    for i, row in enumerate(rows):
        kept = [v for h, v in zip(header, row, strict=True) if h not in ("stratum", "weight")]
        out.append(["2026-05-01T08:00", "2026-05-01T08:09", *kept, 1000 + i, "2026-05-01", "+cmd"])
    return out


LAYOUTS = {"wide": wide(), "kobo": kobo()}


def store_and_check(path: Path, store: Path) -> str:
    """Import; a success stores one Parquet file with every row, a refusal stores nothing."""
    result = hostile.outcome(
        lambda: import_responses(path, questionnaire=Q, store=store), path.name
    )
    stored = sorted(store.glob("*")) if store.exists() else []
    if result == "refused":
        assert stored == [], stored
    else:
        [parquet] = [p for p in stored if p.suffix == ".parquet"]
        assert pq.read_metadata(parquet).num_rows >= 1
    return result


@st.composite
def mutated(draw, grid: list[list[Any]]) -> list[list[Any]]:
    rows = [list(r) for r in grid]
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(rows[0]) - 1))
        rows[i][j] = draw(hostile.cells())
    return rows


@FUZZ
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    data=st.data(),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_hostile_cells_are_stored_whole_or_refused_storing_nothing(layout, data, suffix):
    grid = data.draw(mutated(LAYOUTS[layout]), label="grid")
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / f"phieu{suffix}", grid)
        assert store_and_check(path, Path(folder) / "kho") in ("ok", "refused")


@FUZZ
@given(content=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_are_refused_storing_nothing(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"phieu{suffix}"
        path.write_bytes(content)
        assert store_and_check(path, Path(folder) / "kho") == "refused"


@FUZZ
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    cut=st.floats(0, 1, exclude_max=True),
)
def test_a_truncated_export_is_stored_whole_or_refused(layout, suffix, cut):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / f"phieu{suffix}", LAYOUTS[layout])
        content = path.read_bytes()
        path.write_bytes(content[: int(len(content) * cut)])
        assert store_and_check(path, Path(folder) / "kho") in ("ok", "refused")


@FUZZ
@given(layout=st.sampled_from(sorted(LAYOUTS)), encoding=st.sampled_from(hostile.ENCODINGS))
def test_an_export_in_another_encoding_is_stored_or_refused(layout, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / "phieu.csv", LAYOUTS[layout])
        path.write_bytes(hostile.encode(path.read_text(encoding="utf-8-sig"), encoding))
        result = store_and_check(path, Path(folder) / "kho")
    if encoding.startswith("utf-8"):
        assert result == "ok"
    elif encoding.startswith("utf-16"):
        assert result == "refused"


def test_both_layouts_import_as_they_are(tmp_path):
    for layout, grid in LAYOUTS.items():
        path = hostile.write_grid(tmp_path / f"{layout}.csv", grid)
        assert store_and_check(path, tmp_path / f"kho-{layout}") == "ok"


def test_a_zip_bomb_is_refused_storing_nothing(tmp_path):
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(hostile.xlsx_bomb())
    assert store_and_check(path, tmp_path / "kho") == "refused"


def test_excel_booleans_are_neither_answers_nor_weights(tmp_path):
    """Found by the fuzz test: TRUE in an answer cell was stored as the answer 1, and as the
    weight 1 in the weight column (True == 1 in Python)."""
    grid = LAYOUTS["wide"]
    grid = [grid[0], [*grid[1][:4], True, True, *grid[1][6:]], *grid[2:]]
    path = hostile.write_grid(tmp_path / "phieu.xlsx", grid)
    with pytest.raises(ValidationFailed) as info:
        import_responses(path, questionnaire=Q, store=tmp_path / "kho")
    hostile.check_refusal(info.value, path.name)
    located = {(p.row, p.column, p.code) for p in info.value.problems}
    assert located == {(2, "weight", "not_a_number"), (2, Q.answer_columns[0], "out_of_scale")}
    assert not (tmp_path / "kho").exists()
