"""Users carry one role; agency members also carry the agency whose work they answer for."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Agency(models.Model):
    """A body the indices score: a department, office, centre, the Post Office, or a commune UBND.

    Rows are copied from :func:`chiso.units.agencies` by ``agencies_load``; the registry stays the
    source of truth and the table only gives foreign keys something to point at.
    """

    code = models.CharField("mã", max_length=32, unique=True)
    name = models.CharField("tên", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    kind = models.CharField("loại", max_length=32)

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Điều phối (Sở Nội vụ)"
    AGENCY_MEMBER = "agency_member", "Cán bộ cơ quan, đơn vị"
    LEADER = "leader", "Lãnh đạo (chỉ xem)"
    ADMIN = "admin", "Quản trị hệ thống"


class ChisoUserManager(UserManager):
    """``createsuperuser`` makes an administrator, not a read-only leader."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The default role is the one that can change nothing."""

    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.LEADER)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan, đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    objects = ChisoUserManager()

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            # An agency member belongs to exactly one agency; nobody else belongs to any.
            models.CheckConstraint(
                condition=(Q(role=Role.AGENCY_MEMBER) & Q(agency__isnull=False))
                | (~Q(role=Role.AGENCY_MEMBER) & Q(agency__isnull=True)),
                name="user_agency_matches_role",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.AGENCY_MEMBER and self.agency_id is None:
            raise ValidationError({"agency": "Cán bộ cơ quan, đơn vị phải thuộc một cơ quan."})
        if self.role != Role.AGENCY_MEMBER and self.agency_id is not None:
            raise ValidationError({"agency": "Chỉ cán bộ cơ quan, đơn vị mới gắn với cơ quan."})

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and administrators may do everything in the workflow."""
        return self.role in (Role.COORDINATOR, Role.ADMIN)

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_agency_member(self) -> bool:
        return self.role == Role.AGENCY_MEMBER
