"""With JavaScript, htmx swaps only the part of the page that changes; the URL still says what is
shown, so a reload or a shared link gives the same view."""

from __future__ import annotations

import re

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)
expect = sync_api.expect


def test_ledger_filter_swaps_the_table_in_place(live_server, leader, login):
    page = login(leader)
    page.goto("/ket-qua/2025/")
    rows = page.locator("#ledger tbody tr")
    expect(rows).to_have_count(55)
    page.evaluate("window.__not_reloaded = true")

    page.get_by_label("Cơ quan chủ trì").select_option(label="Bưu điện tỉnh")

    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"co_quan=BDT"))
    assert page.evaluate("window.__not_reloaded") is True  # the page was not reloaded
    expect(page.locator("#ledger")).to_contain_text("(1 nội dung)")
