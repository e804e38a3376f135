"""Assignment editing: lead changes move the item, supporting agencies get phối hợp items,
refusals, and who may see or change the assignment table."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chiso.web.accounts.models import Agency, User
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.assignments import assignment_update
from chiso.web.campaigns.models import Assignment, Contribution, ItemResponse
from chiso.web.campaigns.services import (
    ContributionContent,
    ItemText,
    campaign_close,
    contribution_accept,
    contribution_return,
    contribution_save_draft,
    contribution_submit,
)
from chiso.web.campaigns.solutions import SolutionText

pytestmark = pytest.mark.django_db
State = Contribution.State


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


@pytest.fixture
def bdt_item(own):
    """The Post Office's only item (LV3.3.3), written with one solution."""
    item = own.items.select_related("assignment").get()
    content = ContributionContent(
        general_text="",
        items={
            item.assignment.code: ItemText(
                causes="Chưa phối hợp tốt",
                responsibility_unit="Phòng bưu chính công ích",
                solutions=(
                    SolutionText(
                        text="Mở thêm điểm tiếp nhận",
                        owner="Bưu điện tỉnh",
                        deadline=date(2026, 12, 31),
                        expected_points=item.assignment.lost,
                    ),
                ),
            )
        },
    )
    contribution_save_draft(acting_user=own_member(own), contribution=own, content=content)
    item.refresh_from_db()
    return item


def own_member(contribution):
    return User.objects.get(agency=contribution.agency)


def _update(user, assignment, lead: str | None, supporting=()):
    return assignment_update(
        acting_user=user,
        assignment=assignment,
        lead_agency=_agency(lead) if lead else None,
        supporting_agencies=[_agency(code) for code in supporting],
    )


# -- the service: lead changes -------------------------------------------------------------


def test_lead_change_moves_text_and_solutions_to_a_new_contribution(
    coordinator, own, bdt_item, campaign
):
    assert not campaign.contributions.filter(agency__code="SXD").exists()
    _update(coordinator, bdt_item.assignment, "SXD")
    new = campaign.contributions.get(agency__code="SXD")
    assert new.state == State.DRAFT
    moved = new.items.get()
    assert moved.pk == bdt_item.pk  # the same row, text and solutions carried
    assert moved.causes == "Chưa phối hợp tốt" and moved.is_lead
    solution = moved.solution_rows.get()
    assert (solution.text, solution.owner) == ("Mở thêm điểm tiếp nhận", "Bưu điện tỉnh")
    # BDT had nothing else: its empty draft contribution is gone
    assert not campaign.contributions.filter(agency__code="BDT").exists()
    event = AuditEvent.objects.get(event="assignment.updated")
    assert event.old == {"lead_agency": "BDT", "supporting_agencies": []}
    assert event.new["lead_agency"] == "SXD"
    assert event.new["contributions_created"] == ["SXD"]
    assert event.new["contributions_deleted"] == ["BDT"]
    assert event.actor == coordinator


def test_lead_change_into_an_existing_contribution(coordinator, campaign, bdt_item):
    stp = campaign.contributions.get(agency__code="STP")
    before = stp.items.count()
    _update(coordinator, bdt_item.assignment, "STP")
    assert stp.items.count() == before + 1
    assert stp.items.get(assignment=bdt_item.assignment).causes == "Chưa phối hợp tốt"
    assert AuditEvent.objects.get(event="assignment.updated").new["contributions_created"] == []


def test_emptied_contribution_that_holds_versions_is_kept(coordinator, member, own, campaign, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    contribution_return(acting_user=coordinator, contribution=own, comment="Chuyển chủ trì")
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "SXD")
    own.refresh_from_db()
    assert own.items.count() == 0 and own.versions.count() == 1  # nothing frozen is lost
    moved = campaign.contributions.get(agency__code="SXD").items.get()
    assert moved.causes.startswith("Nguyên nhân")


def test_emptied_contribution_is_shown_as_without_content(
    client, coordinator, member, own, campaign, fill
):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    contribution_return(acting_user=coordinator, contribution=own, comment="Chuyển chủ trì")
    _update(coordinator, own.items.get().assignment, "SXD")
    client.force_login(coordinator)
    overview = client.get(reverse("campaign_detail", args=[campaign.pk])).text
    assert "Không còn nội dung" in overview
    client.force_login(member)
    page = client.get(reverse("contribution_detail", args=[own.pk])).text
    assert "Không còn nội dung" in page and 'value="submit"' not in page
    with pytest.raises(ValidationError, match="không còn nội dung"):
        contribution_submit(acting_user=member, contribution=own)


