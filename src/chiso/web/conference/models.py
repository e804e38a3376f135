"""The conference of a campaign: the facts of its Giấy mời, its organisation tasks, attendance.

The fields mirror :class:`chiso.documents.event.Event` (and the ``Issuer``, ``Number``,
``IssueDate``, ``Venue``, ``Participant``, ``Task``, ``Signature`` it holds), so that
``events.to_event`` rebuilds exactly what the core's YAML loader would give and the same
generators and checks run for the web and the CLI. Lists the core treats as plain lines
(subject, content, Nơi nhận, the signature's authority lines) are JSON lists of strings.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chiso.documents.event import ITEM_ENDS, TASK_LABELS, strip_markup
from chiso.web.accounts.models import Agency
from chiso.web.campaigns.models import Campaign

END_CHOICES = [("", "Tự động (; hoặc . ở dòng cuối)"), *((e, f"“{e}”") for e in ITEM_ENDS)]


class Conference(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="conference")
    # Issuer, Number, IssueDate
    issuer_name = models.CharField("cơ quan ban hành (in hoa)", max_length=255)
    issuer_code = models.CharField("ký hiệu cơ quan", max_length=32)
    issuer_parent = models.CharField("cơ quan chủ quản (in hoa)", max_length=255, blank=True)
    place = models.CharField("địa danh", max_length=64)
    doc_type = models.CharField("chữ viết tắt tên loại", max_length=8, default="GM")
    number = models.PositiveIntegerField(
        "số văn bản", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    issue_year = models.PositiveSmallIntegerField(
        "năm ban hành", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    issue_month = models.PositiveSmallIntegerField(
        "tháng ban hành",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    issue_day = models.PositiveSmallIntegerField(
        "ngày ban hành",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # The text of the invitation
    subject = models.JSONField("trích yếu (mỗi dòng in một dòng)", default=list)
    basis = models.TextField("câu căn cứ")
    inviter = models.CharField("lời mời", max_length=255)
    kind = models.CharField("loại sự kiện", max_length=64, default="Hội nghị")
    title = models.TextField("tên hội nghị")
    start = models.DateTimeField("bắt đầu")
    end = models.DateTimeField("kết thúc", null=True, blank=True)
    venue_name = models.CharField("địa điểm", max_length=255)
    venue_address = models.CharField("địa chỉ", max_length=255, blank=True)
    content = models.JSONField("nội dung hội nghị", default=list, blank=True)
    closing = models.TextField("câu kết")
    distribution = models.JSONField("nơi nhận", default=list)
    signature_authority = models.JSONField("quyền hạn, chức vụ người ký", default=list)
    signer = models.CharField("người ký", max_length=255, blank=True)
    # For the programme script (chiso.documents.conference.Conference)
    chair_title = models.CharField(
        "chức vụ người chủ trì", max_length=255, default="Lãnh đạo UBND tỉnh"
    )
    chair_name = models.CharField("họ tên người chủ trì", max_length=255, blank=True)
    presenting_agencies = models.ManyToManyField(
        Agency,
        verbose_name="cơ quan tham luận tại hội nghị",
        blank=True,
        related_name="presenting_conferences",
    )
    minutes_each = models.PositiveSmallIntegerField(
        "số phút mỗi tham luận",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hội nghị"
        verbose_name_plural = "hội nghị"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Thời gian kết thúc phải sau thời gian bắt đầu."})
        if self.issue_day is not None and self.issue_month is None:
            raise ValidationError({"issue_month": "Có ngày ban hành thì phải có tháng."})
        if self.issue_day and self.issue_month:
            try:
                date(self.issue_year, self.issue_month, self.issue_day)
            except (TypeError, ValueError):
                raise ValidationError({"issue_day": "Ngày ban hành không có thật."}) from None

    @property
    def chair(self) -> str:
        """Who chairs, as the programme's "Thực hiện" column prints it."""
        return f"{self.chair_title} {self.chair_name}".strip()


