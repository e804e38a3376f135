"""Writing audit rows. Only other services call :func:`record`, inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from chiso.web.audit.models import AuditEvent


def record(
    *,
    actor,
    event: str,
    obj: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write the audit row of ``event`` on ``obj``.

    Refuses to run outside a transaction: an audit row committed on its own could describe a
    change that was then rolled back, or a change could commit without its row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction.atomic")
    row = AuditEvent(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "hệ thống",
        event=event,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        old=old,
        new=new,
    )
    row.full_clean()
    row.save()
    return row
