"""``chiso backup`` and ``chiso restore``: the database and every stored file in one archive.

A database without its uploaded files (or files without the rows that name them) is not a
backup, so both go into one ``.tar.gz``::

    database/chiso.sqlite3    SQLite: a consistent copy made by SQLite's online backup API
    database/chiso.pgdump     PostgreSQL: ``pg_dump -Fc`` of one exported snapshot
    files/uploads/…           attachments and evidence (``CHISO_UPLOAD_DIR``)
    files/datasets/…          imported tables and survey Parquet (``<CHISO_DATA_DIR>/datasets``)
    manifest.json             last: version, time, rows per table, SHA-256 and size of every file

The backup runs while the server serves. The database copy is taken first, then the files: a
stored file is written under its final name before the row naming it commits and is never
changed afterwards, so every file the copy references is already on disk when the files are
read. Work-in-progress files (hidden names) are left out. A file deleted between the two steps
is listed under ``missing`` in the manifest and reported.

A restore reads the whole archive and checks every checksum before it touches anything, refuses
a non-empty database unless ``force``, unpacks into hidden staging names beside the targets and
only then swaps them in (``os.replace`` for the SQLite file, renames for the folders; PostgreSQL
restores in one transaction), and finally runs ``migrate``. Paths inside the archive are never
trusted: only regular files under the three known prefixes, without ``..``, are accepted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from chiso import __version__
from chiso.errors import ChisoError

FORMAT = "chiso-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/chiso.sqlite3"
PGDUMP_MEMBER = "database/chiso.pgdump"
UPLOADS = "files/uploads"
DATASETS = "files/datasets"
# Tables Django fills by itself on ``migrate``: rows there do not make a database "in use".
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
CHUNK = 1024 * 1024


class BackupError(ChisoError):
    """A backup or restore that cannot go on; the message says why and what to do."""

    code = "backup_failed"


@dataclass
class Manifest:
    """What an archive holds; ``files`` maps each member to its SHA-256 and size."""

    vendor: str
    created_at: str
    tables: dict[str, int]
    files: dict[str, dict[str, Any]]
    migrations: list[list[str]]
    missing: list[str] = field(default_factory=list)
    chiso_version: str = __version__

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "chiso_version": self.chiso_version,
            "created_at": self.created_at,
            "database": {"vendor": self.vendor, "member": self.database_member},
            "tables": self.tables,
            "migrations": self.migrations,
            "files": self.files,
            "missing": self.missing,
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError("format")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"Bản sao lưu theo định dạng phiên bản {data.get('format_version')}, "
                    f"chiso {__version__} chỉ đọc được phiên bản {FORMAT_VERSION}."
                )
            manifest = cls(
                vendor=str(data["database"]["vendor"]),
                created_at=str(data["created_at"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                files={
                    str(k): {"sha256": str(v["sha256"]), "size": int(v["size"])}
                    for k, v in data["files"].items()
                },
                migrations=[[str(a), str(b)] for a, b in data["migrations"]],
                missing=[str(m) for m in data.get("missing", [])],
                chiso_version=str(data.get("chiso_version", "")),
            )
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError("Tệp không phải bản sao lưu của chiso (bản kê hỏng).") from None
        if manifest.vendor not in ("sqlite", "postgresql"):
            raise BackupError("Tệp không phải bản sao lưu của chiso (bản kê hỏng).")
        if manifest.database_member not in manifest.files:
            raise BackupError("Bản sao lưu không có cơ sở dữ liệu.")
        return manifest

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.vendor == "sqlite" else PGDUMP_MEMBER

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def stored_files(self) -> int:
        return sum(1 for name in self.files if name.startswith("files/"))

    @property
    def size(self) -> int:
        return sum(entry["size"] for entry in self.files.values())


# -- where things are -----------------------------------------------------------------------


def _vendor() -> str:
    from django.db import connection

    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"chiso chưa sao lưu được cơ sở dữ liệu {connection.vendor}.")
    return connection.vendor


def _sqlite_path() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"]).absolute()


def _folders() -> dict[str, Path]:
    """Archive prefix → the folder on this machine."""
    from django.conf import settings

    return {
        UPLOADS: Path(settings.CHISO_UPLOAD_DIR).absolute(),
        DATASETS: Path(settings.DATA_DIR).absolute() / "datasets",
    }


def _stored_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX name, path) of every finished file under ``folder``.

    Names starting with a dot are work in progress (``.<name>.part``, an import being checked)
    and symlinks are never followed: neither belongs in a backup.
    """
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            yield path.relative_to(folder).as_posix(), path


