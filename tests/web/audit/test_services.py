"""Audit rows live and die with the change they describe."""

import pytest
from django.db import transaction

from chiso.web.audit import services as audit
from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns import services
from chiso.web.campaigns.models import Contribution

pytestmark = pytest.mark.django_db


def test_record_refuses_to_run_outside_a_transaction(agencies, transactional_db):
    from chiso.web.accounts.models import Agency

    with pytest.raises(RuntimeError, match="inside the service"):
        audit.record(actor=None, event="x.y", obj=Agency.objects.first())


def test_record_stores_actor_event_object_and_values(coordinator, agencies):
    from chiso.web.accounts.models import Agency

    stp = Agency.objects.get(code="STP")
    with transaction.atomic():
        row = audit.record(
            actor=coordinator, event="agency.renamed", obj=stp, old={"a": 1}, new={"a": 2}
        )
    row.refresh_from_db()
    assert (row.actor, row.actor_name, row.event) == (coordinator, "dieuphoi", "agency.renamed")
    assert (row.object_type, row.object_id) == ("accounts.agency", str(stp.pk))
    assert (row.old, row.new) == ({"a": 1}, {"a": 2})
    assert row.created is not None


def test_a_failure_after_the_audit_row_rolls_back_both(own, member, fill, monkeypatch):
    """The service writes state, version and audit row in one transaction: if anything fails
    after the audit row is written, none of them survives."""
    real = audit.record

    def record_then_fail(**kwargs):
        real(**kwargs)
        assert AuditEvent.objects.filter(event="contribution.submitted").exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        services.contribution_submit(acting_user=member, contribution=own, content=fill(own))
    own.refresh_from_db()
    assert own.state == Contribution.State.DRAFT and own.submitted_at is None
    assert not own.versions.exists()
    assert not AuditEvent.objects.filter(event="contribution.submitted").exists()
    assert own.items.get().causes == ""


def test_a_failing_campaign_open_leaves_neither_rows_nor_audit(coordinator, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from chiso.web.campaigns.models import Assignment, Campaign

    def fail(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "record", fail)
    with pytest.raises(RuntimeError):
        services.campaign_open(
            acting_user=coordinator,
            year=2025,
            title="x",
            deadline=timezone.now() + timedelta(days=1),
        )
    assert not Campaign.objects.exists() and not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(event="campaign.opened").exists()
