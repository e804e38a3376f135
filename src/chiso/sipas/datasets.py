"""Find the questionnaire of a response file and turn any accepted input into Parquet.

Stored datasets carry their manifest in the Parquet metadata, so ``chiso survey estimate
FILE.parquet`` knows which questionnaire version the answers follow; a CSV/XLSX is validated
and stored first, exactly as ``chiso survey import`` does.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from chiso.errors import ChisoError
from chiso.sipas.questionnaire import Questionnaire, embedded, embedded_names, resolve
from chiso.sipas.responses import Progress, import_responses


def manifest(path: str | Path) -> dict[str, Any]:
    """The chiso manifest stored in a Parquet file's metadata, or ``{}``."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(b"chiso")
    return json.loads(raw) if raw else {}


def questionnaire_for(path: str | Path, name: str | None) -> Questionnaire:
    """The questionnaire named by the user, else the one recorded in the dataset."""
    if name:
        return resolve(name)
    code = (
        manifest(path).get("questionnaire", {}).get("code")
        if str(path).endswith(".parquet")
        else None
    )
    for candidate in embedded_names():
        if code and embedded(candidate).code == code:
            return embedded(candidate)
    raise ChisoError(
        "Không xác định được bảng hỏi của tệp; hãy chỉ rõ --questionnaire (các bảng hỏi có sẵn: "
        + ", ".join(embedded_names())
        + ").",
        code="no_questionnaire",
    )


def as_parquet(
    path: str | Path,
    questionnaire: Questionnaire,
    *,
    store: str | Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """A Parquet dataset for ``path``: itself, or a validated import of a CSV/XLSX file."""
    path = Path(path)
    if path.suffix == ".parquet":
        if not path.is_file():
            raise ChisoError(f"Không tìm thấy tệp {path}.", code="not_found")
        return path
    folder = Path(store) if store else Path(tempfile.mkdtemp(prefix="chiso-survey-"))
    return import_responses(
        path, questionnaire=questionnaire, store=folder, progress=progress
    ).parquet