def _referenced(rows: dict[str, list[tuple]]) -> set[str]:
    """Archive names of the files the copied rows point to (to report any that vanished)."""
    names = {f"{DATASETS}/{path}" for (path,) in rows["datasets"]}
    names |= {f"{UPLOADS}/{owner}/{stored}" for owner, stored in rows["attachments"]}
    names |= {f"{UPLOADS}/actions/{owner}/{stored}" for owner, stored in rows["evidence"]}
    return names


def _reference_queries() -> dict[str, str]:
    from chiso.web.actions.models import ActionEvidence as Evidence
    from chiso.web.campaigns.models import Attachment
    from chiso.web.datasets.models import Dataset

    return {
        "datasets": f'SELECT "stored_path" FROM "{Dataset._meta.db_table}"',
        "attachments": (
            f'SELECT "contribution_id", "stored_name" FROM "{Attachment._meta.db_table}"'
        ),
        "evidence": f'SELECT "action_id", "stored_name" FROM "{Evidence._meta.db_table}"',
    }


# -- backup ---------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Reads a file for ``tarfile`` while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _Hashing(handle)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def backup(target: Path) -> Manifest:
    """Write the archive ``target`` (refusing an existing file) while the server keeps running."""
    target = Path(target).absolute()
    if target.exists():
        raise BackupError(f"Tệp {target} đã có; hãy chọn tên khác (không ghi đè bản sao lưu cũ).")
    if not target.parent.is_dir():
        raise BackupError(f"Không có thư mục {target.parent}.")
    vendor = _vendor()
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with tempfile.TemporaryDirectory(prefix="chiso-backup-") as work:
            snapshot = Path(work) / "database"
            if vendor == "sqlite":
                tables, migrations, rows = _sqlite_snapshot(snapshot)
            else:
                tables, migrations, rows = _postgres_dump(snapshot)
            manifest = Manifest(
                vendor=vendor,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                tables=tables,
                files={},
                migrations=migrations,
            )
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                member = manifest.database_member
                manifest.files[member] = _add(archive, member, snapshot)
                for prefix, folder in _folders().items():
                    for relative, path in _stored_files(folder):
                        name = f"{prefix}/{relative}"
                        with suppress(FileNotFoundError):  # deleted meanwhile: see ``missing``
                            manifest.files[name] = _add(archive, name, path)
                manifest.missing = sorted(_referenced(rows) - manifest.files.keys())
                raw = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(raw)
                info.mtime = int(datetime.now(UTC).timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(raw))
        _fsync(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _sqlite_snapshot(snapshot: Path) -> tuple[dict[str, int], list[list[str]], dict]:
    """Copy the live database with SQLite's backup API, in one step: the copy is one read
    transaction, a consistent state even while the server writes (WAL: readers do not block
    the writer, and the writer does not restart a one-step copy)."""
    source_path = _sqlite_path()
    if not source_path.exists():
        raise BackupError(f"Không có cơ sở dữ liệu {source_path}.")
    try:
        source = sqlite3.connect(f"{source_path.as_uri()}?mode=ro", uri=True, timeout=20)
        copy = sqlite3.connect(snapshot)
        try:
            source.backup(copy)
        finally:
            source.close()
        try:
            tables, migrations = _sqlite_counts(copy)
            rows = {key: copy.execute(sql).fetchall() for key, sql in _reference_queries().items()}
        finally:
            copy.close()
    except sqlite3.Error as exc:  # not a chiso database, or not migrated yet
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu {source_path}: {exc}.") from None
    return tables, migrations, rows


def _sqlite_counts(db: sqlite3.Connection) -> tuple[dict[str, int], list[list[str]]]:
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    tables = {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    migrations = []
    if "django_migrations" in tables:
        migrations = [
            [app, name]
            for app, name in db.execute("SELECT app, name FROM django_migrations ORDER BY id")
        ]
    return tables, migrations


# -- PostgreSQL -----------------------------------------------------------------------------


def _pg_settings() -> dict[str, Any]:
    from django.conf import settings

    return settings.DATABASES["default"]


def _pg_env() -> dict[str, str]:
    """libpq's variables for pg_dump, pg_restore and psql: the password never shows in ``ps``."""
    db = _pg_settings()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _pg_instructions() -> str:
    db = _pg_settings()
    where = f"-h {db.get('HOST') or 'localhost'} -p {db.get('PORT') or 5432} -U {db.get('USER')}"
    name = db.get("NAME")
    folders = _folders()
    return (
        "Cài công cụ của PostgreSQL (apt-get install postgresql-client, cùng phiên bản với máy "
        "chủ PostgreSQL) rồi chạy lại; hoặc làm bằng tay:\n"
        f"  Sao lưu:   pg_dump -Fc {where} -f chiso.pgdump {name}\n"
        f"             tar czf tep-chiso.tar.gz -C {folders[UPLOADS]} . "
        f"(và -C {folders[DATASETS]} .)\n"
        f"  Khôi phục: pg_restore --single-transaction --no-owner {where} -d {name} "
        "chiso.pgdump\n"
        "             rồi giải nén tep-chiso.tar.gz vào đúng hai thư mục trên."
    )


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name}.\n{_pg_instructions()}")
    return path


def _pg_connect():
    from django.db import connection

    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    return raw


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [name for (name,) in cursor.fetchall()]


def _postgres_dump(snapshot: Path) -> tuple[dict[str, int], list[list[str]], dict]:
    """``pg_dump -Fc`` of a snapshot exported by a REPEATABLE READ transaction, which also
    counts the rows: the counts and the dump describe the same instant."""
    from django.db import connection

    pg_dump = _pg_tool("pg_dump")
    try:
        return _postgres_snapshot(pg_dump, snapshot)
    except connection.Database.Error as exc:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu PostgreSQL: {exc}") from None


def _postgres_snapshot(
    pg_dump: str, snapshot: Path
) -> tuple[dict[str, int], list[list[str]], dict]:
    raw = _pg_connect()
    try:
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            tables = {}
            for name in _pg_tables(cursor):
                cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
                tables[name] = cursor.fetchone()[0]
            migrations = []
            if "django_migrations" in tables:
                cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
                migrations = [[app, name] for app, name in cursor.fetchall()]
            rows = {}
            for key, sql in _reference_queries().items():
                cursor.execute(sql)
                rows[key] = cursor.fetchall()
            result = subprocess.run(
                [pg_dump, "-Fc", f"--snapshot={snapshot_id}", "-f", str(snapshot)],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
            cursor.execute("COMMIT")
    finally:
        raw.close()
    if result.returncode != 0:
        raise BackupError(f"pg_dump thất bại: {result.stderr.strip()}\n{_pg_instructions()}")
    return tables, migrations, rows


# -- verify ---------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    if name == MANIFEST:
        return True
    path = PurePosixPath(name)
    if path.is_absolute() or name != path.as_posix() or "\\" in name:
        return False
    if any(part in ("", ".", "..") for part in path.parts):
        return False
    if name in (SQLITE_MEMBER, PGDUMP_MEMBER):
        return True
    return any(name.startswith(f"{prefix}/") for prefix in (UPLOADS, DATASETS))


def _members(archive: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, io.BufferedReader]]:
    """Every member as a stream, refusing anything but a regular file at a known, safe name."""
    seen = set()
    for info in archive:
        if not info.isreg() or not _safe_member(info.name) or info.name in seen:
            raise BackupError(f"Bản sao lưu có mục không hợp lệ: {info.name!r}.")
        seen.add(info.name)
        yield info, archive.extractfile(info)


def _copy_hashing(stream, out) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest(), size


@contextmanager
def _open_archive(source: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(source, "r:gz") as archive:
            yield archive
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise BackupError(f"Không có tệp {source}.") from None
        raise BackupError(
            f"Tệp {source} hỏng hoặc không phải bản sao lưu .tar.gz ({exc})."
        ) from None


def verify(source: Path) -> Manifest:
    """Read the whole archive; return its manifest when every file is present and intact."""
    source = Path(source)
    found: dict[str, tuple[str, int]] = {}
    raw = None
    with _open_archive(source) as archive:
        for info, stream in _members(archive):
            if info.name == MANIFEST:
                raw = stream.read()
            else:
                found[info.name] = _copy_hashing(stream, None)
    if raw is None:
        raise BackupError(f"Tệp {source} không có bản kê (manifest.json): không phải bản sao lưu.")
    manifest = Manifest.from_json(raw)
    _compare(manifest, found)
    return manifest


def _compare(manifest: Manifest, found: dict[str, tuple[str, int]]) -> None:
    problems = []
    for name, expected in sorted(manifest.files.items()):
        if name not in found:
            problems.append(f"thiếu {name}")
        elif found[name] != (expected["sha256"], expected["size"]):
            problems.append(f"{name} sai mã kiểm tra SHA-256 (tệp bị hỏng hoặc bị sửa)")
    problems += [
        f"thừa {name} (không có trong bản kê)" for name in found if name not in manifest.files
    ]
    if problems:
        shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        raise BackupError(f"Bản sao lưu không toàn vẹn, không khôi phục gì: {shown}.")


# -- restore --------------------------------------------------------------------------------


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _sqlite_in_use(path: Path) -> bool:
    if not path.exists():
        return False
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=20)
    try:
        tables, _ = _sqlite_counts(db)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Không đọc được cơ sở dữ liệu hiện có {path} ({exc}).") from None
    finally:
        db.close()
    return any(count for name, count in tables.items() if name not in BOOKKEEPING)


def _postgres_in_use() -> bool:
    from django.db import connection

    try:
        raw = _pg_connect()
    except connection.Database.Error as exc:
        raise BackupError(f"Không kết nối được cơ sở dữ liệu PostgreSQL: {exc}") from None
    try:
        with raw.cursor() as cursor:
            for name in _pg_tables(cursor):
                if name in BOOKKEEPING:
                    continue
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')
                if cursor.fetchone()[0]:
                    return True
    finally:
        raw.close()
    return False


def _folder_in_use(folder: Path) -> bool:
    return any(True for _ in _stored_files(folder))


def restore(source: Path, *, force: bool = False) -> Manifest:
    """Replace this installation's database and files with the archive's; then ``migrate``."""
    from django.core.management import call_command
    from django.db import connections

    source = Path(source).absolute()
    manifest = verify(source)
    vendor = _vendor()
    if manifest.vendor != vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"Bản sao lưu là của {names[manifest.vendor]}, còn cơ sở dữ liệu đang cấu hình là "
            f"{names[vendor]}: không khôi phục chéo được."
        )
    unknown = {tuple(m) for m in manifest.migrations} - _known_migrations()
    if unknown:
        raise BackupError(
            f"Bản sao lưu do chiso {manifest.chiso_version or 'mới hơn'} tạo, có cấu trúc dữ liệu "
            f"mà bản chiso {__version__} này chưa biết ({len(unknown)} migration); hãy nâng cấp "
            "chiso trước khi khôi phục."
        )
    # Resolved: a folder behind a symlink (uploads on a bigger disk) is replaced where it is.
    folders = {prefix: folder.resolve() for prefix, folder in _folders().items()}
    if not force:
        used = [str(f) for f in folders.values() if _folder_in_use(f)]
        in_use = _sqlite_in_use(_sqlite_path()) if vendor == "sqlite" else _postgres_in_use()
        if in_use:
            used.insert(0, "cơ sở dữ liệu")
        if used:
            raise BackupError(
                f"Nơi khôi phục đã có dữ liệu ({', '.join(used)}); không ghi đè. Thêm --force để "
                "thay toàn bộ dữ liệu hiện có bằng bản sao lưu."
            )
    connections.close_all()
    token = uuid.uuid4().hex[:8]
    staged: dict[str, Path] = {
        prefix: folder.with_name(f".{folder.name}.restore-{token}")
        for prefix, folder in folders.items()
    }
    staged_db = Path(tempfile.gettempdir()) / f"chiso-restore-{token}.pgdump"
    if vendor == "sqlite":
        live = _sqlite_path()
        live.parent.mkdir(parents=True, exist_ok=True)
        staged_db = live.with_name(f".{live.name}.restore-{token}")
    try:
        _unpack(source, manifest, staged, staged_db)
        if vendor == "sqlite":
            _check_sqlite(staged_db)
            _release_sqlite(_sqlite_path())
            _swap_folders(folders, staged, token)
            os.replace(staged_db, _sqlite_path())
            _fsync_dir(_sqlite_path().parent)
        else:
            _restore_postgres(staged_db)
            _swap_folders(folders, staged, token)
    finally:
        for path in [*staged.values(), staged_db]:
            _remove(path)
    call_command("migrate", interactive=False, verbosity=0)
    return manifest


