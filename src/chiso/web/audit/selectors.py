"""Reading the audit log: coordinators only."""

from __future__ import annotations

from django.db.models import QuerySet

from chiso.web.accounts.permissions import require_coordinator
from chiso.web.audit.models import AuditEvent


def audit_events(*, user, event: str = "") -> QuerySet[AuditEvent]:
    """Newest first; optionally only events whose code starts with ``event``."""
    require_coordinator(user)
    rows = AuditEvent.objects.select_related("actor")
    if event:
        rows = rows.filter(event__startswith=event)
    return rows