@pytest.mark.parametrize("who", ["old", "new"])
def test_refused_while_the_old_or_new_lead_has_submitted(
    coordinator, member, other_member, own, foreign, fill, who
):
    if who == "old":
        contribution_submit(acting_user=member, contribution=own, content=fill(own))
    else:
        contribution_submit(acting_user=other_member, contribution=foreign, content=fill(foreign))
    assignment = own.items.get().assignment
    with pytest.raises(ValidationError, match="trả lại tham luận trước khi chuyển"):
        _update(coordinator, assignment, "STP")
    assignment.refresh_from_db()
    assert assignment.lead_agency.code == "BDT"
    assert own.items.count() == 1
    assert not AuditEvent.objects.filter(event="assignment.updated").exists()


def test_refused_when_a_contribution_is_accepted(coordinator, member, own, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    contribution_accept(acting_user=coordinator, contribution=own)
    with pytest.raises(ValidationError, match="đã được tiếp nhận"):
        _update(coordinator, own.items.get().assignment, "SXD")


def test_returned_contribution_may_lose_its_item(coordinator, member, own, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    contribution_return(acting_user=coordinator, contribution=own, comment="Đổi chủ trì")
    _update(coordinator, own.items.get().assignment, "SXD")
    assert not own.items.exists()


def test_refused_when_the_campaign_is_closed(coordinator, own, campaign):
    campaign_close(acting_user=coordinator, campaign=campaign)
    with pytest.raises(ValidationError, match="đã đóng"):
        _update(coordinator, own.items.get().assignment, "SXD")


def test_a_lead_is_required(coordinator, own):
    with pytest.raises(ValidationError, match="Cần chọn cơ quan chủ trì"):
        _update(coordinator, own.items.get().assignment, None)


@pytest.mark.parametrize("who", ["member", "other_member", "leader"])
def test_only_the_coordinator_changes_assignments(request, own, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _update(user, own.items.get().assignment, "SXD")
    assert own.items.get().assignment.lead_agency.code == "BDT"


def test_administrator_may_change_assignments(administrator, own, campaign):
    _update(administrator, own.items.get().assignment, "SXD")
    assert campaign.contributions.filter(agency__code="SXD").exists()


def test_unchanged_values_change_and_audit_nothing(coordinator, own):
    _update(coordinator, own.items.get().assignment, "BDT")
    assert not AuditEvent.objects.filter(event="assignment.updated").exists()


# -- the service: supporting agencies -------------------------------------------------------


def test_supporting_agency_gets_a_phoi_hop_item_in_its_own_contribution(coordinator, own, campaign):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["SXD", "STP"])
    assert _codes(assignment.supporting_agencies.all()) == ["STP", "SXD"]
    sxd = campaign.contributions.get(agency__code="SXD")
    support = sxd.items.get()
    assert support.assignment == assignment and not support.is_lead
    stp_item = campaign.contributions.get(agency__code="STP").items.get(assignment=assignment)
    assert not stp_item.is_lead
    assert own.items.get().is_lead
    event = AuditEvent.objects.get(event="assignment.updated")
    assert event.new["supporting_agencies"] == ["STP", "SXD"]
    assert event.new["contributions_created"] == ["SXD"]


def test_removing_an_empty_supporting_agency_deletes_its_item_and_empty_contribution(
    coordinator, own, campaign
):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["SXD"])
    _update(coordinator, assignment, "BDT", [])
    assert not assignment.supporting_agencies.exists()
    assert not campaign.contributions.filter(agency__code="SXD").exists()
    last = AuditEvent.objects.filter(event="assignment.updated").order_by("pk").last()
    assert last.new["contributions_deleted"] == ["SXD"]


def test_removing_a_supporting_agency_that_wrote_is_refused(coordinator, own, campaign):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["SXD"])
    sxd = campaign.contributions.get(agency__code="SXD")
    content = ContributionContent(items={assignment.code: ItemText(causes="Góp ý của SXD")})
    contribution_save_draft(acting_user=coordinator, contribution=sxd, content=content)
    with pytest.raises(ValidationError, match="đã viết nội dung phối hợp"):
        _update(coordinator, assignment, "BDT", [])
    assert sxd.items.get().causes == "Góp ý của SXD"
    assert _codes(assignment.supporting_agencies.all()) == ["SXD"]


