"""Who may see the imported data and who may change it: every role on every URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db
LIST = "/du-lieu/"
IMPORT = "/du-lieu/nhap/"


@pytest.fixture
def dataset(coordinator, demo_files, upload):
    from chiso.web.datasets.services import dataset_import

    first = dataset_import(
        acting_user=coordinator,
        kind=Dataset.Kind.SHEET,
        province="Lạng Sơn",
        year=2025,
        uploaded_file=upload(demo_files / "bang-diem-lang-son-2025.csv"),
    )
    dataset_import(
        acting_user=coordinator,
        kind=Dataset.Kind.SHEET,
        province="Lạng Sơn",
        year=2025,
        uploaded_file=upload(demo_files / "bang-diem-lang-son-2025.xlsx"),
    )
    first.refresh_from_db()
    return first  # the older, inactive one


def _sheet_post(demo_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = demo_files / "bang-diem-lang-son-2025.csv"
    return {"kind": "sheet", "year": 2025, "file": SimpleUploadedFile(path.name, path.read_bytes())}


@pytest.mark.parametrize("url", [LIST, IMPORT, "/du-lieu/1/dung-lai/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.post(url) if url != LIST else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinator_and_admin_see_the_forms(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('action="/du-lieu/nhap/"') == 3
    assert "Đang kiểm tra tệp…" in html
    assert "chiso/datasets.js" in html


def test_leader_reads_the_list_without_forms(client, leader, dataset):
    client.force_login(leader)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "bang-diem-lang-son-2025.csv" in html
    assert 'action="/du-lieu/nhap/"' not in html
    assert "dung-lai" not in html


@pytest.mark.parametrize("role", ["member", "other_member"])
def test_agency_members_get_403_everywhere(client, request, role, dataset, demo_files):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert client.post(IMPORT, _sheet_post(demo_files)).status_code == 403
    assert client.post(f"/du-lieu/{dataset.pk}/dung-lai/").status_code == 403
    assert Dataset.objects.count() == 2
    dataset.refresh_from_db()
    assert not dataset.active


def test_leader_cannot_import_or_reactivate(client, leader, dataset, demo_files):
    client.force_login(leader)
    assert client.post(IMPORT, _sheet_post(demo_files)).status_code == 403
    assert client.post(f"/du-lieu/{dataset.pk}/dung-lai/").status_code == 403
    assert Dataset.objects.count() == 2
    dataset.refresh_from_db()
    assert not dataset.active


def test_unknown_dataset_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.post("/du-lieu/999/dung-lai/").status_code == 404


def test_writes_need_post(client, coordinator, dataset):
    client.force_login(coordinator)
    assert client.get(IMPORT).status_code == 405
    assert client.get(f"/du-lieu/{dataset.pk}/dung-lai/").status_code == 405


def test_services_check_permission_first(leader, member, demo_files, upload, dataset):
    from django.core.exceptions import PermissionDenied

    from chiso.web.datasets.services import dataset_activate, dataset_import

    for user in (leader, member):
        with pytest.raises(PermissionDenied):
            dataset_import(
                acting_user=user,
                kind=Dataset.Kind.SHEET,
                province="Lạng Sơn",
                year=2025,
                uploaded_file=upload(demo_files / "bang-diem-lang-son-2025.csv"),
            )
        with pytest.raises(PermissionDenied):
            dataset_activate(acting_user=user, dataset=dataset)


@pytest.mark.parametrize(
    ("role", "shown"), [("coordinator", True), ("leader", True), ("member", False)]
)
def test_navigation_links_the_page_only_for_those_who_may_open_it(client, request, role, shown):
    client.force_login(request.getfixturevalue(role))
    assert ('href="/du-lieu/"' in client.get("/ket-qua/2025/").content.decode()) is shown
