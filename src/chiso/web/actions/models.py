"""One remediation action per accepted solution: who does it, by when, how far along."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from chiso.web import files
from chiso.web.accounts.models import Agency
from chiso.web.campaigns.models import POINTS, Assignment, Campaign, Solution


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Kế hoạch"
        IN_PROGRESS = "in_progress", "Đang thực hiện"
        DONE = "done", "Hoàn thành"
        CANCELLED = "cancelled", "Hủy"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="tiêu chí thành phần",
        on_delete=models.CASCADE,
        related_name="actions",
    )
    owner_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan thực hiện", on_delete=models.PROTECT, related_name="actions"
    )
    # The solution the action was made from; null for actions made before solutions had rows
    # (one action per item). SET_NULL, not CASCADE: an action carries its own status, progress,
    # evidence and audit trail and must never vanish because a solution row was deleted (the
    # contribution service rewrites every solution row of an item it saves). Not PROTECT either:
    # that would turn such a save into an unhandled error. The action keeps copies of what it
    # took from the solution (title, executor, deadline, expected points), and an unlinked
    # action still covers its item like a legacy one, so nothing is ever created twice.
    solution = models.ForeignKey(
        Solution,
        verbose_name="giải pháp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    title = models.CharField("hành động", max_length=255)
    executor = models.CharField("đơn vị/cá nhân thực hiện", max_length=255, blank=True)
    deadline = models.DateField("hạn hoàn thành")
    status = models.CharField(
        "trạng thái", max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        "tiến độ (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    expected_points = models.DecimalField(
        "điểm kỳ vọng", validators=[MinValueValidator(0)], **POINTS
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hành động khắc phục"
        verbose_name_plural = "hành động khắc phục"
        ordering = ["campaign", "assignment__position", "owner_agency", "pk"]
        constraints = [
            # Legacy actions (no solution) stay valid: NULLs never collide in a unique index.
            models.UniqueConstraint(fields=["solution"], name="action_per_solution"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100), name="action_progress"
            ),
            models.CheckConstraint(
                condition=models.Q(expected_points__gte=0), name="action_expected_points"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.assignment_id
            and self.campaign_id
            and self.assignment.campaign_id != self.campaign_id
        ):
            raise ValidationError("Tiêu chí thành phần không thuộc đợt này.")
        if self.solution_id and self.assignment_id and self.owner_agency_id:
            item = self.solution.item
            if (item.assignment_id, item.contribution.agency_id) != (
                self.assignment_id,
                self.owner_agency_id,
            ):
                raise ValidationError("Giải pháp không thuộc tiêu chí và cơ quan của hành động.")
        if (
            self.assignment_id
            and self.expected_points is not None
            and self.expected_points > self.assignment.lost
        ):
            raise ValidationError(
                {"expected_points": "Điểm kỳ vọng không được vượt số điểm bị trừ của tiêu chí."}
            )
        if self.status == self.Status.DONE and self.progress != 100:
            raise ValidationError({"progress": "Hành động đã hoàn thành thì tiến độ là 100%."})

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its deadline and neither done nor cancelled."""
        today = today or timezone.localdate()
        return self.deadline < today and self.status not in (
            self.Status.DONE,
            self.Status.CANCELLED,
        )

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def accepts_evidence(self) -> bool:
        """Evidence may be added or removed unless the action was cancelled."""
        return self.status != self.Status.CANCELLED


class ActionEvidence(models.Model):
    """A file proving an action's progress: a decision, a report, a photo of the counter.

    Checked by content like tham luận attachments (PDF, DOCX, XLSX, and PNG/JPEG photos); the file
    lives under ``<CHISO_UPLOAD_DIR>/actions/<action id>/<stored_name>`` and the user's file name
    is kept for display and download only.
    """

    class Kind(models.TextChoices):
        PDF = files.PDF, "PDF"
        DOCX = files.DOCX, "DOCX"
        XLSX = files.XLSX, "XLSX"
        PNG = files.PNG, "Ảnh PNG"
        JPEG = files.JPEG, "Ảnh JPEG"

    action = models.ForeignKey(
        Action, verbose_name="hành động", on_delete=models.CASCADE, related_name="evidence"
    )
    original_name = models.CharField("tên tệp", max_length=255)
    stored_name = models.CharField(
        "tên lưu trữ", max_length=files.STORED_NAME_LENGTH, unique=True, editable=False
    )
    content_type = models.CharField("loại tệp", max_length=4, choices=Kind.choices)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("mô tả", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", default=timezone.now)

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["action", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_display(self) -> str:
        """The size as the page shows it, e.g. "1,2 MB"."""
        return files.human_size(self.size)
