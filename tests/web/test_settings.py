"""Settings read from the environment; each case runs in a fresh interpreter."""

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

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


# -- production: deploy check, static files, gunicorn, PostgreSQL driver ------------------------

# With the default (HSTS for a year on this host) the deploy check is clean; subdomains and
# preload stay off on purpose and are silenced in settings (a province's domain has other sites).
# Turning HSTS off leaves exactly the warning that says so.
DOCUMENTED = {
    None: set(),
    "0": {"security.W004"},
}


def _production(tmp_path, **extra: str) -> dict[str, str]:
    # Nothing of this test run's environment may leak into a deployment's checks.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHISO_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    return clean | {
        "DJANGO_SETTINGS_MODULE": "chiso.web.settings",
        "CHISO_ENV": "production",
        "CHISO_SECRET_KEY": secrets.token_urlsafe(64),
        "CHISO_DATA_DIR": str(tmp_path),
        **extra,
    }


@pytest.mark.parametrize("hsts", DOCUMENTED, ids=["default", "hsts-off"])
def test_deploy_check_leaves_only_the_documented_warnings(tmp_path, hsts):
    extra = {} if hsts is None else {"CHISO_HSTS_SECONDS": hsts}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=_production(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = set(re.findall(r"\((\w+\.[WE]\d+)\)", result.stdout + result.stderr))
    assert found == DOCUMENTED[hsts], result.stdout + result.stderr


def test_production_static_files_are_hashed_compressed_and_served_by_gunicorn(tmp_path):
    """collectstatic, then gunicorn as docs/web.md runs it, behind a proxy that says HTTPS."""
    env = _production(tmp_path, CHISO_ALLOWED_HOSTS="127.0.0.1")
    collect = subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    static = tmp_path / "static" / "chiso"
    hashed_css = [p.name for p in static.glob("app.*.css")]
    assert len(hashed_css) == 1 and (static / f"{hashed_css[0]}.gz").exists()

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "chiso.web.wsgi", "--bind", "127.0.0.1:0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = _listening_at(server)
        proxied = {"X-Forwarded-Proto": "https"}
        status, headers, page = _get(f"{base}/dang-nhap/", proxied)
        assert status == 200
        assert "Đăng nhập" in page
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert f"/static/chiso/{hashed_css[0]}" in page
        status, headers, _ = _get(f"{base}/static/chiso/{hashed_css[0]}", proxied)
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        # Plain HTTP (no proxy header) is sent to HTTPS.
        status, headers, _ = _get(f"{base}/dang-nhap/", {})
        assert status == 301 and headers["Location"].startswith("https://")
        # HSTS only over HTTPS: a browser must not pin a site it reached over plain HTTP.
        assert "Strict-Transport-Security" not in headers
    finally:
        server.terminate()
        server.wait(timeout=30)


def _listening_at(server: subprocess.Popen) -> str:
    """The address gunicorn printed once it is ready (port 0: the system picks a free one)."""
    for line in server.stderr:
        match = re.search(r"Listening at: (http://\S+)", line)
        if match:
            return match.group(1)
    raise AssertionError(f"gunicorn did not start (exit code {server.wait()})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), ""


def test_the_postgres_extra_gives_django_its_driver():
    code = (
        "import django; django.setup(); from django.db import connection; "
        "print(connection.vendor, connection.Database.__name__)"
    )
    result = _settings({"DATABASE_URL": "postgres://chiso:pw@db.local:5432/chiso"}, code)
    assert result.stdout.split() == ["postgresql", "psycopg"], result.stderr
