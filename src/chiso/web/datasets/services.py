"""Every write of imported data: import a file through the core importer, re-activate an old one.

An import is all or nothing. The core importer reads and checks the whole file first; a rejected
file raises :class:`~chiso.errors.ValidationFailed` listing every problem, and nothing remains:
no row, no audit entry, no file. An accepted file is moved into place with one ``os.replace`` and
recorded in one transaction; if that transaction fails, the file is removed again.

Checking a large file takes seconds. It runs *before* the transaction, because SQLite write
transactions start IMMEDIATE here: holding the write lock while reading 7.800 survey forms would
stall every other user's save. The transaction itself (``_register``) only writes rows.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chiso import units
from chiso.errors import ChisoError, ValidationFailed
from chiso.tabular import MAX_BYTES
from chiso.web import faults, files
from chiso.web.accounts.models import User
from chiso.web.accounts.permissions import require_coordinator
from chiso.web.audit.services import record
from chiso.web.datasets import storage
from chiso.web.datasets.models import Dataset
from chiso.web.races import retry_on_collision

Kind = Dataset.Kind
SUFFIXES = (".csv", ".xlsx")
FLAGS_KEPT = 20  # survey warnings copied to the row; the manifest beside the Parquet has them all


@dataclass(frozen=True)
class _Placed:
    """What the core accepted, already moved to its final place."""

    standard: str
    rows: int
    details: dict[str, Any]
    stored_path: str


def province_name(province: str, year: int) -> str:
    """The province's official name in ``year`` ("Lạng Sơn"), as the core spells it."""
    try:
        return units.find_province(province, year).name
    except ChisoError as exc:
        raise ValidationError(exc.message) from None


def questionnaire_names() -> tuple[str, ...]:
    """The questionnaires shipped with chiso; only these may be chosen (never a path)."""
    from chiso.sipas.questionnaire import embedded_names

    return embedded_names()


def dataset_import(
    *,
    acting_user: User,
    kind: str,
    province: str,
    year: int,
    uploaded_file,
    questionnaire: str | None = None,
) -> Dataset:
    """Validate ``uploaded_file`` with the core importer of ``kind`` and make it the active
    dataset of (``kind``, ``province``, ``year``).

    Raises ``ValidationFailed`` (every problem, located by file, sheet, row and column; the
    user's file name, not the stored one) or ``ValidationError`` for a wrong upload or choice.
    """
    require_coordinator(acting_user)
    if kind not in Kind.values:
        raise ValidationError("Loại dữ liệu không hợp lệ.")
    display = files.safe_display_name(getattr(uploaded_file, "name", ""), default="tep-du-lieu")
    suffix = _check_upload(uploaded_file, display)
    name = province_name(province, year)
    standard = _standard(kind, year, questionnaire)
    folder = storage.root()
    folder.mkdir(parents=True, exist_ok=True)
    stem = uuid.uuid4().hex
    incoming = folder / f".{stem}{suffix}"  # hidden work names in the same folder
    staging = folder / f".{stem}"
    try:
        _, sha256 = files.write(uploaded_file, incoming)
        faults.point("import.received")
        placed = _validate_and_place(
            kind,
            incoming,
            staging,
            stem,
            suffix,
            province=name,
            year=year,
            standard=standard,
            display=display,
        )
    except ValidationFailed as exc:
        raise _shown(exc, incoming.name, display) from None
    except ChisoError as exc:  # any other refusal of the core, in its own words
        raise ValidationError(exc.message.replace(incoming.name, display)) from None
    finally:
        storage.remove(incoming)
        storage.remove(staging)
    final = folder / placed.stored_path.split("/")[0]
    faults.point("import.placed")
    try:
        return _register(
            acting_user=acting_user,
            kind=kind,
            province=name,
            year=year,
            original_name=display,
            sha256=sha256,
            placed=placed,
        )
    except BaseException:
        storage.remove(final)
        raise


def _check_upload(uploaded_file, display: str) -> str:
    suffix = Path(display).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(f"Tệp '{display}': chỉ nhận tệp .csv hoặc .xlsx.")
    if uploaded_file.size == 0:
        raise ValidationError(f"Tệp '{display}' rỗng.")
    if uploaded_file.size > MAX_BYTES:
        raise ValidationError(f"Tệp '{display}' quá lớn: tối đa {MAX_BYTES // (1024 * 1024)} MB.")
    return suffix


def _standard(kind: str, year: int, questionnaire: str | None) -> str:
    """The framework's year file, or the questionnaire's name, checked before any file is
    written: a wrong choice is the user's mistake, not the file's."""
    try:
        if kind == Kind.RESPONSES:
            if questionnaire not in questionnaire_names():
                raise ValidationError("Hãy chọn một bảng hỏi có sẵn.")
            return questionnaire
        from chiso.frameworks import embedded

        return embedded(year).code
    except ChisoError as exc:
        raise ValidationError(exc.message) from None


