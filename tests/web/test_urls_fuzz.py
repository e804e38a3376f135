"""Every page address with a number in it, visited with numbers nobody links to (0, a year in the
far future, 30 digits — SQLite cannot even bind that) and hostile query strings, by each role:
the answer is a page, a redirect, 403, 404 or 405 (a GET of a POST-only address) — never a 500.
PDF addresses are left out: each converts with LibreOffice, seconds a request."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile

pytestmark = pytest.mark.django_db
NUMBERS = ("0", "1", "2", "2025", "9999", "2147483648", "9" * 30)


def patterns() -> list[str]:
    """The app's URL patterns with an <int:…> part (the admin site excluded)."""
    found = []
    for entry in get_resolver().url_patterns:
        text = str(entry.pattern)
        if isinstance(entry, URLPattern) and "<int:" in text and not text.endswith(".pdf"):
            found.append(text)
    return sorted(found)


def fill(pattern: str, numbers: list[str]) -> str:
    parts, rest = [], pattern
    while "<" in rest:
        before, _, after = rest.partition("<")
        name, _, rest = after.partition(">")
        parts.append(before + (numbers.pop() if name.startswith("int:") else "du-lieu"))
    return "/" + "".join(parts) + rest


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(patterns()),
    numbers=st.lists(st.sampled_from(NUMBERS), min_size=3, max_size=3),
    role=st.sampled_from(["coordinator", "member", "leader"]),
    query=st.sampled_from(["", "?trang_thai=qua-han", "?co_quan=%00", "?trang_thai=" + "x" * 5000])
    | st.text(max_size=30).map(lambda t: "?co_quan=" + t),
)
def test_any_number_in_any_address_is_answered(
    client, request, campaign, pattern, numbers, role, query
):
    client.force_login(request.getfixturevalue(role))
    url = fill(pattern, list(numbers)) + query
    for response in (client.get(url), client.post(url, {"x": "1"})):
        if response.status_code != 405:
            hostile.check_answer(response)
