"""Where imported files live on disk, and the few file operations the import needs.

Everything sits in one folder, ``<DATA_DIR>/datasets``. Work in progress uses hidden names
(leading dot) in that same folder, so finishing is one ``os.replace`` on one file system:
a crash leaves either nothing or a complete file, never half of one under a real name.
Display names and the copy of the upload are :mod:`chiso.web.files`' (as for attachments).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

from chiso.web.datasets.models import Dataset


def root() -> Path:
    return Path(settings.DATA_DIR).absolute() / "datasets"


def path_of(dataset: Dataset) -> Path:
    """The stored file (a score sheet, a results table, or the responses' Parquet)."""
    return root() / dataset.stored_path


def remove(path: Path) -> None:
    """Delete a file or a directory if it exists."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
