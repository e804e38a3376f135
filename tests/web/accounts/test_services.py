import pytest

from chiso import units
from chiso.web.accounts.models import Agency, Role, User
from chiso.web.accounts.selectors import demo_accounts
from chiso.web.accounts.services import DEMO_PASSWORD, agencies_load, demo_users_create
from chiso.web.audit.models import AuditEvent


@pytest.mark.django_db
def test_agencies_load_copies_the_registry_once():
    assert agencies_load(acting_user=None) == len(units.agencies())
    assert Agency.objects.filter(kind="commune").count() == 65
    assert Agency.objects.get(code="BDT").name == units.find_agency("BDT").name
    events = AuditEvent.objects.filter(event="agency.loaded")
    assert events.count() == len(units.agencies())
    assert events.first().actor is None and events.first().actor_name == "hệ thống"
    assert agencies_load(acting_user=None) == 0  # idempotent: nothing new, no new audit rows
    assert AuditEvent.objects.filter(event="agency.loaded").count() == len(units.agencies())


@pytest.mark.django_db
def test_agencies_load_updates_a_renamed_agency_with_old_and_new_values(agencies):
    Agency.objects.filter(code="STP").update(name="Tên cũ")
    assert agencies_load(acting_user=None) == 1
    event = AuditEvent.objects.filter(event="agency.loaded").order_by("-pk").first()
    assert event.old["name"] == "Tên cũ"
    assert event.new["name"] == "Sở Tư pháp"


@pytest.mark.django_db
def test_demo_users_cover_every_role_and_are_created_once(agencies):
    created = demo_users_create(acting_user=None)
    roles = {User.objects.get(username=a.username).role for a in created}
    assert roles == {Role.COORDINATOR, Role.LEADER, Role.ADMIN, Role.AGENCY_MEMBER}
    assert User.objects.get(username="cb.stp").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="quantri").is_superuser
    assert demo_users_create(acting_user=None) == []
    assert [a.username for a in demo_accounts()] == [a.username for a in created]
    assert AuditEvent.objects.filter(event="user.created").count() == len(created)