def test_the_lead_is_never_its_own_supporting_agency(coordinator, own):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["BDT", "SXD"])
    assert _codes(assignment.supporting_agencies.all()) == ["SXD"]
    assert own.items.count() == 1


def test_supporting_agency_promoted_to_lead_keeps_what_it_wrote(coordinator, own, campaign):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["SXD"])
    sxd = campaign.contributions.get(agency__code="SXD")
    content = ContributionContent(items={assignment.code: ItemText(causes="SXD viết trước")})
    contribution_save_draft(acting_user=coordinator, contribution=sxd, content=content)
    _update(coordinator, assignment, "SXD", ["BDT"])  # swap the roles
    lead = sxd.items.get()
    assert lead.is_lead and lead.causes == "SXD viết trước"
    old_lead = campaign.contributions.get(agency__code="BDT").items.get()
    assert not old_lead.is_lead and old_lead.causes == ""


def test_promotion_refused_when_both_agencies_wrote(coordinator, own, campaign, bdt_item):
    assignment = bdt_item.assignment
    _update(coordinator, assignment, "BDT", ["SXD"])
    sxd = campaign.contributions.get(agency__code="SXD")
    content = ContributionContent(items={assignment.code: ItemText(causes="SXD cũng viết")})
    contribution_save_draft(acting_user=coordinator, contribution=sxd, content=content)
    with pytest.raises(ValidationError, match="Cả Bưu điện tỉnh và Sở Xây dựng"):
        _update(coordinator, assignment, "SXD")
    assert own.items.get().causes == "Chưa phối hợp tốt"


def test_adding_a_supporting_agency_whose_contribution_is_submitted_is_refused(
    coordinator, other_member, own, foreign, fill
):
    contribution_submit(acting_user=other_member, contribution=foreign, content=fill(foreign))
    with pytest.raises(ValidationError, match="trả lại tham luận trước khi chuyển"):
        _update(coordinator, own.items.get().assignment, "BDT", ["STP"])
    assert not foreign.items.filter(assignment=own.items.get().assignment).exists()


def test_unassigned_item_gets_its_first_lead(coordinator, campaign):
    assignment = campaign.assignments.order_by("position").first()
    ItemResponse.objects.filter(assignment=assignment).delete()
    Assignment.objects.filter(pk=assignment.pk).update(lead_agency=None)
    assignment.refresh_from_db()
    _update(coordinator, assignment, "SXD")
    item = campaign.contributions.get(agency__code="SXD").items.get()
    assert item.assignment == assignment and item.is_lead


def _codes(agencies) -> list[str]:
    return sorted(a.code for a in agencies)


# -- the pages -------------------------------------------------------------------------------


def _page(campaign):
    return reverse("assignment_list", args=[campaign.pk])


def _row(campaign, assignment):
    return reverse("assignment_edit", args=[campaign.pk, assignment.pk])


