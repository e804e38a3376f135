"""Hostile input to the login form (``/dang-nhap/``): any user name and password — control
characters, NUL, emoji, 100 000 characters, a real user's name with wrong passwords until the
lockout. The answer is the form again (200), a redirect only for the right password, or the
lockout page (429, django-axes' status for "too many attempts") — never a 500 — and nobody is
signed in by a wrong password.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import hostile

pytestmark = pytest.mark.django_db
PASSWORD = "pw-chiso-test"  # tests/web/conftest.py
TEXT = hostile.control_text(40) | st.sampled_from(hostile.WEIRD_TEXT)


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    known=st.booleans(),
    username=TEXT,
    password=TEXT | st.just(PASSWORD),
    next_url=st.sampled_from(["", "/tham-luan/", "https://example.invalid/", "//evil", "\x00"]),
)
def test_any_login_post_is_answered_and_signs_in_only_the_right_password(
    client, member, known, username, password, next_url
):
    if known:
        username = member.username
    client.logout()
    response = client.post(
        "/dang-nhap/", {"username": username, "password": password, "next": next_url}
    )
    assert response.status_code in (200, 302, 429), response.status_code
    signed_in = "_auth_user_id" in client.session
    right = known and password == PASSWORD
    assert signed_in == (response.status_code == 302)
    assert not signed_in or right
    if response.status_code == 302:
        assert response["Location"] in ("/tham-luan/", "/")  # never off-site
    event(f"HTTP {response.status_code}")
