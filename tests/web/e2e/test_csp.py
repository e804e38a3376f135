"""Every main page obeys the Content-Security-Policy in a real browser: no inline script or style,
nothing the policy blocks (Chromium reports each block on the console and as a
``securitypolicyviolation`` event; either fails the test)."""

from __future__ import annotations

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)
expect = sync_api.expect

# Runs before any script of the page (Playwright injects it outside the page's policy) and keeps
# every violation the browser reports.
_LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


class Watch:
    """Console messages and violation events of one page, checked after each navigation."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(_LISTEN)
        page.on("console", self._message)

    def _message(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> list[str]:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return self.violations()

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__csp || []")
        found, self.console = self.console + events, []
        return found


@pytest.fixture
def pages(campaign, own, coordinator):
    """The coordinator's main pages, with an open campaign and one agency's contribution."""
    pk = campaign.pk
    return [
        "/",
        "/ket-qua/2025/",
        "/ket-qua/2025/sipas/",
        "/tham-luan/",
        f"/tham-luan/{pk}/",
        f"/tham-luan/bai/{own.pk}/",
        f"/tham-luan/bai/{own.pk}/phien-ban/",
        f"/tham-luan/{pk}/phan-cong/",
        "/hanh-dong/",
        f"/tham-luan/{pk}/hanh-dong/",
        "/hoi-nghi/",
        f"/tham-luan/{pk}/hoi-nghi/",
        f"/tham-luan/{pk}/hoi-nghi/dai-bieu/",
        "/du-lieu/",
        "/nhat-ky/",
        "/mat-khau/",
        "/khong-co-trang-nay/",
    ]


def test_main_pages_have_no_csp_violation(live_server, coordinator, login, pages):
    page = login(coordinator)
    watch = Watch(page)
    problems = {}
    for url in pages:
        found = watch.visit(url)
        if found:
            problems[url] = found
    assert not problems, problems


def test_the_login_page_has_none_either(new_page):
    page = new_page()
    watch = Watch(page)
    assert watch.visit("/dang-nhap/") == []


def test_charts_render_as_images_under_the_policy(live_server, leader, login):
    page = login(leader)
    watch = Watch(page)
    for url, count in (("/ket-qua/2025/", 4), ("/ket-qua/2025/sipas/", 2)):
        assert watch.visit(url) == []
        images = page.locator("figure.chart img")
        expect(images).to_have_count(count)
        widths = images.evaluate_all("is => is.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 300 for w in widths), widths


def test_htmx_still_swaps_under_the_policy(live_server, leader, login):
    page = login(leader)
    watch = Watch(page)
    assert watch.visit("/ket-qua/2025/") == []
    page.get_by_label("Cơ quan chủ trì").select_option(label="Bưu điện tỉnh")
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    assert watch.violations() == []


def test_the_admin_site_too(live_server, administrator, login):
    page = login(administrator)
    watch = Watch(page)
    problems = {}
    for url in (
        "/quan-tri/",
        "/quan-tri/accounts/user/",
        f"/quan-tri/accounts/user/{administrator.pk}/change/",
    ):
        found = watch.visit(url)
        if found:
            problems[url] = found
    assert not problems, problems


def test_the_watch_does_catch_a_violation(new_page):
    """The control: markup with a style attribute and an inline script, as a template with either
    would have, is reported (so the tests above cannot pass by seeing nothing)."""
    page = new_page()
    watch = Watch(page)
    assert watch.visit("/dang-nhap/") == []
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>');
          const s = document.createElement('script');
          s.textContent = 'window.__ran = true';
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    found = watch.violations()
    assert any("style-src" in v for v in found), found
    assert any("script-src" in v for v in found), found
    assert page.evaluate("window.__ran === undefined")
