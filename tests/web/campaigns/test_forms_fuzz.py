"""Hostile input to every form of the tham luận workflow, through the pages as their users post
them: the contribution and its solution rows (an agency member), the campaign, the assignment
table and the review (the coordinator), attachments. The answer is never a 500; a refused post
changes nothing: no row, no audit entry, no file, not a character of the stored text.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import event, example, given
from hypothesis import strategies as st

import hostile
from chiso.web.campaigns import services
from chiso.web.campaigns.models import Contribution, ItemResponse, Solution

pytestmark = pytest.mark.django_db
WEB = hostile.WEB
TEXT = hostile.control_text(60) | st.sampled_from(hostile.WEIRD_TEXT + hostile.FORMULAS)
POINTS = st.sampled_from(
    (
        "",
        "0",
        "0,5",
        "0.25",
        "-0,5",
        "-1",
        "1,2,3",
        "1.2,3.4",
        "1e3",
        "NaN",
        "inf",
        "∞",
        "9" * 40,
        "0,00001",
        "1.000.000",
        "½",
        "٣",
        "１２",
        " 0,5 % ",
    )
) | st.decimals(allow_nan=True).map(str)
DATES = st.sampled_from(
    (
        "",
        "2026-12-31",
        "31/12/2026",
        "31/02/2026",
        "2026-02-31",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "32/13/2026",
        "29/02/2027",
        "hôm nay",
        "2026-12-31T00:00",
    )
)
COUNTS = st.sampled_from(["0", "1", "2", "3", "-1", "abc", "", "1000", "99999999999999999999"])
ACTIONS = st.sampled_from(["save", "save", "save", "submit", "", "xoa"])


def snapshot(contribution: Contribution, *folders):
    """Row counts, files, and a fingerprint of everything the contribution's page stores."""
    contribution.refresh_from_db()
    stored = [contribution.state, contribution.general_text]
    for item in ItemResponse.objects.filter(contribution=contribution).order_by("pk"):
        stored += [getattr(item, name) for name in services.TEXT_FIELDS]
    for solution in Solution.objects.filter(item__contribution=contribution).order_by("pk"):
        stored += [solution.text, solution.owner, str(solution.deadline)]
        stored.append(str(solution.expected_points))
    digest = hashlib.sha256(repr(stored).encode("utf-8", "surrogatepass")).hexdigest()
    return hostile.snapshot(*folders), digest


@st.composite
def contribution_posts(draw, body: dict[str, str]) -> dict[str, str]:
    """The page's own POST with some fields replaced: text anywhere, numbers and dates in the
    solution rows, the formset's counters, the action; perhaps a field left out."""
    data = dict(body)
    keys = sorted(data)
    for _ in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from(keys))
        if key.endswith("expected_points"):
            data[key] = draw(POINTS)
        elif key.endswith("deadline"):
            data[key] = draw(DATES)
        elif key.endswith(("TOTAL_FORMS", "INITIAL_FORMS")):
            data[key] = draw(COUNTS)
        elif key == "action":
            data[key] = draw(ACTIONS)
        elif draw(st.integers(0, 9)) == 0:
            data.pop(key, None)
        else:
            data[key] = draw(TEXT)
    return data


@WEB
@given(data=st.data())
def test_any_contribution_post_saves_whole_or_changes_nothing(
    client, member, coordinator, own, post_body, upload_dir, data
):
    client.force_login(member)
    body = post_body(own, data.draw(ACTIONS, label="action"), "")
    posted = data.draw(contribution_posts(body), label="post")
    before = snapshot(own, upload_dir)
    response = client.post(f"/tham-luan/bai/{own.pk}/", posted)
    hostile.check_answer(response)
    after = snapshot(own, upload_dir)
    if response.status_code == 200:  # the page again, each problem at its field
        assert after == before
        event("refused: the form shows its errors")
    else:
        event("saved" if after != before else "nothing to change")
    own.refresh_from_db()
    if own.state == Contribution.State.SUBMITTED:  # back to the agency for the next example
        services.contribution_return(acting_user=coordinator, contribution=own, comment="Sửa lại")


@WEB
@given(
    general=TEXT,
    causes=TEXT,
    text=TEXT,
    owner=TEXT,
    deadline=DATES,
    points=POINTS,
)
def test_hostile_solution_rows_are_refused_at_their_field_or_saved_as_typed(
    client, member, own, post_body, upload_dir, general, causes, text, owner, deadline, points
):
    client.force_login(member)
    body = post_body(own, "save", "")
    item = own.items.order_by("pk").first()
    prefix = f"{item.pk}-sol-0"
    body |= {
        "general_text": general,
        f"{item.pk}-causes": causes,
        f"{prefix}-text": text,
        f"{prefix}-owner": owner,
        f"{prefix}-deadline": deadline,
        f"{prefix}-expected_points": points,
    }
    before = snapshot(own, upload_dir)
    response = client.post(f"/tham-luan/bai/{own.pk}/", body)
    hostile.check_answer(response)
    if response.status_code == 200:
        assert snapshot(own, upload_dir) == before
        event("refused")
        return
    event("saved")
    assert response.status_code == 302
    item.refresh_from_db()
    own.refresh_from_db()
    # NFC, surrounding spaces dropped: nothing else is changed in what the agency wrote.
    assert own.general_text == hostile.normalised(general)
    assert item.causes == hostile.normalised(causes)


