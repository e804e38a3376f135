"""``chiso serve``: migrate, first-run data, demo accounts printed, then runserver."""

import pytest
from django.core import management
from typer.testing import CliRunner

from chiso.cli import app
from chiso.web.accounts.models import Agency, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def runserver_calls(monkeypatch, settings, tmp_path):
    """Run every management command for real except runserver, which is only recorded.

    The database is the in-memory test database; only the data directory is created.
    """
    settings.DATA_DIR = tmp_path / "data"
    real = management.call_command
    calls = []

    def fake(name, *args, **kwargs):
        if name == "runserver":
            calls.append((args, kwargs))
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(management, "call_command", fake)
    return calls


def test_serve_loads_first_run_data_prints_accounts_and_starts(runserver_calls, settings):
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert Agency.objects.filter(kind="commune").count() == 65
    assert User.objects.filter(username="dieuphoi", role="coordinator").exists()
    assert "chiso-demo-2026" in result.output and "cb.bdt" in result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert runserver_calls == [(("127.0.0.1:8123",), {"use_reloader": False})]
    assert (settings.DATA_DIR).is_dir()


def test_a_second_start_changes_nothing(runserver_calls):
    runner = CliRunner()
    runner.invoke(app, ["serve"])
    users, agencies = User.objects.count(), Agency.objects.count()
    result = runner.invoke(app, ["serve", "--host", "localhost"])
    assert result.exit_code == 0
    assert (User.objects.count(), Agency.objects.count()) == (users, agencies)
    assert runserver_calls[-1][0] == ("localhost:8000",)
