"""The demo state ``make screenshots`` photographs (scripts/web_screenshots.py), built through the
services: when a service changes shape, this fails here rather than in the lead's last re-run."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from django.urls import reverse

from chiso.web.actions.models import Action
from chiso.web.campaigns.models import Contribution

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "web_screenshots.py"


@pytest.fixture
def script():
    spec = importlib.util.spec_from_file_location("web_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def demo_users(agencies):
    from chiso.web.accounts.services import demo_users_create

    demo_users_create(acting_user=None)


@pytest.mark.django_db
def test_demo_state_has_every_contribution_state_and_actions_under_way(script, demo_users):
    state = script.demo_state()
    contributions = {
        c.agency.code: c for c in Contribution.objects.filter(campaign_id=state.campaign_id)
    }
    states = {code: c.state for code, c in contributions.items()}
    assert states["SNV"] == states["STC"] == "accepted"
    assert states["STP"] == "accepted" and contributions["STP"].versions.count() == 2
    assert states["SKHCN"] == "submitted"
    assert states["TTPVHCC"] == "returned" and contributions["TTPVHCC"].review_comment
    assert states["VPUBND"] == states["BDT"] == "draft"
    assert contributions["VPUBND"].general_text  # a saved draft, not an empty one
    assert state.returned_id == contributions["TTPVHCC"].pk
    assert state.returned_clerk == "cb.ttpvhcc"

    actions = Action.objects.filter(campaign_id=state.campaign_id)
    assert actions.filter(status="done").count() == 1
    assert actions.filter(status="in_progress").count() == 2
    assert actions.values("title").distinct().count() > 1  # not one title repeated


@pytest.mark.django_db
def test_every_page_is_required_and_answers(script, demo_users, client):
    """No shot is optional any more: each URL must exist and answer 200 for its user, so a page
    that breaks stops ``make screenshots`` instead of leaving an old picture in the docs."""
    from chiso.web.accounts.models import User

    state = script.demo_state()
    shots = script._shots(state)
    assert {s.name for s in shots} == {
        "web-login",
        "web-home",
        "web-results",
        "web-campaign",
        "web-contribution",
        "web-actions",
        "web-audit",
        "web-survey",
        "web-imports",
        "web-assignments",
        "web-conference",
        "web-versions",
        "web-version-diff",
    }
    assert "optional" not in {f.name for f in fields(script.Shot)}
    for shot in shots:
        client.logout()
        if shot.user:
            client.force_login(User.objects.get(username=shot.user))
        path = reverse(shot.url_name, kwargs=shot.kwargs)
        assert client.get(path).status_code == 200, shot.name
