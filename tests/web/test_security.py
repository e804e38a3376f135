"""Security settings and the login flow: throttling (django-axes), password rules, the
Content-Security-Policy, cookies and headers, and no inline script or style in any template."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from chiso.web.accounts.models import User
from chiso.web.accounts.services import DEMO_PASSWORD
from chiso.web.accounts.throttle import client_ip
from chiso.web.audit.models import AuditEvent

PASSWORD = "pw-chiso-test"  # what tests/web/conftest.py gives its users
LOCKED = "Tài khoản <strong>{}</strong> tạm khóa"
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "chiso" / "web" / "templates"


def _login(client: Client, username: str, password: str, url: str = "/dang-nhap/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client: Client, username: str, times: int, **extra) -> None:
    for _ in range(times):
        response = _login(client, username, "sai-mat-khau", **extra)
        assert not _logged_in(client)
        assert response.status_code in (200, 429)


# -- login throttling ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(client, member):
    _fail(client, member.username, 5)
    response = _login(client, member.username, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED.format(member.username) in html
    assert "Vui lòng thử lại sau 15 phút" in html
    assert not _logged_in(client)


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_lock(client, member):
    _fail(client, member.username, 4)
    response = _login(client, member.username, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_another_user_at_the_same_address_still_logs_in(client, member, other_member):
    _fail(client, member.username, 5)
    assert _login(client, member.username, PASSWORD).status_code == 429
    response = _login(Client(), other_member.username, PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_same_user_from_another_address_still_logs_in(client, member):
    _fail(client, member.username, 5, REMOTE_ADDR="10.0.0.7")
    other = Client()
    response = _login(other, member.username, PASSWORD, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302
    assert _logged_in(other)


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, member):
    _fail(client, member.username, 4)
    assert _login(client, member.username, PASSWORD).status_code == 302
    client.logout()
    _fail(client, member.username, 4)
    assert _login(client, member.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_lasts_fifteen_minutes(client, member, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    _fail(client, member.username, 5)
    assert _login(client, member.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert _login(client, member.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, administrator):
    url = reverse("admin:login")
    for _ in range(5):
        _login(client, administrator.username, "sai-mat-khau", url=url)
    response = _login(client, administrator.username, PASSWORD, url=url)
    assert response.status_code == 429
    assert LOCKED.format(administrator.username) in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.django_db
def test_a_lockout_is_audited_once(client, member):
    _fail(client, member.username, 5)
    _fail(client, member.username, 3)
    events = AuditEvent.objects.filter(event="account.locked_out", object_id=str(member.pk))
    assert events.count() == 1
    assert events.get().new == {"ip": "127.0.0.1"}
    assert events.get().actor_name == "hệ thống"


@pytest.mark.django_db
def test_unknown_user_names_are_throttled_but_not_audited(client, member):
    _fail(client, "khong-ton-tai", 6)
    assert not AuditEvent.objects.filter(event="account.locked_out").exists()


@pytest.mark.django_db
def test_behind_the_proxy_the_address_nginx_appended_is_the_one_locked(client, member, settings):
    """nginx appends the client's address to X-Forwarded-For; what the client wrote to the left
    of it is ignored, so a forged header neither escapes the lock nor locks someone else."""
    settings.CHISO_TRUST_FORWARDED_FOR = True
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    _fail(client, member.username, 5, **attacker)
    assert _login(client, member.username, PASSWORD, **attacker).status_code == 429
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}
    assert _login(client, member.username, PASSWORD, **forged).status_code == 429
    colleague = Client()
    office = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}  # same REMOTE_ADDR (the proxy), other client
    assert _login(colleague, member.username, PASSWORD, **office).status_code == 302


def test_client_ip_trusts_the_forwarded_header_only_when_told(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.CHISO_TRUST_FORWARDED_FOR = False
    assert client_ip(request) == "127.0.0.1"
    settings.CHISO_TRUST_FORWARDED_FOR = True
    assert client_ip(request) == "5.6.7.8"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    garbage = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, <script>")
    assert client_ip(garbage) == "127.0.0.1"
    v6 = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=" 2001:db8::1 ")
    assert client_ip(v6) == "2001:db8::1"


@pytest.mark.django_db
def test_the_test_client_login_and_force_login_still_work(client, member):
    """``authenticate()`` without a request (the test client, scripts) is not throttled."""
    assert client.login(username=member.username, password=PASSWORD)
    assert client.get("/").status_code == 200
    other = Client()
    other.force_login(member)
    assert other.get("/").status_code == 200


# -- passwords -----------------------------------------------------------------------------------


def _change_password(client: Client, new: str):
    return client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, messages",
    [
        (
            "12345678901",
            [
                "Mật khẩu quá ngắn: cần ít nhất 12 ký tự.",
                "Mật khẩu này quá phổ biến.",
                "Mật khẩu này hoàn toàn là số.",
            ],
        ),
        ("matkhau", ["Mật khẩu quá ngắn: cần ít nhất 12 ký tự."]),
        ("123456789012", ["Mật khẩu này hoàn toàn là số."]),
        ("password1234", ["Mật khẩu này quá phổ biến."]),
        ("nguyen.thi.lan@langson", ["Mật khẩu quá giống với địa chỉ email."]),
    ],
)
def test_the_password_change_form_refuses_weak_passwords_in_vietnamese(
    client, member, password, messages
):
    member.email = "nguyen.thi.lan@langson.gov.vn"
    member.save()
    client.force_login(member)
    response = _change_password(client, password)
    assert response.status_code == 200
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert "This password" not in html
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_strong_password_is_accepted(client, member):
    client.force_login(member)
    response = _change_password(client, "Lang-Son-cai-cach-2026")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Lang-Son-cai-cach-2026")


@pytest.mark.django_db
def test_the_form_explains_the_rules_in_vietnamese(client, member):
    client.force_login(member)
    html = client.get(reverse("password_change")).content.decode()
    assert "Mật khẩu của bạn phải có ít nhất 12 ký tự." in html
    assert "Your password" not in html


@pytest.mark.django_db
def test_the_demo_password_meets_the_rules(agencies):
    for username in ("dieuphoi", "cb.bdt", "quantri"):
        validate_password(DEMO_PASSWORD, User(username=username))
    with pytest.raises(ValidationError):
        validate_password("chiso-2026", User(username="dieuphoi"))


# -- Content-Security-Policy and headers ---------------------------------------------------------

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sorted(values) for name, *values in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dang-nhap/", "/", "/ket-qua/2025/", "/tham-luan/", "/nhat-ky/"])
def test_every_page_carries_the_content_security_policy(client, coordinator, url):
    if url != "/dang-nhap/":
        client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert _policy(response["Content-Security-Policy"]) == {k: sorted(v) for k, v in POLICY.items()}
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_error_and_lockout_pages_carry_it_too(client, member):
    assert "Content-Security-Policy" in client.get("/khong-co-trang-nay/")
    _fail(client, member.username, 5)
    assert "Content-Security-Policy" in _login(client, member.username, PASSWORD)


_INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "<script> without src"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on", re.I), "hx-on (evaluated by htmx)"),
]


def test_no_template_has_inline_script_or_style():
    """The policy blocks them, so a page that had one would silently break."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for pattern, what in _INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert not found, "\n".join(found)


