"""The main path in a real browser: open a campaign, submit, return, resubmit, accept, download.

The coordinator and the Post Office's clerk (BDT, one assigned item in the demo) work in two
browser contexts at once, as two people would. Every step checks the Vietnamese state the user
sees, not only the database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)
expect = sync_api.expect

TITLE = "Tham luận kiểm thử trình duyệt năm 2025"
AGENCY = "Bưu điện tỉnh"
REASON = "Đề nghị nêu rõ nguyên nhân chủ quan và thời hạn khắc phục."
AMENDED = "Nguyên nhân chủ quan: chưa phân công người theo dõi (đã bổ sung theo ý kiến Sở Nội vụ)."


def _state(page, text: str):
    """The state badge on a contribution page."""
    expect(page.locator("p.meta .state").first).to_have_text(text)


def _agency_row(page):
    return page.locator("tbody tr", has_text=AGENCY)


def test_campaign_from_opening_to_the_consolidated_book(
    live_server, coordinator, member, login, fill_contribution, item_block, read_docx, tmp_path
):
    # The coordinator opens a campaign through the form.
    sở = login(coordinator)
    sở.get_by_role("navigation").get_by_role("link", name="Tham luận", exact=True).click()
    sở.get_by_role("link", name="Mở đợt tham luận").click()
    sở.get_by_label("Tên đợt").fill(TITLE)
    deadline = timezone.localtime(timezone.now() + timedelta(days=7))
    sở.get_by_label("Hạn nộp").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    sở.get_by_role("button", name="Mở đợt").click()
    expect(sở.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(sở.locator(".messages")).to_contain_text("Đã mở đợt với 55 nội dung.")
    expect(_agency_row(sở)).to_contain_text("Đang soạn")
    campaign_url = sở.url

    # The Post Office's clerk, in another browser, fills in and submits.
    bdt = login(member)
    expect(bdt.locator("tbody tr", has_text=TITLE)).to_contain_text("Đang soạn")
    bdt.locator("tbody tr", has_text=TITLE).get_by_role("link", name="Mở", exact=True).click()
    expect(bdt.get_by_role("heading", level=1)).to_have_text(f"Tham luận của {AGENCY}")
    _state(bdt, "Đang soạn")
    assert fill_contribution(bdt, "lần 1") > 0
    bdt.get_by_role("button", name="Nộp tham luận").click()
    expect(bdt.locator(".messages")).to_contain_text("Đã nộp tham luận, lần 1.")
    _state(bdt, "Đã nộp")
    expect(bdt.get_by_role("button", name="Nộp tham luận")).to_have_count(0)

    # The coordinator returns it with a reason.
    sở.goto(campaign_url)
    expect(_agency_row(sở)).to_contain_text("Đã nộp")
    _agency_row(sở).get_by_role("link", name="Xem", exact=True).click()
    sở.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill(REASON)
    sở.get_by_role("button", name="Trả lại").click()
    expect(sở.locator(".messages")).to_contain_text(f"Đã trả lại tham luận cho {AGENCY}")
    expect(_agency_row(sở)).to_contain_text("Bị trả lại")

    # The clerk sees the reason, amends and resubmits.
    bdt.reload()
    _state(bdt, "Bị trả lại")
    expect(bdt.locator(".notice")).to_contain_text(REASON)
    first_text = bdt.locator(f"{item_block} textarea").first
    first_text.fill(AMENDED)
    fill_contribution(bdt, "lần 2")
    bdt.get_by_role("button", name="Nộp tham luận").click()
    expect(bdt.locator(".messages")).to_contain_text("Đã nộp tham luận, lần 2.")
    _state(bdt, "Đã nộp")

    # The coordinator accepts it, then downloads the consolidated book.
    sở.goto(campaign_url)
    _agency_row(sở).get_by_role("link", name="Xem", exact=True).click()
    expect(sở.locator("main")).to_contain_text(AMENDED)
    sở.get_by_role("button", name="Tiếp nhận").click()
    expect(sở.locator(".messages")).to_contain_text(f"Đã tiếp nhận tham luận của {AGENCY}")
    expect(_agency_row(sở)).to_contain_text("Đã tiếp nhận")
    with sở.expect_download() as download_info:
        sở.locator("a[href$='so-tham-luan.docx']").click()
    download = download_info.value
    assert download.suggested_filename == "so-tham-luan-2025.docx"
    book = tmp_path / download.suggested_filename
    download.save_as(book)
    text = read_docx(book)
    assert AGENCY in text
    assert AMENDED in text

    bdt.reload()
    _state(bdt, "Đã tiếp nhận")