def _unpack(source: Path, manifest: Manifest, staged: dict[str, Path], staged_db: Path) -> None:
    """Second pass: write every member to its staging place, hashing again what is written (the
    archive could have changed since :func:`verify`)."""
    found: dict[str, tuple[str, int]] = {}
    for folder in staged.values():
        folder.mkdir(parents=True, mode=0o700)
    with _open_archive(source) as archive:
        for info, stream in _members(archive):
            if info.name == MANIFEST:
                continue
            if info.name == manifest.database_member:
                target = staged_db
            else:
                prefix = next((p for p in staged if info.name.startswith(f"{p}/")), None)
                if prefix is None:  # the other vendor's database: not in the manifest
                    raise BackupError(f"Bản sao lưu có mục không hợp lệ: {info.name!r}.")
                target = staged[prefix] / info.name.removeprefix(f"{prefix}/")
                if not target.resolve().is_relative_to(staged[prefix].resolve()):
                    raise BackupError(f"Bản sao lưu có mục không hợp lệ: {info.name!r}.")
                target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "xb") as out:
                found[info.name] = _copy_hashing(stream, out)
                out.flush()
                os.fsync(out.fileno())
    _compare(manifest, found)


def _check_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        (result,) = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    finally:
        db.close()
    if result != "ok":
        raise BackupError(f"Cơ sở dữ liệu trong bản sao lưu bị hỏng ({result}).")


