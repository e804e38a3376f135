"""Look inside a ZIP archive (XLSX, DOCX) before any reader inflates it.

One implementation for every way a ZIP comes in: the XLSX tables the importers read
(:mod:`chiso.tabular`) and the attachments and evidence the web app stores
(:mod:`chiso.web.files`). A few hundred kilobytes can inflate to gigabytes (a "zip bomb"); the
archive's directory says how much each member will inflate to, and Python's ``zipfile`` never
inflates a member past its declared size, so the declared sizes are what a reader would really
produce. Judging them costs only reading the directory.

The ratio rule skips members under :data:`RATIO_FLOOR_BYTES`: a small XML part may compress very
well legitimately and costs little anyway; the total cap covers many small parts.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024


def members(source: str | Path | IO[bytes]) -> list[zipfile.ZipInfo] | None:
    """The archive's members as its directory declares them, or None if ``source`` is not a
    readable ZIP (random bytes, a truncated download, a damaged directory)."""
    try:
        with zipfile.ZipFile(source) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None


def inflates_too_much(
    infos: Iterable[zipfile.ZipInfo],
    *,
    max_total: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR_BYTES,
) -> bool:
    """True if the members would inflate past ``max_total`` bytes in all, or one member over
    ``ratio_floor`` bytes is compressed more than ``max_ratio`` times."""
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > ratio_floor and info.file_size > max_ratio * max(info.compress_size, 1):
            return True
    return total > max_total


def refusal_message(
    display: str, *, max_total: int = MAX_UNCOMPRESSED_BYTES, max_ratio: int = MAX_RATIO
) -> str:
    """The Vietnamese sentence both faces show for an archive :func:`inflates_too_much`."""
    return (
        f"Tệp '{display}' bị từ chối: nội dung nén bất thường (giải nén vượt "
        f"{max_total // (1024 * 1024)} MB hoặc nén hơn {max_ratio} lần), có thể là tệp độc hại."
    )
