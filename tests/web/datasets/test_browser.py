"""The import page in a real browser (Debian's Chromium through Playwright): with htmx the upload
shows its progress and the problems replace only the form's result area; without JavaScript the
same form posts normally and works the same."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from chiso.web.datasets.models import Dataset

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
)
expect = sync_api.expect
CHROMIUM = os.environ.get("CHISO_CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

# Recorded in sessionStorage because a successful htmx import reloads the page (HX-Redirect).
RECORD = """() => {
  sessionStorage.clear();
  document.addEventListener("htmx:xhr:progress", (e) => {
    const form = e.target.closest("form");
    sessionStorage.setItem("loaded", String(e.detail.loaded));
    sessionStorage.setItem("shown", String(!form.querySelector("progress").hidden));
    sessionStorage.setItem("checking", String(
      form.querySelector(".htmx-indicator").classList.contains("htmx-request")));
  });
  document.addEventListener("htmx:afterRequest", (e) => {
    const progress = e.target.closest("form").querySelector("progress");
    sessionStorage.setItem("value", String(progress.value));
  });
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    # The sync API runs an event loop in this thread; only this thread touches the ORM.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def make(user, *, javascript: bool):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/dang-nhap/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill("pw-chiso-test")
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("heading", name="Xin chào").wait_for()
        page.goto("/du-lieu/")
        return page

    yield make
    for context in contexts:
        context.close()


def _form(page, kind: str):
    return page.locator(f"form.import-form:has(input[name=kind][value={kind}])")


def test_htmx_import_shows_progress_then_the_list(page_for, coordinator, survey_csv):
    page = page_for(coordinator, javascript=True)
    page.evaluate(RECORD)
    form = _form(page, "responses")
    form.locator("input[type=file]").set_input_files(str(survey_csv))
    form.get_by_role("button", name="Nhập").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhập phiếu khảo sát sự hài lòng")
    recorded = page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
    assert int(recorded["loaded"]) >= survey_csv.stat().st_size
    assert recorded["shown"] == "true"
    assert recorded["checking"] == "true"
    assert recorded["value"] == "100"
    assert Dataset.objects.get().rows == 600


def test_htmx_failure_lists_problems_in_place(page_for, coordinator, demo_files, edited_csv):
    bad = edited_csv(
        demo_files / "bang-diem-lang-son-2025.csv", {(3, "achieved"): "99"}, "bang-diem-sai.csv"
    )
    page = page_for(coordinator, javascript=True)
    page.evaluate("() => { window.samePage = true; }")
    form = _form(page, "sheet")
    form.locator("input[type=file]").set_input_files(str(bad))
    form.get_by_role("button", name="Nhập").click()
    problems = form.locator("table.problems tbody tr")
    expect(problems.first).to_contain_text("bang-diem-sai.csv")
    expect(problems.first).to_contain_text("achieved")
    assert page.evaluate("() => window.samePage") is True  # no reload: only the area changed
    assert not Dataset.objects.exists()


def test_without_javascript_the_form_posts_normally(page_for, coordinator, demo_files, edited_csv):
    bad = edited_csv(
        demo_files / "ket-qua-cac-tinh-2025.csv", {(2, "index_percent"): "x"}, "ket-qua-sai.csv"
    )
    page = page_for(coordinator, javascript=False)
    form = _form(page, "results")
    form.locator("input[type=file]").set_input_files(str(bad))
    form.get_by_role("button", name="Nhập").click()
    expect(_form(page, "results").locator("table.problems")).to_contain_text("index_percent")
    assert not Dataset.objects.exists()

    form = _form(page, "results")
    form.locator("input[type=file]").set_input_files(str(demo_files / "ket-qua-cac-tinh-2025.csv"))
    form.get_by_role("button", name="Nhập").click()
    expect(page.locator(".messages")).to_contain_text("Đã nhập bảng kết quả các tỉnh năm 2025")
    expect(page.locator("table.datasets")).to_contain_text("Đang dùng")
