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


# -- a real installation in other processes (tests/web/test_backup.py, test_crash.py) -----------

FAULTKIT = os.path.join(os.path.dirname(__file__), "faultkit.py")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """``site(name)``: the environment of a fresh installation for servers, ``chiso`` commands
    and ``faultkit.py`` run as separate processes: its own CHISO_DATA_DIR and, when the suite
    runs on PostgreSQL, its own database beside the test database (dropped after the module)."""
    import secrets
    import urllib.parse

    from django.conf import settings as django_settings

    database = django_settings.DATABASES["default"]
    postgres = database["ENGINE"].endswith("postgresql")
    created = []
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHISO_", "DATABASE_URL", "DJANGO_"))
    }

    def make(name: str) -> dict[str, str]:
        env = base | {
            "DJANGO_SETTINGS_MODULE": "chiso.web.settings",
            "CHISO_DATA_DIR": str(tmp_path_factory.mktemp(name) / "data"),
        }
        if postgres:
            import psycopg

            db = f"chiso_{name.replace('-', '_')}_{secrets.token_hex(4)}"
            with psycopg.connect(_dsn(database, "postgres"), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            created.append(db)
            env["DATABASE_URL"] = _dsn(database, db)
        return env

    def _dsn(db: dict, name: str) -> str:
        user = urllib.parse.quote(db["USER"], safe="")
        password = urllib.parse.quote(db["PASSWORD"], safe="")
        host, port = db["HOST"] or "localhost", db["PORT"] or 5432
        return f"postgres://{user}:{password}@{host}:{port}/{name}"

    yield make
    if created:
        import psycopg

        with psycopg.connect(_dsn(database, "postgres"), autocommit=True) as conn:
            for db in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@pytest.fixture(scope="session")
def faultkit():
    """``faultkit(env, command, *args)``: run tests/web/faultkit.py, return its JSON."""
    import json
    import subprocess
    import sys

    def run(env: dict[str, str], command: str, *args: str):
        result = subprocess.run(
            [sys.executable, FAULTKIT, command, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run
