"""``chiso_prepare`` brings an empty database to a usable state and can be run again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chiso.web.accounts.models import Agency, User

pytestmark = pytest.mark.django_db


def test_prepare_loads_agencies_and_demo_users_once(settings):
    settings.PRODUCTION = False
    out = io.StringIO()
    call_command("chiso_prepare", stdout=out)
    agencies, users = Agency.objects.count(), User.objects.count()
    assert agencies > 70
    assert User.objects.filter(username="dieuphoi", role="coordinator").exists()
    assert f"{agencies} cơ quan" in out.getvalue()

    call_command("chiso_prepare", stdout=io.StringIO())
    assert (Agency.objects.count(), User.objects.count()) == (agencies, users)


def test_prepare_creates_no_demo_user_in_production(settings):
    settings.PRODUCTION = True
    out = io.StringIO()
    call_command("chiso_prepare", stdout=out)
    assert Agency.objects.exists()
    assert not User.objects.exists()
    assert "tài khoản demo" not in out.getvalue()
