"""Fixtures of the conference tests: a conference imported from the project's example file."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CORRECTED = EXAMPLES / "giay-moi-sipas-par-index-2025-da-sua.yaml"
ORIGINAL = EXAMPLES / "giay-moi-sipas-par-index-2025.yaml"


@pytest.fixture
def yaml_bytes():
    """``yaml_bytes(original=False)``: the example invitation file's bytes."""
    return lambda original=False: (ORIGINAL if original else CORRECTED).read_bytes()


@pytest.fixture
def conference(campaign, coordinator, yaml_bytes):
    """The seed invitation (corrected) imported into the demo campaign."""
    from chiso.web.conference.services import conference_import

    return conference_import(
        acting_user=coordinator, campaign=campaign, data=yaml_bytes(), name=CORRECTED.name
    )


@pytest.fixture
def outsider(agencies):
    """A member of the Sở Y tế, which writes no tham luận in the demo campaign."""
    from chiso.web.accounts.models import Agency, User

    return User.objects.create_user(
        "cb.syt",
        password="pw-chiso-test",
        role="agency_member",
        agency=Agency.objects.get(code="SYT"),
    )


@pytest.fixture
def bdt_task(conference):
    """A task owned by the member's agency (the Post Office, BDT)."""
    from chiso.web.accounts.models import Agency
    from chiso.web.conference.models import ConferenceTask

    return ConferenceTask.objects.create(
        conference=conference,
        position=conference.tasks.count(),
        owner="Bưu điện tỉnh",
        owner_agency=Agency.objects.get(code="BDT"),
        text="chuẩn bị phương án chuyển phát tài liệu",
    )
