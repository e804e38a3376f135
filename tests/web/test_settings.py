"""Settings read from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


def _settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHISO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "chiso.web.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_vietnamese_and_vietnam_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and settings.USE_TZ


def test_development_prints_e_mail_to_the_console_and_uses_a_dev_key():
    code = (
        "from chiso.web import settings as s; import json; "
        "print(json.dumps([s.DEBUG, s.EMAIL_BACKEND, s.SECRET_KEY.startswith('django-insecure')]))"
    )
    result = _settings({}, code)
    assert json.loads(result.stdout) == [
        True,
        "django.core.mail.backends.console.EmailBackend",
        True,
    ]


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings({"CHISO_ENV": "production"}, "import chiso.web.settings")
    assert result.returncode != 0
    assert "CHISO_SECRET_KEY" in result.stderr


def test_production_with_a_secret_key_turns_debug_off_and_uses_smtp():
    code = (
        "from chiso.web import settings as s; import json; "
        "print(json.dumps([s.DEBUG, s.EMAIL_BACKEND, s.SESSION_COOKIE_SECURE]))"
    )
    result = _settings({"CHISO_ENV": "production", "CHISO_SECRET_KEY": "x" * 50}, code)
    assert json.loads(result.stdout) == [False, "django.core.mail.backends.smtp.EmailBackend", True]


def test_database_url_selects_postgresql():
    code = (
        "from chiso.web import settings as s; import json; d = s.DATABASES['default']; "
        "print(json.dumps([d['ENGINE'], d['NAME'], d['HOST'], d['USER']]))"
    )
    result = _settings({"DATABASE_URL": "postgres://chiso:pw@db.local:5432/chiso"}, code)
    assert json.loads(result.stdout) == [
        "django.db.backends.postgresql",
        "chiso",
        "db.local",
        "chiso",
    ]


@pytest.mark.parametrize("pragma, expected", [("journal_mode", "wal"), ("busy_timeout", 20000)])
def test_sqlite_file_runs_in_wal_mode_with_a_busy_timeout(tmp_path, pragma, expected):
    code = (
        "import django; django.setup(); from django.db import connection; "
        f"c = connection.cursor(); c.execute('PRAGMA {pragma}'); print(c.fetchone()[0])"
    )
    result = _settings({"CHISO_DATA_DIR": str(tmp_path)}, code)
    assert result.stdout.strip() == str(expected), result.stderr
    assert (tmp_path / "chiso.sqlite3").exists()
