"""Reminders (đôn đốc) by e-mail to the agencies whose tham luận is not in yet.

On demand the coordinator reminds every pending agency of a campaign; every morning the
``chiso_remind`` command (run by cron) reminds them as the system during the last N days before
the deadline. No model remembers what was sent: the audit log does, one ``campaign.reminder_sent``
row per agency with the kind (``manual``/``auto``) and the local date, which is also how the
command sends at most one reminder per campaign, agency and day.

E-mails leave only after the transaction commits. A reminder never refuses anything: a submission
after the deadline is still accepted and marked late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from chiso.web.accounts.models import Agency, User
from chiso.web.accounts.permissions import require_coordinator
from chiso.web.audit.models import AuditEvent
from chiso.web.audit.services import record
from chiso.web.campaigns.models import Campaign, Contribution

EVENT = "campaign.reminder_sent"
PENDING = (Contribution.State.DRAFT, Contribution.State.RETURNED)


def deadline_text(moment: datetime) -> str:
    """``05/3/2025 17 giờ 00`` in local time."""
    local = timezone.localtime(moment)
    return f"{local.day:02d}/{local.month}/{local.year} {local.hour:02d} giờ {local.minute:02d}"


def _points_text(value: Decimal | None) -> str:
    return f"{value or Decimal(0):.2f}".replace(".", ",")


def _pending(campaign: Campaign, agencies: Iterable[Agency | int] | None):
    """Contributions not in yet; one left without items (all moved away) needs no reminder.

    The lost points counted are those of the items the agency leads (chủ trì)."""
    lead = Q(items__assignment__lead_agency=F("agency"))
    rows = (
        campaign.contributions.filter(state__in=PENDING)
        .select_related("agency")
        .annotate(
            item_count=Count("items"),
            lost_total=Sum("items__assignment__lost", filter=lead),
        )
        .filter(item_count__gt=0)
        .order_by("agency__pk")
    )
    if agencies is not None:
        rows = rows.filter(agency__in=[getattr(a, "pk", a) for a in agencies])
    return rows


def _reminded_on(campaign: Campaign, day: date) -> set[str]:
    """Codes of the agencies already reminded (either kind) in ``campaign`` on local ``day``."""
    rows = AuditEvent.objects.filter(
        event=EVENT, object_type=Campaign._meta.label_lower, object_id=str(campaign.pk)
    ).values_list("new", flat=True)
    return {r["agency"] for r in rows if r and r.get("date") == day.isoformat()}


def _recipients(agency: Agency) -> list[str]:
    users = User.objects.filter(agency=agency, is_active=True).exclude(email="").order_by("pk")
    return list(users.values_list("email", flat=True))


def _message(campaign: Campaign, contribution: Contribution, to: list[str]) -> EmailMessage:
    deadline = deadline_text(campaign.deadline)
    lines = [
        f"Kính gửi {contribution.agency.name},",
        "",
        f"Sở Nội vụ đề nghị quý cơ quan hoàn thành và gửi tham luận trong đợt «{campaign.title}».",
        f"Hạn nộp: {deadline}.",
        f"Số nội dung được giao: {contribution.item_count}; "
        f"tổng điểm bị trừ: {_points_text(contribution.lost_total)}.",
        f"Trạng thái hiện tại: {contribution.get_state_display()}.",
    ]
    if contribution.state == Contribution.State.RETURNED and contribution.review_comment:
        lines.append(f"Ý kiến của Sở Nội vụ: {contribution.review_comment}")
    lines += [
        "Tham luận gửi sau hạn vẫn được tiếp nhận và ghi nhận là nộp muộn.",
        "",
        f"Trang tham luận của cơ quan: {reverse('contribution_detail', args=[contribution.pk])}",
        "",
        "Thư gửi tự động từ chiso.",
    ]
    return EmailMessage(
        subject=f"[chiso] Đôn đốc gửi tham luận – hạn {deadline}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )


def _send(messages: list[EmailMessage]) -> None:
    get_connection().send_messages(messages)


@transaction.atomic
def reminder_send(
    *,
    acting_user: User | None,
    campaign: Campaign,
    agencies: Iterable[Agency | int] | None = None,
    now: datetime | None = None,
) -> int:
    """E-mail the users of every pending agency (or of the given ones); how many were reminded.

    ``acting_user`` None is the system (the cron command): it skips agencies already reminded on
    the local day of ``now``. Agencies without any active user with an e-mail address are skipped
    and not counted. Refused only for a closed campaign.
    """
    if acting_user is not None:
        require_coordinator(acting_user)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError("Đợt tham luận đã đóng, không gửi nhắc nhở.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    kind = "manual" if acting_user is not None else "auto"
    already = _reminded_on(campaign, today) if acting_user is None else set()

    messages = []
    for contribution in _pending(campaign, agencies):
        if contribution.agency.code in already:
            continue
        to = _recipients(contribution.agency)
        if not to:
            continue
        messages.append(_message(campaign, contribution, to))
        record(
            actor=acting_user,
            event=EVENT,
            obj=campaign,
            new={
                "agency": contribution.agency.code,
                "kind": kind,
                "date": today.isoformat(),
                "recipients": len(to),
            },
        )
    if messages:
        transaction.on_commit(lambda: _send(messages), robust=True)
    return len(messages)


@dataclass(frozen=True)
class DueReminder:
    """One open campaign near its deadline and the agencies the system should remind today."""

    campaign: Campaign
    agencies: tuple[Agency, ...]


def reminders_due(*, now: datetime, days_before: int) -> list[DueReminder]:
    """Open campaigns whose deadline falls in ``(now, now + days_before days]``, with the pending
    agencies that have someone to e-mail and were not reminded yet on ``now``'s local day."""
    today = timezone.localdate(now)
    campaigns = Campaign.objects.filter(
        status=Campaign.Status.OPEN,
        deadline__gt=now,
        deadline__lte=now + timedelta(days=days_before),
    ).order_by("deadline", "pk")
    due = []
    for campaign in campaigns:
        already = _reminded_on(campaign, today)
        agencies = tuple(
            c.agency
            for c in _pending(campaign, None)
            if c.agency.code not in already and _recipients(c.agency)
        )
        if agencies:
            due.append(DueReminder(campaign=campaign, agencies=agencies))
    return due
