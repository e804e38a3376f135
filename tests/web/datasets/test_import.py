"""Importing through the web: the core importer decides, and a refused file leaves no trace."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from chiso.errors import ValidationFailed
from chiso.web.audit.models import AuditEvent
from chiso.web.datasets import services, storage
from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db
URL = "/du-lieu/nhap/"
Kind = Dataset.Kind


def snapshot(data_dir) -> tuple[dict[str, int], list[str]]:
    """Rows in every table of the project, and every file under the data folder."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    files = (
        sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*"))
        if data_dir.exists()
        else []
    )
    return counts, files


def post(client, kind, path, *, year=2025, questionnaire="", htmx=False):
    with open(path, "rb") as fh:
        data = {"kind": kind, "year": year, "questionnaire": questionnaire, "file": fh}
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(URL, data, headers=headers)


# --- success --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "file", "rows", "standard"),
    [
        (Kind.RESULTS, "ket-qua-cac-tinh-2025.csv", 34, "PAR-TINH-2025"),
        (Kind.RESULTS, "ket-qua-cac-tinh-2025.xlsx", 34, "PAR-TINH-2025"),
        (Kind.SHEET, "bang-diem-lang-son-2025.xlsx", 87, "PAR-TINH-2025"),
        (Kind.SHEET, "bang-diem-lang-son-2025.csv", 87, "PAR-TINH-2025"),
    ],
)
def test_par_files_import_and_become_active(
    client, coordinator, demo_files, data_dir, kind, file, rows, standard
):
    client.force_login(coordinator)
    response = post(client, kind, demo_files / file)
    assert response.status_code == 302
    assert response["Location"] == "/du-lieu/"
    dataset = Dataset.objects.get()
    assert (dataset.kind, dataset.year, dataset.province) == (kind, 2025, "Lạng Sơn")
    assert dataset.active
    assert dataset.standard == standard
    assert dataset.original_name == file
    assert dataset.rows == rows
    stored = storage.path_of(dataset)
    assert stored.parent == data_dir / "datasets"
    assert file not in str(stored)  # never the user's name on disk
    assert dataset.sha256 == hashlib.sha256((demo_files / file).read_bytes()).hexdigest()
    assert stored.read_bytes() == (demo_files / file).read_bytes()
    assert sorted(p.name for p in (data_dir / "datasets").iterdir()) == [stored.name]
    event = AuditEvent.objects.get(event="dataset.imported")
    assert event.object_id == str(dataset.pk)
    assert event.new["file"] == file and event.new["rows"] == rows
    page = client.get("/du-lieu/").content.decode()
    assert "Đã nhập" in page and file in page and "Đang dùng" in page


def test_survey_responses_are_stored_as_the_core_stores_them(
    client, administrator, survey_csv, data_dir
):
    from chiso.sipas.datasets import manifest

    client.force_login(administrator)
    response = post(client, Kind.RESPONSES, survey_csv, questionnaire="tinh-xa-2025")
    assert response.status_code == 302
    dataset = Dataset.objects.get()
    assert dataset.kind == Kind.RESPONSES and dataset.active
    assert dataset.standard == "SIPAS-TINH-XA-2025"
    assert dataset.rows == 600
    parquet = storage.path_of(dataset)
    folder = parquet.parent
    assert folder.parent == data_dir / "datasets"
    assert sorted(p.suffix for p in folder.iterdir()) == [".json", ".parquet"]
    assert manifest(parquet)["counts"]["respondents"] == 600
    assert manifest(parquet)["source"]["sha256"] == dataset.sha256
    # Only the core's own files remain: the uploaded CSV and every work file are gone.
    assert [p.name for p in (data_dir / "datasets").iterdir()] == [folder.name]
    assert dataset.details["counts"]["units"] == 65


def test_htmx_success_redirects_the_browser(client, coordinator, demo_files):
    client.force_login(coordinator)
    response = post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv", htmx=True)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/du-lieu/"
    assert Dataset.objects.filter(active=True).count() == 1


# --- failure: every problem listed, nothing written ------------------------------------------


def test_bad_results_table_lists_problems_and_writes_nothing(
    client, coordinator, demo_files, data_dir, edited_csv
):
    client.force_login(coordinator)
    bad = edited_csv(
        demo_files / "ket-qua-cac-tinh-2025.csv",
        {(3, "province"): "Tỉnh Không Có", (5, "index_percent"): "chín mươi"},
        "ket-qua-sai.csv",
    )
    before = snapshot(data_dir)
    response = post(client, Kind.RESULTS, bad)
    assert response.status_code == 200
    assert snapshot(data_dir) == before
    failure = response.context["forms"][0]["failure"]
    located = {(p["file"], p["row"], p["column"]) for p in failure.problems}
    assert ("ket-qua-sai.csv", "3", "province") in located
    assert ("ket-qua-sai.csv", "5", "index_percent") in located
    html = response.content.decode()
    for header in (
        "<th>Tệp</th>",
        "<th>Trang tính</th>",
        "Dòng</th>",
        "<th>Cột</th>",
        "<th>Lỗi</th>",
    ):
        assert header in html
    assert "Không nhập được" in html and "ket-qua-sai.csv" in html
    assert ".csv" not in "".join(p.name for p in (data_dir / "datasets").glob("*"))


