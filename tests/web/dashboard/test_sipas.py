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


@pytest.fixture
def import_survey(coordinator, upload):
    """``import_survey(path, questionnaire, year=2025)``: imported by the coordinator."""

    def run(path, questionnaire, year=2025):
        return services.dataset_import(
            acting_user=coordinator,
            kind=Dataset.Kind.RESPONSES,
            province="Lạng Sơn",
            year=year,
            uploaded_file=upload(path),
            questionnaire=questionnaire,
        )

    return run


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


def test_imported_survey_replaces_the_demo(client, coordinator, survey_csv, import_survey):
    from chiso.documents.report import survey_part

    dataset = import_survey(survey_csv, "tinh-xa-2025")
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


def test_imported_survey_of_a_year_without_demo(client, coordinator, survey_csv, import_survey):
    import_survey(survey_csv, "tinh-xa-2025", 2023)
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


# -- several surveys in one year: communes and departments --------------------------------------

XA, SO = "SIPAS-TINH-XA-2025", "SIPAS-TINH-SO-2025"


@pytest.fixture(scope="module")
def department_csv(tmp_path_factory):
    """A small illustrative survey of the province's departments (tinh-so-2025)."""
    from chiso.sipas import synth
    from chiso.sipas.questionnaire import embedded

    q = embedded("tinh-so-2025")
    spec = synth.SynthSpec(
        respondents=400, seed=11, units=synth.default_units(q), villages_per_unit=0
    )
    return synth.write(q, spec, tmp_path_factory.mktemp("so") / "phieu-cac-so-2025.csv")


@pytest.fixture
def two_surveys(import_survey, survey_csv, department_csv):
    """Both surveys of 2025, the communes' and the departments', imported once."""
    return (
        import_survey(survey_csv, "tinh-xa-2025"),
        import_survey(department_csv, "tinh-so-2025"),
    )


def test_a_second_questionnaire_is_a_second_survey_not_a_replacement(two_surveys):
    communes, departments = two_surveys
    communes.refresh_from_db()
    assert communes.active and departments.active
    assert (communes.standard, departments.standard) == (XA, SO)


def test_the_page_offers_each_survey_and_shows_the_one_chosen(client, leader, two_surveys):
    client.force_login(leader)
    first = client.get(URL)
    assert first.context["questionnaire"].code == SO  # by code when none is chosen
    html = first.content.decode()
    assert f'href="/ket-qua/2025/sipas/?bang_hoi={XA}"' in html
    assert '<strong aria-current="page">Phiếu khảo sát sự hài lòng của người dân, tổ chức' in html

    chosen = client.get(URL, {"bang_hoi": XA})
    assert chosen.context["questionnaire"].code == XA
    assert len(chosen.context["units"]) == 65
    html = chosen.content.decode()
    assert "Nguồn: phieu-khao-sat-2025.csv" in html
    # Charts, sorting and the workbook stay on the chosen survey.
    assert html.count(f"&amp;bang_hoi={XA}") == 2  # both chart images
    assert f'<input type="hidden" name="bang_hoi" value="{XA}">' in html
    assert f'sipas.xlsx?bang_hoi={XA}"' in html
    sorted_page = client.get(URL, {"bang_hoi": XA, "sap_xep": "ten"})
    assert sorted_page.context["questionnaire"].code == XA


def test_charts_and_workbook_follow_the_questionnaire(client, leader, two_surveys):
    client.force_login(leader)
    communes = client.get("/ket-qua/2025/sipas/bieu-do/yeu-to.svg", {"bang_hoi": XA})
    departments = client.get("/ket-qua/2025/sipas/bieu-do/yeu-to.svg", {"bang_hoi": SO})
    assert communes.status_code == departments.status_code == 200
    assert communes.content != departments.content
    response = client.get(reverse("survey_export", args=[2025]), {"bang_hoi": XA})
    assert f"khao-sat-hai-long-2025-{XA.lower()}.xlsx" in response["Content-Disposition"]
    info = {
        row[0]: row[1]
        for row in load_workbook(BytesIO(response.content))["Thông tin"].iter_rows(values_only=True)
    }
    assert info["questionnaire"] == XA


def test_an_unknown_questionnaire_is_404(client, leader, two_surveys):
    client.force_login(leader)
    for url in (
        URL,
        reverse("survey_export", args=[2025]),
        "/ket-qua/2025/sipas/bieu-do/yeu-to.svg",
    ):
        assert client.get(url, {"bang_hoi": "SIPAS-KHAC"}).status_code == 404


def test_a_new_import_replaces_only_its_own_questionnaire(
    coordinator, import_survey, survey_csv, two_surveys
):
    communes, departments = two_surveys
    newer = import_survey(survey_csv, "tinh-xa-2025")
    communes.refresh_from_db()
    departments.refresh_from_db()
    assert newer.active and not communes.active and departments.active
    services.dataset_activate(acting_user=coordinator, dataset=communes)
    for dataset in (communes, newer, departments):
        dataset.refresh_from_db()
    assert communes.active and not newer.active and departments.active


def test_one_survey_a_year_shows_no_choice(client, leader, survey_csv, import_survey):
    import_survey(survey_csv, "tinh-xa-2025")
    client.force_login(leader)
    response = client.get(URL)
    assert response.context["choices"] == []
    assert 'class="choices"' not in response.content.decode()
