"""The SIPAS page: the index, its elements and the units with intervals, from the core."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiso import vi
from chiso.demo import sipas as demo
from chiso.sipas.estimate import OVERALL
from chiso.web.datasets import services
from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db
URL = "/ket-qua/2025/sipas/"


def _overall(part, code):
    return next(e for e in part.estimates if e.unit == OVERALL and e.indicator == code)


@pytest.fixture(scope="module")
def demo_part():
    return demo.report_part("Lạng Sơn", 2025)


def test_anonymous_is_sent_to_login(client):
    for url in (URL, reverse("survey_export", args=[2025])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator", "leader", "administrator", "member"])
def test_every_role_reads_the_demo_survey(client, request, role, demo_part):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="illustrative"' in html
    element = _overall(demo_part, "SVC.1")
    assert vi.format_percent(element.estimate) in html
    interval = f"{vi.format_number(element.ci_low, 1)} – {vi.format_number(element.ci_high, 1)}"
    assert interval in html
    assert "," in interval and "." not in interval.replace(" – ", "")
    index = _overall(demo_part, "SVC")
    assert f"<strong>{vi.format_percent(index.estimate)}</strong>" in html
    assert f"<strong>{vi.format_number(index.n, 0)}</strong>" in html
    assert html.count('<img src="/ket-qua/2025/sipas/bieu-do/') == 2
    assert len(response.context["units"]) == 65


def test_units_are_in_tiers_and_sortable(client, leader):
    client.force_login(leader)
    high = client.get(URL).context["units"]
    assert [u.rank for u in high] == list(range(1, 66))
    assert [u.tier for u in high] == sorted(u.tier for u in high)
    low = client.get(URL, {"sap_xep": "thap"}).context["units"]
    assert [u.name for u in low] == [u.name for u in reversed(high)]
    by_name = client.get(URL, {"sap_xep": "ten"}).context["units"]
    assert [u.name for u in by_name] == vi.sorted_vi([u.name for u in high])
    # The demo has 2024 too: changes against last year, significant ones starred.
    assert all(u.change for u in high)
    assert "Thay đổi" in client.get(URL).content.decode()


def test_results_page_links_to_the_survey(client, leader):
    client.force_login(leader)
    assert 'href="/ket-qua/2025/sipas/"' in client.get("/ket-qua/2025/").content.decode()
    assert "/sipas/" not in client.get("/ket-qua/2023/").content.decode()


def test_year_without_survey_is_404(client, leader):
    client.force_login(leader)
    assert client.get("/ket-qua/2023/sipas/").status_code == 404
    assert client.get(reverse("survey_export", args=[2023])).status_code == 404


def test_xlsx_export_is_the_core_layout(client, member, demo_part):
    client.force_login(member)
    response = client.get(reverse("survey_export", args=[2025]))
    assert response.status_code == 200
    assert "khao-sat-hai-long-2025.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    sheet = book["Ước lượng"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["unit", "indicator", "n", "estimate"]
    assert sheet.max_row - 1 == len(demo_part.estimates)
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(values_only=True)}
    assert info["illustrative"] == "True"


def test_imported_survey_replaces_the_demo(client, coordinator, survey_csv, upload):
    from chiso.documents.report import survey_part

    dataset = services.dataset_import(
        acting_user=coordinator,
        kind=Dataset.Kind.RESPONSES,
        province="Lạng Sơn",
        year=2025,
        uploaded_file=upload(survey_csv),
        questionnaire="tinh-xa-2025",
    )
    from chiso.web.datasets.storage import path_of

    part = survey_part(path_of(dataset), year=2025)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert 'class="illustrative"' not in html
    assert "Nguồn: phieu-khao-sat-2025.csv do dieuphoi nhập lúc " in html
    element = _overall(part, "SVC.2")
    assert vi.format_percent(element.estimate) in html
    assert f"{vi.format_number(element.ci_low, 1)} – {vi.format_number(element.ci_high, 1)}" in html
    # No imported 2024 survey: no change column (never compared with the demo).
    assert "Thay đổi" not in html
    export = load_workbook(BytesIO(client.get(reverse("survey_export", args=[2025])).content))
    info = {row[0]: row[1] for row in export["Thông tin"].iter_rows(values_only=True)}
    assert info["illustrative"] == "False"


def test_imported_survey_of_a_year_without_demo(client, coordinator, survey_csv, upload):
    services.dataset_import(
        acting_user=coordinator,
        kind=Dataset.Kind.RESPONSES,
        province="Lạng Sơn",
        year=2023,
        uploaded_file=upload(survey_csv),
        questionnaire="tinh-xa-2025",
    )
    client.force_login(coordinator)
    assert client.get("/ket-qua/2023/sipas/").status_code == 200
    assert 'href="/ket-qua/2023/sipas/"' in client.get("/ket-qua/2023/").content.decode()


def test_survey_charts_are_svg_files(client, leader):
    client.force_login(leader)
    html = client.get(URL).content.decode()
    for slug in ("yeu-to", "don-vi"):
        assert f'<img src="/ket-qua/2025/sipas/bieu-do/{slug}.svg?v=' in html
        response = client.get(f"/ket-qua/2025/sipas/bieu-do/{slug}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
    assert client.get("/ket-qua/2025/sipas/bieu-do/khac.svg").status_code == 404
    assert client.get("/ket-qua/1999/sipas/bieu-do/yeu-to.svg").status_code == 404