class ParticipantGroup(models.Model):
    """One line of "Thành phần dự Hội nghị" (core ``Participant``)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    text = models.TextField("thành phần")
    role = models.CharField("vai trò", max_length=255, blank=True)
    note = models.CharField("ghi chú (trong ngoặc)", max_length=255, blank=True)
    end = models.CharField("dấu cuối dòng", max_length=1, blank=True, choices=END_CHOICES)

    class Meta:
        verbose_name = "thành phần dự hội nghị"
        verbose_name_plural = "thành phần dự hội nghị"
        ordering = ["conference", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "position"], name="participant_position_once"
            )
        ]

    def __str__(self) -> str:
        return self.text


class ConferenceTask(models.Model):
    """One điểm of "Tổ chức thực hiện" (core ``Task``), tracked until done.

    ``owner`` is printed as written ("Các cơ quan, đơn vị có tên trong danh sách tham luận");
    ``owner_agency``, when the owner is one agency, lets that agency's members mark it done.
    Positions are kept 0, 1, 2 … so the điểm label is the position's letter (a, b, c, d, đ …).
    """

    class DeadlineKind(models.TextChoices):
        NO_LATER_THAN = "no_later_than", "chậm nhất ngày"
        BEFORE = "before", "trước ngày"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField("thứ tự")
    owner = models.CharField("cơ quan, đơn vị thực hiện (như in)", max_length=255)
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan chịu trách nhiệm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_tasks",
    )
    text = models.TextField("nhiệm vụ")
    deadline = models.DateField("hạn", null=True, blank=True)
    deadline_kind = models.CharField(
        "cách ghi hạn",
        max_length=16,
        choices=DeadlineKind.choices,
        default=DeadlineKind.NO_LATER_THAN,
    )
    assign = models.BooleanField("viết “Giao …”", default=False)
    end = models.CharField("dấu cuối dòng", max_length=1, blank=True, choices=END_CHOICES)
    done = models.BooleanField("đã xong", default=False)
    done_at = models.DateTimeField("xong lúc", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "nhiệm vụ tổ chức hội nghị"
        verbose_name_plural = "nhiệm vụ tổ chức hội nghị"
        ordering = ["conference", "position"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "position"], name="task_position_once"),
            models.CheckConstraint(
                condition=(Q(done=True) & Q(done_at__isnull=False))
                | (Q(done=False) & Q(done_at__isnull=True) & Q(done_by__isnull=True)),
                name="task_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}) {self.owner}"

    @property
    def label(self) -> str:
        return TASK_LABELS[self.position] if self.position < len(TASK_LABELS) else "?"

    @property
    def text_plain(self) -> str:
        """The task as read on screen: the *italic* / **bold** markers dropped."""
        return strip_markup(self.text)

    def is_overdue(self, today: date | None = None) -> bool:
        """Not done and its deadline has passed (a "trước ngày" deadline passes a day earlier)."""
        if self.done or self.deadline is None:
            return False
        today = today or timezone.localdate()
        if self.deadline_kind == self.DeadlineKind.BEFORE:
            return today >= self.deadline
        return today > self.deadline

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class Attendee(models.Model):
    """One delegate on the sign-in sheet; pre-filled rows may wait for a name."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField("họ tên", max_length=255, blank=True)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan, đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
    )
    organisation = models.CharField("cơ quan, đơn vị khác", max_length=255, blank=True)
    group = models.CharField("thành phần", max_length=255, blank=True)
    attended = models.BooleanField("có mặt", default=False)
    checked_in_at = models.DateTimeField("điểm danh lúc", null=True, blank=True)

    class Meta:
        verbose_name = "đại biểu"
        verbose_name_plural = "đại biểu"
        ordering = ["conference", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(attended=True) & Q(checked_in_at__isnull=False))
                | (Q(attended=False) & Q(checked_in_at__isnull=True)),
                name="attendee_checked_in_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.organisation_label or self.group

    def clean(self) -> None:
        if not (self.name.strip() or self.agency_id or self.organisation.strip() or self.group):
            raise ValidationError("Ghi ít nhất họ tên, cơ quan hoặc thành phần của đại biểu.")

    @property
    def organisation_label(self) -> str:
        return self.agency.name if self.agency_id else self.organisation
