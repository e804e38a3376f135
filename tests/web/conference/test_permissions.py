"""Every permission rule of the conference pages, by URL."""

import pytest
from django.urls import reverse

from chiso.web.conference.models import Attendee, Conference, ConferenceTask

pytestmark = pytest.mark.django_db


def _get_urls(pk: int, task: int, attendee: int) -> list[str]:
    return [
        reverse("conference_list"),
        reverse("conference_detail", args=[pk]),
        reverse("conference_edit", args=[pk]),
        reverse("conference_import", args=[pk]),
        reverse("invitation_docx", args=[pk]),
        reverse("script_docx", args=[pk]),
        reverse("campaign_book_pdf", args=[pk]),
        reverse("attendee_list", args=[pk]),
        reverse("sign_in_sheet", args=[pk]),
        reverse("attendee_export", args=[pk]),
        reverse("conference_task_edit", args=[task]),
        reverse("attendee_edit", args=[attendee]),
    ]


def _post_urls(pk: int, task: int, attendee: int) -> list[str]:
    return [
        reverse("conference_edit", args=[pk]),
        reverse("conference_import", args=[pk]),
        reverse("conference_task_create", args=[pk]),
        reverse("conference_task_edit", args=[task]),
        reverse("conference_task_delete", args=[task]),
        reverse("conference_task_toggle", args=[task]),
        reverse("attendee_add", args=[pk]),
        reverse("attendee_prefill", args=[pk]),
        reverse("attendee_edit", args=[attendee]),
        reverse("attendee_delete", args=[attendee]),
        reverse("attendee_check_in", args=[attendee]),
    ]


@pytest.fixture
def attendee(conference):
    return Attendee.objects.create(conference=conference, name="Nguyễn Văn A", group="Khách mời")


def test_anonymous_users_are_sent_to_login(client, conference, attendee):
    task = conference.tasks.first()
    pk = conference.campaign_id
    for url in _get_urls(pk, task.pk, attendee.pk):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url
    for url in _post_urls(pk, task.pk, attendee.pk):
        assert client.post(url, {"done": "on", "attended": "on"}).status_code == 302, url
    task.refresh_from_db()
    attendee.refresh_from_db()
    assert not task.done and not attendee.attended
    assert Attendee.objects.count() == 1 and ConferenceTask.objects.count() == 4


