"""Hostile uploads to the import page (``/du-lieu/nhap/``), as the Sở Nội vụ's coordinator: random
bytes, damaged and re-encoded demo files, zip bombs, a sheet declaring the whole grid, wrong kinds,
names and years. The answer is a page with the problems in Vietnamese or a redirect — never a
500 — and a refused upload writes no row, no audit entry and no file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, given, settings
from hypothesis import strategies as st

import hostile
from chiso.demo import files as demo
from chiso.tabular import MAX_BYTES

pytestmark = pytest.mark.django_db
URL = "/du-lieu/nhap/"
WEB = settings(hostile.WEB, max_examples=25)
DEMO = (
    "ket-qua-cac-tinh-2025.csv",
    "ket-qua-cac-tinh-2025.xlsx",
    "bang-diem-lang-son-2025.csv",
    "bang-diem-lang-son-2025.xlsx",
)
KINDS = st.sampled_from(["results", "sheet"]) | st.sampled_from(["responses", "", "x", "../sheet"])
YEARS = st.just("2025") | st.sampled_from(["2024", "1999", "2101", "", "abc", "2025.5", "9" * 30])
GRIDS = {
    "ket-qua-cac-tinh-2025": [list(demo.TABLE_HEADER), *map(list, demo.table_rows(2025))],
    "bang-diem-lang-son-2025": [list(demo.SHEET_HEADER), *map(list, demo.sheet_rows(2025))],
}


@st.composite
def hostile_demo(draw, name: str) -> bytes:
    """The demo file ``name`` with one to three cells replaced by hostile values."""
    stem, suffix = name.rsplit(".", 1)
    grid = [list(row) for row in GRIDS[stem]]
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(0, len(grid) - 1))
        grid[row][draw(st.integers(0, len(grid[0]) - 1))] = draw(hostile.cells())
    if suffix == "xlsx":
        return hostile.xlsx_bytes(grid)
    with tempfile.TemporaryDirectory() as folder:
        return hostile.write_grid(Path(folder) / name, grid).read_bytes()


QUESTIONNAIRES = st.sampled_from(
    ["", "tinh-xa-2025", "sipas-2024", "../../etc/passwd", "/etc/passwd", "khong-co.yaml"]
)


def post(client, *, kind, year, questionnaire, name, content, htmx=False):
    data = {"kind": kind, "year": year, "questionnaire": questionnaire}
    if name is not None:
        data["file"] = SimpleUploadedFile(name, content)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(URL, data, headers=headers)


def check(client, data_dir, **request) -> None:
    before = hostile.snapshot(data_dir)
    response = post(client, **request)
    hostile.check_answer(response)
    after = hostile.snapshot(data_dir)
    new_rows = after[0]["datasets.Dataset"] - before[0]["datasets.Dataset"]
    event(f"HTTP {response.status_code}, {'imported' if new_rows else 'refused'}")
    if new_rows == 0:
        assert after == before, "a refused upload left a row, an audit entry or a file"
    else:
        assert new_rows == 1
        assert response.status_code == 302 or response.get("HX-Redirect") == "/du-lieu/"
        assert len(after[1]) > len(before[1])  # the stored file (a survey's Parquet and manifest)


@WEB
@given(
    demo=st.sampled_from(DEMO),
    form=st.booleans(),
    kind=KINDS,
    year=YEARS,
    questionnaire=QUESTIONNAIRES,
    name=st.sampled_from(hostile.FILE_NAMES) | st.none(),
    htmx=st.booleans(),
    data=st.data(),
)
def test_any_upload_is_imported_or_refused_leaving_nothing(
    client,
    coordinator,
    demo_files,
    data_dir,
    demo,
    form,
    kind,
    year,
    questionnaire,
    name,
    htmx,
    data,
):
    """Half the examples fill the form right for the demo file chosen (so the content reaches
    the core importer), the other half fill it anyhow."""
    client.force_login(coordinator)
    if form:
        kind = "results" if demo.startswith("ket-qua") else "sheet"
        year, questionnaire, name = "2025", "", demo
    sample = (demo_files / demo).read_bytes()
    content = data.draw(hostile.upload_contents(sample) | hostile_demo(demo), label="content")
    check(
        client,
        data_dir,
        kind=kind,
        year=year,
        questionnaire=questionnaire,
        name=name,
        content=content,
        htmx=htmx,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bang-diem.xlsx", hostile.xlsx_bomb(), "nội dung nén bất thường"),
        ("bang-diem.xlsx", hostile.zip_not_office(), "không phải .xlsx"),
        ("bang-diem.csv", "code,achieved\nLV1.1.1,1\n".encode("utf-16"), "UTF-16"),
        ("bang-diem.csv", b"", "rỗng"),
        ("bang-diem.csv", b"0" * (MAX_BYTES + 1), "quá lớn"),
    ],
    ids=["zip-bomb", "zip-not-xlsx", "utf-16", "empty", "over-20-mb"],
)
def test_each_bad_file_gets_its_reason(client, coordinator, data_dir, name, content, message):
    client.force_login(coordinator)
    before = hostile.snapshot(data_dir)
    response = post(client, kind="sheet", year="2025", questionnaire="", name=name, content=content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert hostile.snapshot(data_dir) == before


def test_a_sheet_declaring_the_whole_grid_is_refused_quickly(client, coordinator, data_dir):
    """2 KB claiming 17 billion cells: read as stored, it is a header and no data rows."""
    client.force_login(coordinator)
    content = hostile.cell_bomb(["code", "achieved"])
    before = hostile.snapshot(data_dir)
    response = post(
        client, kind="sheet", year="2025", questionnaire="", name="x.xlsx", content=content
    )
    assert response.status_code == 200
    assert "Thiếu" in response.content.decode()  # every sub-criterion is missing
    assert hostile.snapshot(data_dir) == before


@pytest.mark.parametrize("user", ["member", "leader"])
def test_only_the_coordinator_may_upload(client, request, demo_files, data_dir, user):
    client.force_login(request.getfixturevalue(user))
    before = hostile.snapshot(data_dir)
    content = (demo_files / DEMO[0]).read_bytes()
    response = post(
        client, kind="results", year="2025", questionnaire="", name=DEMO[0], content=content
    )
    assert response.status_code == 403
    assert hostile.snapshot(data_dir) == before
