import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_coordinator_reads_the_log_and_can_filter_it(client, coordinator, campaign):
    client.force_login(coordinator)
    page = client.get(reverse("audit_list"))
    assert page.status_code == 200
    assert "campaign.opened" in page.text and "dieuphoi" in page.text
    filtered = client.get(reverse("audit_list"), {"event": "agency."})
    assert "campaign.opened" not in filtered.text and "agency.loaded" in filtered.text


@pytest.mark.parametrize("role_fixture", ["leader", "member"])
def test_others_get_403(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(reverse("audit_list")).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("audit_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
