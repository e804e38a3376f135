"""Screenshots of the web application's main pages for the documentation (``make screenshots``).

Runs the app on a throwaway SQLite database (a temporary ``CHISO_DATA_DIR``), builds a realistic
state through the same services the pages call — a campaign opened from the demo data, agencies
that submitted, were returned, resubmitted and accepted, remediation actions under way — then
Debian's Chromium (never a downloaded browser) saves 1280-pixel-wide PNGs to ``docs/img/web-*.png``.

Every page is required: a missing URL or an answer other than 200 stops the script with the
page's name, rather than leaving an old picture in the documentation unnoticed.

    .venv/bin/python scripts/web_screenshots.py [--out docs/img] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 800
# A long page (the ledger, the audit log) is cut here: the top shows what the page is.
MAX_HEIGHT = 1800


@dataclass(frozen=True)
class Shot:
    """One screenshot: file name, who looks, which URL (name and arguments), whole page (up to
    ``MAX_HEIGHT``) or only the window."""

    name: str
    user: str | None
    url_name: str
    kwargs: dict
    full_page: bool = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", default=os.environ.get("CHISO_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    if not os.access(args.chromium, os.X_OK):
        print(f"Không thấy Chromium tại {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="chiso-anh-") as data_dir:
        _environment(Path(data_dir))
        from chiso.web import bootstrap

        bootstrap.configure()
        bootstrap.prepare()
        state = demo_state()
        shots = _shots(state)
        base_url, server = _serve()
        try:
            written = _capture(base_url, shots, args.out, args.chromium)
        finally:
            server.shutdown()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


def _environment(data_dir: Path) -> None:
    """A development configuration on the throwaway directory, whatever the caller's shell says."""
    for key in [k for k in os.environ if k.startswith("CHISO_") or k == "DATABASE_URL"]:
        if key != "CHISO_CHROMIUM":
            del os.environ[key]
    os.environ["CHISO_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"


# -- demo state, through the services ---------------------------------------------------------

CAUSES = (
    "Việc triển khai nội dung «{name}» chưa đạt yêu cầu: {cause}.\n"
    "Công tác theo dõi, đôn đốc chưa thường xuyên; chưa phân công rõ đầu mối."
)
CAUSE_DETAILS = (
    "văn bản hướng dẫn ban hành chậm",
    "minh chứng gửi Hội đồng thẩm định chưa đầy đủ",
    "số liệu báo cáo giữa các hệ thống chưa thống nhất",
    "chưa bố trí đủ công chức theo dõi",
    "người dân, doanh nghiệp chưa được hướng dẫn đầy đủ",
)
RESPONSIBILITY = (
    "Lãnh đạo {agency} chưa chỉ đạo sát sao việc thực hiện.",
    "Phòng chuyên môn được giao chưa kịp thời tham mưu, tổng hợp số liệu.",
    "Công chức phụ trách chưa cập nhật minh chứng đúng hạn.",
)
SOLUTIONS = (  # the first line becomes the action's title
    "Ban hành kế hoạch khắc phục và phân công đầu mối theo dõi",
    "Rà soát, cập nhật đầy đủ minh chứng trên Hệ thống thông tin báo cáo",
    "Tổ chức tập huấn nghiệp vụ cho công chức phụ trách",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đúng quy định",
    "Kiểm tra, đôn đốc hằng quý và công khai kết quả trên Cổng thông tin điện tử",
    "Phối hợp với Sở Nội vụ rà soát minh chứng trước khi gửi thẩm định",
)
FOLLOW_UP = "Báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15/11/{year}."
RETURN_REASON = (
    "Đề nghị phân tích rõ nguyên nhân chủ quan, nêu cụ thể trách nhiệm của phòng chuyên môn và "
    "thời hạn hoàn thành từng giải pháp."
)


def _content(contribution, *, note: str = ""):
    """The agency's text for every item, built with the services' own dataclasses: two solution
    rows (text, owner, deadline, expected points) per item."""
    from chiso.web.campaigns import services
    from chiso.web.campaigns.solutions import SolutionText

    agency = contribution.agency.short_name or contribution.agency.name
    year = contribution.campaign.year + 1
    items = {}
    for item in contribution.items.select_related("assignment"):
        assignment = item.assignment
        first = SOLUTIONS[assignment.position % len(SOLUTIONS)]
        second = FOLLOW_UP.format(year=year)
        cause = CAUSE_DETAILS[assignment.position % len(CAUSE_DETAILS)]
        # Rounded down: two halves must never add up to more than the lost points.
        half = (Decimal(assignment.lost) / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        solutions = (
            SolutionText(
                text=first,
                owner=f"Lãnh đạo {agency}",
                deadline=date(year, 6, 30),
                expected_points=half,
            ),
            SolutionText(
                text=second,
                owner="Phòng chuyên môn",
                deadline=date(year, 11, 15),
                expected_points=half,
            ),
        )
        items[assignment.code] = services.ItemText(
            causes=CAUSES.format(name=assignment.name, cause=cause) + note,
            responsibility_agency=RESPONSIBILITY[0].format(agency=agency),
            responsibility_unit=RESPONSIBILITY[1],
            responsibility_individual=RESPONSIBILITY[2],
            solutions=solutions,
        )
    return services.ContributionContent(
        general_text=(
            f"{agency} nghiêm túc tiếp thu kết quả đánh giá, cam kết khắc phục các nội dung bị "
            f"trừ điểm trong năm {year}."
        ),
        items=items,
    )


@dataclass(frozen=True)
class DemoState:
    campaign_id: int
    returned_id: int  # the contribution a clerk is rewriting after a return
    returned_clerk: str
    resubmitted_id: int  # returned once, resubmitted, accepted: two versions
    year: int


def demo_state() -> DemoState:
    """Open a campaign and move the agencies' contributions through every state."""
    from django.utils import timezone

    from chiso.web.accounts.models import User
    from chiso.web.actions import services as actions
    from chiso.web.actions.models import Action
    from chiso.web.campaigns import services

    coordinator = User.objects.get(username="dieuphoi")
    today = timezone.localdate()
    deadline = timezone.make_aware(datetime.combine(today + timedelta(days=10), time(17, 0)))
    campaign = services.campaign_open(
        acting_user=coordinator,
        year=2025,
        title="Tham luận phân tích kết quả Chỉ số SIPAS, PAR INDEX năm 2025",
        deadline=deadline,
        event_date=today + timedelta(days=14),
    )
    contributions = {c.agency.code: c for c in campaign.contributions.select_related("agency")}

    def clerk(code: str) -> User:
        return User.objects.filter(agency__code=code, role="agency_member").order_by("pk").first()

    def submit(code: str, note: str = ""):
        c = contributions[code]
        services.contribution_submit(
            acting_user=clerk(code), contribution=c, content=_content(c, note=note)
        )

    def review(code: str, verb: str):
        c = contributions[code]
        if verb == "accept":
            services.contribution_accept(acting_user=coordinator, contribution=c)
        else:
            services.contribution_return(
                acting_user=coordinator, contribution=c, comment=RETURN_REASON
            )

    plan = {  # agency → what happened to its contribution
        "SNV": ["submit", "accept"],
        "STP": ["submit", "return", "resubmit", "accept"],
        "STC": ["submit", "accept"],
        "SKHCN": ["submit"],
        "VPUBND": ["draft"],
        "TTPVHCC": ["submit", "return"],
    }
    for code, steps in plan.items():
        if code not in contributions:
            continue
        for step in steps:
            if step == "submit":
                submit(code)
            elif step == "resubmit":
                submit(code, note="\nĐã bổ sung theo ý kiến của Sở Nội vụ.")
            elif step == "draft":
                c = contributions[code]
                services.contribution_save_draft(
                    acting_user=clerk(code), contribution=c, content=_content(c)
                )
            else:
                review(code, step)

    actions.actions_from_campaign(acting_user=coordinator, campaign=campaign)  # SNV, STP, STC
    progress = [(Action.Status.DONE, 100), (Action.Status.IN_PROGRESS, 60)]
    progress += [(Action.Status.IN_PROGRESS, 30)]
    for action, (status, percent) in zip(
        Action.objects.filter(campaign=campaign).order_by("pk"), progress, strict=False
    ):
        actions.action_update(
            acting_user=coordinator, action=action, status=status, progress=percent
        )

    _conference(coordinator, campaign)

    returned = contributions.get("TTPVHCC") or next(iter(contributions.values()))
    resubmitted = contributions.get("STP") or returned
    return DemoState(
        campaign_id=campaign.pk,
        returned_id=returned.pk,
        returned_clerk=clerk(returned.agency.code).username,
        resubmitted_id=resubmitted.pk,
        year=campaign.year,
    )


def _conference(coordinator, campaign) -> None:
    """The conference of the example invitation (the seed, corrected), with delegates and one
    organisation task done, so its page is shown in use."""
    from chiso.web.conference import services as conference

    example = ROOT / "examples" / "giay-moi-sipas-par-index-2025-da-sua.yaml"
    event = conference.conference_import(
        acting_user=coordinator, campaign=campaign, data=example.read_bytes(), name=example.name
    )
    delegates = conference.attendees_prefill(acting_user=coordinator, conference=event)
    for delegate in delegates[: len(delegates) // 2]:
        conference.attendee_check_in(acting_user=coordinator, attendee=delegate, attended=True)
    first_task = event.tasks.order_by("position").first()
    if first_task is not None:
        conference.task_set_done(acting_user=coordinator, task=first_task, done=True)


def _shots(state: DemoState) -> list[Shot]:
    campaign = {"pk": state.campaign_id}
    return [
        Shot("web-login", None, "login", {}, full_page=False),
        Shot("web-home", "dieuphoi", "home", {}),
        Shot("web-results", "dieuphoi", "results", {"year": state.year}),
        Shot("web-campaign", "dieuphoi", "campaign_detail", campaign),
        Shot("web-contribution", state.returned_clerk, "contribution_detail",
             {"pk": state.returned_id}),
        Shot("web-actions", "dieuphoi", "action_list", campaign),
        Shot("web-audit", "dieuphoi", "audit_list", {}),
        Shot("web-survey", "dieuphoi", "survey", {"year": state.year}),
        Shot("web-imports", "dieuphoi", "dataset_list", {}),
        Shot("web-assignments", "dieuphoi", "assignment_list", campaign),
        Shot("web-conference", "dieuphoi", "conference_detail", campaign),
        Shot("web-versions", "dieuphoi", "version_list", {"pk": state.resubmitted_id}),
        Shot("web-version-diff", "dieuphoi", "version_detail",
             {"pk": state.resubmitted_id, "number": 2}),
    ]  # fmt: skip


# -- server and browser -----------------------------------------------------------------------


def _serve():
    """The app on a free local port, in a thread (static files from the source directories)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    # After get_wsgi_application, which configures logging again: the browser asks for a
    # /favicon.ico the app does not have, which is no news.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return f"http://{host}:{port}", server


def _capture(base_url: str, shots: list[Shot], out: Path, chromium: str) -> list[Path]:
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    from chiso.web.accounts.services import DEMO_PASSWORD

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        # Vietnamese date fields (31/12/2026) need LANG and Debian's chromium-l10n; without the
        # latter Chromium falls back to English formats, nothing else changes.
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--lang=vi"],
            env={**os.environ, "LANG": "vi_VN.UTF-8", "LANGUAGE": "vi"},
        )
        pages: dict[str | None, object] = {}
        for shot in shots:
            path = reverse(shot.url_name, kwargs=shot.kwargs)  # NoReverseMatch: a page is gone
            if shot.user not in pages:
                pages[shot.user] = _page(browser, base_url, shot.user, DEMO_PASSWORD)
            page = pages[shot.user]
            response = page.goto(path)
            if response is None or response.status != 200:
                status = response.status if response is not None else "no response"
                raise RuntimeError(f"{shot.name} ({path}): HTTP {status}, expected 200")
            page.wait_for_load_state("networkidle")
            target = out / f"{shot.name}.png"
            height = HEIGHT
            if shot.full_page:
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": height}
            page.screenshot(path=str(target), full_page=True, clip=clip)
            written.append(target)
        browser.close()
    return written


def _page(browser, base_url: str, username: str | None, password: str):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": WIDTH, "height": HEIGHT},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    page = context.new_page()
    if username:
        page.goto("/dang-nhap/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{base_url}/")
    return page


if __name__ == "__main__":
    sys.exit(main())
