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

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from httpkit import Browser, Server

from chiso.web.audit.models import AuditEvent
from chiso.web.campaigns.models import Attachment, Contribution, ContributionVersion
from chiso.web.datasets.models import Dataset

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOUR = 3600


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
