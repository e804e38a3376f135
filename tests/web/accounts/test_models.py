import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from chiso.web.accounts.models import Agency, Role, User


@pytest.mark.django_db
def test_agency_member_needs_an_agency_in_clean_and_in_the_database(agencies):
    user = User(username="x", role=Role.AGENCY_MEMBER)
    with pytest.raises(ValidationError, match="phải thuộc một cơ quan"):
        user.clean()
    with pytest.raises(IntegrityError):
        User.objects.create(username="x", role=Role.AGENCY_MEMBER)


@pytest.mark.django_db
def test_coordinator_cannot_belong_to_an_agency(agencies):
    snv = Agency.objects.get(code="SNV")
    with pytest.raises(ValidationError, match="Chỉ cán bộ"):
        User(username="x", role=Role.COORDINATOR, agency=snv).clean()


@pytest.mark.django_db
def test_default_role_changes_nothing_and_superuser_is_admin():
    assert User.objects.create_user("a").role == Role.LEADER
    root = User.objects.create_superuser("root", password="x")
    assert root.role == Role.ADMIN and root.is_coordinator


def test_role_predicates():
    assert User(role=Role.COORDINATOR).is_coordinator
    assert User(role=Role.ADMIN).is_coordinator
    assert not User(role=Role.LEADER).is_coordinator and User(role=Role.LEADER).is_leader
    assert User(role=Role.AGENCY_MEMBER).is_agency_member
