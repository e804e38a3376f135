"""Writes on agencies and users. System loads pass ``acting_user=None`` and are audited as such."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from chiso import units
from chiso.web.accounts.models import Agency, Role, User
from chiso.web.audit.services import record

DEMO_PASSWORD = "chiso-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: str


@transaction.atomic
def agencies_load(*, acting_user: User | None) -> int:
    """Copy :func:`chiso.units.agencies` into the table; returns how many rows were new or changed.

    Idempotent: a second run changes nothing, so it is safe on every start.
    """
    changed = 0
    for item in units.agencies():
        wanted = {"name": item.name, "short_name": item.short_name, "kind": item.kind}
        agency = Agency.objects.filter(code=item.code).first()
        if agency is None:
            agency = Agency(code=item.code, **wanted)
            old = None
        else:
            old = {k: getattr(agency, k) for k in wanted}
            if old == wanted:
                continue
            for key, value in wanted.items():
                setattr(agency, key, value)
        agency.full_clean()
        agency.save()
        record(
            actor=acting_user,
            event="agency.loaded",
            obj=agency,
            old=old,
            new={"code": agency.code, **wanted},
        )
        changed += 1
    return changed


def demo_plan() -> list[tuple[str, str, str | None]]:
    """(username, role, agency code): one coordinator, one leader, one admin and one member for
    each provincial agency that leads sub-criteria in the demo analysis, plus one commune."""
    members = ["SNV", "STP", "STC", "SKHCN", "VPUBND", "TTPVHCC", "BDT"]
    first_commune = next(a.code for a in units.agencies() if a.kind == "commune")
    return [
        ("dieuphoi", Role.COORDINATOR, None),
        ("lanhdao", Role.LEADER, None),
        ("quantri", Role.ADMIN, None),
        *[(f"cb.{code.lower()}", Role.AGENCY_MEMBER, code) for code in members],
        ("cb.xa", Role.AGENCY_MEMBER, first_commune),
    ]


@transaction.atomic
def demo_users_create(*, acting_user: User | None) -> list[DemoAccount]:
    """Create the demo accounts (password :data:`DEMO_PASSWORD`) that do not exist yet.

    Agencies must be loaded first. The password is hashed once: hashing is deliberately slow.
    """
    password = make_password(DEMO_PASSWORD)
    created = []
    for username, role, code in demo_plan():
        if User.objects.filter(username=username).exists():
            continue
        agency = Agency.objects.get(code=code) if code else None
        user = User(
            username=username,
            role=role,
            agency=agency,
            password=password,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.full_clean()
        user.save()
        record(
            actor=acting_user,
            event="user.created",
            obj=user,
            new={"username": username, "role": role, "agency": code},
        )
        created.append(DemoAccount(username, Role(role).label, agency.name if agency else ""))
    return created


@transaction.atomic
def lockout_record(*, username: str, ip_address: str | None) -> bool:
    """Audit a login lockout (django-axes) of an existing account, once per lockout period.

    Attempts refused during the lockout signal again; recording each would let an attacker flood
    the audit log, so one row per account per cool-off is kept. Unknown user names are not
    recorded: the audit log is about accounts, and axes keeps every attempt in its own table.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from chiso.web.audit.models import AuditEvent

    user = User.objects.filter(username=username).first()
    if user is None:
        return False
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None) or timedelta(minutes=15)
    recent = AuditEvent.objects.filter(
        event="account.locked_out",
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        created__gte=timezone.now() - cool_off,
    )
    if recent.exists():
        return False
    record(actor=None, event="account.locked_out", obj=user, new={"ip": ip_address})
    return True
