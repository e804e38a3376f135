"""The province results dashboard: access, headline, ledger filter and sort, XLSX, 404."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiso.parindex.export import agency_name

pytestmark = pytest.mark.django_db
URL = "/ket-qua/2025/"


def _code_key(code):
    return tuple(int(p) for p in code.removeprefix("LV").split("."))


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_latest_redirects_to_2025(client, leader):
    client.force_login(leader)
    response = client.get("/ket-qua/")
    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.parametrize("role", ["coordinator", "leader", "administrator", "member"])
def test_every_role_sees_the_headline(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "88,12%" in html
    assert "23/34" in html
    assert "Số liệu minh họa" in html
    assert html.count("<svg") >= 4
    assert len(response.context["rows"]) == 55
    assert 'href="/ket-qua/"' in html


def test_filter_by_agency_shows_only_its_rows(client, leader):
    client.force_login(leader)
    response = client.get(URL, {"co_quan": "BDT"})
    rows = response.context["rows"]
    assert rows
    assert {row["agency"] for row in rows} == {agency_name("BDT")}
    assert len(rows) < 55


def test_sort_by_code(client, leader):
    client.force_login(leader)
    by_code = [row["code"] for row in client.get(URL, {"sap_xep": "ma"}).context["rows"]]
    assert by_code == sorted(by_code, key=_code_key)
    by_lost = [row["code"] for row in client.get(URL).context["rows"]]
    assert by_lost != by_code
    html = client.get(URL, {"sap_xep": "ma"}).content.decode()
    assert html.index(f"<td>{by_code[0]}</td>") < html.index(f"<td>{by_code[-1]}</td>")


def test_xlsx_export_has_the_55_rows(client, member):
    client.force_login(member)
    response = client.get(reverse("results_export", args=[2025]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 55
    assert sheet.cell(row=2, column=1).value == "Mã"


def test_unknown_year_is_404(client, leader):
    client.force_login(leader)
    assert client.get("/ket-qua/1999/").status_code == 404
    assert client.get(reverse("results_export", args=[1999])).status_code == 404
