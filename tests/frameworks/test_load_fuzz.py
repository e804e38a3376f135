"""Hand-edited framework YAML through chiso.frameworks.load: badly edited copies of the shipped
frameworks, random bytes, other encodings. Each loads or is refused with a ValidationFailed in
Vietnamese naming the file (and the line, where the problem has one) — never a YAML or Python
exception (an impossible date, a 5 000-digit number, lists nested thousands deep)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.errors import ValidationFailed
from chiso.frameworks.load import embedded_paths, load, load_text

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in embedded_paths()}
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@settings(FUZZ, max_examples=20)  # an 800-line file: each example parses it twice
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_a_badly_edited_framework_loads_or_is_refused(name, data):
    text = data.draw(hostile.yaml_edits(TEXTS[name]), label="text")
    assert hostile.outcome(lambda: load_text(text, origin=f"x/{name}"), name) in (
        "ok",
        "refused",
    )


@FUZZ
@given(
    content=st.binary(max_size=2048)
    | st.sampled_from(hostile.ENCODINGS).map(lambda e: hostile.encode(TEXTS["2025.yaml"], e))
)
def test_any_bytes_load_or_are_refused(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "khung.yaml"
        path.write_bytes(content)
        assert hostile.outcome(lambda: load(path), path.name) in ("ok", "refused")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-31", "Ngày giờ '2026-02-31' không có thật"),
        ("9" * 5000, "Số '9999"),
        ("[" * 3000 + "]" * 3000, "lồng nhau quá sâu"),
    ],
)
def test_values_python_cannot_build_are_named_with_their_line(value, expected):
    """Found by the fuzz test above: PyYAML let ValueError and RecursionError through."""
    text = TEXTS["2025.yaml"].replace("year: 2025", f"year: {value}", 1)
    with pytest.raises(ValidationFailed) as info:
        load_text(text, origin="2025.yaml")
    hostile.check_refusal(info.value, "2025.yaml")
    [problem] = info.value.problems
    assert expected in problem.message
    if "sâu" not in expected:
        assert problem.row == text.splitlines().index(f"year: {value}") + 1