def test_coordinator_page_lists_every_assignment_with_a_form_per_row(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(_page(campaign)).text
    assert page.count('name="lead_agency"') == 55
    assert page.count('name="supporting_agencies"') == 55
    assert page.count("multiple") >= 55
    assert "LV5.2.1" in page and "Sở Nội vụ" in page
    assert 'hx-post="' in page and "onclick" not in page and "style=" not in page


def test_agencies_are_offered_in_vietnamese_order(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(_page(campaign)).text
    row = page[page.index('id="a-') :]
    row = row[: row.index("</tr>")]
    order = ["Bưu điện tỉnh", "Công an tỉnh", "Sở Dân tộc và Tôn giáo", "Sở Y tế", "Thanh tra tỉnh"]
    positions = [row.index(f">{name}</option>") for name in order]
    assert positions == sorted(positions)
    # the communes come after the provincial bodies
    assert row.index("UBND xã, phường") > row.index("Văn phòng Ủy ban nhân dân tỉnh")


def test_campaign_page_links_to_the_assignment_table(client, coordinator, campaign):
    client.force_login(coordinator)
    assert _page(campaign) in client.get(reverse("campaign_detail", args=[campaign.pk])).text


def test_post_without_javascript_saves_and_returns_to_the_row(
    client, coordinator, own, campaign, bdt_item
):
    client.force_login(coordinator)
    sxd, stp = _agency("SXD"), _agency("STP")
    response = client.post(
        _row(campaign, bdt_item.assignment),
        {"lead_agency": sxd.pk, "supporting_agencies": [stp.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{_page(campaign)}#a-{bdt_item.assignment.pk}"
    assert f"Đã lưu phân công mục {bdt_item.assignment.code}." in response.text
    bdt_item.refresh_from_db()
    assert bdt_item.contribution.agency == sxd


def test_post_refusal_is_shown_in_vietnamese(client, coordinator, member, own, campaign, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    client.force_login(coordinator)
    assignment = own.items.get().assignment
    response = client.post(
        _row(campaign, assignment), {"lead_agency": _agency("SXD").pk}, follow=True
    )
    assert "trả lại tham luận trước khi chuyển" in response.text
    assignment.refresh_from_db()
    assert assignment.lead_agency.code == "BDT"


def test_htmx_post_returns_the_row_alone(client, coordinator, own, campaign):
    client.force_login(coordinator)
    assignment = own.items.get().assignment
    response = client.post(
        _row(campaign, assignment),
        {"lead_agency": _agency("BDT").pk, "supporting_agencies": [_agency("SXD").pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<tr id="a-{assignment.pk}"')
    assert "<html" not in text and "Đã lưu phân công" in text
    assert "Sở Xây dựng" in text


def test_htmx_post_shows_the_error_in_the_row(client, coordinator, campaign, own):
    client.force_login(coordinator)
    assignment = own.items.get().assignment
    response = client.post(
        _row(campaign, assignment), {"lead_agency": ""}, headers={"HX-Request": "true"}
    )
    assert "Cần chọn cơ quan chủ trì." in response.text and 'role="alert"' in response.text


def test_leader_reads_the_table_without_forms_and_cannot_post(client, leader, own, campaign):
    client.force_login(leader)
    page = client.get(_page(campaign))
    assert page.status_code == 200 and 'name="lead_agency"' not in page.text
    assert "Bưu điện tỉnh" in page.text
    assignment = own.items.get().assignment
    response = client.post(_row(campaign, assignment), {"lead_agency": _agency("SXD").pk})
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.lead_agency.code == "BDT"


def test_agency_member_gets_403_and_outsider_404(client, member, own, campaign):
    client.force_login(member)
    assignment = own.items.get().assignment
    assert client.get(_page(campaign)).status_code == 403
    body = {"lead_agency": _agency("SXD").pk}
    assert client.post(_row(campaign, assignment), body).status_code == 403
    commune = Agency.objects.filter(kind="commune").first()
    outsider = User.objects.create_user("xa", role="agency_member", agency=commune)
    client.force_login(outsider)
    assert client.get(_page(campaign)).status_code == 404
    assert client.post(_row(campaign, assignment), body).status_code == 404
    assignment.refresh_from_db()
    assert assignment.lead_agency.code == "BDT"


def test_anonymous_is_sent_to_login(client, own, campaign):
    assignment = own.items.get().assignment
    for response in (
        client.get(_page(campaign)),
        client.post(_row(campaign, assignment), {"lead_agency": _agency("SXD").pk}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_assignment_of_another_campaign_is_404(client, coordinator, own, campaign):
    client.force_login(coordinator)
    assignment = own.items.get().assignment
    url = reverse("assignment_edit", args=[campaign.pk + 1, assignment.pk])
    assert client.post(url, {"lead_agency": _agency("SXD").pk}).status_code == 404


def test_closed_campaign_table_is_read_only(client, coordinator, campaign):
    campaign_close(acting_user=coordinator, campaign=campaign)
    client.force_login(coordinator)
    page = client.get(_page(campaign)).text
    assert 'name="lead_agency"' not in page and "Đợt tham luận đã đóng" in page


def test_overview_counts_supporting_items_apart_and_lost_points_once(
    client, coordinator, own, campaign
):
    assignment = own.items.get().assignment
    _update(coordinator, assignment, "BDT", ["STP"])
    client.force_login(coordinator)
    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    rows = {row.agency.code: row for row in page.context["rows"]}
    assert (rows["STP"].item_count, rows["STP"].support_count) == (7, 1)
    stp_lost = sum(
        a.lost for a in campaign.assignments.filter(lead_agency__code="STP")
    )  # the supported item's points stay with the lead
    assert rows["STP"].lost_total == stp_lost
    assert rows["BDT"].lost_total == assignment.lost == Decimal("0.01")
