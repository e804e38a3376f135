"""The deadline rush as locust users: 60 agency clerks write and submit, 5 coordinators browse.

Run by ``benchmarks/load/run.py``, which prepares the database, starts gunicorn on 127.0.0.1 and
passes everything this file needs in the JSON file named by ``CHISO_LOAD_CONFIG`` (accounts, the
campaign, each agency's 2 MB PDF, pacing). Running it alone against another server is not
supported: the accounts and the check afterwards come from the runner.

The client plays nginx as well as the browser: production settings trust ``X-Forwarded-Proto``
from the reverse proxy and mark cookies ``Secure``, so every request says ``https`` and the cookie
jar sends secure cookies back over the loopback's plain HTTP. Redirects are never followed
automatically, so every HTTP request is timed on its own under a name that says what it is.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import deque
from pathlib import Path

from locust import HttpUser, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pageforms import fill_contribution, forms_of, static_css, unsecure

CONFIG = json.loads(Path(os.environ["CHISO_LOAD_CONFIG"]).read_text(encoding="utf-8"))
AGENCY_ACCOUNTS = deque(CONFIG["agencies"])
COORDINATOR_ACCOUNTS = deque(CONFIG["coordinators"])
OUT = Path(CONFIG["out_dir"])

# Request names: the summary groups and judges by these (page views vs form posts vs the peer).
LOGIN_PAGE = "GET login page"
LOGIN = "POST login"
HOME = "GET home"
LIST = "GET campaign list"
CAMPAIGN_REDIRECT = "GET campaign (agency → own contribution)"
CONTRIBUTION = "GET contribution page"
SAVE = "POST save draft"
UPLOAD = "POST upload 2 MB PDF"
SUBMIT = "POST submit"
DASHBOARD = "GET results dashboard"
OVERVIEW = "GET campaign overview"
COORD_CONTRIBUTION = "GET contribution (coordinator)"
SIPAS = "GET SIPAS page"
CHART = "GET dashboard chart (SVG)"
STATIC = "GET static CSS (peer)"

SAMPLES: list[tuple[str, float, bool, float, int]] = []
OUTCOMES: dict[str, dict] = {}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs) -> None:
    """Every request's own time, so the runner computes exact percentiles (locust's CSV rounds)."""
    start = kwargs.get("start_time") or time.time()
    SAMPLES.append((name, float(response_time), exception is None, float(start), response_length))


@events.quitting.add_listener
def _write(environment, **kwargs) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "samples.json").write_text(json.dumps(SAMPLES), encoding="utf-8")
    (OUT / "outcomes.json").write_text(
        json.dumps(OUTCOMES, ensure_ascii=False, indent=1), encoding="utf-8"
    )


class _Browser(HttpUser):
    abstract = True
    think_range = (1.0, 2.0)

    def on_start(self) -> None:
        origin = self.host.replace("http://", "https://", 1)
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "127.0.0.1",
                "Accept-Language": "vi",
            }
        )
        self.origin = origin

    def think(self) -> None:
        time.sleep(random.uniform(*self.think_range))

    def get(self, path: str, name: str, *, expect: str | None = None, status: int = 200):
        """GET ``path``; a failure unless the status is ``status`` and ``expect`` is in the body."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            unsecure(self.client.cookies)
            if response.status_code != status:
                response.failure(f"HTTP {response.status_code}, expected {status}")
                return None
            if expect is not None and expect not in response.text:
                response.failure(f"page lacks {expect!r}")
                return None
            response.success()
            return response

    def post(self, path: str, name: str, data, *, files=None, redirect_to: str | None = None):
        """POST a form; success is a 302 (to ``redirect_to`` when given), like the views do."""
        headers = {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
        with self.client.post(
            path,
            name=name,
            data=data,
            files=files,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            unsecure(self.client.cookies)
            location = response.headers.get("Location", "")
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}, expected 302")
                return None
            if redirect_to is not None and location != redirect_to:
                response.failure(f"redirected to {location!r}, expected {redirect_to!r}")
                return None
            response.success()
            return response

    def login(self, username: str) -> bool:
        page = self.get("/dang-nhap/", LOGIN_PAGE, expect='name="csrfmiddlewaretoken"')
        if page is None:
            return False
        self.get(static_css(page.text), STATIC)
        form = next(f for f in forms_of(page.text) if any(n == "username" for n, _ in f["fields"]))
        token = dict(form["fields"])["csrfmiddlewaretoken"]
        self.think()
        done = self.post(
            "/dang-nhap/",
            LOGIN,
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": CONFIG["password"],
                "next": "",
            },
            redirect_to="/",
        )
        if done is None:
            return False
        return self.get("/", HOME, expect="/dang-xuat/") is not None