def _validate_and_place(
    kind: str,
    incoming: Path,
    staging: Path,
    stem: str,
    suffix: str,
    *,
    province: str,
    year: int,
    standard: str,
    display: str,
) -> _Placed:
    """Run the core importer; when it accepts, move the result to its final name."""
    from chiso.frameworks import embedded
    from chiso.parindex.importers import import_results_table, import_score_sheet
    from chiso.sipas.questionnaire import embedded as questionnaire
    from chiso.sipas.responses import import_responses

    folder = incoming.parent
    if kind == Kind.RESPONSES:
        q = questionnaire(standard)
        survey = import_responses(incoming, questionnaire=q, store=staging)
        os.replace(staging, folder / stem)
        return _Placed(
            standard=q.code,
            rows=survey.rows,
            details={
                "counts": survey.manifest["counts"],
                "flags": [str(replace(f, file=display)) for f in survey.flags[:FLAGS_KEPT]],
            },
            stored_path=f"{stem}/{survey.parquet.name}",
        )
    framework = embedded(year)
    if kind == Kind.RESULTS:
        table = import_results_table(incoming, year=year, framework=framework)
        rows, illustrative = len(table.rows), bool(table.any_illustrative)
    else:
        sheet = import_score_sheet(incoming, framework=framework, province=province, year=year)
        rows, illustrative = len(sheet.lines), bool(sheet.illustrative)
    os.replace(incoming, folder / f"{stem}{suffix}")
    return _Placed(
        standard=standard,
        rows=rows,
        details={"illustrative": illustrative},
        stored_path=f"{stem}{suffix}",
    )


def _shown(exc: ValidationFailed, hidden: str, shown: str) -> ValidationFailed:
    """The same failure, naming the user's file instead of the hidden work file."""
    problems = [
        replace(
            p,
            file=shown if p.file == hidden else p.file,
            message=p.message.replace(hidden, shown),
        )
        for p in exc.problems
    ]
    return ValidationFailed(exc.message.replace(hidden, shown), problems)


def _slot(*, kind: str, province: str, year: int, standard: str) -> dict[str, object]:
    """The filter of the datasets a new active one replaces: the same kind, province and year,
    and for surveys the same questionnaire (the database's constraints say the same)."""
    slot: dict[str, object] = {"kind": kind, "province": province, "year": year}
    if kind == Kind.RESPONSES:
        slot["standard"] = standard
    return slot


def _collision(kind: str, year: int) -> str:
    return f"nhập hoặc dùng lại {Kind(kind).label.lower()} năm {year}"


@transaction.atomic(durable=True)  # committed when it returns: the caller may then keep the file
def _register(
    *,
    acting_user: User,
    kind: str,
    province: str,
    year: int,
    original_name: str,
    sha256: str,
    placed: _Placed,
) -> Dataset:
    """The row and its audit entry; the previous active dataset steps down."""
    slot = _slot(kind=kind, province=province, year=year, standard=placed.standard)
    current = list(Dataset.objects.select_for_update().filter(**slot, active=True))
    Dataset.objects.filter(pk__in=[d.pk for d in current]).update(active=False)
    dataset = Dataset(
        kind=kind,
        province=province,
        year=year,
        standard=placed.standard,
        original_name=original_name,
        stored_path=placed.stored_path,
        rows=placed.rows,
        sha256=sha256,
        details=placed.details,
        uploaded_by=acting_user,
        active=True,
    )
    # The first import of a slot (see _slot) has no active row to lock: two at once both
    # insert, and a unique constraint refuses the second. The database decides, not full_clean,
    # so that either way the loser reads the same message.
    dataset.full_clean(validate_constraints=False)
    with retry_on_collision(_collision(kind, year)):
        dataset.save()
    faults.point("import.row_saved")
    record(
        actor=acting_user,
        event="dataset.imported",
        obj=dataset,
        old={"active": current[0].pk} if current else None,
        new={
            "kind": kind,
            "province": province,
            "year": year,
            "standard": placed.standard,
            "file": original_name,
            "rows": placed.rows,
            "sha256": sha256,
        },
    )
    faults.point_after_commit("import.committed")
    return dataset


@transaction.atomic
def dataset_activate(*, acting_user: User, dataset: Dataset) -> Dataset:
    """Make an older import the one the dashboard uses, in place of the active one of the same
    (kind, province, year) — for surveys, of the same questionnaire too."""
    require_coordinator(acting_user)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.active:
        raise ValidationError("Bộ dữ liệu này đang được dùng.")
    if not storage.path_of(dataset).exists():
        raise ValidationError(
            f"Không còn tệp của bộ dữ liệu '{dataset.original_name}' trên máy chủ; "
            "hãy nhập lại tệp."
        )
    slot = _slot(
        kind=dataset.kind, province=dataset.province, year=dataset.year, standard=dataset.standard
    )
    current = list(Dataset.objects.select_for_update().filter(**slot, active=True))
    Dataset.objects.filter(pk__in=[d.pk for d in current]).update(active=False)
    dataset.active = True
    with retry_on_collision(_collision(dataset.kind, dataset.year)):
        dataset.save(update_fields=["active"])
    record(
        actor=acting_user,
        event="dataset.activated",
        obj=dataset,
        old={"active": current[0].pk} if current else None,
        new={"active": dataset.pk},
    )
    return dataset
