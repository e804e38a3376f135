"""Reads on accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from chiso.web.accounts.models import Agency, Role, User
from chiso.web.accounts.services import DemoAccount, demo_plan


def agencies(*, kind: str | None = None) -> QuerySet[Agency]:
    """All agencies in registry order (reference data: every signed-in user may read it)."""
    rows = Agency.objects.all()
    return rows.filter(kind=kind) if kind else rows


def demo_accounts() -> list[DemoAccount]:
    """The demo accounts that exist, in creation order, for ``chiso serve`` to print."""
    names = [username for username, _, _ in demo_plan()]
    users = User.objects.filter(username__in=names).select_related("agency").order_by("pk")
    return [
        DemoAccount(u.username, Role(u.role).label, u.agency.name if u.agency else "")
        for u in users
    ]