class AgencyUser(_Browser):
    """One clerk of one agency: log in, open the list and the contribution, save 2–3 drafts,
    attach a 2 MB PDF, submit once, then idle until the run ends."""

    fixed_count = len(CONFIG["agencies"])
    wait_time = constant(30)
    think_range = tuple(CONFIG["think"])

    def on_start(self) -> None:
        super().on_start()
        self.account = AGENCY_ACCOUNTS.popleft() if AGENCY_ACCOUNTS else None
        self.finished = False

    @task
    def deadline_rush(self) -> None:
        if self.finished or self.account is None:
            return
        self.finished = True
        account = self.account
        outcome = OUTCOMES.setdefault(
            account["username"], {"saves": 0, "uploaded": False, "submitted": False}
        )
        # Clerks do not all arrive at once: each starts somewhere in the start window.
        time.sleep(random.uniform(0, CONFIG["start_window"]))
        outcome["started"] = time.time()
        if not self.login(account["username"]):
            outcome["stopped_at"] = "login"
            return
        self.think()
        listing = self.get("/tham-luan/", LIST, expect=f"/tham-luan/{CONFIG['campaign']}/")
        if listing is None:
            outcome["stopped_at"] = "list"
            return
        own = f"/tham-luan/bai/{account['contribution']}/"
        campaign = f"/tham-luan/{CONFIG['campaign']}/"
        if self.get(campaign, CAMPAIGN_REDIRECT, status=302) is None:
            outcome["stopped_at"] = "campaign"
            return
        page = self.get(own, CONTRIBUTION, expect="Lưu bản nháp")
        if page is None:
            outcome["stopped_at"] = "contribution"
            return
        for round_ in range(1, random.randint(2, 3) + 1):
            self.think()
            data = fill_contribution(page.text, account["agency_name"], round_, CONFIG["year"])
            if self.post(own, SAVE, [*data, ("action", "save")], redirect_to=own) is None:
                outcome["stopped_at"] = f"save {round_}"
                return
            page = self.get(own, CONTRIBUTION, expect="Đã lưu bản nháp.")
            if page is None:
                outcome["stopped_at"] = f"page after save {round_}"
                return
            outcome["saves"] = round_
        self.think()
        upload_form = next(f for f in forms_of(page.text) if f["action"].endswith("/tep/"))
        token = dict(upload_form["fields"])
        pdf = Path(account["pdf"]).read_bytes()
        upload = self.post(
            f"{own}tep/",
            UPLOAD,
            {"csrfmiddlewaretoken": token["csrfmiddlewaretoken"]},
            files={"file": (account["pdf_name"], pdf, "application/pdf")},
            redirect_to=own,
        )
        if upload is None:
            outcome["stopped_at"] = "upload"
            return
        page = self.get(own, CONTRIBUTION, expect="Đã đính kèm tệp")
        if page is None:
            outcome["stopped_at"] = "page after upload"
            return
        outcome["uploaded"] = True
        self.think()
        data = fill_contribution(page.text, account["agency_name"], 9, CONFIG["year"])
        outcome["submit_sent"] = time.time()
        if self.post(own, SUBMIT, [*data, ("action", "submit")], redirect_to=own) is None:
            outcome["stopped_at"] = "submit"
            return
        outcome["submitted"] = True
        outcome["finished"] = time.time()
        self.get(own, CONTRIBUTION, expect="Đã nộp tham luận")


class CoordinatorUser(_Browser):
    """A Sở Nội vụ coordinator following the rush: dashboard, campaign overview, a contribution,
    the SIPAS page, again and again with think time."""

    fixed_count = len(CONFIG["coordinators"])
    wait_time = constant(0)
    think_range = tuple(CONFIG["coordinator_think"])

    def on_start(self) -> None:
        super().on_start()
        self.account = COORDINATOR_ACCOUNTS.popleft() if COORDINATOR_ACCOUNTS else None
        self.seen: set[str] = set()
        self.signed_in = self.account is not None and self.login(self.account["username"])

    @task
    def browse(self) -> None:
        if not self.signed_in:
            time.sleep(5)
            return
        year = CONFIG["year"]
        results = self.get(f"/ket-qua/{year}/", DASHBOARD, expect="Kết quả Chỉ số cải cách")
        self.charts(results)
        self.get(static_css(results.text if results else ""), STATIC)
        self.think()
        self.get(f"/tham-luan/{CONFIG['campaign']}/", OVERVIEW, expect="Tham luận")
        self.think()
        pk = random.choice(CONFIG["contributions"])
        self.get(f"/tham-luan/bai/{pk}/", COORD_CONTRIBUTION, expect="Tham luận của")
        self.think()
        self.charts(self.get(f"/ket-qua/{year}/sipas/", SIPAS, expect="Khảo sát sự hài lòng"))
        self.think()

    def charts(self, page) -> None:
        """The page's chart images, each once per session as a browser's cache would
        (the views send ``max-age`` and version the URL by content)."""
        if page is None:
            return
        for src in re.findall(r'<img[^>]+src="([^"]+)"', page.text):
            url = src.replace("&amp;", "&")
            if "/bieu-do/" in url and url not in self.seen:
                self.seen.add(url)
                self.get(url, CHART)
