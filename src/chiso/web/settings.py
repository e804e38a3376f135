"""Django settings for chiso, read from the environment so one file serves dev, test and production.

Environment variables:

- ``CHISO_ENV``: ``development`` (default) or ``production``. Production refuses to start without
  ``CHISO_SECRET_KEY``, turns DEBUG off and sends e-mail over SMTP.
- ``CHISO_DATA_DIR``: where the SQLite database lives (default ``./.chiso-data``).
- ``CHISO_UPLOAD_DIR``: where attachments are stored (default ``<CHISO_DATA_DIR>/uploads``), outside
  the web root: they are only ever served through a permission-checking view.
- ``CHISO_MAX_UPLOAD_MB``: the largest attachment accepted, in megabytes (default 10).
- ``CHISO_PROVINCE``: the province the results dashboard shows (default ``Lạng Sơn``, the demo).
- ``DATABASE_URL``: e.g. ``postgres://user:pass@host/chiso``; replaces SQLite when set.
- ``CHISO_ALLOWED_HOSTS``: comma-separated host names.
- ``CHISO_STATIC_ROOT``: where ``collectstatic`` gathers CSS and scripts for WhiteNoise to serve
  (default ``<CHISO_DATA_DIR>/static``).
- ``CHISO_BEHIND_PROXY``: ``1`` (default in production) trusts the reverse proxy's
  ``X-Forwarded-Proto`` header to tell HTTPS from HTTP; ``0`` when gunicorn faces the network.
- ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
  ``DEFAULT_FROM_EMAIL``: SMTP in production.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("CHISO_ENV", "development")
PRODUCTION = ENV == "production"
DATA_DIR = Path(os.environ.get("CHISO_DATA_DIR", ".chiso-data")).absolute()
CHISO_UPLOAD_DIR = Path(os.environ.get("CHISO_UPLOAD_DIR", DATA_DIR / "uploads")).absolute()
CHISO_MAX_UPLOAD_MB = float(os.environ.get("CHISO_MAX_UPLOAD_MB", "10"))
CHISO_PROVINCE = os.environ.get("CHISO_PROVINCE", "Lạng Sơn")

_DEV_SECRET = "django-insecure-chiso-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("CHISO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("CHISO_ENV=production cần biến môi trường CHISO_SECRET_KEY.")
    SECRET_KEY = _DEV_SECRET

DEBUG = not PRODUCTION
_hosts = os.environ.get("CHISO_ALLOWED_HOSTS", "")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()] or [
    "localhost",
    "127.0.0.1",
    "[::1]",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "chiso.web.accounts",
    "chiso.web.audit",
    "chiso.web.campaigns",
    "chiso.web.actions",
    "chiso.web.dashboard",
    "chiso.web.datasets",
    "chiso.web.conference",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Static files from the application server itself: no CDN, no separate web-server rule.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (only the login page does).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chiso.web.urls"
WSGI_APPLICATION = "chiso.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    """PostgreSQL (or any URL dj-database-url knows) when ``DATABASE_URL`` is set, else SQLite.

    SQLite runs in WAL mode so readers never block the writer, waits up to 20 s on a lock instead
    of failing at once, and starts write transactions IMMEDIATE so two submits cannot deadlock.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "chiso.sqlite3",
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's own length message has no Vietnamese translation; ours says it in Vietnamese.
    {
        "NAME": "chiso.web.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): 5 wrong passwords for one user name from one address lock that
# pair out for 15 minutes; another user at the same address (a shared office NAT) still logs in.
# The admin site's login goes through the same backend, so it is covered too.
AUTHENTICATION_BACKENDS = [
    "chiso.web.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_COOLOFF_MESSAGE = (
    "Tài khoản tạm khóa vì nhập sai mật khẩu quá 5 lần. Vui lòng thử lại sau 15 phút."
)
# Exactly 15 minutes from the fifth failure: retrying during the lockout does not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "chiso.web.accounts.throttle.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("CHISO_STATIC_ROOT", DATA_DIR / "static")).absolute()
# Production serves what ``collectstatic`` gathered: names carry a content hash (cached for a year,
# a new release busts the cache) and gzip copies sit beside them. Development and tests read the
# source directories directly, so they need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Content-Security-Policy in every environment, so development shows what production would
# block: no inline script or style anywhere (htmx is configured not to inject any; charts are
# served as SVG files shown with <img>).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Cookies scripts cannot read (htmx posts the form's csrfmiddlewaretoken, never the cookie), sent
# on top-level navigation only; a session lasts a working day.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The client address for login throttling: behind the reverse proxy every request comes from
# 127.0.0.1, so the address nginx appended to X-Forwarded-For is used (see accounts/throttle.py).
CHISO_TRUST_FORWARDED_FOR = False

if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("CHISO_SSL_REDIRECT", "1") == "1"
    # HSTS for a year: once a browser has seen the site over HTTPS it never falls back to HTTP, so
    # a café Wi-Fi cannot strip TLS from a clerk's login. Django sends the header on HTTPS responses
    # only, so an intranet run over plain HTTP (CHISO_SSL_REDIRECT=0) is unaffected; 0 turns it off.
    SECURE_HSTS_SECONDS = int(os.environ.get("CHISO_HSTS_SECONDS", "31536000"))
    # Deliberately for this host only and not on the preload list: the province's domain carries
    # other agencies' sites that chiso cannot promise will all run HTTPS (docs/web.md).
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
    # HTTPS ends at the reverse proxy (nginx), which says so in X-Forwarded-Proto; without this
    # every request looks like HTTP and SECURE_SSL_REDIRECT loops. Safe only because gunicorn
    # listens on 127.0.0.1 behind it.
    if os.environ.get("CHISO_BEHIND_PROXY", "1") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        CHISO_TRUST_FORWARDED_FOR = True
    # With DEBUG off Django logs server errors nowhere by default; stderr reaches gunicorn's log
    # and journald.
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"stderr": {"class": "logging.StreamHandler", "level": "WARNING"}},
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chiso@localhost")
