"""The deadline rush, measured: 60 agency clerks and 5 coordinators against gunicorn on 127.0.0.1.

Targets (issue "Reliability and security"): zero errors, zero lost or duplicated submissions
(checked in the database afterwards), p95 under 300 ms for page views and under 1 s for
submissions (save, upload, submit), on the 2-core machine with SQLite. Logins are reported
without a target: their time is the deliberate password hashing.

What one run does:

1. a throwaway ``CHISO_DATA_DIR`` (and, with ``--database-url``, a throwaway PostgreSQL database
   created next to the one named and dropped at the end);
2. the database prepared through the project's own code: ``bootstrap.prepare`` (migrate,
   agencies), ``collectstatic``, 5 coordinators, a campaign opened on the demo data with
   ``campaign_open`` (55 items, 7 lead agencies), 53 more agencies added as supporting agencies
   with ``assignment_update`` so that 60 agencies each have a contribution, one clerk per agency;
   a distinct 2 MB PDF per agency;
3. gunicorn with the production settings (``CHISO_ENV=production``) and configuration
   (``chiso.web.gunicorn_conf``: the master warms the results and SIPAS pages before forking) on
   127.0.0.1, then one round of coordinators on every worker (the first requests' times are
   printed apart), then a wait for a quiet machine (``--wait-quiet``);
4. locust, headless and bounded (``--run-time``), with ``locustfile.py`` beside this file;
5. gunicorn stopped, then the database checked: every agency submitted exactly once (state
   submitted, one version, one "submitted" audit row, one attachment whose SHA-256 is its PDF's,
   the file on disk intact); and a summary printed: requests, failures, p50/p95/p99 per request
   type, each p95 as a ratio to a trivial peer measured in the same run (a static CSS file served
   by WhiteNoise), lost and duplicated submissions, PASS/FAIL per target.

Run: ``.venv/bin/python benchmarks/load/run.py`` (10 minutes of load, ~12 in all) or ``--quick``
(2 minutes). The exit code is 0 even when a target fails (the run is a report, like the other
benchmarks); non-zero when the run itself could not be made (the server did not start…).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "han-chot-tham-luan-2026"
YEAR = 2025
PDF_SIZE = 2 * 1024 * 1024
PAGE_TARGET_MS = 300.0
POST_TARGET_MS = 1000.0
PEER = "GET static CSS (peer)"
LOGIN = "POST login"
# What the issue calls submissions: the clerk's writes. A login is neither a page view nor a
# submission: its cost is the deliberate password hashing (PBKDF2, 1,000,000 iterations, Django's
# default, ≈0.6 s of one core here), so it is reported without a target.
POSTS = ("POST save draft", "POST upload 2 MB PDF", "POST submit")
ORDER = (
    PEER,
    "GET login page",
    "POST login",
    "GET home",
    "GET campaign list",
    "GET campaign (agency → own contribution)",
    "GET contribution page",
    "POST save draft",
    "POST upload 2 MB PDF",
    "POST submit",
    "GET results dashboard",
    "GET dashboard chart (SVG)",
    "GET campaign overview",
    "GET contribution (coordinator)",
    "GET SIPAS page",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 minutes of load instead of 10")
    parser.add_argument("--run-time", type=int, help="seconds of load (default 600, quick 120)")
    parser.add_argument("--agencies", type=int, default=60, help="agency clerks (default 60)")
    parser.add_argument("--coordinators", type=int, default=5, help="coordinators (default 5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL DSN (postgres://user:pass@host/db); the run creates a throwaway "
        "database beside it (the role needs CREATEDB) and drops it afterwards",
    )
    parser.add_argument(
        "--wait-quiet",
        type=int,
        default=300,
        metavar="S",
        help="before the load, wait up to S seconds (default 300) for the other processes on "
        "the machine to use less than 15%% of a core; 0 to start at once",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="PostgreSQL from scripts/postgres.sh start (installs and starts Debian's package)",
    )
    parser.add_argument("--out", type=Path, help="keep the work folder here (logs, CSV, samples)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway folder/database")
    return parser.parse_args(argv)


# -- the 2 MB PDF -----------------------------------------------------------------------------


def make_pdf(label: str, size: int = PDF_SIZE) -> bytes:
    """A valid one-page PDF of about ``size`` bytes: a line of text and an uncompressed RGB image
    of seeded noise (distinct per ``label``, so a file attached to the wrong contribution shows)."""
    rng = random.Random(label)
    width = 1024
    height = max(1, (size - 1200) // (width * 3))
    pixels = rng.randbytes(width * height * 3)
    text = label.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    content = (
        b"BT /F1 16 Tf 56 780 Td (Bao cao tham luan - " + text + b") Tj ET\n"
        b"q 480 0 0 320 56 400 cm /Im1 Do Q\n"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(pixels), pixels),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# -- environment and database -------------------------------------------------------------------


def server_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """Production settings, as docs/web.md installs them, on a throwaway data folder.

    ``CHISO_BEHIND_PROXY=1`` (the default) because the load client plays nginx: it says
    ``X-Forwarded-Proto: https``, so HTTPS redirects, secure cookies and CSRF's origin check run
    as they do behind the real proxy.
    """
    env = {
        "CHISO_ENV": "production",
        "CHISO_SECRET_KEY": secrets.token_urlsafe(50),
        "CHISO_DATA_DIR": str(data_dir),
        "CHISO_ALLOWED_HOSTS": "127.0.0.1",
        "CHISO_BEHIND_PROXY": "1",
        "CHISO_CACHE": str(data_dir / "cache"),
        "DJANGO_SETTINGS_MODULE": "chiso.web.settings",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _with_database(dsn: str, name: str) -> str:
    parts = urllib.parse.urlsplit(dsn)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def pg_create(dsn: str) -> tuple[str, str]:
    """A fresh database beside the one ``dsn`` names; (its name, its DSN)."""
    import psycopg

    name = f"chiso_load_{secrets.token_hex(4)}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _with_database(dsn, name)


def pg_from_script() -> str:
    """The DSN ``scripts/postgres.sh start`` prints after installing and starting the cluster."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh"), "start"],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.splitlines():
        if line.startswith("DATABASE_URL="):
            return line.split("=", 1)[1]
    raise SystemExit(f"scripts/postgres.sh không in DATABASE_URL:\n{result.stdout}")