def _release_sqlite(path: Path) -> None:
    """Fold the live database's WAL back into it and leave WAL mode, which SQLite allows only
    when no other connection is open: a running server is detected here, before anything is
    replaced, and no stale ``-wal`` file can be replayed onto the restored database."""
    if not path.exists():
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    db = sqlite3.connect(path, timeout=0)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (mode,) = db.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError:
        mode = "busy"
    except sqlite3.DatabaseError:  # not a database any more (--force): nothing to keep
        mode = "delete"
        Path(f"{path}-wal").unlink(missing_ok=True)
    finally:
        db.close()
    if mode != "delete" or Path(f"{path}-wal").exists():
        raise BackupError(
            f"Cơ sở dữ liệu {path} đang được dùng: hãy dừng máy chủ chiso (và mọi lệnh đang "
            "chạy với dữ liệu này) rồi khôi phục lại. Chưa thay đổi gì."
        )
    Path(f"{path}-shm").unlink(missing_ok=True)


def _restore_postgres(dump: Path) -> None:
    """``pg_restore`` turns the dump into SQL; ``psql`` runs it in one transaction after
    emptying the schema (an "empty" database may still hold the tables ``migrate`` made): the
    database ends as the dump or as it was."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    script = dump.with_suffix(".sql")
    try:
        result = subprocess.run(
            [pg_restore, "--no-owner", "--no-privileges", "-f", str(script), str(dump)],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            command = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
            command += ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"]
            result = subprocess.run(
                [*command, "-f", str(script)],
                env=_pg_env(),
                capture_output=True,
                text=True,
                check=False,
            )
    finally:
        script.unlink(missing_ok=True)
    if result.returncode != 0:
        raise BackupError(
            f"Khôi phục PostgreSQL thất bại, cơ sở dữ liệu giữ nguyên: {result.stderr.strip()}"
        )


def _swap_folders(folders: dict[str, Path], staged: dict[str, Path], token: str) -> None:
    """Each staged folder takes its target's name; the old one is removed afterwards."""
    for prefix, folder in folders.items():
        folder.parent.mkdir(parents=True, exist_ok=True)
        old = folder.with_name(f".{folder.name}.old-{token}")
        if folder.exists():
            os.replace(folder, old)
        os.replace(staged[prefix], folder)
        _fsync_dir(folder.parent)
        _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (the directory entry), where the platform allows it."""
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
