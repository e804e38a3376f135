"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``), never a
downloaded one.

One browser for all of them (starting Chromium is the slow part); each test gets fresh
contexts, i.e. separate cookie jars, so the coordinator and an agency clerk are logged in side by
side. When Chromium or Playwright is missing the tests skip with the reason; ``.ci/run`` installs
Chromium so CI runs them.

Helpers are fixtures because the suite imports test files by path, not as a package.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

CHROMIUM = os.environ.get("CHISO_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "pw-chiso-test"  # what tests/web/conftest.py gives its users
# The blocks of the contribution form that hold one assigned item each.
ITEM_BLOCK = "section.item"

# Nothing may ever fetch a browser: Playwright only talks to the Chromium given by path.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


# Package scope, not session: the browser's event loop makes Django's ORM refuse to run in this
# thread (see DJANGO_ALLOW_ASYNC_UNSAFE below), so it must be gone before the rest of the suite.
@pytest.fixture(scope="package")
def browser() -> Iterator:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'"
    )
    # The sync API runs an event loop in this thread, so Django's ORM (fixtures, assertions)
    # would refuse to run here. Only this test thread touches the ORM while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """``new_page(javascript=True)``: a page in its own context (own cookies) on the live server."""
    contexts = []

    def make(*, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(new_page) -> Callable[..., object]:
    """``login(user, javascript=True)``: a new page logged in through the login form."""

    def log_in(user, *, javascript: bool = True):
        page = new_page(javascript=javascript)
        page.goto("/dang-nhap/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("heading", name="Xin chào").wait_for()
        return page

    return log_in


@pytest.fixture
def fill_contribution() -> Callable[..., int]:
    """``fill_contribution(page, note)``: every empty field of every item, then the general text."""
    return _fill_contribution


# For each visible field of an item block that the helper should fill: a mark put on it (so
# Playwright finds it again), its kind, its label and whether it takes a decimal. Repeated rows
# (a table of solutions) are filled once: the first row of a table where no row has text yet.
_PLAN = """(block, prefix) => {
  const fields = [...block.querySelectorAll('textarea, input, select')]
    .filter(e => e.offsetParent !== null);
  const hasText = row => [...row.querySelectorAll('textarea')].some(t => t.value.trim());
  const plan = [];
  fields.forEach((e, index) => {
    const row = e.closest('tbody tr');
    if (row) {
      const rows = [...row.closest('tbody').querySelectorAll('tr')];
      if (rows.some(hasText) || rows[0] !== row) return;
    }
    if (e.value || e.type === 'hidden') return;
    const label = (e.labels && e.labels.length ? e.labels[0].innerText
      : e.getAttribute('aria-label') || e.name).trim().replace(/:$/, '');
    const kind = e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase();
    const decimal = kind === 'number' || ['decimal', 'numeric'].includes(e.inputMode);
    e.dataset.e2eFill = prefix + '-' + index;
    plan.push([e.dataset.e2eFill, kind, label, decimal, e.getAttribute('min')]);
  });
  return plan;
}"""


def _fill_contribution(page, note: str) -> int:
    """Fill the empty visible fields of each item block by type; returns how many were filled.

    Generic on purpose, so that it survives changes to the form: textareas get their label and
    ``note``, text inputs a name, dates 31/12/2026, decimals the smallest valid value (``0``: no
    more than the item's lost points however small), selects their first real option.
    """
    filled = 0
    blocks = page.locator(ITEM_BLOCK)
    for b in range(blocks.count()):
        block = blocks.nth(b)
        for mark, kind, label, decimal, minimum in block.evaluate(_PLAN, str(b)):
            field = block.locator(f'[data-e2e-fill="{mark}"]')
            if kind == "select":
                options = field.locator("option").evaluate_all(
                    "os => os.map(o => o.value).filter(v => v)"
                )
                if options:
                    field.select_option(options[0])
                    filled += 1
                continue
            text = _value_for(kind, label, note, decimal, minimum)
            if text is not None:
                field.fill(text)
                filled += 1
    general = page.locator("textarea[name=general_text]")
    if general.count() and not general.input_value():
        general.fill(f"Ý kiến chung ({note})")
    return filled


def _value_for(kind: str, label: str, note: str, decimal: bool, minimum: str | None) -> str | None:
    if decimal:
        return minimum if minimum and float(minimum) > 0 else "0"
    if kind == "textarea":
        return f"{label} ({note})"
    if kind in ("text", "search"):
        return "Nguyễn Văn An"
    if kind == "date":
        return "2026-12-31"
    if kind == "datetime-local":
        return "2026-12-31T17:00"
    return None  # checkbox, file …: not ours to guess


def docx_text(path) -> str:
    """All text of a DOCX (paragraphs and table cells)."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def item_block() -> str:
    """The CSS selector of one item's block on the contribution page."""
    return ITEM_BLOCK


@pytest.fixture
def read_docx() -> Callable[..., str]:
    return docx_text