def pg_drop(dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(*, agencies: int, coordinators: int, work: Path) -> dict:
    """The database through the project's own services; returns the locust configuration."""
    from chiso.web import bootstrap

    bootstrap.configure()
    bootstrap.prepare()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone

    from chiso.web.accounts.models import Agency, Role, User
    from chiso.web.campaigns.assignments import assignment_update
    from chiso.web.campaigns.services import campaign_open

    call_command("collectstatic", interactive=False, verbosity=0)
    # One hash for every account: hashing is deliberately slow (~0.6 s) and the password is shared.
    password = make_password(PASSWORD)

    def user(username: str, role: str, agency=None, full_name: str = "") -> User:
        first, _, last = full_name.rpartition(" ")
        account = User(
            username=username,
            role=role,
            agency=agency,
            password=password,
            first_name=first,
            last_name=last,
        )
        account.full_clean()
        account.save()
        return account

    with transaction.atomic():
        coordinator_users = [
            user(f"dieuphoi{i:02d}", Role.COORDINATOR, full_name=f"Điều phối viên {i:02d}")
            for i in range(1, coordinators + 1)
        ]
    campaign = campaign_open(
        acting_user=coordinator_users[0],
        year=YEAR,
        title=f"Tham luận phân tích kết quả Chỉ số SIPAS, PAR INDEX năm {YEAR} (kiểm thử tải)",
        deadline=timezone.now() + timedelta(days=3),
        event_date=(timezone.localdate() + timedelta(days=5)),
    )
    leads = set(campaign.contributions.values_list("agency_id", flat=True))
    needed = agencies - len(leads)
    extra = list(Agency.objects.exclude(pk__in=leads).order_by("pk")[: max(needed, 0)])
    if len(extra) < needed:
        raise SystemExit(f"Danh mục chỉ có {len(leads) + len(extra)} cơ quan, cần {agencies}.")
    assignments = [a for a in campaign.assignments.order_by("position") if a.lead_agency_id]
    for index, assignment in enumerate(assignments):
        helpers = extra[index :: len(assignments)]
        if helpers:
            assignment_update(
                acting_user=coordinator_users[0],
                assignment=assignment,
                lead_agency=assignment.lead_agency,
                supporting_agencies=helpers,
            )
    contributions = list(campaign.contributions.select_related("agency").order_by("pk"))[:agencies]
    if len(contributions) != agencies:
        raise SystemExit(f"Đợt có {len(contributions)} bản tham luận, cần {agencies}.")

    pdf_dir = work / "pdf"
    pdf_dir.mkdir()
    plan = []
    with transaction.atomic():
        for contribution in contributions:
            agency = contribution.agency
            username = f"cb.{agency.code.lower()}"
            user(username, Role.AGENCY_MEMBER, agency, full_name=f"Cán bộ {agency.short_name}")
            pdf = make_pdf(f"{agency.code} {username}")
            path = pdf_dir / f"{username}.pdf"
            path.write_bytes(pdf)
            plan.append(
                {
                    "username": username,
                    "agency": agency.code,
                    "agency_name": agency.name,
                    "contribution": contribution.pk,
                    "pdf": str(path),
                    "pdf_name": f"Báo cáo tham luận {agency.short_name or agency.code}.pdf",
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "lead_items": sum(
                        1
                        for i in contribution.items.all()
                        if i.assignment.lead_agency_id == agency.pk
                    ),
                    "items": contribution.items.count(),
                }
            )
    connections.close_all()
    return {
        "campaign": campaign.pk,
        "year": YEAR,
        "password": PASSWORD,
        "agencies": plan,
        "coordinators": [{"username": u.username} for u in coordinator_users],
        "contributions": [c.pk for c in contributions],
    }


def pacing(run_time: int) -> dict:
    """When clerks arrive and how long they think, so every one finishes inside the run.

    A clerk waits at most 8 think times (login, list, page, 2–3 saves, upload, submit): starting
    within the first 40 % of the run and thinking at most 5 % of it each leaves a fifth of the run
    as margin. 600 s → start within 240 s, think 5–30 s; 120 s → 48 s, 2–6 s.
    """
    think_max = min(30.0, run_time * 0.05)
    return {
        "start_window": run_time * 0.4,
        "think": [max(1.0, think_max / 6), think_max],
        "coordinator_think": [max(1.0, think_max / 6), max(2.0, think_max / 2.5)],
    }


# -- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(*, env: dict, port: int, workers: int, threads: int, work: Path):
    cmd = [
        str(BIN / "gunicorn"),
        "-c",
        "python:chiso.web.gunicorn_conf",  # as in production: the master warms up, then forks
        "chiso.web.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--access-logfile",
        str(work / "access.log"),
        "--access-logformat",
        '%(s)s %(m)s "%(U)s" %(M)s',
        "--error-logfile",
        str(work / "gunicorn.log"),
    ]
    if threads > 1:
        cmd += ["--threads", str(threads)]
    server = subprocess.Popen(cmd, env=env, cwd=work)
    deadline = time.monotonic() + 90
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/dang-nhap/", headers={"X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    stop(server)
    log = (work / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    raise SystemExit(f"gunicorn không khởi động được:\n{log[-3000:]}")


def warm_up(*, port: int, slots: int, config: dict) -> dict[str, list[float]]:
    """Bring every worker to the state of a server that has been up for a while; the times.

    The server runs with ``chiso.web.gunicorn_conf``, whose master computes the newest year's
    results and SIPAS pages before forking (without it each worker's first views cost ≈2 s and
    ≈5 s). What is left cold — sessions, templates, anything per worker — is paid here: ``slots``
    coordinators browse those pages in parallel (a busy sync worker accepts nothing, so parallel
    requests reach different workers) until a whole round is fast; what the first requests cost
    is reported apart from the measured run.
    """
    import re
    from concurrent.futures import ThreadPoolExecutor

    import requests

    base = f"http://127.0.0.1:{port}"
    year = config["year"]

    def session(index: int) -> requests.Session:
        client = requests.Session()
        origin = base.replace("http", "https", 1)
        client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin})
        page = client.get(f"{base}/dang-nhap/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        username = config["coordinators"][index % len(config["coordinators"])]["username"]
        for cookie in client.cookies:
            cookie.secure = False
        client.post(
            f"{base}/dang-nhap/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
            headers={"Referer": f"{base.replace('http', 'https')}/dang-nhap/"},
            allow_redirects=False,
        )
        for cookie in client.cookies:
            cookie.secure = False
        return client

    def browse(client: requests.Session) -> list[tuple[str, float]]:
        times = []
        for path in (f"/ket-qua/{year}/", f"/ket-qua/{year}/sipas/"):
            start = time.perf_counter()
            page = client.get(f"{base}{path}", allow_redirects=False)
            times.append((path, (time.perf_counter() - start) * 1000))
            if page.status_code != 200:
                raise SystemExit(f"Khởi động: {path} trả về {page.status_code}.")
            for src in re.findall(r'<img[^>]+src="([^"]*/bieu-do/[^"]+)"', page.text):
                start = time.perf_counter()
                client.get(f"{base}{src.replace('&amp;', '&')}")
                times.append(("chart", (time.perf_counter() - start) * 1000))
        return times

    result: dict[str, list[float]] = {}
    with ThreadPoolExecutor(max_workers=slots) as pool:
        start = time.perf_counter()
        clients = list(pool.map(session, range(slots)))
        result["login"] = [(time.perf_counter() - start) * 1000]
        for _round in range(8):
            times = [t for batch in pool.map(browse, clients) for t in batch]
            for name, ms in times:
                result.setdefault(name, []).append(ms)
            if max(ms for _, ms in times) < PAGE_TARGET_MS:
                break
    result["rounds"] = [float(_round + 1)]
    return result


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(*, env: dict, port: int, users: int, run_time: int, work: Path) -> None:
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        # Everyone is spawned at once; the clerks' own random start spreads the arrivals.
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{run_time}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(work / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    with open(work / "locust.log", "w", encoding="utf-8") as log:
        subprocess.run(
            cmd, env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT, timeout=run_time + 300
        )


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU seconds of the PostgreSQL backends serving one database, sampled every second.

    The backends are not our children (the cluster forks them), and Django closes a connection
    after ``conn_max_age`` (60 s), so their CPU is read from /proc while they live; the last value
    seen for each backend counts. A backend that lives less than a second is missed: the total is
    a lower bound.
    """

    def __init__(self, database: str | None) -> None:
        import threading

        self.database = database
        self.seen: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.base: dict[str, float] = {}
        if database:
            self._sample()  # backends left from the warm-up count from now on only
            self.base = dict(self.seen)
            self._thread.start()

    def _sample(self) -> None:
        needle = f" {self.database} ".encode()
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                if needle not in (proc / "cmdline").read_bytes().replace(b"\0", b" ") + b" ":
                    continue
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks = int(fields[11]) + int(fields[12])
            self.seen[proc.name] = ticks / os.sysconf("SC_CLK_TCK")

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._sample()

    def stop(self) -> float:
        if self.database:
            self._sample()
            self._stop.set()
            self._thread.join()
        return sum(cpu - self.base.get(pid, 0.0) for pid, cpu in self.seen.items())


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait_quiet(limit: int) -> float:
    """Wait up to ``limit`` seconds for a quiet machine; the share of a core others used last.

    Another process on the 2 cores (a test suite, a build) slows the server and makes every time
    pessimistic. The run goes ahead anyway after ``limit``; the summary says how busy it was.
    """
    deadline = time.monotonic() + limit
    told = False
    while True:
        busy, own = machine_busy(), children_cpu() + self_cpu()
        time.sleep(5)
        others = (machine_busy() - busy - (children_cpu() + self_cpu() - own)) / 5
        if others < 0.15 or time.monotonic() >= deadline:
            return others
        if not told:
            print(
                f"Máy đang bận (tiến trình khác dùng {others:.0%} một nhân); "
                f"chờ tối đa {limit} giây cho máy rảnh …",
                flush=True,
            )
            told = True


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- the check against the database -------------------------------------------------------------


def verify(config: dict, outcomes: dict) -> dict:
    """Every agency's contribution as the database holds it after the run."""
    from django.db import connection, connections

    from chiso.web.audit.models import AuditEvent
    from chiso.web.campaigns import services
    from chiso.web.campaigns.models import Contribution

    connections.close_all()
    rows = []
    for plan in config["agencies"]:
        contribution = Contribution.objects.get(pk=plan["contribution"])
        versions = list(contribution.versions.all())
        attachments = list(contribution.attachments.all())
        submitted_events = AuditEvent.objects.filter(
            event="contribution.submitted", object_id=str(contribution.pk)
        ).count()
        files_ok = True
        for attachment in attachments:
            path = services.attachment_path(attachment)
            on_disk = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
            files_ok &= attachment.sha256 == plan["sha256"] and on_disk == plan["sha256"]
        snapshot = versions[0].snapshot if versions else {}
        client = outcomes.get(plan["username"], {})
        rows.append(
            {
                "username": plan["username"],
                "client_submitted": bool(client.get("submitted")),
                "client_stopped_at": client.get("stopped_at"),
                "state": contribution.state,
                "versions": len(versions),
                "submitted_events": submitted_events,
                "attachments": len(attachments),
                "attachment_ok": len(attachments) == 1 and files_ok,
                "content_ok": "(Lưu lần 9.)" in snapshot.get("general_text", ""),
            }
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        database = f"SQLite {connection.Database.sqlite_version}, journal_mode={journal}"
    else:
        database = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 100}"
    connections.close_all()

    def good(row: dict) -> bool:
        return (
            row["state"] == "submitted"
            and row["versions"] == 1
            and row["submitted_events"] == 1
            and row["attachment_ok"]
            and row["content_ok"]
        )

    return {
        "database": database,
        "rows": rows,
        "expected": len(rows),
        "stored": sum(good(r) for r in rows),
        "client_confirmed": sum(r["client_submitted"] for r in rows),
        "lost": [r["username"] for r in rows if r["client_submitted"] and r["versions"] == 0],
        "duplicated": [
            r["username"]
            for r in rows
            if r["versions"] > 1 or r["submitted_events"] > 1 or r["attachments"] > 1
        ],
        "never_sent": [r["username"] for r in rows if not r["client_submitted"]],
        "bad": [r["username"] for r in rows if r["versions"] and not good(r)],
    }


# -- the summary ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (a value that was really measured)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def server_log(work: Path) -> dict:
    statuses: dict[str, int] = {}
    for line in (work / "access.log").read_text(encoding="utf-8", errors="replace").splitlines():
        status = line.split(" ", 1)[0]
        statuses[status] = statuses.get(status, 0) + 1
    text = (work / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    errors = [
        line
        for line in text.splitlines()
        if "[ERROR]" in line or "Traceback" in line or "WORKER TIMEOUT" in line
    ]
    warmed = [line.split("chiso: ", 1)[1] for line in text.splitlines() if "chiso: " in line]
    return {"statuses": statuses, "errors": errors, "warmed": warmed}


def commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{sha}{' + uncommitted changes' if dirty else ''}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def summarise(
    *, samples: list, check: dict, log: dict, meta: dict, run_time: int
) -> tuple[str, bool]:
    by_name: dict[str, list] = {}
    for name, ms, ok, start, _size in samples:
        by_name.setdefault(name, []).append((start, ms, ok))
    peer = [ms for _, ms, ok in by_name.get(PEER, []) if ok]
    peer_p95 = percentile(peer, 95) if peer else float("nan")
    lines = [
        f"chiso deadline-rush load test — {meta['date']}",
        f"commit {meta['commit']} · {meta['cpus']} cores ({meta['cpu']}) · Python {meta['python']}",
        f"server: gunicorn {meta['workers']} workers × {meta['threads']} thread(s), "
        f"CHISO_ENV=production, {check['database']}",
        f"load: {meta['agencies']} agency clerks + {meta['coordinators']} coordinators, "
        f"run time {run_time} s, clerks start within {meta['pacing']['start_window']:.0f} s, "
        f"think {meta['pacing']['think'][0]:.0f}–{meta['pacing']['think'][1]:.0f} s",
        "warm-up before the run (first requests of each worker after a start): "
        f"{meta['warm_up']['rounds'][0]:.0f} rounds; slowest "
        + ", ".join(
            f"{name} {max(times):.0f} ms"
            for name, times in meta["warm_up"].items()
            if name not in ("rounds", "login")
        ),
        f"CPU used: server {meta['server_cpu']:.0f} s"
        + (f" + PostgreSQL ≥ {meta['database_cpu']:.0f} s" if meta["database_cpu"] else "")
        + f", locust {meta['locust_cpu']:.0f} s, "
        f"other processes {meta['other_cpu']:.0f} s "
        f"(of {meta['cpus'] * meta['elapsed']:.0f} core-seconds in {meta['elapsed']:.0f} s)"
        + (
            " — WARNING: the machine was not quiet, times are pessimistic"
            if meta["other_cpu"] > 0.1 * meta["cpus"] * meta["elapsed"]
            else ""
        ),
        "",
        f"{'request':<42} {'n':>5} {'fail':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} "
        f"{'first':>6} {'p95/peer':>8}  target",
    ]
    verdicts = []
    total = failures = 0
    names = [n for n in ORDER if n in by_name] + sorted(set(by_name) - set(ORDER))
    for name in names:
        entries = sorted(by_name[name])
        times = [ms for _, ms, _ in entries]
        fails = sum(not ok for _, _, ok in entries)
        total += len(times)
        failures += fails
        p95 = percentile(times, 95)
        if name == PEER:
            target = "(peer)"
        elif name == LOGIN:
            target = "none (password hashing)"
        else:
            limit = POST_TARGET_MS if name in POSTS else PAGE_TARGET_MS
            passed = p95 < limit
            verdicts.append(passed)
            target = f"< {limit:.0f} ms {'PASS' if passed else 'FAIL'}"
        lines.append(
            f"{name:<42} {len(times):>5} {fails:>4} {percentile(times, 50):>6.0f} {p95:>6.0f} "
            f"{percentile(times, 99):>6.0f} {max(times):>6.0f} {entries[0][1]:>6.0f} "
            f"{p95 / peer_p95:>8.1f}  {target}"
        )
    pages = [ms for n in names if n not in (*POSTS, PEER, LOGIN) for _, ms, _ in by_name[n]]
    posts = [ms for n in names if n in POSTS for _, ms, _ in by_name[n]]
    for label, times in (
        ("all page views", pages),
        ("all submissions (save, upload, submit)", posts),
    ):
        if times:
            lines.append(
                f"{label:<42} {len(times):>5} {'':>4} {percentile(times, 50):>6.0f} "
                f"{percentile(times, 95):>6.0f} {percentile(times, 99):>6.0f} {max(times):>6.0f}"
            )
    server_5xx = sum(n for s, n in log["statuses"].items() if s.startswith("5"))
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(log["statuses"].items()))
    ok = (
        failures == 0
        and server_5xx == 0
        and not log["errors"]
        and not check["lost"]
        and not check["duplicated"]
        and not check["never_sent"]
        and not check["bad"]
        and all(verdicts)
    )
    lines += [
        "",
        f"requests {total}, failures {failures} (times in ms; 'first' = the first request of its "
        "kind; peer = static CSS through WhiteNoise)",
        f"server: {sum(log['statuses'].values())} responses ({statuses}), 5xx {server_5xx}, "
        f"errors in gunicorn's log {len(log['errors'])}",
        *(f"server start: {line}" for line in log["warmed"]),
        f"submissions: expected {check['expected']}, confirmed to the clients "
        f"{check['client_confirmed']}, in the database exactly once with their file "
        f"{check['stored']}",
        f"lost submissions = {len(check['lost'])}, duplicated = {len(check['duplicated'])}, "
        f"never sent (client stopped or ran out of time) = {len(check['never_sent'])}, "
        f"stored but wrong = {len(check['bad'])}",
        f"RESULT: {'PASS' if ok else 'FAIL'}",
    ]
    for label in ("lost", "duplicated", "never_sent", "bad"):
        if check[label]:
            lines.append(f"  {label}: {', '.join(check[label][:20])}")
    for line in log["errors"][:10]:
        lines.append(f"  gunicorn: {line}")
    return "\n".join(lines), ok


# -- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_time = args.run_time or (120 if args.quick else 600)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="chiso-load-", dir=args.out))
    else:
        work = Path(tempfile.mkdtemp(prefix="chiso-load-"))
    data_dir = work / "data"
    pg_name = None
    database_url = None
    if args.postgres and not args.database_url:
        args.database_url = pg_from_script()
    if args.database_url:
        pg_name, database_url = pg_create(args.database_url)
    env = server_env(data_dir, database_url)
    # Nothing of the caller's configuration leaks in (an exported DATABASE_URL, upload dir…).
    for name in [n for n in os.environ if n.startswith("CHISO_") or n == "DATABASE_URL"]:
        del os.environ[name]
    os.environ.update(env)
    full_env = dict(os.environ)
    print(f"Chuẩn bị dữ liệu trong {work} …", flush=True)
    server = None
    try:
        config = prepare(agencies=args.agencies, coordinators=args.coordinators, work=work)
        config |= pacing(run_time) | {"out_dir": str(work / "out")}
        config_path = work / "config.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        port = free_port()
        server = start_gunicorn(
            env=full_env, port=port, workers=args.workers, threads=args.threads, work=work
        )
        warm = warm_up(port=port, slots=args.workers * args.threads, config=config)
        if args.wait_quiet > 0:
            wait_quiet(args.wait_quiet)
        print(
            f"gunicorn {args.workers}×{args.threads} trên 127.0.0.1:{port}; locust {run_time} s …",
            flush=True,
        )
        started = time.monotonic()
        before = children_cpu()
        busy_before, self_before = machine_busy(), self_cpu()
        backends = BackendCpu(pg_name)
        run_locust(
            env=full_env | {"CHISO_LOAD_CONFIG": str(config_path)},
            port=port,
            users=args.agencies + args.coordinators,
            run_time=run_time,
            work=work,
        )
        locust_cpu = children_cpu() - before
        elapsed = time.monotonic() - started
        busy = machine_busy() - busy_before
        database_cpu = backends.stop()
        stop(server)
        server_cpu = children_cpu() - before - locust_cpu
        # Other processes on the machine (a test suite, a build) slow the server down and make
        # the absolute times pessimistic; the ratios to the peer suffer less.
        other_cpu = max(
            0.0, busy - server_cpu - database_cpu - locust_cpu - (self_cpu() - self_before)
        )
        out = work / "out"
        samples = json.loads((out / "samples.json").read_text(encoding="utf-8"))
        outcomes = json.loads((out / "outcomes.json").read_text(encoding="utf-8"))
        check = verify(config, outcomes)
        meta = {
            "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": commit(),
            "cpus": os.cpu_count(),
            "cpu": cpu_model(),
            "python": platform.python_version(),
            "workers": args.workers,
            "threads": args.threads,
            "agencies": args.agencies,
            "coordinators": args.coordinators,
            "pacing": pacing(run_time),
            "server_cpu": server_cpu,
            "locust_cpu": locust_cpu,
            "elapsed": elapsed,
            "other_cpu": other_cpu,
            "database_cpu": database_cpu,
            "warm_up": warm,
        }
        report, _ok = summarise(
            samples=samples, check=check, log=server_log(work), meta=meta, run_time=run_time
        )
        (work / "summary.txt").write_text(report + "\n", encoding="utf-8")
        (work / "check.json").write_text(json.dumps(check, indent=1), encoding="utf-8")
        print(report)
    finally:
        if server is not None:
            stop(server)
        if pg_name:
            from django.db import connections

            connections.close_all()
            if not args.keep:
                pg_drop(args.database_url, pg_name)
        if not args.keep and not args.out:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep or args.out:
            print(f"Giữ lại: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
