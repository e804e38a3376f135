"""Kill the real server in the middle of a submission, an upload and an import.

gunicorn (or, without it, Django's runserver) serves a fresh installation; requests go over
HTTP as a browser sends them. The test-only hook of :mod:`chiso.web.faults` pauses the request
at a named point, between two writes of one transaction or right after its commit, and the test
SIGKILLs the process there. The database must then hold all of the write or none of it:

- a submission: state, version row and audit row together, or the draft exactly as before;
- an attachment or an import: the row (with its audit row) and its file, or no row at all, and
  no file under a name a row could use except what the next start sets aside.

Then the next start (``chiso_prepare``, as ``chiso serve`` and the systemd unit run it) cleans
up: work files deleted, finished files no row names moved into ``.orphaned/``.
"""

from __future__ import annotations

import http.cookiejar
import importlib.util
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.models import Attachment, Contribution, ContributionVersion
from chiso.web.datasets.models import Dataset

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOUR = 3600


# -- the server ---------------------------------------------------------------------------------


class Server:
    """gunicorn with one worker (the master starts a new one when the worker is killed), or
    runserver restarted by the test when the process itself was killed."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> None:
        handle = open(self.log, "a")  # noqa: SIM115 (kept by the child)
        if importlib.util.find_spec("gunicorn") is not None:
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "chiso.web.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "1",
                "--preload",  # a killed worker is replaced by a fork: no second start-up
                "--timeout",
                "120",
            ]
        else:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            command = [
                sys.executable,
                "-m",
                "django",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ]
            self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(command, env=self.env, stdout=handle, stderr=handle)
        handle.close()
        if not self.base:
            self.base = self._listening()
        self.wait_ready()

    def _listening(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            match = re.search(r"Listening at: (http://\S+)", self.log.read_text())
            if match:
                return match.group(1)
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.05)
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()}")

    def wait_ready(self) -> None:
        if self.process.poll() is not None:  # runserver: the killed process was the server
            self.start()
            return
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/dang-nhap/", timeout=10) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"the server did not come back:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)


class Browser:
    """One user's session over HTTP: cookies, the CSRF token, forms and uploads."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.server.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], upload: tuple[str, bytes] | None = None):
        fields = {**fields, "csrfmiddlewaretoken": self._csrf()}
        if upload is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = _multipart(fields, upload)
        request = urllib.request.Request(
            self.server.base + path, data=body, headers={"Content-Type": kind}
        )
        with self.opener.open(request, timeout=120) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, username: str, password: str) -> None:
        self.get("/dang-nhap/")
        _, url, _ = self.post("/dang-nhap/", {"username": username, "password": password})
        assert "/dang-nhap/" not in url, f"{username} could not log in"


