"""The projection reads the files its campaign was opened on: an imported sheet, or the demo."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.parindex.inputs import analyse_province
from chiso.parindex.whatif import Recovery
from chiso.web.actions.models import Action
from chiso.web.actions.selectors import projection
from chiso.web.actions.services import action_update, actions_from_contribution
from chiso.web.campaigns.services import campaign_open
from chiso.web.datasets.models import Dataset

pytestmark = pytest.mark.django_db
Kind = Dataset.Kind


@pytest.fixture
def stp_actions(foreign, coordinator, accept):
    """STP's actions, one per item (LV2.1.2 0,22; LV2.3.1 0,16; …), every solution worth all
    the item's lost points."""
    accept(foreign, coordinator)
    actions = actions_from_contribution(acting_user=coordinator, contribution=foreign)
    return {a.assignment.code: a for a in actions}


def _done(coordinator, *actions: Action) -> None:
    for action in actions:
        action_update(acting_user=coordinator, action=action, status="done", progress=100)


def test_demo_until_a_sheet_is_imported(campaign, coordinator, client, stp_actions, data_dir):
    _done(coordinator, stp_actions["LV2.3.1"])
    result = projection(campaign)
    direct = analyse_province(province="Lạng Sơn", year=2025, what_if=(Recovery("LV2.3.1", 0.16),))
    assert result.demo and result.source == ""
    assert (result.percent, result.projected_percent) == (direct.percent, direct.what_if.percent)
    client.force_login(coordinator)
    page = client.get(reverse("action_list", args=[campaign.pk])).content.decode()
    assert '<p class="illustrative"><strong>Số liệu minh họa</strong>' in page
    assert "Nguồn:" not in page


def test_projection_reads_the_files_the_campaign_was_opened_on(
    campaign, coordinator, client, stp_actions, import_file, sheet_with, demo_files, accept
):
    """A later import changes neither the baseline nor the projection of a campaign opened before
    it; a campaign opened after it projects on the imported files."""
    table = demo_files / "ket-qua-cac-tinh-2025.csv"
    sheet = sheet_with({"LV2.1.2": "1.0"})
    import_file(Kind.RESULTS, table)
    import_file(Kind.SHEET, sheet)
    _done(coordinator, stp_actions["LV2.3.1"])
    demo = analyse_province(province="Lạng Sơn", year=2025, what_if=(Recovery("LV2.3.1", 0.16),))
    before = projection(campaign)
    assert before.demo
    assert (before.percent, before.projected_percent) == (demo.percent, demo.what_if.percent)

    later = campaign_open(
        acting_user=coordinator,
        year=2025,
        title="Sau khi nhập bảng điểm",
        deadline=timezone.now() + timedelta(days=7),
    )
    stp = accept(later.contributions.get(agency__code="STP"), coordinator)
    actions = {
        a.assignment.code: a
        for a in actions_from_contribution(acting_user=coordinator, contribution=stp)
    }
    assert "LV2.1.2" not in actions  # at its maximum in the imported sheet: nothing to explain
    _done(coordinator, actions["LV2.3.1"])

    result = projection(later)
    direct = analyse_province(
        province="Lạng Sơn",
        year=2025,
        sheet=sheet,
        results=table,
        what_if=(Recovery("LV2.3.1", 0.16),),
    )
    assert result is not None and not result.demo
    assert result.percent == direct.percent != demo.percent
    assert (result.projected_percent, result.projected_rank, result.projected_group) == (
        direct.what_if.percent,
        direct.what_if.rank,
        direct.what_if.group,
    )
    assert result.gained == pytest.approx(0.16)
    assert result.done == 1
    assert result.source.startswith("Nguồn: bang-diem-sua.csv do dieuphoi nhập lúc ")

    client.force_login(coordinator)
    page = client.get(reverse("action_list", args=[later.pk])).content.decode()
    assert "Nguồn: bang-diem-sua.csv" in page
    assert "Số liệu minh họa" not in page


def test_done_actions_of_one_item_together_never_exceed_its_lost_points(
    campaign, coordinator, own, stp_actions, data_dir
):
    """BDT supports LV2.1.2 too and also expects its 0,22 points: both done recover 0,22."""
    assignment = campaign.assignments.get(code="LV2.1.2")
    # STP's contribution is accepted, so the assignment cannot change any more: BDT's
    # supporting action is put next to STP's directly (the service's route: test_solutions).
    support = Action.objects.create(
        campaign=campaign,
        assignment=assignment,
        owner_agency=own.agency,
        title="Phối hợp",
        deadline=stp_actions["LV2.1.2"].deadline,
        expected_points=assignment.lost,
        created_by=coordinator,
    )
    _done(coordinator, stp_actions["LV2.1.2"], support)
    result = projection(campaign)
    direct = analyse_province(
        province="Lạng Sơn", year=2025, what_if=(Recovery("LV2.1.2", 0.22),)
    ).what_if
    assert result.gained == pytest.approx(0.22)
    assert result.projected_percent == direct.percent