def test_bad_score_sheet_lists_problems_and_writes_nothing(
    client, coordinator, demo_files, data_dir, edited_csv
):
    client.force_login(coordinator)
    bad = edited_csv(
        demo_files / "bang-diem-lang-son-2025.csv",
        {(2, "achieved"): "7", (4, "code"): "LV99.9.9"},
        "bang-diem-sai.csv",
    )
    before = snapshot(data_dir)
    response = post(client, Kind.SHEET, bad, htmx=True)
    assert response.status_code == 200
    assert snapshot(data_dir) == before
    assert "HX-Redirect" not in response
    located = {(p["row"], p["column"]) for p in response.context["failure"].problems}
    assert ("2", "achieved") in located
    assert ("4", "code") in located
    html = response.content.decode()
    assert "<table" in html and "LV99.9.9" in html
    assert "<html" not in html  # htmx gets the result area only


def test_bad_survey_lists_problems_and_writes_nothing(
    client, coordinator, survey_csv, data_dir, edited_csv
):
    client.force_login(coordinator)
    bad = edited_csv(survey_csv, {(4, "C9.16"): "9", (6, "unit"): "Xã Không Có"}, "phieu-sai.csv")
    before = snapshot(data_dir)
    response = post(client, Kind.RESPONSES, bad, questionnaire="tinh-xa-2025")
    assert snapshot(data_dir) == before
    failure = response.context["forms"][2]["failure"]
    located = {(p["file"], p["row"], p["column"]) for p in failure.problems}
    assert ("phieu-sai.csv", "4", "C9.16") in located
    assert ("phieu-sai.csv", "6", "unit") in located


def test_survey_with_the_wrong_questionnaire_is_refused(client, coordinator, survey_csv, data_dir):
    client.force_login(coordinator)
    before = snapshot(data_dir)
    response = post(client, Kind.RESPONSES, survey_csv, questionnaire="sipas-2024")
    assert snapshot(data_dir) == before
    assert response.context["forms"][2]["failure"].problems


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ket-qua.pdf", b"%PDF-1.4", "chỉ nhận tệp .csv hoặc .xlsx"),
        ("ket-qua.csv", b"", "rỗng"),
        ("ket-qua.xlsx", b"not a zip at all", "Tệp hỏng hoặc không phải .xlsx"),
    ],
)
def test_wrong_uploads_are_refused_before_or_by_the_core(
    client, coordinator, data_dir, tmp_path, name, content, message
):
    client.force_login(coordinator)
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(data_dir)
    response = post(client, Kind.RESULTS, path)
    assert snapshot(data_dir) == before
    assert message in response.content.decode()


def test_year_without_a_framework_is_refused(client, coordinator, demo_files, data_dir):
    client.force_login(coordinator)
    before = snapshot(data_dir)
    response = post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv", year=2019)
    assert snapshot(data_dir) == before
    assert "Chưa có khung chỉ số" in response.content.decode()


def test_sheet_of_another_year_is_refused(client, coordinator, demo_files, data_dir):
    """The 2023 sheet against the 2025 framework: the core finds the mismatch."""
    client.force_login(coordinator)
    before = snapshot(data_dir)
    response = post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2023.csv")
    assert snapshot(data_dir) == before
    assert response.context["forms"][1]["failure"].problems


def test_failed_database_write_removes_the_stored_file(
    coordinator, demo_files, data_dir, upload, monkeypatch
):
    """The file is already in place when the transaction runs; if the row cannot be written,
    the file must go too."""

    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "record", broken)
    before = snapshot(data_dir)
    with pytest.raises(RuntimeError):
        services.dataset_import(
            acting_user=coordinator,
            kind=Kind.SHEET,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=upload(demo_files / "bang-diem-lang-son-2025.csv"),
        )
    assert snapshot(data_dir) == before


def test_failed_database_write_removes_the_survey_folder(
    coordinator, survey_csv, data_dir, upload, monkeypatch
):
    monkeypatch.setattr(services, "record", lambda **kw: (_ for _ in ()).throw(OSError("x")))
    before = snapshot(data_dir)
    with pytest.raises(OSError):
        services.dataset_import(
            acting_user=coordinator,
            kind=Kind.RESPONSES,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=upload(survey_csv),
            questionnaire="tinh-xa-2025",
        )
    assert snapshot(data_dir) == before


