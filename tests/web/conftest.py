"""Django test setup for the web app only: the rest of the suite never configures Django.

pytest-django reads ``DJANGO_SETTINGS_MODULE`` when its session fixtures first run, which is after
this conftest is imported; ``django.setup()`` here lets test modules import models at the top.
The test database is SQLite in memory.

Fixtures used by more than one folder of tests/web live here, where pytest shares them with every
folder below: with ``--import-mode=importlib`` a helper module beside the tests cannot be imported
by name, and ``pytest_plugins`` would make its fixtures global to the whole suite.
"""

from __future__ import annotations

import csv
import os
from datetime import timedelta
from pathlib import Path

import django
import pytest
import samples

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
    return samples.contribution_content


@pytest.fixture
def post_body():
    """``post_body(contribution, action, note)``: the contribution page's POST, all filled."""
    return samples.contribution_form


# -- uploads and actions (attachments, evidence, their fuzz and security tests) ------------------


@pytest.fixture
def upload_dir(settings, tmp_path):
    """A private upload folder per test (10 MB per file), so the folder can be listed exactly.
    Modules where every test uploads make it autouse by overriding: ``upload_dir(upload_dir)``."""
    settings.CHISO_UPLOAD_DIR = tmp_path / "uploads"
    settings.CHISO_MAX_UPLOAD_MB = 10
    return settings.CHISO_UPLOAD_DIR


@pytest.fixture
def make_action(coordinator):
    """``make_action(contribution)``: an action on the contribution's first item, owned by its
    agency, as the service makes one from an accepted solution."""
    from datetime import date

    from chiso.web.actions.models import Action

    def make(contribution):
        item = contribution.items.select_related("assignment").order_by("assignment__position")[0]
        return Action.objects.create(
            campaign=contribution.campaign,
            assignment=item.assignment,
            owner_agency=contribution.agency,
            title=f"Khắc phục {item.assignment.code}",
            deadline=date(contribution.campaign.year + 1, 12, 31),
            expected_points=item.assignment.lost,
            created_by=coordinator,
        )

    return make


# -- imported files (tests/web/dashboard, datasets, actions) ---------------------------------------
# The files come from ``chiso.demo.files.export_demo`` (what ``chiso demo export`` writes) and from
# the core's survey generator, so the web app is tested on the very layouts the CLI reads.


@pytest.fixture
def data_dir(settings, tmp_path):
    """A private folder per test for imports, so the folder can be listed exactly. The storage
    folder exists already, as it does after the first import of an installation. Not autouse:
    the folders whose every test imports (dashboard, datasets) make it so in their conftest."""
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "datasets").mkdir(parents=True)
    return settings.DATA_DIR


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> Path:
    """What ``chiso demo export`` writes: the demo score sheets and results tables."""
    from chiso.demo.files import export_demo

    folder = tmp_path_factory.mktemp("demo-export")
    export_demo(folder)
    return folder


@pytest.fixture(scope="session")
def survey_csv(tmp_path_factory) -> Path:
    """A small illustrative commune survey (600 forms over the province's 65 communes)."""
    from chiso.sipas import synth
    from chiso.sipas.questionnaire import embedded

    q = embedded("tinh-xa-2025")
    spec = synth.SynthSpec(
        respondents=600, seed=7, units=synth.default_units(q), villages_per_unit=0
    )
    return synth.write(q, spec, tmp_path_factory.mktemp("survey") / "phieu-khao-sat-2025.csv")


@pytest.fixture
def upload():
    """``upload(path, name=None)``: the file as Django hands an upload to a view or service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(path: Path, name: str | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(name or path.name, Path(path).read_bytes())

    return make


@pytest.fixture
def edited_csv(tmp_path):
    """``edited_csv(source, {(row, column): value}, name)``: a copy of a CSV with some cells
    changed; ``row`` counts data rows from 2 as a spreadsheet shows them (1 is the header)."""

    def make(source: Path, changes: dict[tuple[int, str], str], name: str) -> Path:
        with open(source, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for (row, column), value in changes.items():
            rows[row - 1][header.index(column)] = value
        target = tmp_path / name
        with open(target, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
        return target

    return make


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
