"""Files a crash left behind, dealt with when the application next starts (``chiso serve``,
``django-admin chiso_prepare``).

Uploads and imports write their file *before* the transaction that records it, so a server
killed in between leaves a file no row names: a work file (hidden name: ``.<name>.part``, an
import still being checked) or a finished file whose row was rolled back. Neither is ever shown
or served — only rows lead to files — but they take disk space and would go into backups.

- Work files are deleted: no row ever names a hidden file.
- A finished file no row names is *moved* into the folder's hidden ``.orphaned/``, not
  deleted, and only when the database names at least one other file of that folder: pointed at
  the wrong database (a forgotten ``DATABASE_URL``, an old copy), every file would look
  orphaned, and nothing may be lost because of a configuration mistake.

Only names chiso itself makes are touched (random hex names in the folders it owns), and only
once they are older than :data:`STALE_AFTER`: another server process may be between writing a
file and committing its row right now, and that takes seconds, not an hour.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings

STALE_AFTER = timedelta(hours=1)
ORPHANED = ".orphaned"
# <stem>.csv / .xlsx (tables) and <stem>/ (survey Parquet folder); work names start with dots
# and may end in .part while being written.
_DATASET_ENTRY = re.compile(r"\A(?P<work>\.*)[0-9a-f]{32}(\.csv|\.xlsx)?(?P<part>\.part)?\Z")
# <contribution id>/<stored name> and actions/<action id>/<stored name> (files.path_for).
_UPLOAD_FILE = re.compile(r"\A(?P<work>\.?)[0-9a-f]{32}(?P<part>\.part)?\Z")
_OWNER = re.compile(r"\A[0-9]+\Z")

log = logging.getLogger(__name__)


@dataclass
class Swept:
    removed: list[Path] = field(default_factory=list)  # work files, deleted
    set_aside: list[Path] = field(default_factory=list)  # finished orphans, now in .orphaned/


def stale_files_remove(*, older_than: timedelta = STALE_AFTER) -> Swept:
    """Delete stale work files and set aside stale files no row names (see the module)."""
    cutoff = time.time() - older_than.total_seconds()
    swept = Swept()
    _datasets(cutoff, swept)
    _uploads(cutoff, swept)
    for path in swept.removed:
        log.warning("Đã xóa tệp tạm bỏ dở sau sự cố: %s", path)
    for path in swept.set_aside:
        log.warning("Tệp không thuộc bản ghi nào, đã chuyển vào %s: %s", ORPHANED, path)
    return swept


def _stale(path: Path, cutoff: float) -> bool:
    try:
        return path.lstat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def _sweep(root: Path, entries: list[tuple[Path, bool]], named: int, swept: Swept) -> None:
    """``entries``: (stale unnamed path, is a work file); ``named``: files rows name here."""
    for path, work in entries:
        if work:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            swept.removed.append(path)
        elif named:
            target = root / ORPHANED / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            swept.set_aside.append(path)
        else:
            log.warning(
                "Không bản ghi nào trỏ tới tệp trong %s: cơ sở dữ liệu có đúng không? Giữ nguyên "
                "tệp %s.",
                root,
                path,
            )


def _datasets(cutoff: float, swept: Swept) -> None:
    from chiso.web.datasets import storage
    from chiso.web.datasets.models import Dataset

    root = storage.root()
    if not root.is_dir():
        return
    named = {p.split("/")[0] for p in Dataset.objects.values_list("stored_path", flat=True)}
    entries, present = [], 0
    for entry in root.iterdir():
        match = _DATASET_ENTRY.match(entry.name)
        if match is None:
            continue
        if entry.name in named:
            present += 1
        elif _stale(entry, cutoff):
            entries.append((entry, bool(match["work"] or match["part"])))
    _sweep(root, entries, present, swept)


def _uploads(cutoff: float, swept: Swept) -> None:
    from chiso.web.actions.models import ActionEvidence
    from chiso.web.campaigns.models import Attachment

    root = Path(settings.CHISO_UPLOAD_DIR).absolute()
    if not root.is_dir():
        return
    named = {
        f"{owner}/{name}"
        for owner, name in Attachment.objects.values_list("contribution_id", "stored_name")
    }
    named |= {
        f"actions/{owner}/{name}"
        for owner, name in ActionEvidence.objects.values_list("action_id", "stored_name")
    }
    folders = [d for d in root.iterdir() if _OWNER.match(d.name)]
    actions = root / "actions"
    if actions.is_dir() and not actions.is_symlink():
        folders += [d for d in actions.iterdir() if _OWNER.match(d.name)]
    entries, present = [], 0
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in folder.iterdir():
            match = _UPLOAD_FILE.match(entry.name)
            if match is None or not entry.is_file() or entry.is_symlink():
                continue
            if entry.relative_to(root).as_posix() in named:
                present += 1
            elif _stale(entry, cutoff):
                entries.append((entry, bool(match["work"] or match["part"])))
    _sweep(root, entries, present, swept)
