"""Imported result files and survey responses: one row per successful import, never edited.

The file itself lives under ``<DATA_DIR>/datasets/`` under a random name (``stored_path`` is
relative to that folder, so the data folder can move); the user's file name is only shown. The
newest import of a (kind, province, year) — for surveys, of a (province, year, questionnaire) — is
the active one, the one the dashboard analyses; a coordinator may make an older one active again.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A results table or score sheet keeps its format's suffix because the core reader chooses
# CSV or XLSX by it; survey responses are a directory holding the core's Parquet and manifest.
STORED_PATH = RegexValidator(
    r"\A[0-9a-f]{32}(\.csv|\.xlsx|/[0-9a-f]{64}\.parquet)\Z",
    "Đường dẫn lưu trữ không hợp lệ.",
)


class Dataset(models.Model):
    class Kind(models.TextChoices):
        RESULTS = "results", "Bảng kết quả các tỉnh"
        SHEET = "sheet", "Bảng điểm chi tiết của tỉnh"
        RESPONSES = "responses", "Phiếu khảo sát sự hài lòng"

    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    province = models.CharField("tỉnh", max_length=64)
    year = models.PositiveSmallIntegerField(
        "năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    # The framework code (PAR-TINH-2025) or the questionnaire code (SIPAS-TINH-XA-2025), as the
    # core reports it.
    standard = models.CharField("khung chỉ số, bảng hỏi", max_length=64)
    original_name = models.CharField("tên tệp", max_length=255)
    stored_path = models.CharField(
        "đường dẫn lưu trữ", max_length=120, unique=True, editable=False, validators=[STORED_PATH]
    )
    rows = models.PositiveIntegerField("số dòng")
    sha256 = models.CharField("SHA-256", max_length=64)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("thời điểm nhập", default=timezone.now)
    active = models.BooleanField("đang dùng", default=False)

    class Meta:
        verbose_name = "bộ dữ liệu"
        verbose_name_plural = "bộ dữ liệu"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "province", "year"],
                condition=Q(active=True) & ~Q(kind="responses"),
                name="one_active_dataset",
            ),
            # A province may survey its communes and its departments in the same year, on
            # different questionnaires: one active survey per questionnaire.
            models.UniqueConstraint(
                fields=["kind", "province", "year", "standard"],
                condition=Q(active=True, kind="responses"),
                name="one_active_survey_per_questionnaire",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.original_name}"
