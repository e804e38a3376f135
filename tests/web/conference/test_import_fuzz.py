"""Hostile files to "Nhập từ tệp giấy mời (YAML)", as the coordinator: badly edited copies of the
example invitation, random bytes, other encodings, impossible dates, deep nesting, a file over the
1 MB limit. The answer is the page with the loader's problems (400) or a redirect — never a 500 —
and a refused file changes nothing: no conference, task, participant or audit row.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, given
from hypothesis import strategies as st

import hostile

pytestmark = pytest.mark.django_db
EXAMPLE = (
    Path(__file__).resolve().parents[3] / "examples" / "giay-moi-sipas-par-index-2025-da-sua.yaml"
).read_text(encoding="utf-8")
WEB = hostile.WEB
CONTENTS = st.one_of(
    hostile.yaml_edits(EXAMPLE).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2048),
    st.sampled_from(hostile.ENCODINGS).map(lambda e: hostile.encode(EXAMPLE, e)),
    st.just(EXAMPLE.encode()),
)


def post(client, campaign, name: str, content: bytes):
    url = f"/tham-luan/{campaign.pk}/hoi-nghi/nhap-yaml/"
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@WEB
@given(
    content=CONTENTS,
    name=st.sampled_from(["giay-moi.yaml", "giay-moi.yml", "giay-moi.txt", "../../x.yaml"]),
    existing=st.booleans(),
)
def test_any_event_file_is_imported_or_changes_nothing(
    client, coordinator, campaign, yaml_bytes, content, name, existing
):
    from chiso.web.conference.models import Conference
    from chiso.web.conference.services import conference_import

    if existing and not Conference.objects.filter(campaign=campaign).exists():
        conference_import(
            acting_user=coordinator, campaign=campaign, data=yaml_bytes(), name="goc.yaml"
        )
    client.force_login(coordinator)
    before = hostile.snapshot()
    response = post(client, campaign, name, content)
    hostile.check_answer(response)
    if response.status_code == 302:
        event("imported")
        return
    assert response.status_code in (200, 400)  # 200: the form's own error (an empty file)
    assert hostile.snapshot() == before
    event("refused")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (EXAMPLE.replace("start: 2026-05-29T14:00:00", "start: 2026-02-31T14:00:00"), "có thật"),
        (EXAMPLE.replace("venue:", "venue:\nx:") + "\n", "Khóa 'x'"),
        ("subject: " + "[" * 100_000, "lồng nhau quá sâu"),
        ("a: 1\n" + "#" * (1024 * 1024), "quá lớn"),
    ],
    ids=["impossible-date", "unknown-key", "deep-nesting", "over-1-mb"],
)
def test_each_bad_file_gets_its_reason(client, coordinator, campaign, content, message):
    client.force_login(coordinator)
    before = hostile.snapshot()
    response = post(client, campaign, "giay-moi.yaml", content.encode())
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert hostile.snapshot() == before
