"""One row per business event, written by the service in the transaction that made the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """An event with a stable code (``contribution.submitted``) and the values it changed.

    ``actor`` is null for system actions (first-run data loading). Rows are never edited; the
    actor link survives a deleted user as ``actor_name``.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("tên người thực hiện", max_length=150, blank=True)
    event = models.CharField("sự kiện", max_length=64, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=64)
    object_id = models.CharField("mã đối tượng", max_length=64)
    old = models.JSONField("giá trị cũ", null=True, blank=True)
    new = models.JSONField("giá trị mới", null=True, blank=True)
    created = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.created:%d/%m/%Y %H:%M} {self.event} {self.object_type}#{self.object_id}"
