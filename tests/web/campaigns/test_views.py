"""Every permission rule by URL, and the whole workflow through the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.models import Campaign, Contribution

pytestmark = pytest.mark.django_db
State = Contribution.State


def _login(client, user):
    client.force_login(user)
    return client


# -- anonymous ---------------------------------------------------------------------------


def test_every_page_sends_anonymous_users_to_login(client, own):
    urls = [
        reverse("home"),
        reverse("campaign_list"),
        reverse("campaign_create"),
        reverse("campaign_detail", args=[own.campaign_id]),
        reverse("contribution_detail", args=[own.pk]),
        reverse("audit_list"),
        reverse("password_change"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url
    for url in (
        reverse("contribution_detail", args=[own.pk]),
        reverse("contribution_review", args=[own.pk]),
        reverse("campaign_close", args=[own.campaign_id]),
    ):
        assert client.post(url, {"action": "accept"}).status_code == 302
    own.refresh_from_db()
    assert own.state == State.DRAFT


def test_login_page_is_public_and_logs_in(client, member):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "cb.bdt", "password": "pw-chiso-test"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_logout_and_password_change(client, member):
    _login(client, member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-chiso-test",
            "new_password1": "Mật-khẩu-mới-2026",
            "new_password2": "Mật-khẩu-mới-2026",
        },
    )
    assert response.url == reverse("password_change_done")
    member.refresh_from_db()
    assert member.check_password("Mật-khẩu-mới-2026")
    assert client.post(reverse("logout")).url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


# -- agency member ---------------------------------------------------------------------------


def test_member_cannot_read_or_change_another_agencys_contribution(
    client, member, foreign, post_body
):
    _login(client, member)
    url = reverse("contribution_detail", args=[foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, post_body(foreign, "save", "xâm nhập")).status_code == 404
    assert client.post(url, post_body(foreign, "submit")).status_code == 404
    review = reverse("contribution_review", args=[foreign.pk])
    assert client.post(review, {"action": "accept"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == State.DRAFT
    assert all(item.causes == "" for item in foreign.items.all())


def test_member_cannot_review_own_contribution(client, member, own, post_body):
    _login(client, member)
    client.post(reverse("contribution_detail", args=[own.pk]), post_body(own, "submit"))
    review = reverse("contribution_review", args=[own.pk])
    assert client.post(review, {"action": "accept"}).status_code == 403
    assert client.post(review, {"action": "return", "comment": "x"}).status_code == 403
    own.refresh_from_db()
    assert own.state == State.SUBMITTED


def test_member_cannot_open_or_close_campaigns_or_read_others(client, member, campaign):
    _login(client, member)
    assert client.get(reverse("campaign_create")).status_code == 403
    assert client.post(reverse("campaign_close", args=[campaign.pk])).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN


def test_member_campaign_page_leads_to_their_own_contribution(client, member, own):
    _login(client, member)
    response = client.get(reverse("campaign_detail", args=[own.campaign_id]))
    assert response.url == reverse("contribution_detail", args=[own.pk])


def test_member_of_an_agency_without_items_does_not_see_the_campaign(client, campaign):
    from chiso.web.accounts.models import Agency, User

    commune = Agency.objects.filter(kind="commune").first()
    outsider = User.objects.create_user("xa", role="agency_member", agency=commune)
    _login(client, outsider)
    assert client.get(reverse("campaign_detail", args=[campaign.pk])).status_code == 404
    assert campaign.title not in client.get(reverse("campaign_list")).text


def test_member_home_lists_own_contribution_only(client, member, own, foreign):
    _login(client, member)
    page = client.get(reverse("home")).text
    assert reverse("contribution_detail", args=[own.pk]) in page
    assert reverse("contribution_detail", args=[foreign.pk]) not in page


def test_member_page_shows_items_with_lost_points_and_text_areas(client, member, own):
    _login(client, member)
    page = client.get(reverse("contribution_detail", args=[own.pk])).text
    item = own.items.select_related("assignment").get()
    assert item.assignment.code in page and item.assignment.name in page
    assert "bị trừ" in page
    assert f'name="{item.pk}-causes"' in page and 'value="submit"' in page


def test_member_save_then_submit_through_the_page(client, member, own, post_body):
    _login(client, member)
    url = reverse("contribution_detail", args=[own.pk])
    assert client.post(url, post_body(own, "save", "nháp")).status_code == 302
    own.refresh_from_db()
    assert own.state == State.DRAFT and own.general_text == "Ý kiến chung nháp"
    response = client.post(url, post_body(own, "submit"), follow=True)
    assert "Đã nộp tham luận, lần 1" in response.text
    own.refresh_from_db()
    assert own.state == State.SUBMITTED
    assert 'value="submit"' not in client.get(url).text  # no longer editable


def test_incomplete_submit_shows_vietnamese_errors_and_keeps_the_text(client, member, own):
    _login(client, member)
    item = own.items.select_related("assignment").get()
    body = {"action": "submit", "general_text": "Chung", f"{item.pk}-causes": "Nguyên nhân A"}
    response = client.post(reverse("contribution_detail", args=[own.pk]), body)
    assert response.status_code == 200
    assert f"Mục {item.assignment.code}: chưa có giải pháp khắc phục." in response.text
    assert "Nguyên nhân A" in response.text
    own.refresh_from_db()
    assert own.state == State.DRAFT


def test_late_submission_through_the_page_is_accepted_and_flagged(
    client, member, coordinator, own, post_body, monkeypatch
):
    moment = own.campaign.deadline + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    _login(client, member)
    response = client.post(
        reverse("contribution_detail", args=[own.pk]), post_body(own, "submit"), follow=True
    )
    assert "nộp muộn" in response.text
    _login(client, coordinator)
    overview = client.get(reverse("campaign_detail", args=[own.campaign_id])).text
    assert "Nộp muộn" in overview


# -- leader ------------------------------------------------------------------------------------


def test_leader_reads_everything(client, leader, own, foreign):
    _login(client, leader)
    assert client.get(reverse("campaign_list")).status_code == 200
    assert client.get(reverse("campaign_detail", args=[own.campaign_id])).status_code == 200
    for contribution in (own, foreign):
        page = client.get(reverse("contribution_detail", args=[contribution.pk]))
        assert page.status_code == 200
        assert 'value="submit"' not in page.text and 'value="accept"' not in page.text


def test_leader_gets_403_on_every_post(client, leader, member, own, post_body, fill):
    from chiso.web.campaigns.services import contribution_submit

    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    _login(client, leader)
    posts = [
        (reverse("contribution_detail", args=[own.pk]), post_body(own, "save")),
        (reverse("contribution_detail", args=[own.pk]), post_body(own, "submit")),
        (reverse("contribution_review", args=[own.pk]), {"action": "accept"}),
        (reverse("contribution_review", args=[own.pk]), {"action": "return", "comment": "x"}),
        (reverse("campaign_close", args=[own.campaign_id]), {}),
        (reverse("campaign_create"), {"year": 2025, "title": "x", "province": "Lạng Sơn"}),
    ]
    audit_rows = AuditEvent.objects.count()
    for url, body in posts:
        assert client.post(url, body).status_code == 403, url
    assert client.get(reverse("campaign_create")).status_code == 403
    own.refresh_from_db()
    assert own.state == State.SUBMITTED
    assert AuditEvent.objects.count() == audit_rows
    assert Campaign.objects.count() == 1


# -- coordinator -------------------------------------------------------------------------------


def test_coordinator_opens_a_campaign_through_the_form(client, coordinator):
    _login(client, coordinator)
    assert client.get(reverse("campaign_create")).status_code == 200
    deadline = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("campaign_create"),
        {
            "year": 2025,
            "province": "Lạng Sơn",
            "title": "Tham luận hội nghị 29/5/2026",
            "event_date": "2026-05-29",
            "deadline": deadline,
        },
        follow=True,
    )
    campaign = Campaign.objects.get()
    assert "Đã mở đợt với 55 nội dung" in response.text
    assert campaign.assignments.count() == 55
    assert timezone.localtime(campaign.deadline).strftime("%Y-%m-%dT%H:%M") == deadline
    assert "Bưu điện tỉnh" in response.text  # the overview lists each lead agency


def test_coordinator_form_errors_are_shown(client, coordinator):
    _login(client, coordinator)
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("campaign_create"),
        {"year": 2025, "province": "Lạng Sơn", "title": "x", "deadline": past},
    )
    assert response.status_code == 200
    assert "Hạn nộp phải sau thời điểm hiện tại." in response.text
    assert not Campaign.objects.exists()


def test_overview_shows_state_per_agency_and_counts(client, coordinator, member, own, fill):
    from chiso.web.campaigns.services import contribution_submit

    contribution_submit(acting_user=member, contribution=own, content=fill(own))
    _login(client, coordinator)
    page = client.get(reverse("campaign_detail", args=[own.campaign_id])).text
    assert "Bưu điện tỉnh" in page and "Sở Tư pháp" in page
    assert "<strong>6</strong> chưa nộp" in page
    assert "<strong>1</strong> chờ xem xét" in page


def test_the_whole_cycle_through_the_pages(client, coordinator, member, own, post_body):
    contribution_url = reverse("contribution_detail", args=[own.pk])
    review_url = reverse("contribution_review", args=[own.pk])

    _login(client, member)
    client.post(contribution_url, post_body(own, "submit", "lần 1"))
    _login(client, coordinator)
    page = client.get(contribution_url).text
    assert 'value="accept"' in page and "lần 1" in page
    empty = client.post(review_url, {"action": "return", "comment": ""}, follow=True)
    assert "Cần ghi rõ lý do trả lại" in empty.text
    client.post(review_url, {"action": "return", "comment": "Nêu rõ cá nhân chịu trách nhiệm"})
    own.refresh_from_db()
    assert own.state == State.RETURNED

    _login(client, member)
    page = client.get(contribution_url).text
    assert "Nêu rõ cá nhân chịu trách nhiệm" in page and 'value="submit"' in page
    client.post(contribution_url, post_body(own, "submit", "lần 2"))

    _login(client, coordinator)
    response = client.post(review_url, {"action": "accept"})
    assert response.url == reverse("campaign_detail", args=[own.campaign_id])
    own.refresh_from_db()
    assert own.state == State.ACCEPTED and own.versions.count() == 2
    again = client.post(review_url, {"action": "accept"}, follow=True)
    assert "Chỉ tiếp nhận được tham luận đã nộp" in again.text
    assert client.get(reverse("audit_list")).text.count("contribution.submitted") == 2


def test_coordinator_closes_a_campaign(client, coordinator, campaign):
    _login(client, coordinator)
    client.post(reverse("campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_missing_objects_are_404(client, coordinator, db):
    _login(client, coordinator)
    assert client.get(reverse("campaign_detail", args=[999])).status_code == 404
    assert client.get(reverse("contribution_detail", args=[999])).status_code == 404


def test_pages_use_the_local_stylesheet_only(client, coordinator, campaign):
    _login(client, coordinator)
    page = client.get(reverse("home")).text
    assert "/static/chiso/app.css" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert '<html lang="vi">' in page
