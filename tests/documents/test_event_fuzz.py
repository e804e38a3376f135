"""Hand-edited event YAML (``chiso invite``, the web's conference import) through
chiso.documents.event: badly edited copies of the example invitations, random bytes, other
encodings. Each loads or is refused with a ValidationFailed in Vietnamese naming the file —
never a YAML or Python exception (an impossible date such as 2026-02-31, hours past 23, a time
zone of +25:00, lists nested thousands deep)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.documents.event import load_event, load_event_text
from chiso.errors import ValidationFailed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))}
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_a_badly_edited_event_loads_or_is_refused(name, data):
    text = data.draw(hostile.yaml_edits(TEXTS[name]), label="text")
    result = hostile.outcome(lambda: load_event_text(text, origin=name), name)
    assert result in ("ok", "refused")


@FUZZ
@given(
    content=st.binary(max_size=2048)
    | st.sampled_from(hostile.ENCODINGS).map(
        lambda e: hostile.encode(TEXTS["giay-moi-sipas-par-index-2025.yaml"], e)
    )
)
def test_any_bytes_load_or_are_refused(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "giay-moi.yaml"
        path.write_bytes(content)
        assert hostile.outcome(lambda: load_event(path), path.name) in ("ok", "refused")


@pytest.mark.parametrize(
    "value", ["2026-02-31", "2026-05-29 25:00:00", "2026-05-29T14:00:00+25:00"]
)
def test_an_impossible_date_is_named_with_its_line(value):
    name = "giay-moi-sipas-par-index-2025-da-sua.yaml"
    lines = TEXTS[name].splitlines()
    [index] = [i for i, line in enumerate(lines) if line.startswith("start:")]
    lines[index] = f"start: {value}"
    with pytest.raises(ValidationFailed) as info:
        load_event_text("\n".join(lines), origin=name)
    hostile.check_refusal(info.value, name)
    [problem] = info.value.problems
    assert problem.row == index + 1
    assert "không có thật" in problem.message


@pytest.mark.parametrize("key", ["issuer", "number", "issue_date", "start", "venue", "signature"])
def test_a_required_key_left_empty_is_a_problem(key):
    """Found by the fuzz test: "venue:" with nothing after it passed every check and then
    failed an internal assertion instead of being reported."""
    name = "giay-moi-sipas-par-index-2025-da-sua.yaml"
    lines = TEXTS[name].splitlines()
    [index] = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
    lines[index] = f"{key}:"
    while index + 1 < len(lines) and lines[index + 1].startswith(" "):  # the block under it
        del lines[index + 1]
    with pytest.raises(ValidationFailed) as info:
        load_event_text("\n".join(lines), origin=name)
    hostile.check_refusal(info.value, name)
    assert [(p.row, p.message) for p in info.value.problems] == [
        (index + 1, f"'{key}' đang để trống.")
    ]


def test_control_characters_written_as_yaml_escapes_are_refused():
    """YAML's "\\0" and "\\x07" escapes put characters in a text that no document can print and
    PostgreSQL cannot store (NUL): the line is named instead."""
    name = "giay-moi-sipas-par-index-2025-da-sua.yaml"
    text = TEXTS[name].replace("kind: Hội nghị", 'kind: "Hội\\0 nghị\\x07"', 1)
    with pytest.raises(ValidationFailed) as info:
        load_event_text(text, origin=name)
    hostile.check_refusal(info.value, name)
    [problem] = info.value.problems
    assert "ký tự điều khiển" in problem.message
    assert problem.row == text.splitlines().index('kind: "Hội\\0 nghị\\x07"') + 1