def test_leader_reads_everything_and_changes_nothing(client, leader, conference, attendee):
    client.force_login(leader)
    task = conference.tasks.first()
    pk = conference.campaign_id
    for url in (
        reverse("conference_detail", args=[pk]),
        reverse("invitation_docx", args=[pk]),
        reverse("script_docx", args=[pk]),
        reverse("attendee_list", args=[pk]),
        reverse("sign_in_sheet", args=[pk]),
        reverse("attendee_export", args=[pk]),
        reverse("conference_list"),
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("conference_edit", args=[pk]),
        reverse("conference_import", args=[pk]),
        reverse("conference_task_edit", args=[task.pk]),
        reverse("attendee_edit", args=[attendee.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in _post_urls(pk, task.pk, attendee.pk):
        assert client.post(url, {"done": "on", "attended": "on"}).status_code == 403, url
    task.refresh_from_db()
    attendee.refresh_from_db()
    assert not task.done and not attendee.attended
    assert conference.tasks.count() == 4 and conference.attendees.count() == 1


def test_member_reads_the_conference_and_only_its_own_tasks(client, member, conference, bdt_task):
    client.force_login(member)
    pk = conference.campaign_id
    response = client.get(reverse("conference_detail", args=[pk]))
    assert response.status_code == 200
    rows = [row["task"] for row in response.context["task_rows"]]
    assert rows == [bdt_task]
    page = response.content.decode()
    assert "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)" in page
    assert "Hội trường HĐND - UBND tỉnh" in page
    assert "Văn phòng UBND tỉnh chuẩn bị" not in page  # another owner's task
    assert "Kiểm tra giấy mời" not in page  # the checks are for the Sở Nội vụ
    assert client.get(reverse("invitation_docx", args=[pk])).status_code == 200
    assert client.get(reverse("script_docx", args=[pk])).status_code == 200
    listing = client.get(reverse("conference_list"))
    assert list(listing.context["conferences"]) == [conference]


def test_member_cannot_change_the_conference(client, member, conference, yaml_bytes):
    client.force_login(member)
    pk = conference.campaign_id
    assert client.get(reverse("conference_edit", args=[pk])).status_code == 403
    assert client.post(reverse("conference_edit", args=[pk]), {}).status_code == 403
    assert client.post(reverse("conference_task_create", args=[pk]), {}).status_code == 403
    assert client.post(reverse("attendee_prefill", args=[pk])).status_code == 403
    assert client.get(reverse("campaign_book_pdf", args=[pk])).status_code == 403
    for name in ("attendee_list", "sign_in_sheet", "attendee_export"):
        assert client.get(reverse(name, args=[pk])).status_code == 403, name
    assert not Attendee.objects.exists()


def test_member_gets_404_on_a_delegate_and_on_another_agencys_task(
    client, member, conference, attendee
):
    client.force_login(member)
    office_task = conference.tasks.get(owner_agency__code="VPUBND")
    assert client.get(reverse("attendee_edit", args=[attendee.pk])).status_code == 404
    assert client.post(reverse("attendee_check_in", args=[attendee.pk]), {}).status_code == 404
    toggle = reverse("conference_task_toggle", args=[office_task.pk])
    assert client.post(toggle, {"done": "on"}).status_code == 404
    unowned = conference.tasks.get(owner_agency__isnull=True, position=2)
    assert client.post(reverse("conference_task_toggle", args=[unowned.pk])).status_code == 404
    office_task.refresh_from_db()
    attendee.refresh_from_db()
    assert not office_task.done and not attendee.attended


def test_another_agencys_member_gets_404_on_the_task(client, other_member, bdt_task):
    client.force_login(other_member)
    response = client.post(reverse("conference_task_toggle", args=[bdt_task.pk]), {"done": "on"})
    assert response.status_code == 404
    bdt_task.refresh_from_db()
    assert not bdt_task.done


def test_member_of_an_agency_not_taking_part_gets_404(client, outsider, conference):
    client.force_login(outsider)
    pk = conference.campaign_id
    for name in ("conference_detail", "invitation_docx", "script_docx", "attendee_list"):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert list(client.get(reverse("conference_list")).context["conferences"]) == []


def test_a_task_makes_its_agency_take_part(client, outsider, conference):
    from chiso.web.accounts.models import Agency

    ConferenceTask.objects.create(
        conference=conference,
        position=4,
        owner="Sở Y tế",
        owner_agency=Agency.objects.get(code="SYT"),
        text="bố trí cán bộ y tế",
    )
    client.force_login(outsider)
    response = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    assert response.status_code == 200
    assert [row["task"].owner for row in response.context["task_rows"]] == ["Sở Y tế"]


def test_before_a_conference_exists(client, coordinator, leader, member, campaign):
    pk = campaign.pk
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[pk]))
    assert response.status_code == 200
    assert "Tạo hội nghị" in response.content.decode()
    assert client.get(reverse("invitation_docx", args=[pk])).status_code == 404
    for user in (leader, member):
        client.force_login(user)
        assert client.get(reverse("conference_detail", args=[pk])).status_code == 404
    assert not Conference.objects.exists()


def test_administrator_does_what_the_coordinator_does(client, administrator, conference):
    client.force_login(administrator)
    pk = conference.campaign_id
    assert client.get(reverse("conference_edit", args=[pk])).status_code == 200
    response = client.post(reverse("attendee_prefill", args=[pk]))
    assert response.status_code == 302
    assert conference.attendees.exists()
