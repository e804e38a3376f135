"""Reminders (đôn đốc): on demand by the coordinator, and daily by the ``chiso_remind`` command."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from chiso.web.accounts.models import Agency, User
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns import services
from chiso.web.campaigns.reminders import reminder_send

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2030, 3, 10, 7, 0, tzinfo=HCM)
EVENT = "campaign.reminder_sent"


@pytest.fixture
def clock(monkeypatch):
    """A settable ``timezone.now``, starting at ``NOW``."""

    class Clock:
        now = NOW

    monkeypatch.setattr("django.utils.timezone.now", lambda: Clock.now)
    return Clock


def _staff(username: str, agency_code: str, email: str | None = None) -> User:
    return User.objects.create_user(
        username,
        email=email if email is not None else f"{username}@example.vn",
        password="pw-chiso-test",
        role="agency_member",
        agency=Agency.objects.get(code=agency_code),
    )


def _open(coordinator, deadline: datetime, title: str = "Tham luận năm 2029"):
    return services.campaign_open(
        acting_user=coordinator, year=2025, title=title, deadline=deadline
    )


def _remind_rows():
    return AuditEvent.objects.filter(event=EVENT).order_by("pk")


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# -- on demand ---------------------------------------------------------------------------


def test_reminder_goes_to_pending_agencies_only(
    clock, coordinator, django_capture_on_commit_callbacks, fill
):
    campaign = _open(coordinator, datetime(2030, 3, 12, 17, 0, tzinfo=HCM))
    _staff("bdt1", "BDT")
    _staff("bdt2", "BDT")
    stp, snv, vp = _staff("stp1", "STP"), _staff("snv1", "SNV"), _staff("vp1", "VPUBND")
    _staff("stc-no-mail", "STC", email="")
    contributions = {c.agency.code: c for c in campaign.contributions.all()}
    services.contribution_submit(
        acting_user=stp, contribution=contributions["STP"], content=fill(contributions["STP"])
    )
    services.contribution_submit(
        acting_user=snv, contribution=contributions["SNV"], content=fill(contributions["SNV"])
    )
    services.contribution_accept(acting_user=coordinator, contribution=contributions["SNV"])
    services.contribution_submit(
        acting_user=vp, contribution=contributions["VPUBND"], content=fill(contributions["VPUBND"])
    )
    services.contribution_return(
        acting_user=coordinator, contribution=contributions["VPUBND"], comment="Bổ sung mục 2"
    )

    with django_capture_on_commit_callbacks(execute=True):
        count = reminder_send(acting_user=coordinator, campaign=campaign)
        assert mail.outbox == []  # only after the commit

    # BDT (draft) and VPUBND (returned); STP submitted, SNV accepted, STC has no address.
    assert count == 2
    assert len(mail.outbox) == 2
    assert _recipients() == ["bdt1@example.vn", "bdt2@example.vn", "vp1@example.vn"]
    bdt = next(m for m in mail.outbox if "bdt1@example.vn" in m.to)
    assert bdt.subject == "[chiso] Đôn đốc gửi tham luận – hạn 12/3/2030 17 giờ 00"
    assert "Số nội dung được giao: 1;" in bdt.body
    assert reverse("contribution_detail", args=[contributions["BDT"].pk]) in bdt.body
    assert "nộp muộn" in bdt.body
    vp_mail = next(m for m in mail.outbox if "vp1@example.vn" in m.to)
    assert "Bổ sung mục 2" in vp_mail.body

    rows = list(_remind_rows())
    assert sorted(r.new["agency"] for r in rows) == ["BDT", "VPUBND"]
    assert {r.new["kind"] for r in rows} == {"manual"}
    assert {r.actor for r in rows} == {coordinator}
    assert {r.object_id for r in rows} == {str(campaign.pk)}


def test_reminder_to_given_agencies(clock, coordinator, django_capture_on_commit_callbacks):
    campaign = _open(coordinator, NOW + timedelta(days=2))
    _staff("bdt1", "BDT")
    _staff("stp1", "STP")
    with django_capture_on_commit_callbacks(execute=True):
        count = reminder_send(
            acting_user=coordinator, campaign=campaign, agencies=[Agency.objects.get(code="BDT")]
        )
    assert count == 1
    assert _recipients() == ["bdt1@example.vn"]


def test_reminder_refused_for_leaders_and_closed_campaigns(
    clock, coordinator, leader, django_capture_on_commit_callbacks
):
    campaign = _open(coordinator, NOW + timedelta(days=2))
    _staff("bdt1", "BDT")
    with pytest.raises(PermissionDenied):
        reminder_send(acting_user=leader, campaign=campaign)
    services.campaign_close(acting_user=coordinator, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        reminder_send(acting_user=coordinator, campaign=campaign)
    assert mail.outbox == []
    assert not _remind_rows().exists()


# -- the button --------------------------------------------------------------------------


def test_coordinator_button_sends_reminders(
    client, coordinator, own, django_capture_on_commit_callbacks
):
    _staff("bdt1", "BDT")
    client.force_login(coordinator)
    page = client.get(reverse("campaign_detail", args=[own.campaign_id]))
    assert "Gửi nhắc nhở" in page.content.decode()
    url = reverse("campaign_remind", args=[own.campaign_id])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("campaign_detail", args=[own.campaign_id])
    assert _recipients() == ["bdt1@example.vn"]
    assert _remind_rows().count() == 1


def test_button_refused_to_others(client, leader, member, own, django_capture_on_commit_callbacks):
    _staff("bdt1", "BDT")
    url = reverse("campaign_remind", args=[own.campaign_id])
    with django_capture_on_commit_callbacks(execute=True):
        anonymous = client.post(url)
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login") + "?next=")
        client.force_login(leader)
        assert client.post(url).status_code == 403
        page = client.get(reverse("campaign_detail", args=[own.campaign_id]))
        assert "Gửi nhắc nhở" not in page.content.decode()
        client.force_login(member)
        assert client.post(url).status_code == 403
    assert mail.outbox == []
    assert not _remind_rows().exists()


# -- the command -------------------------------------------------------------------------


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("chiso_remind", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_campaigns(clock, coordinator):
    """One campaign due in two days, one in five; BDT and STP have someone to e-mail."""
    _staff("bdt1", "BDT")
    _staff("stp1", "STP")
    soon = _open(coordinator, NOW + timedelta(days=2), "Đợt sắp hạn")
    later = _open(coordinator, NOW + timedelta(days=5), "Đợt còn xa")
    return soon, later


def test_command_reminds_only_campaigns_within_n_days(
    two_campaigns, fill, django_capture_on_commit_callbacks
):
    soon, _later = two_campaigns
    stp = soon.contributions.get(agency__code="STP")
    services.contribution_submit(
        acting_user=User.objects.get(username="stp1"), contribution=stp, content=fill(stp)
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind("--days", "3")
    assert _recipients() == ["bdt1@example.vn"]
    assert "Đợt sắp hạn" in mail.outbox[0].body
    assert "Đã nhắc tổng cộng 1 cơ quan trong 1 đợt tham luận." in out
    rows = list(_remind_rows())
    assert len(rows) == 1
    assert rows[0].actor is None and rows[0].actor_name == "hệ thống"
    assert rows[0].object_id == str(soon.pk)
    assert rows[0].new == {"agency": "BDT", "kind": "auto", "date": "2030-03-10", "recipients": 1}

    # A wider window takes the later campaign too (the sooner one was reminded today).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _remind("--days", "7")
    assert _recipients() == ["bdt1@example.vn", "stp1@example.vn"]
    assert all("Đợt còn xa" in m.body for m in mail.outbox)


def test_command_sends_once_a_day(two_campaigns, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _remind()
    assert len(mail.outbox) == 2
    clock.now = NOW + timedelta(hours=10)
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind()
    assert len(mail.outbox) == 2
    assert "Không có cơ quan nào cần nhắc" in out
    clock.now = NOW + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        _remind()
    assert len(mail.outbox) == 4
    assert _remind_rows().count() == 4


def test_manual_reminder_today_counts_for_the_command(
    two_campaigns, coordinator, django_capture_on_commit_callbacks
):
    soon, _ = two_campaigns
    with django_capture_on_commit_callbacks(execute=True):
        reminder_send(acting_user=coordinator, campaign=soon)
        _remind()
    assert len(mail.outbox) == 2


def test_command_skips_passed_deadlines_and_closed_campaigns(
    two_campaigns, clock, coordinator, django_capture_on_commit_callbacks
):
    _soon, later = two_campaigns
    services.campaign_close(acting_user=coordinator, campaign=later)
    clock.now = NOW + timedelta(days=3)  # soon's deadline has passed, later is within 3 days
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind("--days", "3")
    assert mail.outbox == []
    assert not _remind_rows().exists()
    assert "Không có cơ quan nào cần nhắc" in out


def test_command_dry_run_sends_nothing(two_campaigns, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = _remind("--dry-run")
    assert mail.outbox == []
    assert not _remind_rows().exists()
    assert "[thử] «Đợt sắp hạn»" in out and "STP, BDT" in out
    assert "Sẽ nhắc tổng cộng 2 cơ quan trong 1 đợt tham luận." in out


def test_contribution_left_without_items_is_not_reminded(
    clock, coordinator, django_capture_on_commit_callbacks
):
    """BDT's item moved to SXD after a return: BDT keeps its version but has nothing to write."""
    from chiso.web.campaigns.assignments import assignment_update

    campaign = _open(coordinator, NOW + timedelta(days=2))
    bdt = campaign.contributions.get(agency__code="BDT")
    code = bdt.items.get().assignment.code
    content = services.ContributionContent(
        items={code: services.ItemText(causes="x", solutions=())}
    )
    services.contribution_save_draft(acting_user=coordinator, contribution=bdt, content=content)
    bdt.general_text = "Ý kiến chung giữ lại"
    bdt.save()
    assignment = bdt.items.get().assignment
    assignment_update(
        acting_user=coordinator,
        assignment=assignment,
        lead_agency=Agency.objects.get(code="SXD"),
        supporting_agencies=[],
    )
    assert campaign.contributions.filter(agency__code="BDT").exists()  # kept: it holds text
    _staff("bdt1", "BDT")
    _staff("sxd1", "SXD")
    with django_capture_on_commit_callbacks(execute=True):
        reminder_send(acting_user=coordinator, campaign=campaign)
    assert _recipients() == ["sxd1@example.vn"]
    assert "Số nội dung được giao: 1;" in mail.outbox[0].body