@WEB
@given(
    lead=st.sampled_from(["", "0", "-1", "abc", "1.5", "9" * 30, "'; DROP TABLE x; --"]) | TEXT,
    supporting=st.just([])
    | st.lists(st.sampled_from(["", "0", "-1", "abc", "9" * 30]) | TEXT, max_size=3),
    known=st.none() | st.integers(0, 40),
    htmx=st.booleans(),
)
def test_any_assignment_post_saves_or_changes_nothing(
    client, coordinator, campaign, lead, supporting, known, htmx
):
    from chiso.web.accounts.models import Agency
    from chiso.web.campaigns.models import Assignment

    client.force_login(coordinator)
    assignment = campaign.assignments.order_by("pk").first()
    if known is not None:  # a real agency as lead (hostile supporting ones, or none)
        agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
        lead = str(agencies[known % len(agencies)])
    before = (
        hostile.snapshot(),
        list(Assignment.objects.filter(pk=assignment.pk).values_list("lead_agency", flat=True)),
    )
    response = client.post(
        f"/tham-luan/{campaign.pk}/phan-cong/{assignment.pk}/",
        {"lead_agency": lead, "supporting_agencies": supporting},
        headers={"HX-Request": "true"} if htmx else {},
    )
    hostile.check_answer(response)
    after = (
        hostile.snapshot(),
        list(Assignment.objects.filter(pk=assignment.pk).values_list("lead_agency", flat=True)),
    )
    event("saved" if after != before else "unchanged")


CAMPAIGN = {
    "year": "2025",
    "province": "Lạng Sơn",
    "title": "Tham luận năm 2025",
    "event_date": "",
    "deadline": "2030-01-01T08:00",
}
CAMPAIGN_FIELDS = {
    "year": st.sampled_from(["2024", "", "abc", "2019", "2101", "9" * 30, "2025.0"]),
    "province": st.sampled_from(["", "Atlantis", "L¹ng S¬n", "lạng sơn", "TỈNH LẠNG SƠN"]) | TEXT,
    "title": TEXT,
    "event_date": DATES,
    "deadline": st.sampled_from(
        (
            "",
            "2020-01-01T08:00",
            "2030-02-31T08:00",
            "2030-01-01T25:00",
            "9999-12-31T23:59",
            "0001-01-01T00:00",
            "31/12/2030 08:00",
            "abc",
        )
    ),
}


@WEB
@given(
    changed=st.sets(st.sampled_from(sorted(CAMPAIGN_FIELDS)), max_size=3),
    data=st.data(),
)
def test_any_campaign_form_opens_a_campaign_or_changes_nothing(client, coordinator, changed, data):
    """The right form with zero to three fields replaced by hostile values."""
    fields = dict(CAMPAIGN)
    for name in sorted(changed):
        fields[name] = data.draw(CAMPAIGN_FIELDS[name], label=name)
    client.force_login(coordinator)
    before = hostile.snapshot()
    response = client.post("/tham-luan/mo-dot/", fields)
    hostile.check_answer(response)
    if response.status_code == 200:
        assert hostile.snapshot() == before
        event("refused")
    else:
        event("opened")


@WEB
@given(action=st.sampled_from(["accept", "return", "", "xoa"]), comment=TEXT)
def test_any_review_post_is_applied_or_changes_nothing(
    client, coordinator, member, own, fill, action, comment
):
    if own.state != Contribution.State.SUBMITTED:
        services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    own.refresh_from_db()
    client.force_login(coordinator)
    before = snapshot(own)
    form = {"action": action, "comment": comment}
    response = client.post(f"/tham-luan/bai/{own.pk}/duyet/", form)
    hostile.check_answer(response)
    after = snapshot(own)
    event(f"{action or 'no action'}: {'applied' if after != before else 'refused'}")
    if after == before:
        return
    own.refresh_from_db()
    assert own.state in (Contribution.State.ACCEPTED, Contribution.State.RETURNED)
    if own.state == Contribution.State.ACCEPTED:  # accepted is final: a fresh one next time
        Contribution.objects.filter(pk=own.pk).update(state=Contribution.State.RETURNED)


@WEB
@given(
    name=st.sampled_from(hostile.FILE_NAMES),
    content=hostile.upload_contents(b"%PDF-1.4\n%%EOF\n"),
)
@example(name="bao-cao.docx", content=hostile.docx_bomb())  # 1 GB inside 1 MB
@example(name="so.xlsx", content=hostile.xlsx_bomb())
def test_any_attachment_is_stored_or_leaves_nothing(client, member, own, upload_dir, name, content):
    client.force_login(member)
    before = hostile.snapshot(upload_dir)
    response = client.post(
        f"/tham-luan/bai/{own.pk}/tep/", {"file": SimpleUploadedFile(name, content)}
    )
    hostile.check_answer(response)
    after = hostile.snapshot(upload_dir)
    hostile.stored_once_or_unchanged(before, after, "campaigns.Attachment")
