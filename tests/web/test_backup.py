"""``chiso backup`` / ``chiso restore`` on a real installation (SQLite file or PostgreSQL).

The source is filled through the services (campaign, submitted contributions with attachments,
an accepted one with an action and its evidence, two imports), backed up while a thread keeps
saving drafts, and restored into a fresh installation; every row of every model and every
file's SHA-256 must come back. A damaged archive is refused before anything is touched.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from chiso.web import backup

CHISO = [sys.executable, "-c", "from chiso.cli import main; main()"]
WRITER_EVENT = "contribution.draft_saved"


def chiso(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CHISO, *args],
        env=env | {"COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _writer_pks(dump: dict) -> set:
    return {
        row["pk"]
        for row in dump["rows"]["campaigns.Contribution"]
        if row["fields"]["general_text"].startswith("lượt")
    }


def _split(dump: dict, label: str, writer: set) -> tuple[list, list]:
    """The rows of ``label`` the online-backup writer may have changed (its contribution, the
    audit rows of its draft saves), and all the others."""
    rows = dump["rows"][label]
    if label == "campaigns.Contribution":
        touched = [r for r in rows if r["pk"] in writer]
    elif label == "audit.AuditEvent":
        touched = [
            r
            for r in rows
            if r["fields"]["event"] == WRITER_EVENT
            and r["fields"]["new"].get("general_text", "").startswith("lượt")
        ]
    else:
        touched = []
    return touched, [r for r in rows if r not in touched]


def test_an_online_backup_restores_every_row_and_every_file(site, faultkit, tmp_path):
    source = site("source")
    faultkit(source, "populate")
    before = faultkit(source, "dump")
    archive = tmp_path / "chiso-sao-luu.tar.gz"

    run = faultkit(source, "online-backup", str(archive))
    # The writer committed drafts before, during and after the copy: the backup was online.
    assert run["failures"] == []
    assert run["saves_before"] >= 5 and run["saves_after"] >= 5, run
    assert run["missing"] == []

    target = site("restored")
    result = chiso(target, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục" in result.stdout
    after = faultkit(target, "dump")

    # Every stored file, byte for byte (the writer never touches files).
    assert after["files"] == before["files"]
    assert any(name.startswith("uploads/actions/") for name in after["files"])
    assert any(name.startswith("datasets/") for name in after["files"])
    # Every row of every model, the writer's rows aside, as it was before the backup.
    assert after["rows"].keys() == before["rows"].keys()
    writer = _writer_pks(after)
    assert len(writer) == 1
    for label in before["rows"]:
        assert _split(after, label, writer)[1] == _split(before, label, writer)[1], label
    # The writer's rows are one consistent moment: the draft says "lượt k" and exactly k saves
    # are in the audit log, k between the saves before the copy began and those until it ended.
    (draft,) = _split(after, "campaigns.Contribution", writer)[0]
    saves = _split(after, "audit.AuditEvent", writer)[0]
    k = len(saves)
    assert draft["fields"]["general_text"] == f"lượt {k}"
    assert run["saves_before"] <= k <= run["saves_before"] + run["saves_during"] + 1
    assert [s["fields"]["new"]["general_text"] for s in saves] == [
        f"lượt {n}" for n in range(1, k + 1)
    ]
    # The manifest's row counts are the restored tables'.
    for label, table in after["tables"].items():
        assert run["tables"][table] == len(after["rows"][label]), label


@pytest.fixture(scope="module")
def small_archive(site, faultkit, tmp_path_factory):
    """(environment, archive) of a populated installation, backed up by ``chiso backup``; the
    tests only ever read the installation."""
    env = site("small")
    faultkit(env, "populate")
    archive = tmp_path_factory.mktemp("archive") / "small.tar.gz"
    result = chiso(env, "backup", str(archive))
    assert result.returncode == 0, result.stderr
    assert "Đã sao lưu" in result.stdout
    return env, archive


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def _write(archive: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _tampered(archive: Path, how: str, tmp_path: Path) -> Path:
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    upload = next(name for name in members if name.startswith("files/uploads/"))
    if how == "truncated":
        raw = archive.read_bytes()
        damaged = tmp_path / "truncated.tar.gz"
        damaged.write_bytes(raw[: len(raw) // 2])
        return damaged
    if how == "not-gzip":
        damaged = tmp_path / "not-gzip.tar.gz"
        damaged.write_bytes(b"PK\x03\x04 this is a zip, not a backup")
        return damaged
    if how == "changed-file":
        members[upload] = members[upload] + b"%"
    elif how == "changed-database":
        db = manifest["database"]["member"]
        members[db] = members[db][:-1] + bytes([members[db][-1] ^ 1])
    elif how == "missing-file":
        del members[upload]
    elif how == "extra-file":
        members["files/uploads/1/" + "a" * 32] = b"%PDF-1.4 extra"
    elif how == "traversal":
        data = b"pwned"
        members["files/uploads/../../escaped"] = data
        manifest["files"]["files/uploads/../../escaped"] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
        members["manifest.json"] = json.dumps(manifest).encode()
    elif how == "no-manifest":
        del members["manifest.json"]
    elif how == "bad-manifest":
        members["manifest.json"] = b"{not json"
    damaged = tmp_path / f"{how}.tar.gz"
    _write(damaged, members)
    return damaged


def _listing(env: dict[str, str]) -> dict[str, bytes]:
    root = Path(env["CHISO_DATA_DIR"])
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


HOW = [
    "truncated",
    "not-gzip",
    "changed-file",
    "changed-database",
    "missing-file",
    "extra-file",
    "traversal",
    "no-manifest",
    "bad-manifest",
]


@pytest.mark.parametrize("how", HOW)
def test_a_damaged_archive_fails_verification(small_archive, tmp_path, how):
    _, archive = small_archive
    with pytest.raises(backup.BackupError):
        backup.verify(_tampered(archive, how, tmp_path))


def test_a_damaged_archive_is_refused_and_nothing_is_touched(
    small_archive, site, faultkit, tmp_path
):
    env, archive = small_archive
    before = faultkit(env, "dump")
    files_before = _listing(env)
    empty = site("empty")
    for how in ("changed-file", "changed-database", "traversal"):
        damaged = _tampered(archive, how, tmp_path)
        # Over an installation in use, even with --force …
        result = chiso(env, "restore", "--force", str(damaged))
        assert result.returncode == 2, (how, result.stdout, result.stderr)
        assert "Lỗi:" in result.stderr and "Traceback" not in result.stderr, how
        # … and into an empty one.
        result = chiso(empty, "restore", str(damaged))
        assert result.returncode == 2, (how, result.stderr)
        assert not Path(empty["CHISO_DATA_DIR"]).exists(), how
    assert faultkit(env, "dump") == before
    assert _listing(env) == files_before
    # Nothing beside the targets either (no staging folder left behind).
    assert not [p for p in Path(env["CHISO_DATA_DIR"]).iterdir() if ".restore-" in p.name]


def test_restore_refuses_an_installation_in_use_unless_forced(small_archive, site, faultkit):
    env, archive = small_archive
    expected = faultkit(env, "dump")
    other = site("other")
    faultkit(other, "setup")  # a different installation, with data of its own
    result = chiso(other, "restore", str(archive))
    assert result.returncode == 2
    assert "đã có dữ liệu" in result.stderr and "--force" in result.stderr
    result = chiso(other, "restore", "--force", str(archive))
    assert result.returncode == 0, result.stderr
    restored = faultkit(other, "dump")
    assert restored["rows"] == expected["rows"]
    assert restored["files"] == expected["files"]


def test_backup_never_overwrites_an_existing_file(small_archive):
    env, archive = small_archive
    before = archive.read_bytes()
    result = chiso(env, "backup", str(archive))
    assert result.returncode == 2
    assert "đã có" in result.stderr
    assert archive.read_bytes() == before


def test_the_manifest_lists_every_file_with_its_checksum(small_archive):
    _, archive = small_archive
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "chiso-backup" and manifest["chiso_version"]
    # SQLite's online copy, or pg_dump when the suite runs on PostgreSQL.
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["member"] in members
    assert set(manifest["files"]) == set(members) - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["size"] == len(members[name])
    assert manifest["tables"]["campaigns_attachment"] == 2
    assert manifest["tables"]["datasets_dataset"] == 2
    # The archive is an ordinary tar.gz: an administrator can look inside with tar.
    assert gzip.decompress(archive.read_bytes())[257:262] == b"ustar"


def test_without_pg_dump_the_exact_commands_are_printed(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError) as caught:
        backup._pg_tool("pg_dump")
    message = caught.value.message
    assert "Không tìm thấy chương trình pg_dump" in message
    assert "pg_dump -Fc" in message and "pg_restore --single-transaction" in message
    assert "apt-get install postgresql-client" in message


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite only by nature: a server's open connection to the database file",
)
def test_restore_stops_while_a_process_holds_the_sqlite_database(small_archive, site, faultkit):
    import sqlite3

    _, archive = small_archive
    other = site("busy")
    faultkit(other, "setup")
    db = sqlite3.connect(Path(other["CHISO_DATA_DIR"]) / "chiso.sqlite3")
    try:
        db.execute("SELECT COUNT(*) FROM accounts_user").fetchone()  # a server's open connection
        result = chiso(other, "restore", "--force", str(archive))
    finally:
        db.close()
    assert result.returncode == 2
    assert "đang được dùng" in result.stderr and "dừng máy chủ" in result.stderr
