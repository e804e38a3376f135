"""Downloads built by the core (DOCX always, PDF through LibreOffice) and the invitation checks."""

import shutil
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document as open_docx

from chiso.web.conference.models import Conference
from chiso.web.conference.services import conference_import

from .conftest import ORIGINAL

pytestmark = pytest.mark.django_db
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) không được cài"
)
TIME = "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)"


def _text(content: bytes) -> str:
    document = open_docx(BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_invitation_docx_has_the_title_time_and_tasks(client, member, conference):
    client.force_login(member)
    response = client.get(reverse("invitation_docx", args=[conference.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="giay-moi.docx"'
    text = _text(response.content)
    assert "GIẤY MỜI" in text
    assert "Hội nghị phân tích kết quả Chỉ số hài lòng của người dân" in text
    assert f"2. Thời gian: {TIME}." in text
    assert "a) Giao Sở Nội vụ chủ trì" in text
    assert "chậm nhất ngày 27/5/2026" in text
    assert "d) Các thành phần dự họp" in text


def test_script_docx_has_the_time_and_the_chosen_presenters(client, coordinator, conference):
    from chiso.web.accounts.models import Agency

    conference.presenting_agencies.set(Agency.objects.filter(code__in=["STP", "BDT"]))
    client.force_login(coordinator)
    response = client.get(reverse("script_docx", args=[conference.campaign_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kich-ban.docx"'
    text = _text(response.content)
    assert "KỊCH BẢN CHƯƠNG TRÌNH" in text
    assert "14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)" in text
    assert "Sở Tư pháp" in text and "Bưu điện tỉnh" in text
    assert "Sở Tài chính" not in text  # lost points, but not chosen to present


def test_an_edit_shows_in_the_next_download(client, coordinator, conference):
    client.force_login(coordinator)
    url = reverse("invitation_docx", args=[conference.campaign_id])
    assert "Hội trường HĐND - UBND tỉnh" in _text(client.get(url).content)
    Conference.objects.filter(pk=conference.pk).update(venue_name="Nhà văn hóa tỉnh")
    text = _text(client.get(url).content)
    assert "Nhà văn hóa tỉnh" in text and "Hội trường HĐND - UBND tỉnh" not in text


@needs_soffice
def test_invitation_and_script_pdf(client, leader, conference):
    client.force_login(leader)
    for name, filename in (("invitation_pdf", "giay-moi.pdf"), ("script_pdf", "kich-ban.pdf")):
        response = client.get(reverse(name, args=[conference.campaign_id]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response.content.startswith(b"%PDF-")


@needs_soffice
def test_contribution_book_pdf(client, coordinator, campaign):
    client.force_login(coordinator)
    response = client.get(reverse("campaign_book_pdf", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-tham-luan-2025.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_without_libreoffice_pdf_answers_503_and_docx_still_works(
    client, coordinator, conference, monkeypatch
):
    import chiso.documents.pdf as pdf

    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    client.force_login(coordinator)
    pk = conference.campaign_id
    for name, docx in (
        ("invitation_pdf", "invitation_docx"),
        ("script_pdf", "script_docx"),
        ("campaign_book_pdf", "campaign_book"),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 503, name
        page = response.content.decode()
        assert "Không tìm thấy LibreOffice (soffice)" in page
        assert reverse(docx, args=[pk]) in page
        assert client.get(reverse(docx, args=[pk])).status_code == 200


def test_page_shows_no_finding_for_the_corrected_invitation(client, coordinator, conference):
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    assert response.context["findings"] == []
    assert "Giấy mời qua mọi kiểm tra nhất quán" in response.content.decode()


def test_page_shows_the_seeds_year_slip(client, coordinator, campaign):
    conference_import(
        acting_user=coordinator, campaign=campaign, data=ORIGINAL.read_bytes(), name=ORIGINAL.name
    )
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[campaign.pk]))
    findings = response.context["findings"]
    assert [(f["error"], f["where"]) for f in findings] == [(False, "Câu căn cứ")]
    page = response.content.decode()
    assert "Kiểm tra giấy mời: 0 lỗi, 1 cảnh báo." in page
    assert "tháng 5 năm 2024" in page


def test_page_shows_errors_with_the_fields_named(client, coordinator, conference):
    from datetime import date

    task = conference.tasks.get(position=0)
    task.deadline = date(2026, 6, 5)  # after the conference day
    task.save()
    Conference.objects.filter(pk=conference.pk).update(signer="")
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    findings = response.context["findings"]
    assert response.context["errors"] == 2
    assert findings[0]["error"] and findings[1]["error"]  # errors listed before warnings
    wheres = {f["where"] for f in findings}
    assert {"Nhiệm vụ a), hạn", "Chữ ký"} <= wheres
    assert "Hạn 5/6/2026 của điểm a) sau ngày tổ chức 29/5/2026." in response.content.decode()


def test_page_shows_time_venue_and_programme(client, coordinator, conference):
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[conference.campaign_id]))
    page = response.content.decode()
    assert TIME in page
    assert "số 02 đường Hùng Vương" in page
    programme = response.context["programme"]
    assert programme[0][0] == "14 giờ 00 phút"
    assert any(who == "Sở Nội vụ" and item.startswith("Tham luận") for _, item, who in programme)


def test_programme_follows_the_campaigns_reassignments(client, coordinator, conference):
    """The programme's "mất X điểm" is the campaign's (as its page shows it), not the
    framework's: after BDT's only item moves to STP, STP carries its points and BDT none."""
    from chiso import vi
    from chiso.parindex.export import agency_name
    from chiso.web.accounts.models import Agency
    from chiso.web.campaigns.assignments import assignment_update

    campaign = conference.campaign
    moved = campaign.assignments.get(lead_agency__code="BDT")
    stp = sum(a.lost for a in campaign.assignments.filter(lead_agency__code="STP"))
    assignment_update(
        acting_user=coordinator,
        assignment=moved,
        lead_agency=Agency.objects.get(code="STP"),
        supporting_agencies=[],
    )
    client.force_login(coordinator)
    response = client.get(reverse("conference_detail", args=[campaign.pk]))
    talks = {who: item for _, item, who in response.context["programme"] if "Tham luận" in item}
    assert f"mất {vi.format_points(float(stp + moved.lost))} điểm" in talks[agency_name("STP")]
    assert "mất" not in talks[agency_name("BDT")]