def _multipart(fields: dict[str, str], upload: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        header = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{header}\r\n\r\n{value}\r\n".encode())
    filename, content = upload
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- the database, read directly ----------------------------------------------------------------


class Database:
    """The installation's database through its own driver (never Django's test connection)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = env.get("DATABASE_URL")
        self.path = Path(env["CHISO_DATA_DIR"]) / "chiso.sqlite3"

    def query(self, sql: str, *params) -> list[tuple]:
        if self.url:
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql, params).fetchall()
        db = sqlite3.connect(self.path, timeout=20)
        try:
            return db.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            db.close()

    def count(self, model, where: str = "", *params) -> int:
        sql = f'SELECT COUNT(*) FROM "{model._meta.db_table}"'
        return self.query(f"{sql} WHERE {where}" if where else sql, *params)[0][0]

    def settled(self) -> None:
        """SQLite: the file is sound. PostgreSQL: the killed worker's transaction is gone."""
        if not self.url:
            assert self.query("PRAGMA integrity_check") == [("ok",)]
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            open_transactions = self.query(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"
            )[0][0]
            if open_transactions == 0:
                return
            time.sleep(0.05)
        raise AssertionError("PostgreSQL kept the killed worker's transaction open")


# -- the test -----------------------------------------------------------------------------------


def _kill_at(server: Server, faults: Path, point: str, request) -> None:
    """Run ``request`` in a thread, SIGKILL the process that reaches ``point``, wait for the
    server to serve again. The request must not complete."""
    (faults / "reached").unlink(missing_ok=True)
    (faults / "pause").write_text(point)
    outcome = []

    def send() -> None:
        try:
            outcome.append(request())
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not (faults / "reached").exists():
        assert time.monotonic() < deadline, f"{point} was never reached: {outcome}"
        assert thread.is_alive() or not outcome, f"{point} was never reached: {outcome}"
        time.sleep(0.01)
    name, pid = (faults / "reached").read_text().split()
    assert name == point
    (faults / "pause").unlink()
    os.kill(int(pid), signal.SIGKILL)
    thread.join(timeout=60)
    assert outcome and isinstance(outcome[0], Exception), f"{point}: {outcome}"
    server.wait_ready()


def _files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_a_killed_server_leaves_every_write_whole_or_absent(site, faultkit, tmp_path):
    env = site("crash")
    info = faultkit(env, "setup")
    faults = tmp_path / "faults"
    faults.mkdir()
    server = Server(env | {"CHISO_FAULT_DIR": str(faults)}, tmp_path / "server.log")
    db = Database(env)
    data = Path(env["CHISO_DATA_DIR"])
    uploads, datasets = data / "uploads", data / "datasets"
    pk = info["contribution"]
    contribution = f"/tham-luan/bai/{pk}/"
    sheet = Path(info["sheet"]).read_bytes()
    import_fields = {"kind": "sheet", "year": "2025", "questionnaire": ""}
    server.start()
    try:
        member, coordinator = Browser(server), Browser(server)
        member.login(info["member"], info["password"])
        coordinator.login(info["coordinator"], info["password"])

        def attach():
            return member.post(f"{contribution}tep/", {}, ("bao-cao.pdf", PDF))

        def submit():
            return member.post(contribution, info["submit_form"])

        def import_sheet():
            return coordinator.post("/du-lieu/nhap/", import_fields, ("bang-diem.csv", sheet))

        # One upload goes through, so that the database names a file of the upload folder.
        attach()
        assert db.count(Attachment) == 1
        kept = _files(uploads)

        # -- an attachment: killed after its row, before its audit row and the commit
        _kill_at(server, faults, "attachment.row_saved", attach)
        db.settled()
        assert db.count(Attachment) == 1
        assert db.count(AuditEvent, "event = %s", "contribution.attachment_added") == 1
        orphaned_upload = _files(uploads) - kept
        assert len(orphaned_upload) == 1  # the file of the rolled-back row, to be set aside

        # -- a submission: killed after the state, then after the version row
        for point in ("submit.state_saved", "submit.version_saved"):
            _kill_at(server, faults, point, submit)
            db.settled()
            assert db.query(
                f'SELECT state, submitted_at FROM "{Contribution._meta.db_table}" WHERE id = %s', pk
            ) == [("draft", None)], point
            assert db.count(ContributionVersion) == 0, point
            assert db.count(AuditEvent, "event = %s", "contribution.submitted") == 0, point

        # -- an import: killed with the upload received, the file placed, the row written
        for point in ("import.received", "import.placed", "import.row_saved"):
            _kill_at(server, faults, point, import_sheet)
            db.settled()
            assert db.count(Dataset) == 0, point
            assert db.count(AuditEvent, "event = %s", "dataset.imported") == 0, point
        strays = sorted(_files(datasets))
        work = [name for name in strays if name.startswith(".")]
        finished = [name for name in strays if not name.startswith(".")]
        assert len(work) == 1 and len(finished) == 2, strays  # received; placed, row_saved

        # -- killed right after the commits: everything is there
        _kill_at(server, faults, "submit.committed", submit)
        db.settled()
        assert db.query(f'SELECT state FROM "{Contribution._meta.db_table}" WHERE id = %s', pk) == [
            ("submitted",)
        ]
        assert db.count(ContributionVersion, "contribution_id = %s", pk) == 1
        assert db.count(AuditEvent, "event = %s", "contribution.submitted") == 1

        _kill_at(server, faults, "import.committed", import_sheet)
        db.settled()
        ((stored_path,),) = db.query(f'SELECT stored_path FROM "{Dataset._meta.db_table}"')
        assert (datasets / stored_path).read_bytes() == sheet
        assert db.count(AuditEvent, "event = %s", "dataset.imported") == 1
    finally:
        server.stop()

    # -- the next start, an hour later (files younger than that may belong to a live request)
    later = time.time() - 2 * HOUR
    for folder in (uploads, datasets):
        for path in folder.rglob("*"):
            os.utime(path, (later, later), follow_symlinks=False)
    prepare = subprocess.run(
        [sys.executable, "-m", "django", "chiso_prepare"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert prepare.returncode == 0, prepare.stderr
    assert _files(datasets) == {stored_path} | {f".orphaned/{name}" for name in finished}
    assert _files(uploads) == kept | {f".orphaned/{name}" for name in orphaned_upload}
    assert db.count(Dataset) == 1 and db.count(Attachment) == 1


def test_the_pause_hook_is_off_in_production(tmp_path):
    """Even with CHISO_FAULT_DIR and a pause file, a production process never stops."""
    (tmp_path / "pause").write_text("submit.state_saved")
    code = (
        "import django, time; django.setup(); from chiso.web import faults; "
        "faults.time.sleep = lambda s: print('paused'); faults.point('submit.state_saved'); "
        "print('done')"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CHISO_", "DATABASE_URL"))}
    base = clean | {
        "DJANGO_SETTINGS_MODULE": "chiso.web.settings",
        "CHISO_FAULT_DIR": str(tmp_path),
        "CHISO_DATA_DIR": str(tmp_path / "data"),
    }
    production = base | {"CHISO_ENV": "production", "CHISO_SECRET_KEY": "x" * 64}
    for env, expected in ((production, ["done"]), (base, ["paused", "done"])):
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.split() == expected, result.stderr
    assert (tmp_path / "reached").read_text().startswith("submit.state_saved ")


@pytest.mark.parametrize("point", ["submit.state_saved", "import.placed"])
def test_without_the_variable_the_hook_does_nothing(monkeypatch, tmp_path, point):
    from chiso.web import faults

    monkeypatch.delenv(faults.ENV, raising=False)
    monkeypatch.setattr(faults.time, "sleep", lambda seconds: pytest.fail("paused"))
    (tmp_path / "pause").write_text(point)
    faults.point(point)
    assert not (tmp_path / "reached").exists()
