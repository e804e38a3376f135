"""Campaign → assignments (one per lost sub-criterion) → one contribution per agency.

State changes happen only in ``services.py``; the models hold data and one-row invariants.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from chiso.web.accounts.models import Agency

POINTS = {"max_digits": 7, "decimal_places": 4}


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Đang mở"
        CLOSED = "closed", "Đã đóng"

    year = models.PositiveSmallIntegerField("năm đánh giá")
    province = models.CharField("tỉnh", max_length=64)
    title = models.CharField("tên đợt", max_length=255)
    event_date = models.DateField("ngày hội nghị", null=True, blank=True)
    deadline = models.DateTimeField("hạn nộp")
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Where the lost points came from, frozen at opening: a later import must not relabel a
    # campaign that was opened on the illustrative demo (or on another file).
    source = models.CharField("nguồn số liệu", max_length=255, blank=True)
    illustrative = models.BooleanField("số liệu minh họa", default=False)
    # The imported files themselves (none for the demo), so the actions' projection analyses what
    # the campaign was opened on even after a newer import becomes active.
    sheet = models.ForeignKey(
        "datasets.Dataset",
        verbose_name="bảng điểm chi tiết",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    results = models.ForeignKey(
        "datasets.Dataset",
        verbose_name="bảng kết quả các tỉnh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đợt tham luận"
        verbose_name_plural = "đợt tham luận"
        ordering = ["-year", "-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() > self.deadline


class Assignment(models.Model):
    """A sub-criterion that did not reach its maximum, with the agency that must explain it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    position = models.PositiveIntegerField("thứ tự")
    code = models.CharField("mã tiêu chí", max_length=32)
    name = models.TextField("tiêu chí thành phần")
    max_points = models.DecimalField("điểm tối đa", **POINTS)
    achieved = models.DecimalField("điểm đạt", **POINTS)
    lost = models.DecimalField("điểm bị trừ", **POINTS)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan chủ trì",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_assignments",
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name="cơ quan phối hợp", blank=True, related_name="supported_assignments"
    )

    class Meta:
        verbose_name = "nội dung được giao"
        verbose_name_plural = "nội dung được giao"
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="assignment_code_once"),
            models.CheckConstraint(condition=models.Q(lost__gt=0), name="assignment_lost_points"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contribution(models.Model):
    """One agency's tham luận in one campaign."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        SUBMITTED = "submitted", "Đã nộp"
        RETURNED = "returned", "Bị trả lại"
        ACCEPTED = "accepted", "Đã tiếp nhận"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="contributions")
    state = models.CharField(
        "trạng thái", max_length=10, choices=State.choices, default=State.DRAFT
    )
    general_text = models.TextField("ý kiến chung", blank=True)
    first_submitted_at = models.DateTimeField("nộp lần đầu", null=True, blank=True)
    submitted_at = models.DateTimeField("nộp gần nhất", null=True, blank=True)
    late = models.BooleanField("nộp muộn", default=False)
    review_comment = models.TextField("ý kiến của Sở Nội vụ", blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "tham luận"
        verbose_name_plural = "tham luận"
        ordering = ["campaign", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency"], name="contribution_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.campaign}"

    def clean(self) -> None:
        if self.state != self.State.DRAFT and self.first_submitted_at is None:
            raise ValidationError("Tham luận chưa nộp lần nào thì phải ở trạng thái đang soạn.")


class ItemResponse(models.Model):
    """The agency's answer on one assignment: causes, who is responsible, what will be done.

    The agency leads the item (chủ trì) when it is the assignment's lead agency, otherwise it
    supports it (phối hợp). The role is derived, not stored, so a change of lead can never leave
    a stale role behind.
    """

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="items")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="responses")
    causes = models.TextField("nguyên nhân", blank=True)
    responsibility_agency = models.TextField("trách nhiệm của cơ quan", blank=True)
    responsibility_unit = models.TextField("trách nhiệm của đơn vị", blank=True)
    responsibility_individual = models.TextField("trách nhiệm của cá nhân", blank=True)

    class Meta:
        verbose_name = "nội dung tham luận"
        verbose_name_plural = "nội dung tham luận"
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "assignment"], name="item_response_once"
            ),
        ]

    @property
    def is_lead(self) -> bool:
        """Chủ trì (True) or phối hợp (False)."""
        return self.assignment.lead_agency_id == self.contribution.agency_id


class Solution(models.Model):
    """One solution an agency commits to for next year: what, by whom, by when, for how much.

    ``expected_points`` is at most the item's lost points; that the item's solutions together
    stay within it is a rule of the service, which sees them all at once.
    """

    item = models.ForeignKey(ItemResponse, on_delete=models.CASCADE, related_name="solution_rows")
    position = models.PositiveIntegerField("thứ tự")
    text = models.TextField("giải pháp")
    owner = models.CharField("đơn vị/cá nhân thực hiện", max_length=255)
    deadline = models.DateField("thời hạn")
    expected_points = models.DecimalField("điểm kỳ vọng", **POINTS)

    class Meta:
        verbose_name = "giải pháp"
        verbose_name_plural = "giải pháp"
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="solution_position_once"),
            models.CheckConstraint(
                condition=models.Q(expected_points__gte=0), name="solution_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        lost = self.item.assignment.lost
        if self.expected_points is not None and self.expected_points > lost:
            raise ValidationError(
                {"expected_points": "Điểm kỳ vọng không được vượt số điểm bị trừ."}
            )


class ContributionVersion(models.Model):
    """What was submitted, frozen: every submit adds one, none is ever changed or removed."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("lần nộp")
    snapshot = models.JSONField("nội dung")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("thời điểm nộp")
    late = models.BooleanField("nộp muộn")

    class Meta:
        verbose_name = "phiên bản tham luận"
        verbose_name_plural = "phiên bản tham luận"
        ordering = ["contribution", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "number"], name="version_number_once"),
        ]


class Attachment(models.Model):
    """A file an agency attaches to its contribution (PDF, DOCX or XLSX, checked by content).

    The file lives under ``<CHISO_UPLOAD_DIR>/<contribution id>/<stored_name>``; the user's file
    name is kept for display and download only, never used on disk.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="attachments"
    )
    original_name = models.CharField("tên tệp", max_length=255)
    stored_name = models.CharField("tên lưu trữ", max_length=32, unique=True, editable=False)
    content_type = models.CharField("loại tệp", max_length=4, choices=Kind.choices)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", default=timezone.now)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ["contribution", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
