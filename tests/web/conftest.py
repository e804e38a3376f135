"""Django test setup for the web app only: the rest of the suite never configures Django.

pytest-django reads ``DJANGO_SETTINGS_MODULE`` when its session fixtures first run, which is after
this conftest is imported; ``django.setup()`` here lets test modules import models at the top.
The test database is SQLite in memory.
"""

from __future__ import annotations

import os
from datetime import timedelta

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.web.settings")
django.setup()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing is slow on purpose in production; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agencies(db):
    from chiso.web.accounts.services import agencies_load

    agencies_load(acting_user=None)


def _user(username: str, role: str, agency_code: str | None = None):
    from chiso.web.accounts.models import Agency, User

    agency = Agency.objects.get(code=agency_code) if agency_code else None
    return User.objects.create_user(username, password="pw-chiso-test", role=role, agency=agency)


@pytest.fixture
def coordinator(agencies):
    return _user("dieuphoi", "coordinator")


@pytest.fixture
def leader(agencies):
    return _user("lanhdao", "leader")


@pytest.fixture
def administrator(agencies):
    return _user("quantri", "admin")


@pytest.fixture
def member(agencies):
    """A member of the Post Office, which leads one sub-criterion in the demo."""
    return _user("cb.bdt", "agency_member", "BDT")


@pytest.fixture
def other_member(agencies):
    return _user("cb.stp", "agency_member", "STP")


@pytest.fixture
def campaign(coordinator):
    from django.utils import timezone

    from chiso.web.campaigns.services import campaign_open

    return campaign_open(
        acting_user=coordinator,
        year=2025,
        title="Tham luận SIPAS, PAR INDEX năm 2025",
        deadline=timezone.now() + timedelta(days=7),
    )


@pytest.fixture
def own(campaign, member):
    """The member's (BDT) contribution."""
    return campaign.contributions.get(agency__code="BDT")


@pytest.fixture
def foreign(campaign):
    """Another agency's (STP) contribution."""
    return campaign.contributions.get(agency__code="STP")


@pytest.fixture
def fill():
    """``fill(contribution, note)``: complete content for every item (helpers are fixtures
    because the suite imports test files by path, not as a package)."""
    return _filled


@pytest.fixture
def post_body():
    """``post_body(contribution, action, note)``: the contribution page's POST, all filled."""
    return _form_data


def _filled(contribution, note: str = ""):
    """Complete content for every item of ``contribution``: causes, responsibility and one
    solution per item (owner the agency, deadline 31/12 of the next year, all lost points)."""
    from datetime import date

    from chiso.web.campaigns.services import ContributionContent, ItemText
    from chiso.web.campaigns.solutions import SolutionText

    items = contribution.items.select_related("assignment", "contribution__agency")
    return ContributionContent(
        general_text=f"Ý kiến chung {note}".strip(),
        items={
            item.assignment.code: ItemText(
                causes=f"Nguyên nhân {item.assignment.code} {note}",
                responsibility_agency="Lãnh đạo cơ quan",
                responsibility_unit="Phòng chuyên môn",
                responsibility_individual="Chuyên viên phụ trách",
                solutions=(
                    SolutionText(
                        text=f"Giải pháp {item.assignment.code}",
                        owner=item.contribution.agency.name,
                        deadline=date(contribution.campaign.year + 1, 12, 31),
                        expected_points=item.assignment.lost,
                    ),
                ),
            )
            for item in items
        },
    )


def _form_data(contribution, action: str, note: str = "") -> dict[str, str]:
    """The POST body the contribution page sends, with every item filled: its text fields and
    its solution rows (a formset prefixed ``<item id>-sol``: one filled row, one blank row)."""
    data = {"action": action, "general_text": f"Ý kiến chung {note}"}
    year = contribution.campaign.year + 1
    for item in contribution.items.select_related("assignment", "contribution__agency"):
        data[f"{item.pk}-causes"] = f"Nguyên nhân {item.assignment.code} {note}"
        data[f"{item.pk}-responsibility_agency"] = "Lãnh đạo cơ quan"
        data[f"{item.pk}-responsibility_unit"] = "Phòng chuyên môn"
        data[f"{item.pk}-responsibility_individual"] = "Chuyên viên"
        prefix = f"{item.pk}-sol"
        data |= {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-text": f"Giải pháp {item.assignment.code}",
            f"{prefix}-0-owner": item.contribution.agency.name,
            f"{prefix}-0-deadline": f"{year}-12-31",
            f"{prefix}-0-expected_points": str(item.assignment.lost).replace(".", ","),
            f"{prefix}-1-text": "",
            f"{prefix}-1-owner": item.contribution.agency.name,
            f"{prefix}-1-deadline": "",
            f"{prefix}-1-expected_points": "",
        }
    return data
