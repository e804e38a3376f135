"""Hostile annex tables through chiso.frameworks.annex (``chiso frameworks import``): hostile cells,
random bytes, truncation, zip bombs, and any decision or name text. Each gives a framework that
reloads from its own YAML, or a ValidationFailed in Vietnamese naming the file.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.frameworks.annex import import_annex
from chiso.frameworks.load import load_text

HEADERS = ["Mã", "Nội dung", "Điểm tối đa", "Nguồn điểm", "Cách chấm", "Các mức", "Cơ quan chủ trì"]
ROWS = [
    ["I", "Công tác chỉ đạo, điều hành", 60, None, None, None, "SNV"],
    ["I.1", "Kế hoạch cải cách hành chính", 20, None, None, None, None],
    ["I.1.1", "Ban hành kế hoạch đúng hạn", 1, "Thẩm định", None, "0; 0,5; 1", None],
    ["I.1.2", "Hoàn thành kế hoạch", 19, "thẩm định", "Đạt/không đạt", None, "VPUBND"],
    ["I.2", "Kiểm tra cải cách hành chính", 40, None, None, None, None],
    ["I.2.1", "Tỷ lệ cơ quan được kiểm tra", 40, None, None, None, None],
    ["II.", "Thủ tục hành chính", 40, None, None, None, "stp"],
    ["II.1", "Mức độ hài lòng", 40, None, None, None, None],
    ["II.1.1", "Người dân hài lòng", 20, "Điều tra người dân", "Tỷ lệ", None, None],
    ["II.1.2", "Kết quả giải quyết hồ sơ", 20, "THẨM ĐỊNH", "thủ công", None, None],
]
GRID = [HEADERS, *ROWS]
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def run(path: Path, **kwargs: Any) -> str:
    def call() -> None:
        framework, text = import_annex(path, year=2026, **kwargs)
        # What the command writes must load again into the same framework.
        again = load_text(text, origin=f"{path.stem}.yaml")
        assert replace(again, path=framework.path) == framework

    return hostile.outcome(call, path.name)


@st.composite
def mutated(draw) -> list[list[Any]]:
    rows = [list(r) for r in GRID]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(HEADERS) - 1))
        rows[i][j] = draw(hostile.cells())
    return rows


@FUZZ
@given(grid=mutated(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_hostile_cells_give_a_framework_or_a_refusal(grid, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / f"phu-luc{suffix}", grid)
        assert run(path) in ("ok", "refused")


@FUZZ
@given(
    decision=hostile.control_text(80) | st.sampled_from(hostile.FORMULAS + hostile.WEIRD_TEXT),
    name=st.none() | hostile.control_text(80) | st.sampled_from(hostile.WEIRD_TEXT),
)
def test_any_decision_and_name_survive_the_yaml_round_trip(decision, name):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / "phu-luc.xlsx", GRID)
        assert run(path, decision=decision, name=name) == "ok"


@FUZZ
@given(content=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_are_refused(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"phu-luc{suffix}"
        path.write_bytes(content)
        assert run(path) == "refused"


@FUZZ
@given(suffix=st.sampled_from([".csv", ".xlsx"]), cut=st.floats(0, 1, exclude_max=True))
def test_a_truncated_annex_gives_a_framework_or_a_refusal(suffix, cut):
    with tempfile.TemporaryDirectory() as folder:
        path = hostile.write_grid(Path(folder) / f"phu-luc{suffix}", GRID)
        content = path.read_bytes()
        path.write_bytes(content[: int(len(content) * cut)])
        assert run(path) in ("ok", "refused")


def test_a_zip_bomb_annex_is_refused(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(hostile.xlsx_bomb())
    assert run(path) == "refused"
