"""The consolidated book (sổ tổng hợp tham luận): who may download it, what it holds."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document as open_docx

from chiso.web.campaigns import selectors
from chiso.web.campaigns.services import contribution_submit

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    document = open_docx(BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_coordinator_downloads_a_docx_with_the_submitted_causes(
    client, coordinator, member, own, fill
):
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "BĐT-nộp"))
    client.force_login(coordinator)
    response = client.get(reverse("campaign_book", args=[own.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="so-tham-luan-2025.docx"'
    text = _text(response)
    assert "BÁO CÁO" in text
    assert "Tổng hợp tham luận của các cơ quan, đơn vị" in text
    code = own.items.first().assignment.code
    assert f"Nguyên nhân {code} BĐT-nộp" in text
    assert own.agency.name in text


def test_book_uses_the_submitted_version_and_marks_drafts(
    client, coordinator, member, own, foreign, fill
):
    from chiso.web.campaigns.services import contribution_return, contribution_save_draft

    contribution_submit(acting_user=member, contribution=own, content=fill(own, "đã-nộp"))
    contribution_return(acting_user=coordinator, contribution=own, comment="Bổ sung")
    contribution_save_draft(acting_user=member, contribution=own, content=fill(own, "sửa-sau"))
    contribution_save_draft(acting_user=coordinator, contribution=foreign, content=fill(foreign))
    book = {c.agency_name: c for c in selectors.book_contributions(campaign=own.campaign)}
    submitted, draft = book[own.agency.name], book[foreign.agency.name]
    assert submitted.submitted_on is not None and submitted.state_label == "Bị trả lại"
    assert all("đã-nộp" in item.causes for item in submitted.items)
    assert draft.submitted_on is None and draft.state_label == selectors.DRAFT_LABEL
    assert len(draft.items) == foreign.items.count() > 0
    assert len(book) == own.campaign.contributions.count()


def test_leader_can_download(client, leader, campaign):
    client.force_login(leader)
    response = client.get(reverse("campaign_book", args=[campaign.pk]))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_overview_links_to_the_book(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).text
    assert reverse("campaign_book", args=[campaign.pk]) in page


def test_agency_member_cannot_download(client, member, own):
    client.force_login(member)
    assert client.get(reverse("campaign_book", args=[own.campaign_id])).status_code == 403


def test_member_of_an_agency_outside_the_campaign_gets_404(client, campaign):
    from chiso.web.accounts.models import Agency, User

    commune = Agency.objects.filter(kind="commune").first()
    outsider = User.objects.create_user("xa", role="agency_member", agency=commune)
    client.force_login(outsider)
    assert client.get(reverse("campaign_book", args=[campaign.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, campaign):
    url = reverse("campaign_book", args=[campaign.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_book_prints_supporting_input_under_the_lead_item(client, coordinator, own, campaign, fill):
    from chiso.web.accounts.models import Agency
    from chiso.web.campaigns.assignments import assignment_update
    from chiso.web.campaigns.services import (
        ContributionContent,
        ItemText,
        contribution_save_draft,
    )

    assignment = own.items.get().assignment
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=assignment.lead_agency,
        supporting_agencies=[Agency.objects.get(code="SXD")],
    )
    sxd = campaign.contributions.get(agency__code="SXD")
    content = ContributionContent(items={assignment.code: ItemText(causes="Góp ý của Sở Xây dựng")})
    contribution_save_draft(acting_user=coordinator, contribution=sxd, content=content)
    contribution_submit(acting_user=coordinator, contribution=own, content=fill(own, "chủ-trì"))

    book = {c.agency_name: c for c in selectors.book_contributions(campaign=campaign)}
    (item,) = book["Bưu điện tỉnh"].items
    assert item.causes.endswith("chủ-trì")
    assert item.solutions[0].owner == "Bưu điện tỉnh"
    assert item.solutions[0].expected_points == float(assignment.lost)
    assert [s.agency_name for s in item.supporting] == ["Sở Xây dựng"]
    assert item.supporting[0].causes == "Góp ý của Sở Xây dựng"
    assert book["Sở Xây dựng"].items == () and book["Sở Xây dựng"].supported == (assignment.code,)

    client.force_login(coordinator)
    text = _text(client.get(reverse("campaign_book", args=[campaign.pk])))
    assert "Cơ quan phối hợp: Sở Xây dựng" in text
    assert "thời hạn: 31/12/2026" in text


def test_book_reads_versions_frozen_with_text_solutions(coordinator, member, own, fill):
    """A version submitted before solutions were structured holds one text: it still prints."""
    version = contribution_submit(acting_user=member, contribution=own, content=fill(own))
    snapshot = version.snapshot
    snapshot["items"][0]["solutions"] = "Giải pháp cũ dạng văn bản"
    type(version).objects.filter(pk=version.pk).update(snapshot=snapshot)
    book = {c.agency_name: c for c in selectors.book_contributions(campaign=own.campaign)}
    (item,) = book[own.agency.name].items
    assert [s.text for s in item.solutions] == ["Giải pháp cũ dạng văn bản"]
    assert item.solutions[0].owner == "" and item.solutions[0].deadline is None


def test_the_book_reads_in_a_fixed_number_of_queries(
    django_assert_max_num_queries, coordinator, member, own, foreign, fill
):
    """Contributions, items, solutions, latest versions, assignments, supporting agencies: six
    queries whether the province has seven agencies or seventy (it was three per agency)."""
    from chiso.web.campaigns.services import contribution_return

    contribution_submit(acting_user=member, contribution=own, content=fill(own, "lần-1"))
    contribution_return(acting_user=coordinator, contribution=own, comment="Bổ sung")
    contribution_submit(acting_user=member, contribution=own, content=fill(own, "lần-2"))
    contribution_submit(acting_user=coordinator, contribution=foreign, content=fill(foreign))
    campaign = own.campaign
    assert campaign.contributions.count() == 7
    with django_assert_max_num_queries(6):
        book = selectors.book_contributions(campaign=campaign)
    mine = next(c for c in book if c.agency_name == own.agency.name)
    assert all("lần-2" in item.causes for item in mine.items)  # the latest version, not the first
    assert sum(len(c.items) for c in book) == campaign.assignments.count()
