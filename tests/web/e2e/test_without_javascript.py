"""Every page must work without JavaScript (htmx only improves it): the clerk's core task, with
scripts off, plus the rules a browser sees first — the login wall and another agency's 404."""

from __future__ import annotations

import re

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)
expect = sync_api.expect


def test_anonymous_visitor_lands_on_the_login_page(new_page, live_server):
    page = new_page(javascript=False)
    page.goto("/tham-luan/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/tham-luan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")


def test_clerk_saves_a_draft_with_scripts_off(
    live_server, member, own, foreign, login, fill_contribution
):
    page = login(member, javascript=False)
    page.goto(f"/tham-luan/bai/{own.pk}/")
    assert fill_contribution(page, "không JavaScript") > 0
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu bản nháp.")
    expect(page.locator("p.meta .state").first).to_have_text("Đang soạn")
    expect(page.locator("textarea[name=general_text]")).to_have_value(
        "Ý kiến chung (không JavaScript)"
    )
    own.refresh_from_db()
    assert own.general_text == "Ý kiến chung (không JavaScript)"

    # Another agency's contribution does not exist as far as this clerk can tell.
    response = page.goto(f"/tham-luan/bai/{foreign.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
