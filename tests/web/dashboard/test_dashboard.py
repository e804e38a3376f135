"""The province results dashboard: access, headline, ledger filter and sort, XLSX, 404."""

import re
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
    assert html.count('<img src="/ket-qua/2025/bieu-do/') == 4
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


def test_charts_are_svg_files_behind_the_login(client, leader):
    """The page shows each chart with <img> (inline SVG carries styles the CSP blocks)."""
    client.force_login(leader)
    html_page = client.get(URL).content.decode()
    urls = re.findall(r'<img src="(/ket-qua/2025/bieu-do/[^"]+)" alt="([^"]+)"', html_page)
    assert len(urls) == 4
    assert all(alt for _, alt in urls)
    for url, _ in urls:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert response.content.lstrip().startswith(b"<svg")
        assert "'unsafe-inline'" in response["Content-Security-Policy"]
        assert "script-src" not in response["Content-Security-Policy"]
    client.logout()
    assert client.get(urls[0][0]).status_code == 302


def test_unknown_chart_is_404(client, leader):
    client.force_login(leader)
    assert client.get("/ket-qua/2025/bieu-do/khong-co.svg").status_code == 404
    assert client.get("/ket-qua/1999/bieu-do/linh-vuc.svg").status_code == 404
