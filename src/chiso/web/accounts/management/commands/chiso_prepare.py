"""``django-admin chiso_prepare``: what ``chiso serve`` does before serving, for production.

A production server runs gunicorn, not ``chiso serve``, yet still needs the schema migrated and the
agency registry loaded on first install and after each upgrade.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chiso.web import bootstrap


class Command(BaseCommand):
    help = (
        "Cập nhật cấu trúc cơ sở dữ liệu (migrate), nạp danh mục cơ quan khi còn trống và — "
        "trừ khi CHISO_ENV=production — tạo các tài khoản demo còn thiếu. Chạy lại bao nhiêu lần "
        "cũng được."
    )

    def handle(self, *args, **options) -> None:
        accounts = bootstrap.prepare()
        from chiso.web.accounts.models import Agency

        self.stdout.write(f"Cơ sở dữ liệu đã cập nhật; {Agency.objects.count()} cơ quan.")
        if accounts:
            self.stdout.write(f"{len(accounts)} tài khoản demo (chỉ khi phát triển).")
