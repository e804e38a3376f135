"""Reads of imported data, and the analyses built on it.

The dashboard, and any other page that shows results (campaign opening, the action projection),
should get its PAR INDEX analysis from :func:`analysis_for` and its survey from
:func:`survey_for`: the active imported files of that province and year when there are any, else
the embedded illustrative demo. Both are computed once per set of files and kept in memory: an
imported file never changes (a new import is a new file with a new name), so the cache key
changes the moment a coordinator imports or re-activates something.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from chiso import units
from chiso.errors import NotFound
from chiso.parindex.analysis import Analysis
from chiso.web.datasets import storage
from chiso.web.datasets.models import Dataset

if TYPE_CHECKING:
    from chiso.documents.report import SurveyPart

Kind = Dataset.Kind
DEMO_SURVEY_PROVINCE = "Lạng Sơn"  # the embedded illustrative survey (chiso.demo.sipas)


def datasets() -> QuerySet[Dataset]:
    """Every import, newest first (the page's list; readers are checked by the view)."""
    return Dataset.objects.select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def _canonical(province: str, year: int) -> str:
    try:
        return units.find_province(province, year).name
    except NotFound:
        return province


def active(*, kind: str, province: str, year: int) -> Dataset | None:
    """The dataset of (``kind``, ``province``, ``year``) the dashboard uses, if one was imported."""
    return (
        Dataset.objects.select_related("uploaded_by")
        .filter(kind=kind, province=_canonical(province, year), year=year, active=True)
        .first()
    )


def imported_years(*, kind: str, province: str) -> list[int]:
    """Years with an active dataset of ``kind`` (the province name as stored)."""
    rows = Dataset.objects.filter(kind=kind, active=True, province=province)
    return sorted(set(rows.values_list("year", flat=True)))


def source_line(dataset: Dataset) -> str:
    """ "Nguồn: bang-diem.xlsx do dieuphoi nhập lúc 14:05 ngày 27/5/2026"."""
    who = dataset.uploaded_by.get_full_name() or dataset.uploaded_by.get_username()
    when = timezone.localtime(dataset.uploaded_at)
    return (
        f"Nguồn: {dataset.original_name} do {who} nhập lúc "
        f"{when:%H:%M} ngày {when.day}/{when.month}/{when.year}"
    )


# --- PAR INDEX ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParSource:
    """Which imported files an analysis reads; no score sheet means the embedded demo.

    ``history``: the active results tables of earlier years, oldest first, for the trend."""

    sheet: Dataset | None
    table: Dataset | None
    history: tuple[Dataset, ...] = ()

    @property
    def demo(self) -> bool:
        return self.sheet is None

    @property
    def key(self) -> tuple[str | None, str | None, tuple[tuple[int, str], ...]]:
        """Stored names are random and never reused: a safe cache key across databases."""
        if self.sheet is None:
            return None, None, ()
        return (
            self.sheet.stored_path,
            self.table.stored_path if self.table else None,
            tuple((d.year, d.stored_path) for d in self.history),
        )


def par_source(*, province: str, year: int) -> ParSource:
    return ParSource(
        sheet=active(kind=Kind.SHEET, province=province, year=year),
        table=active(kind=Kind.RESULTS, province=province, year=year),
        history=earlier_results(province=province, year=year),
    )


def earlier_results(*, province: str, year: int) -> tuple[Dataset, ...]:
    """The active results tables of the years before ``year``, oldest first; each year's under
    the province's name of that year (names changed with the 2025 mergers)."""
    rows = Dataset.objects.select_related("uploaded_by").filter(
        kind=Kind.RESULTS, active=True, year__lt=year
    )
    return tuple(d for d in rows.order_by("year") if d.province == _canonical(province, d.year))


def source_inputs(source: ParSource) -> dict[str, object]:
    """``analyse_province`` keyword arguments for the files of ``source`` (nothing: the demo)."""
    if source.sheet is None:
        return {}
    inputs: dict[str, object] = {"sheet": storage.path_of(source.sheet)}
    if source.table is not None:
        inputs["results"] = storage.path_of(source.table)
    if source.history:
        inputs["history"] = {d.year: storage.path_of(d) for d in source.history}
    return inputs


def analysis_for(*, province: str, year: int, source: ParSource | None = None) -> Analysis:
    """The PAR INDEX analysis of ``province`` in ``year`` from the active imported files, else
    from the embedded demo. Raises the core's ``NotFound`` when there is neither."""
    source = source or par_source(province=province, year=year)
    return _analyse(province, year, *source.key)


@lru_cache(maxsize=32)
def _analyse(
    province: str,
    year: int,
    sheet: str | None,
    table: str | None,
    history: tuple[tuple[int, str], ...],
) -> Analysis:
    from chiso.parindex.inputs import analyse_province

    inputs: dict[str, object] = {}
    if sheet is not None:
        inputs["sheet"] = storage.root() / sheet
        if table is not None:
            inputs["results"] = storage.root() / table
        if history:
            inputs["history"] = {y: storage.root() / name for y, name in history}
    return analyse_province(province=province, year=year, **inputs)


# --- SIPAS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveySource:
    """The survey of a year: an active imported dataset (and last year's, for changes), or the
    illustrative demo survey."""

    year: int
    dataset: Dataset | None
    previous: Dataset | None = None

    @property
    def demo(self) -> bool:
        return self.dataset is None

    @property
    def key(self) -> tuple[str, str | None]:
        if self.dataset is None:
            return "demo", None
        return self.dataset.stored_path, self.previous.stored_path if self.previous else None


def surveys(*, province: str, year: int) -> list[Dataset]:
    """The active surveys of ``province`` in ``year``, one per questionnaire (a province may
    survey its communes and its departments the same year), by questionnaire code."""
    return list(
        Dataset.objects.select_related("uploaded_by")
        .filter(kind=Kind.RESPONSES, province=_canonical(province, year), year=year, active=True)
        .order_by("standard")
    )


def survey_source(
    *, province: str, year: int, questionnaire: str | None = None
) -> SurveySource | None:
    """The survey to show for ``province`` in ``year``: the one of ``questionnaire`` (a code such
    as ``SIPAS-TINH-XA-2025``), else the first by code; ``None`` when there is no such survey."""
    from chiso.demo import sipas as demo

    imported = surveys(province=province, year=year)
    if imported:
        dataset = next(
            (d for d in imported if questionnaire in (None, d.standard)),
            None,
        )
        if dataset is None:
            return None
        # Changes only compare like with like: the same questionnaire both years.
        previous = (
            Dataset.objects.select_related("uploaded_by")
            .filter(
                kind=Kind.RESPONSES,
                province=_canonical(province, year - 1),
                year=year - 1,
                standard=dataset.standard,
                active=True,
            )
            .first()
        )
        return SurveySource(year, dataset, previous)
    demo_year = _canonical(province, year) == DEMO_SURVEY_PROVINCE and year in demo.YEARS
    if demo_year and questionnaire in (None, demo.questionnaire().code):
        return SurveySource(year, None)
    return None


def survey_for(source: SurveySource) -> SurveyPart:
    """The core's survey part (estimates, names, tiers input, changes) for ``source``."""
    if source.dataset is None:
        return _demo_survey(source.year)
    return _survey(
        source.year,
        str(storage.path_of(source.dataset)),
        str(storage.path_of(source.previous)) if source.previous else None,
        source_line(source.dataset),
    )


@lru_cache(maxsize=8)
def _demo_survey(year: int) -> SurveyPart:
    from chiso.demo import sipas as demo

    return demo.report_part(DEMO_SURVEY_PROVINCE, year)


@lru_cache(maxsize=16)
def _survey(year: int, path: str, previous: str | None, source: str) -> SurveyPart:
    from chiso.documents.report import survey_part

    return survey_part(path, year=year, previous=previous, source=source)
