"""Password rules in Vietnamese.

Django's Vietnamese catalogue translates the common-password, numeric and similarity messages,
but its entry for the minimum length no longer matches Django 5.2's message (``%d`` became
``%(min_length)d`` only on one side), so the English sentence would show. This subclass says it
in Vietnamese; the rule itself is Django's.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu của bạn phải có ít nhất {self.min_length} ký tự."
