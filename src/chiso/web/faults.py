"""Test-only pauses inside risky writes, so the crash test can kill the server at a known point.

A service calls :func:`point` with a name ("submit.version_saved") between two of its writes.
Normally that is a no-op. When the environment variable ``CHISO_FAULT_DIR`` names a folder, the
settings are not production, and that folder's ``pause`` file holds the same name, the process
writes ``reached`` (the point and its pid) into the folder and sleeps: the test waits for that
file, then SIGKILLs the pid in the middle of the transaction.

It can never pause a production server: ``CHISO_ENV=production`` turns it off whatever the
environment says, and nothing in the web application sets the variable.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

ENV = "CHISO_FAULT_DIR"
PAUSE_SECONDS = 60


def _folder() -> Path | None:
    folder = os.environ.get(ENV)
    if not folder or getattr(settings, "PRODUCTION", True):
        return None
    return Path(folder)


def point(name: str) -> None:
    """Pause here when the crash test asks for ``name``; otherwise return at once."""
    folder = _folder()
    if folder is None:
        return
    try:
        wanted = (folder / "pause").read_text(encoding="utf-8").strip()
    except OSError:
        return
    if wanted != name:
        return
    reached = folder / "reached"
    partial = folder / f".reached.{os.getpid()}"
    partial.write_text(f"{name} {os.getpid()}", encoding="utf-8")
    os.replace(partial, reached)  # the test never reads half a line
    time.sleep(PAUSE_SECONDS)


def point_after_commit(name: str) -> None:
    """:func:`point` right after the current transaction commits (registered only when pauses
    are on, so production transactions carry no extra callback)."""
    if _folder() is not None:
        transaction.on_commit(lambda: point(name))
