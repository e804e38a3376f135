"""Hand-edited questionnaire YAML (``--questionnaire path.yaml``) through chiso.sipas.questionnaire:
badly edited copies of the shipped questionnaires and random bytes load or are refused with a
ValidationFailed in Vietnamese naming the file — never a YAML or Python exception."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from chiso.sipas.questionnaire import embedded_names, load, load_text

TEXTS = {
    f"{name}.yaml": (resources.files("chiso.sipas.data") / f"{name}.yaml").read_text("utf-8")
    for name in embedded_names()
}
FUZZ = settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@FUZZ
@given(name=st.sampled_from(sorted(TEXTS)), data=st.data())
def test_a_badly_edited_questionnaire_loads_or_is_refused(name, data):
    text = data.draw(hostile.yaml_edits(TEXTS[name]), label="text")
    result = hostile.outcome(lambda: load_text(text, origin=f"x/{name}"), name)
    assert result in ("ok", "refused")


@FUZZ
@given(content=st.binary(max_size=2048))
def test_any_bytes_load_or_are_refused(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bang-hoi.yaml"
        path.write_bytes(content)
        assert hostile.outcome(lambda: load(path), path.name) in ("ok", "refused")
