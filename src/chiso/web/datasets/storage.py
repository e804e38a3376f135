"""Where imported files live on disk, and the few file operations the import needs.

Everything sits in one folder, ``<DATA_DIR>/datasets``. Work in progress uses hidden names
(leading dot) in that same folder, so finishing is one ``os.replace`` on one file system:
a crash leaves either nothing or a complete file, never half of one under a real name.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
from pathlib import Path

from django.conf import settings

from chiso.web.datasets.models import Dataset


def root() -> Path:
    return Path(settings.DATA_DIR).absolute() / "datasets"


def path_of(dataset: Dataset) -> Path:
    """The stored file (a score sheet, a results table, or the responses' Parquet)."""
    return root() / dataset.stored_path


def display_name(name: str) -> str:
    """The user's file name reduced to something safe to show: last path part, no control
    characters, no leading dots, at most 255 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    name = name.strip() or "tep-du-lieu"
    if len(name) > 255:
        stem, _, suffix = name.rpartition(".")
        name = f"{stem[: 254 - len(suffix)]}.{suffix}" if len(suffix) <= 10 else name[:255]
    return name


def save_upload(uploaded_file, target: Path) -> str:
    """Copy an upload to ``target`` (a new file) and return its SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(target, "xb") as out:
        uploaded_file.seek(0)
        for chunk in uploaded_file.chunks():
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def remove(path: Path) -> None:
    """Delete a file or a directory if it exists."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
