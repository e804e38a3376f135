"""Structured solutions: the rules a solution row obeys, the formset on the contribution page,
what a submit requires of chủ trì and phối hợp items, and what a version freezes."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chiso.web.accounts.models import Agency
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.assignments import assignment_update
from chiso.web.campaigns.models import Contribution, Solution
from chiso.web.campaigns.services import (
    ContributionContent,
    ItemText,
    contribution_save_draft,
    contribution_submit,
)
from chiso.web.campaigns.solutions import SolutionText, solution_problems

pytestmark = pytest.mark.django_db
State = Contribution.State
LOST = Decimal("1.5")


def _row(text="Tập huấn", owner="Phòng A", deadline=date(2026, 12, 31), points="0.5"):
    return SolutionText(
        text=text,
        owner=owner,
        deadline=deadline,
        expected_points=None if points is None else Decimal(points),
    )


# -- the rules -------------------------------------------------------------------------------


def test_complete_rows_within_the_lost_points_pass():
    problems = solution_problems([_row(), _row(points="1"), SolutionText()], lost=LOST)
    assert not problems and problems.rows == {} and problems.total == ""


def test_points_over_lost_are_refused_at_the_row():
    problems = solution_problems([_row(), _row(points="1.75")], lost=LOST)
    assert problems.rows == {
        1: {"expected_points": "Điểm kỳ vọng không được vượt số điểm bị trừ (1,5)."}
    }


def test_sum_over_lost_is_refused_for_the_item():
    problems = solution_problems([_row(points="1"), _row(points="0.75")], lost=LOST)
    assert problems.rows == {}
    assert problems.total == (
        "Tổng điểm kỳ vọng của các giải pháp (1,75) vượt số điểm bị trừ (1,5)."
    )


@pytest.mark.parametrize(
    "row, field, message",
    [
        (_row(deadline=None), "deadline", "Ghi thời hạn thực hiện."),
        (_row(owner=" "), "owner", "Ghi đơn vị hoặc cá nhân thực hiện."),
        (_row(points=None), "expected_points", "Ghi số điểm kỳ vọng."),
        (_row(points="-0.25"), "expected_points", "Điểm kỳ vọng không được âm."),
        (_row(text=""), "text", "Ghi nội dung giải pháp (hoặc để trống cả dòng)."),
    ],
)
def test_a_row_with_text_needs_everything(row, field, message):
    problems = solution_problems([SolutionText(), row], lost=LOST)
    assert problems.rows == {1: {field: message}}
    assert problems.messages("LV1") == [f"Mục LV1, giải pháp 2: {message}"]


def test_a_row_with_only_the_prefilled_owner_is_blank():
    assert solution_problems([SolutionText(owner="Bưu điện tỉnh")], lost=LOST).rows == {}


# -- the services ------------------------------------------------------------------------------


def _content(contribution, *solutions, causes="Nguyên nhân"):
    code = contribution.items.get().assignment.code
    return ContributionContent(items={code: ItemText(causes=causes, solutions=solutions)})


def test_draft_with_an_invalid_row_saves_nothing(own, member):
    lost = own.items.get().assignment.lost  # 0,01 for the Post Office's item
    content = _content(own, _row(points=str(lost)), _row(deadline=None, points="0"))
    with pytest.raises(ValidationError) as caught:
        contribution_save_draft(acting_user=member, contribution=own, content=content)
    code = own.items.get().assignment.code
    assert caught.value.messages == [f"Mục {code}, giải pháp 2: Ghi thời hạn thực hiện."]
    assert own.items.get().causes == "" and not Solution.objects.exists()
    assert not AuditEvent.objects.filter(event="contribution.draft_saved").exists()


def test_draft_over_the_lost_points_saves_nothing(own, member):
    content = _content(own, _row(points="0.02"))
    with pytest.raises(ValidationError, match="không được vượt số điểm bị trừ"):
        contribution_save_draft(acting_user=member, contribution=own, content=content)
    assert not Solution.objects.exists()


def test_solutions_are_stored_in_order_and_audited(own, member):
    content = _content(
        own,
        _row(text="Thứ nhất", points="0.005"),
        SolutionText(owner="Bưu điện tỉnh"),
        _row(text="Thứ hai", points="0.005", deadline=date(2026, 6, 30)),
    )
    contribution_save_draft(acting_user=member, contribution=own, content=content)
    item = own.items.get()
    rows = list(item.solution_rows.all())
    assert [(r.position, r.text) for r in rows] == [(1, "Thứ nhất"), (2, "Thứ hai")]
    event = AuditEvent.objects.get(event="contribution.draft_saved")
    code = item.assignment.code
    assert event.old[code]["solutions"] == []
    assert event.new[code]["solutions"][1] == {
        "text": "Thứ hai",
        "owner": "Phòng A",
        "deadline": "2026-06-30",
        "expected_points": "0.005",
    }
    contribution_save_draft(acting_user=member, contribution=own, content=content)
    assert AuditEvent.objects.filter(event="contribution.draft_saved").count() == 1


def test_submit_needs_a_solution_on_every_lead_item(own, member):
    with pytest.raises(ValidationError) as caught:
        contribution_submit(acting_user=member, contribution=own, content=_content(own))
    code = own.items.get().assignment.code
    assert caught.value.messages == [f"Mục {code}: chưa có giải pháp khắc phục."]
    own.refresh_from_db()
    assert own.state == State.DRAFT


def test_supporting_items_are_optional_at_submit(coordinator, own, campaign, fill):
    """SXD supports the Post Office's item and leads nothing: it may submit an empty input; the
    Post Office, which leads it, may not."""
    assignment = own.items.get().assignment
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=assignment.lead_agency,
        supporting_agencies=[Agency.objects.get(code="SXD")],
    )
    sxd = campaign.contributions.get(agency__code="SXD")
    version = contribution_submit(acting_user=coordinator, contribution=sxd)
    assert version.snapshot["items"][0]["role"] == "support"
    assert version.snapshot["items"][0]["solutions"] == []
    with pytest.raises(ValidationError, match="chưa có nguyên nhân và giải pháp"):
        contribution_submit(acting_user=coordinator, contribution=own)


def test_phoi_hop_input_is_still_checked_when_given(coordinator, own, campaign):
    assignment = own.items.get().assignment
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=assignment.lead_agency,
        supporting_agencies=[Agency.objects.get(code="SXD")],
    )
    sxd = campaign.contributions.get(agency__code="SXD")
    with pytest.raises(ValidationError, match="Ghi số điểm kỳ vọng"):
        contribution_submit(
            acting_user=coordinator, contribution=sxd, content=_content(sxd, _row(points=None))
        )


def test_snapshot_freezes_owner_iso_deadline_and_points(own, member):
    content = _content(own, _row(text="Số hóa hồ sơ", points="0.01"))
    version = contribution_submit(acting_user=member, contribution=own, content=content)
    (item,) = version.snapshot["items"]
    assert item["role"] == "lead"
    assert item["solutions"] == [
        {
            "text": "Số hóa hồ sơ",
            "owner": "Phòng A",
            "deadline": "2026-12-31",
            "expected_points": "0.01",
        }
    ]


# -- the page --------------------------------------------------------------------------------


def _url(contribution):
    return reverse("contribution_detail", args=[contribution.pk])


def test_page_offers_existing_rows_plus_two_blank_ones_with_the_agency_as_owner(
    client, member, own
):
    contribution_save_draft(
        acting_user=member, contribution=own, content=_content(own, _row(points="0.01"))
    )
    client.force_login(member)
    page = client.get(_url(own)).text
    item = own.items.get()
    assert f'name="{item.pk}-sol-TOTAL_FORMS" value="3"' in page
    assert 'value="Tập huấn' not in page  # text areas hold the text, not a value attribute
    assert ">Tập huấn</textarea>" in page.replace("\n", "")
    assert f'name="{item.pk}-sol-0-expected_points" value="0,01"' in page
    assert f'name="{item.pk}-sol-2-owner" value="Bưu điện tỉnh"' in page
    assert f'name="{item.pk}-sol-0-deadline" value="2026-12-31"' in page
    assert "Nội dung chủ trì" in page and "Nội dung phối hợp" not in page


def test_invalid_row_is_shown_at_the_row_and_nothing_is_saved(client, member, own, post_body):
    client.force_login(member)
    item = own.items.select_related("assignment").get()
    body = post_body(own, "save", "mới")
    body[f"{item.pk}-sol-0-expected_points"] = "5"
    body[f"{item.pk}-sol-1-text"] = "Giải pháp thứ hai chưa có hạn"
    response = client.post(_url(own), body)
    assert response.status_code == 200
    text = response.text
    assert "Chưa lưu: sửa các ô được đánh dấu lỗi" in text
    assert "Điểm kỳ vọng không được vượt số điểm bị trừ (0,01)." in text
    assert "Ghi thời hạn thực hiện." in text and "Ghi số điểm kỳ vọng." in text
    assert "Giải pháp thứ hai chưa có hạn" in text  # the user's input comes back
    assert 'class="invalid"' in text
    item.refresh_from_db()
    assert item.causes == "" and not item.solution_rows.exists()


def test_sum_error_is_shown_for_the_item(client, coordinator, campaign, post_body):
    snv = campaign.contributions.get(agency__code="SNV")
    item = snv.items.select_related("assignment").order_by("assignment__position").first()
    body = post_body(snv, "save")
    lost = item.assignment.lost  # 1 point
    body[f"{item.pk}-sol-0-expected_points"] = str(lost).replace(".", ",")
    body |= {
        f"{item.pk}-sol-1-text": "Thêm một giải pháp",
        f"{item.pk}-sol-1-deadline": "30/6/2026",
        f"{item.pk}-sol-1-expected_points": "0,5",
    }
    client.force_login(coordinator)
    response = client.post(_url(snv), body)
    assert "Tổng điểm kỳ vọng của các giải pháp (1,5) vượt số điểm bị trừ (1)." in response.text
    assert not Solution.objects.exists()


def test_vietnamese_decimal_comma_and_date_are_read(client, member, own, post_body):
    client.force_login(member)
    item = own.items.get()
    body = post_body(own, "save")
    body[f"{item.pk}-sol-0-expected_points"] = "0,005"
    body[f"{item.pk}-sol-0-deadline"] = "15/9/2026"
    assert client.post(_url(own), body).status_code == 302
    row = item.solution_rows.get()
    assert (row.expected_points, row.deadline) == (Decimal("0.005"), date(2026, 9, 15))


def test_ticking_delete_removes_a_row(client, member, own, post_body):
    client.force_login(member)
    item = own.items.get()
    assert client.post(_url(own), post_body(own, "save")).status_code == 302
    assert item.solution_rows.count() == 1
    body = post_body(own, "save")
    body[f"{item.pk}-sol-0-DELETE"] = "on"
    assert client.post(_url(own), body).status_code == 302
    assert not item.solution_rows.exists()


def test_item_missing_from_the_post_is_left_alone(client, member, own, fill):
    """An item moved in after the page was opened has no fields in the POST: keep its text."""
    contribution_save_draft(acting_user=member, contribution=own, content=fill(own, "cũ"))
    client.force_login(member)
    response = client.post(_url(own), {"action": "save", "general_text": "Chỉ ý kiến chung"})
    assert response.status_code == 302
    item = own.items.get()
    assert item.causes.endswith("cũ") and item.solution_rows.count() == 1
    own.refresh_from_db()
    assert own.general_text == "Chỉ ý kiến chung"


def test_page_separates_lead_and_supporting_items(client, coordinator, other_member, own, foreign):
    assignment = own.items.get().assignment
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=assignment.lead_agency,
        supporting_agencies=[foreign.agency],
    )
    client.force_login(other_member)
    page = client.get(_url(foreign)).text
    assert "Nội dung chủ trì" in page and "Nội dung phối hợp" in page
    support_part = page[page.index("Nội dung phối hợp") :]
    assert assignment.code in support_part and "Cơ quan chủ trì: Bưu điện tỉnh" in support_part
    assert assignment.code not in page[: page.index("Nội dung phối hợp")]
    # the lead sees who supports it, not what they wrote
    client.force_login(coordinator)
    assert "Cơ quan phối hợp: Sở Tư pháp" in client.get(_url(own)).text


def test_read_only_page_shows_the_solutions(client, leader, member, own, fill):
    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    client.force_login(leader)
    page = client.get(_url(own)).text
    assert "31/12/2026" in page and "Bưu điện tỉnh" in page
    assert 'name="' + str(own.items.get().pk) + '-sol-0-text"' not in page


def test_text_is_stored_in_nfc(own, member):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Tập huấn cán bộ")
    content = _content(
        own, _row(text=decomposed, owner=decomposed, points="0.01"), causes=decomposed
    )
    contribution_save_draft(acting_user=member, contribution=own, content=content)
    item = own.items.get()
    row = item.solution_rows.get()
    assert item.causes == row.text == row.owner == "Tập huấn cán bộ"
    assert unicodedata.is_normalized("NFC", row.text)
