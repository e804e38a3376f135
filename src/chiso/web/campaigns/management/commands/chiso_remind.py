"""``chiso_remind``: the daily reminder run by cron (see docs/web.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.web.campaigns.reminders import deadline_text, reminder_send, reminders_due


class Command(BaseCommand):
    help = (
        "Nhắc các cơ quan chưa nộp tham luận của những đợt đang mở sắp đến hạn "
        "(mỗi cơ quan tối đa một thư mỗi ngày)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=3,
            help="nhắc khi hạn nộp còn không quá N ngày (mặc định 3)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ in ra những thư sẽ gửi, không gửi"
        )

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        if days < 0:
            raise CommandError("--days phải là số không âm.")
        now = timezone.now()
        due = reminders_due(now=now, days_before=days)
        if not due:
            self.stdout.write(f"Không có cơ quan nào cần nhắc (hạn nộp trong {days} ngày tới).")
            return
        sent = 0
        for item in due:
            names = ", ".join(a.code for a in item.agencies)
            deadline = deadline_text(item.campaign.deadline)
            if dry_run:
                self.stdout.write(
                    f"[thử] «{item.campaign.title}» (hạn {deadline}): "
                    f"sẽ nhắc {len(item.agencies)} cơ quan: {names}"
                )
                sent += len(item.agencies)
                continue
            count = reminder_send(
                acting_user=None, campaign=item.campaign, agencies=item.agencies, now=now
            )
            self.stdout.write(
                f"«{item.campaign.title}» (hạn {deadline}): đã nhắc {count} cơ quan: {names}"
            )
            sent += count
        verb = "Sẽ nhắc" if dry_run else "Đã nhắc"
        self.stdout.write(f"{verb} tổng cộng {sent} cơ quan trong {len(due)} đợt tham luận.")