def test_validation_failure_names_the_users_file_not_the_stored_one(
    coordinator, demo_files, edited_csv, upload
):
    bad = edited_csv(
        demo_files / "bang-diem-lang-son-2025.csv", {(2, "achieved"): "-1"}, "tep-cua-toi.csv"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.dataset_import(
            acting_user=coordinator,
            kind=Kind.SHEET,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=upload(bad),
        )
    assert "tep-cua-toi.csv" in caught.value.message
    assert {p.file for p in caught.value.problems} == {"tep-cua-toi.csv"}


def test_a_path_is_never_accepted_as_a_questionnaire(coordinator, survey_csv, upload, data_dir):
    with pytest.raises(ValidationError):
        services.dataset_import(
            acting_user=coordinator,
            kind=Kind.RESPONSES,
            province="Lạng Sơn",
            year=2025,
            uploaded_file=upload(survey_csv),
            questionnaire=os.fspath(survey_csv.with_suffix(".yaml")),
        )
    assert not Dataset.objects.exists()


def test_file_name_with_a_path_is_shown_without_it(coordinator, demo_files, upload, data_dir):
    dataset = services.dataset_import(
        acting_user=coordinator,
        kind=Kind.SHEET,
        province="Lạng Sơn",
        year=2025,
        uploaded_file=upload(demo_files / "bang-diem-lang-son-2025.csv", "..\\../etc/x.csv"),
    )
    assert dataset.original_name == "x.csv"
    assert storage.path_of(dataset).parent == data_dir / "datasets"


# --- the active dataset and re-activation ---------------------------------------------------


def test_a_new_import_replaces_the_active_one(client, coordinator, demo_files):
    client.force_login(coordinator)
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv")
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.xlsx")
    older, newer = Dataset.objects.order_by("pk")
    assert not older.active and newer.active
    assert AuditEvent.objects.get(event="dataset.imported", object_id=str(newer.pk)).old == {
        "active": older.pk
    }
    # Another year or kind is not touched.
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2024.csv", year=2024)
    post(client, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2025.csv")
    assert Dataset.objects.filter(active=True).count() == 3


def test_coordinator_reactivates_an_older_import(client, coordinator, demo_files):
    client.force_login(coordinator)
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv")
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.xlsx")
    older, newer = Dataset.objects.order_by("pk")
    response = client.post(f"/du-lieu/{older.pk}/dung-lai/", follow=True)
    assert response.status_code == 200
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.active and not newer.active
    event = AuditEvent.objects.get(event="dataset.activated")
    assert (event.old, event.new) == ({"active": newer.pk}, {"active": older.pk})
    assert "Đã dùng lại" in response.content.decode()


def test_reactivating_the_active_one_is_refused(client, coordinator, demo_files):
    client.force_login(coordinator)
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv")
    dataset = Dataset.objects.get()
    response = client.post(f"/du-lieu/{dataset.pk}/dung-lai/", follow=True)
    assert "đang được dùng" in response.content.decode()
    assert not AuditEvent.objects.filter(event="dataset.activated").exists()


def test_reactivating_a_dataset_whose_file_is_gone_is_refused(client, coordinator, demo_files):
    client.force_login(coordinator)
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv")
    post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.xlsx")
    older = Dataset.objects.order_by("pk").first()
    storage.path_of(older).unlink()
    response = client.post(f"/du-lieu/{older.pk}/dung-lai/", follow=True)
    older.refresh_from_db()
    assert not older.active
    assert "Không còn tệp" in response.content.decode()


# --- two imports at once ------------------------------------------------------------------------


@pytest.fixture
def rival_import(monkeypatch):
    """Another coordinator's import of the same kind, province and year commits between this
    import's checks and its insert: the race ``select_for_update`` cannot prevent when there is
    no active row yet to lock."""
    real = Dataset.full_clean

    def full_clean_then_rival_commits(self, *args, **kwargs):
        real(self, *args, **kwargs)
        if self.pk is None:
            Dataset.objects.create(
                kind=self.kind,
                province=self.province,
                year=self.year,
                standard=self.standard,
                original_name="cung-luc.csv",
                stored_path="f" * 32 + ".csv",
                rows=1,
                sha256="0" * 64,
                uploaded_by=self.uploaded_by,
                active=True,
            )

    monkeypatch.setattr(Dataset, "full_clean", full_clean_then_rival_commits)


def test_a_simultaneous_import_asks_to_retry_and_leaves_no_file(
    client, coordinator, demo_files, data_dir, rival_import
):
    client.force_login(coordinator)
    _, files_before = snapshot(data_dir)
    response = post(client, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv")
    assert response.status_code == 200  # the page again, not a server error
    assert (
        "Có người khác vừa nhập hoặc dùng lại bảng điểm chi tiết của tỉnh năm 2025 cùng lúc; "
        "hãy thử lại." in response.content.decode()
    )
    assert snapshot(data_dir)[1] == files_before
    assert not AuditEvent.objects.filter(event="dataset.imported").exists()
