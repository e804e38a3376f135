"""Hostile input to the conference's forms, as their users post them: the invitation and
programme (coordinator), tasks, delegates and check-in. The answer is never a 500; a refused post
changes nothing — no row, no audit entry.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import hostile

pytestmark = pytest.mark.django_db
WEB = hostile.WEB
TEXT = hostile.control_text(60) | st.sampled_from(
    (*hostile.WEIRD_TEXT, *hostile.FORMULAS, "*không khép", "**đậm**", "a\nb\n\n*c*")
)
NUMBERS = st.sampled_from(["", "0", "1", "-1", "31", "32", "abc", "1,5", "9" * 30, "2026"])
MOMENTS = st.sampled_from(
    (
        "",
        "2026-05-29T14:00",
        "2026-02-31T14:00",
        "2026-05-29T25:00",
        "9999-12-31T23:59",
        "0001-01-01T00:00",
        "29/05/2026 14:00",
        "2026-05-29",
    )
)
NUMBER_FIELDS = ("number", "issue_day", "issue_month", "issue_year", "minutes_each")
DATES = st.sampled_from(("", "2026-05-27", "2026-02-31", "27/05/2026", "9999-12-31", "x"))


def as_post(response) -> dict:
    """What the browser sends back for the page's pre-filled form and participant rows."""

    def value(v):
        if v is None:
            return ""
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%dT%H:%M")
        if isinstance(v, list | tuple):
            return [str(x) for x in v]
        return v

    data = {field.html_name: value(field.value()) for field in response.context["form"]}
    formset = response.context["formset"]
    data |= {field.html_name: field.value() for field in formset.management_form}
    for form in formset:
        for field in form:
            if field.name != "DELETE":
                data[field.html_name] = value(field.value())
    return data


def conference_keys() -> list[str]:
    """The fields a post may change: the form's, and the first participant row and counters
    (the rows after it depend on what earlier examples saved)."""
    from chiso.web.conference.forms import ConferenceForm

    rows = ["tp-0-text", "tp-0-role", "tp-0-note", "tp-0-end", "tp-TOTAL_FORMS"]
    return sorted(ConferenceForm.base_fields) + rows + ["tp-INITIAL_FORMS"]


def mutate(draw, data: dict) -> dict:
    data = dict(data)
    keys = conference_keys()
    for _ in range(draw(st.integers(1, 5))):
        key = draw(st.sampled_from(keys))
        if key in ("start", "end"):
            data[key] = draw(MOMENTS)
        elif key in NUMBER_FIELDS or key.endswith("_FORMS"):
            data[key] = draw(NUMBERS)
        elif key == "presenting_agencies":
            data[key] = draw(st.lists(NUMBERS, max_size=3))
        else:
            data[key] = draw(TEXT)
    return data


@WEB
@given(data=st.data())
def test_any_conference_form_saves_or_changes_nothing(client, coordinator, conference, data):
    client.force_login(coordinator)
    url = f"/tham-luan/{conference.campaign_id}/hoi-nghi/sua/"
    posted = mutate(data.draw, as_post(client.get(url)))
    before = hostile.snapshot()
    response = client.post(url, posted)
    hostile.check_answer(response)
    if response.status_code == 200:
        assert hostile.snapshot() == before
        event("refused")
    else:
        event("saved")


TASK = {
    "moi-owner": "Sở Nội vụ",
    "moi-owner_agency": "",
    "moi-text": "chuẩn bị tài liệu",
    "moi-deadline": "2026-05-27",
    "moi-deadline_kind": "no_later_than",
    "moi-end": "",
}


@WEB
@given(data=st.data())
def test_any_new_task_is_added_or_changes_nothing(client, coordinator, conference, data):
    client.force_login(coordinator)
    posted = dict(TASK)
    for key in data.draw(st.sets(st.sampled_from(sorted(TASK)), max_size=3), label="changed"):
        if key.endswith("deadline"):
            posted[key] = data.draw(DATES, label=key)
        elif key.endswith(("owner_agency", "deadline_kind", "end")):
            posted[key] = data.draw(NUMBERS | TEXT, label=key)
        else:
            posted[key] = data.draw(TEXT, label=key)
    before = hostile.snapshot()
    response = client.post(f"/tham-luan/{conference.campaign_id}/hoi-nghi/nhiem-vu/them/", posted)
    hostile.check_answer(response)
    added = (
        hostile.snapshot()[0]["conference.ConferenceTask"] - before[0]["conference.ConferenceTask"]
    )
    event("added" if added else "refused")
    if not added:
        assert hostile.snapshot() == before


@WEB
@given(
    name=TEXT,
    position=TEXT,
    agency=NUMBERS | TEXT,
    organisation=TEXT,
    group=TEXT,
    attended=st.sampled_from(["", "on", "true", "0", "x" * 1000]),
)
def test_any_delegate_is_added_or_changes_nothing(
    client, coordinator, conference, name, position, agency, organisation, group, attended
):
    from chiso.web.conference.models import Attendee

    client.force_login(coordinator)
    fields = {
        "name": name,
        "position": position,
        "agency": agency,
        "organisation": organisation,
        "group": group,
    }
    before = hostile.snapshot()
    response = client.post(f"/tham-luan/{conference.campaign_id}/hoi-nghi/dai-bieu/them/", fields)
    hostile.check_answer(response)
    after = hostile.snapshot()
    if after[0]["conference.Attendee"] == before[0]["conference.Attendee"]:
        assert after == before
        event("refused")
        return
    event("added")
    attendee = Attendee.objects.order_by("-pk").first()
    assert attendee.name == hostile.normalised(" ".join(name.split()))
    for url in (
        f"/hoi-nghi/dai-bieu/{attendee.pk}/sua/",
        f"/hoi-nghi/dai-bieu/{attendee.pk}/diem-danh/",
    ):
        hostile.check_answer(client.post(url, fields | {"attended": attended}))
    hostile.check_answer(client.get(f"/tham-luan/{conference.campaign_id}/hoi-nghi/dai-bieu.xlsx"))