# -- production settings -------------------------------------------------------------------------


def test_production_cookies_and_headers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHISO_", "DATABASE_URL"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "chiso.web.settings",
        "CHISO_ENV": "production",
        "CHISO_SECRET_KEY": "x" * 60,
        "CHISO_DATA_DIR": str(tmp_path),
    }
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_AGE",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "CHISO_TRUST_FORWARDED_FOR",
        "AXES_FAILURE_LIMIT",
        "AXES_LOCKOUT_PARAMETERS",
        "AXES_RESET_ON_SUCCESS",
    ]
    code = (
        "import json; from chiso.web import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}})); "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES'])); "
        "print(json.dumps([v['NAME'].rsplit('.', 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS])); "
        "print(json.dumps(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values, policy, validators, cool_off = (json.loads(x) for x in result.stdout.splitlines())
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 8 * 3600,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "CHISO_TRUST_FORWARDED_FOR": True,
        "AXES_FAILURE_LIMIT": 5,
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_RESET_ON_SUCCESS": True,
    }
    assert policy == POLICY
    assert validators == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert cool_off == 15 * 60


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(client, member):
    response = client.get("/dang-nhap/")
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = _login(client, member.username, PASSWORD)
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 8 * 3600


# -- no user-controlled path reaches the file system ---------------------------------------------
#
# Every upload endpoint gets file names built to escape the upload folder. Django's multipart
# parser already drops directories, so the names are sent as raw multipart bodies (what an
# attacker's script sends, not what Django's test client would clean first); the services are
# also called directly with the raw name, as the last line of defence. Whatever happens, the
# answer is never a 500, every file written lies under the upload folder, and the name kept for
# display is one harmless file name.

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOSTILE = [
    "../../etc/passwd{ext}",
    "..\\..\\x{ext}",
    "/etc/cron.d/job{ext}",
    "C:\\Windows\\System32\\z{ext}",
    "dir/sub\\name{ext}",
    "....//....//y{ext}",
    "&#46;&#46;&#47;&#46;&#46;&#47;html{ext}",
    "nul\x00byte{ext}",
    "new\r\nline{ext}",
    "..{ext}",
    "x" * 400 + "{ext}",
    "../" * 40 + "deep{ext}",
]
HOSTILE_IDS = [
    "dotdot-slash",
    "dotdot-backslash",
    "absolute",
    "windows-drive",
    "mixed-separators",
    "doubled-dots",
    "html-entities",
    "nul",
    "crlf",
    "dots-only",
    "very-long",
    "very-deep",
]


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``filename`` sent byte for byte (UTF-8), unescaped."""
    boundary = "chisoBoundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    header = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    parts.append(header.encode("utf-8", "surrogateescape") + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _post_file(client: Client, url: str, fields: dict[str, str], filename: str, content: bytes):
    body, content_type = _multipart(fields, filename, content)
    return client.post(url, data=body, content_type=content_type)


def _files_under(folder: Path) -> set[Path]:
    return {p.resolve() for p in folder.rglob("*") if p.is_file()}


def _harmless(name: str) -> None:
    assert name and len(name) <= 255, name
    assert "/" not in name and "\\" not in name, name
    assert not name.startswith("."), name
    assert all(ch.isprintable() for ch in name), repr(name)


@pytest.fixture
def sandbox(settings, tmp_path):
    """Upload and data folders four levels down a private tree, so a traversal that escaped
    them would still land where the test can see it."""
    deep = tmp_path / "a" / "b" / "c" / "d"
    settings.CHISO_UPLOAD_DIR = deep / "uploads"
    settings.DATA_DIR = deep / "data"
    (settings.DATA_DIR / "datasets").mkdir(parents=True)
    settings.CHISO_MAX_UPLOAD_MB = 10
    return tmp_path


def _only_under(sandbox: Path, *roots: Path) -> None:
    """Every file in the sandbox lies under one of ``roots``."""
    roots = tuple(r.resolve() for r in roots)
    strays = [p for p in _files_under(sandbox) if not any(p.is_relative_to(r) for r in roots)]
    assert not strays, strays


@pytest.mark.django_db
@pytest.mark.parametrize("template", HOSTILE, ids=HOSTILE_IDS)
def test_attachment_names_cannot_leave_the_upload_folder(
    client, member, own, sandbox, settings, template
):
    from chiso.web.campaigns.services import attachment_path

    client.force_login(member)
    url = reverse("attachment_add", args=[own.pk])
    response = _post_file(client, url, {}, template.format(ext=".pdf"), PDF_BYTES)
    assert response.status_code == 302
    _only_under(sandbox, settings.CHISO_UPLOAD_DIR)
    assert own.attachments.count() == 1  # accepted: the kind is judged by the content
    for attachment in own.attachments.all():
        _harmless(attachment.original_name)
        path = attachment_path(attachment).resolve()
        assert path.is_relative_to(Path(settings.CHISO_UPLOAD_DIR).resolve()) and path.is_file()
        download = client.get(reverse("attachment_download", args=[own.pk, attachment.pk]))
        assert download.status_code == 200
        disposition = download["Content-Disposition"]
        assert disposition.startswith("attachment;") and "\r" not in disposition
        assert "\n" not in disposition and "/" not in disposition.split("filename", 1)[1]
        download.close()


@pytest.mark.django_db
@pytest.mark.parametrize("template", HOSTILE, ids=HOSTILE_IDS)
def test_evidence_names_cannot_leave_the_upload_folder(
    client, member, own, make_action, sandbox, settings, template
):
    from chiso.web.actions.services import evidence_path

    action = make_action(own)
    client.force_login(member)
    url = reverse("evidence_add", args=[action.pk])
    response = _post_file(client, url, {"note": ""}, template.format(ext=".pdf"), PDF_BYTES)
    assert response.status_code == 302
    _only_under(sandbox, settings.CHISO_UPLOAD_DIR)
    assert action.evidence.count() == 1
    for evidence in action.evidence.all():
        _harmless(evidence.original_name)
        path = evidence_path(evidence).resolve()
        assert path.is_relative_to(Path(settings.CHISO_UPLOAD_DIR).resolve()) and path.is_file()


@pytest.fixture(scope="module")
def results_csv(tmp_path_factory) -> bytes:
    from chiso.demo.files import export_demo

    folder = tmp_path_factory.mktemp("demo-export")
    export_demo(folder)
    return (folder / "ket-qua-cac-tinh-2025.csv").read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("template", HOSTILE, ids=HOSTILE_IDS)
def test_dataset_names_cannot_leave_the_data_folder(
    client, coordinator, sandbox, settings, results_csv, template
):
    from chiso.web.datasets import storage
    from chiso.web.datasets.models import Dataset

    client.force_login(coordinator)
    fields = {"kind": "results", "year": "2025", "questionnaire": ""}
    response = _post_file(
        client, reverse("dataset_import"), fields, template.format(ext=".csv"), results_csv
    )
    assert response.status_code in (200, 302)
    root = (Path(settings.DATA_DIR) / "datasets").resolve()
    _only_under(sandbox, root)
    if not Dataset.objects.exists():  # a name left without ".csv" is refused, and says why
        assert "chỉ nhận tệp .csv hoặc .xlsx" in response.content.decode()
    else:
        assert Dataset.objects.count() == 1
    for dataset in Dataset.objects.all():
        _harmless(dataset.original_name)
        path = storage.path_of(dataset).resolve()
        assert path.is_relative_to(root) and path.exists()
        assert dataset.original_name not in dataset.stored_path


@pytest.mark.django_db
@pytest.mark.parametrize("template", HOSTILE, ids=HOSTILE_IDS)
def test_conference_yaml_names_never_touch_the_disk(
    client, coordinator, campaign, sandbox, template
):
    """The YAML is read from memory, never stored: its name only appears in the message."""
    client.force_login(coordinator)
    url = reverse("conference_import", args=[campaign.pk])
    before = _files_under(sandbox)
    broken = b"schema: [khong hop le\n"
    response = _post_file(client, url, {}, template.format(ext=".yaml"), broken)
    assert response.status_code == 400  # the YAML is refused with its problem, not a 500
    assert _files_under(sandbox) == before


@pytest.mark.django_db
@pytest.mark.parametrize("template", HOSTILE, ids=HOSTILE_IDS)
def test_the_services_clean_raw_names_too(member, own, make_action, sandbox, settings, template):
    """Called directly with the raw name (Django's parser bypassed): the same guarantees."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.web.actions.services import evidence_add
    from chiso.web.campaigns.services import attachment_add

    def raw(name: str) -> SimpleUploadedFile:
        upload = SimpleUploadedFile("x.pdf", PDF_BYTES)
        upload._name = name  # UploadedFile's setter would already strip the directories
        return upload

    name = template.format(ext=".pdf")
    attachment = attachment_add(acting_user=member, contribution=own, uploaded_file=raw(name))
    evidence = evidence_add(
        acting_user=member, action=make_action(own), uploaded_file=raw(name), note=""
    )
    for row in (attachment, evidence):
        _harmless(row.original_name)
    _only_under(sandbox, settings.CHISO_UPLOAD_DIR)


@pytest.mark.parametrize(
    "subdir, stored",
    [("../x", "a" * 32), ("1", "../../../etc/passwd"), ("1", "/etc/passwd"), ("", "")],
)
def test_path_for_refuses_to_leave_the_root(settings, tmp_path, subdir, stored):
    from chiso.web import files

    settings.CHISO_UPLOAD_DIR = tmp_path / "uploads"
    with pytest.raises(ValidationError):
        files.path_for(subdir, stored)
