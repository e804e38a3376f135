"""The dashboard reads the active imported files, and shows where its numbers come from."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chiso import vi
from chiso.parindex.inputs import analyse_province
from chiso.web.datasets import selectors, services
from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db
URL = "/ket-qua/2025/"
Kind = Dataset.Kind


def _import(user, kind, path, upload, year=2025):
    return services.dataset_import(
        acting_user=user,
        kind=kind,
        province="Lạng Sơn",
        year=year,
        uploaded_file=upload(path),
    )


@pytest.fixture
def improved_sheet(demo_files, edited_csv):
    """The demo 2025 sheet with one sub-criterion's points fully recovered."""
    from chiso.frameworks import embedded

    framework = embedded(2025)
    source = demo_files / "bang-diem-lang-son-2025.csv"
    with open(source, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.DictReader(fh))
    for number, line in enumerate(lines, start=2):
        node = framework.nodes[line["code"]]
        lost = node.max_points - float(line["achieved"])
        if lost > 0.4 and (node.rule is None or node.rule.allows(node.max_points, node.max_points)):
            return edited_csv(
                source, {(number, "achieved"): str(node.max_points)}, "bang-diem-sua.csv"
            )
    raise AssertionError("the demo sheet has no sub-criterion to improve")


def test_demo_until_a_score_sheet_is_imported(
    client, coordinator, leader, demo_files, improved_sheet, upload
):
    client.force_login(leader)
    demo = client.get(URL).content.decode()
    assert "88,12%" in demo
    assert 'class="illustrative"' in demo
    assert "Nguồn:" not in demo

    _import(coordinator, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2025.csv", upload)
    _import(coordinator, Kind.SHEET, improved_sheet, upload)
    expected = analyse_province(
        province="Lạng Sơn",
        year=2025,
        sheet=improved_sheet,
        results=demo_files / "ket-qua-cac-tinh-2025.csv",
    )
    assert expected.percent > 88.12
    html = client.get(URL).content.decode()
    assert f"<strong>{vi.format_percent(expected.percent)}</strong>" in html
    assert "<strong>88,12%</strong>" not in html
    # The core's own warning: the sheet no longer matches the table's published index.
    assert "khác chỉ số trong bảng kết quả các tỉnh (88,12%)" in html
    assert 'class="illustrative"' not in html
    assert "Nguồn: bang-diem-sua.csv do dieuphoi nhập lúc " in html
    assert "Nguồn: ket-qua-cac-tinh-2025.csv do dieuphoi nhập lúc " in html
    assert "cây tiêu chí chi tiết là minh họa" in html
    assert html.count('<img src="/ket-qua/2025/bieu-do/') == 4


def test_reactivating_the_old_sheet_brings_its_total_back(
    client, coordinator, demo_files, improved_sheet, upload
):
    client.force_login(coordinator)
    original = _import(coordinator, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv", upload)
    _import(coordinator, Kind.SHEET, improved_sheet, upload)
    assert "<strong>88,12%</strong>" not in client.get(URL).content.decode()
    services.dataset_activate(acting_user=coordinator, dataset=original)
    html = client.get(URL).content.decode()
    assert "<strong>88,12%</strong>" in html
    assert "Nguồn: bang-diem-lang-son-2025.csv" in html


def test_sheet_without_results_table_says_there_is_no_rank(client, coordinator, demo_files, upload):
    _import(coordinator, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.xlsx", upload)
    client.force_login(coordinator)
    response = client.get(URL)
    html = response.content.decode()
    assert response.context["analysis"].rank is None
    assert "Chưa nhập bảng kết quả các tỉnh năm 2025" in html
    assert "<strong>88,12%</strong>" in html  # the demo's points, now read from the file


def test_results_table_alone_keeps_the_demo(client, coordinator, demo_files, upload):
    _import(coordinator, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2025.csv", upload)
    client.force_login(coordinator)
    html = client.get(URL).content.decode()
    assert 'class="illustrative"' in html
    assert "chưa có bảng điểm chi tiết của tỉnh" in html


def test_earlier_years_tables_draw_the_trend_and_are_named_as_sources(
    client, coordinator, demo_files, upload
):
    _import(coordinator, Kind.SHEET, demo_files / "bang-diem-lang-son-2025.csv", upload)
    _import(coordinator, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2025.csv", upload)
    client.force_login(coordinator)
    response = client.get(URL)
    assert [p.year for p in response.context["analysis"].trend] == [2025]
    assert "biểu đồ diễn biến chỉ có năm 2025" in response.content.decode()

    _import(coordinator, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2023.csv", upload, 2023)
    table_2024 = _import(
        coordinator, Kind.RESULTS, demo_files / "ket-qua-cac-tinh-2024.xlsx", upload, 2024
    )
    response = client.get(URL)
    html = response.content.decode()
    trend = response.context["analysis"].trend
    assert [(p.year, p.of) for p in trend] == [(2023, 63), (2024, 63), (2025, 34)]
    # Each point names the row it was read from, in the stored copy of the imported file.
    assert trend[1].source == f"{Path(table_2024.stored_path).name}, dòng 48"
    assert "Bảng kết quả các tỉnh năm 2023. Nguồn: ket-qua-cac-tinh-2023.csv do dieuphoi" in html
    assert "Bảng kết quả các tỉnh năm 2024. Nguồn: ket-qua-cac-tinh-2024.xlsx do dieuphoi" in html
    assert "biểu đồ diễn biến chỉ có năm" not in html
    # The 2024 page's trend stops at 2024: a year's analysis never reads a later table.
    _import(coordinator, Kind.SHEET, demo_files / "bang-diem-lang-son-2024.csv", upload, 2024)
    trend_2024 = client.get("/ket-qua/2024/").context["analysis"].trend
    assert [p.year for p in trend_2024] == [2023, 2024]


def test_imported_year_outside_the_demo(client, coordinator, demo_files, upload):
    """2024 from files, like the demo's 2024 but read from the imported sheet."""
    _import(coordinator, Kind.SHEET, demo_files / "bang-diem-lang-son-2024.csv", upload, 2024)
    client.force_login(coordinator)
    assert "Nguồn: bang-diem-lang-son-2024.csv" in client.get("/ket-qua/2024/").content.decode()


def test_export_follows_the_imported_sheet(client, coordinator, improved_sheet, upload):
    client.force_login(coordinator)
    demo_rows = _ledger_rows(client)
    _import(coordinator, Kind.SHEET, improved_sheet, upload)
    assert _ledger_rows(client) == demo_rows - 1


def _ledger_rows(client) -> int:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/ket-qua/2025/diem-bi-tru.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    return len(list(sheet.iter_rows(min_row=3, values_only=True)))


def test_analysis_for_is_the_selector_other_pages_can_use(coordinator, improved_sheet, upload):
    demo = selectors.analysis_for(province="Lạng Sơn", year=2025)
    assert demo.provenance.sheet_illustrative
    assert selectors.source_inputs(selectors.par_source(province="Lạng Sơn", year=2025)) == {}
    dataset = _import(coordinator, Kind.SHEET, improved_sheet, upload)
    imported = selectors.analysis_for(province="Lạng Sơn", year=2025)
    assert imported.percent > demo.percent
    assert selectors.source_inputs(selectors.par_source(province="lạng sơn", year=2025)) == {
        "sheet": selectors.storage.path_of(dataset)
    }
    # Cached: the same object until the active files change.
    assert selectors.analysis_for(province="Lạng Sơn", year=2025) is imported


def test_a_campaign_opened_after_an_import_assigns_the_imported_ledger(
    coordinator, demo_files, improved_sheet, upload
):
    """Campaigns read the same active score sheet as the dashboard, and record it as their source;
    a campaign opened earlier on the demo keeps its illustrative label."""
    from datetime import timedelta

    from django.utils import timezone

    from chiso.web.campaigns.services import campaign_open

    def open_campaign(title):
        return campaign_open(
            acting_user=coordinator,
            year=2025,
            title=title,
            deadline=timezone.now() + timedelta(days=7),
        )

    before = open_campaign("Trước khi nhập")
    _import(coordinator, Kind.SHEET, improved_sheet, upload)
    after = open_campaign("Sau khi nhập")

    assert before.assignments.count() == 55
    assert after.assignments.count() == 54
    assert (before.illustrative, after.illustrative) == (True, False)
    assert after.source.startswith("Nguồn: bang-diem-sua.csv do dieuphoi nhập lúc ")
    before.refresh_from_db()
    assert before.illustrative is True
