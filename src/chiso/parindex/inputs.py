"""Choose the inputs of an analysis: the user's files, or the embedded demo.

The CLI and the web app call :func:`analyse_province`; it decides which framework, table and
sheet apply, so neither face re-implements that choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from chiso import units
from chiso.errors import ChisoError, NotFound
from chiso.frameworks import embedded, embedded_crosswalk, load
from chiso.parindex.analysis import Analysis, PreviousYear, analyse
from chiso.parindex.importers import import_results_table, import_score_sheet
from chiso.parindex.results import ResultsTable
from chiso.parindex.whatif import Recovery


def analyse_province(
    *,
    province: str,
    year: int,
    results: Path | None = None,
    sheet: Path | None = None,
    framework: Path | None = None,
    previous_sheet: Path | None = None,
    history: Mapping[int, Path] | None = None,
    what_if: tuple[Recovery, ...] = (),
    climb_places: int = 5,
) -> Analysis:
    """Analyse ``province`` in ``year`` from files when given, else from the embedded demo.

    ``history`` maps earlier years to their all-province results tables: the trend (index and
    rank over the years) is drawn from them and this year's table, so a province that imports
    its official tables sees its own history rather than a single point.

    Every file is validated completely before anything is computed; a bad file raises
    :class:`~chiso.errors.ValidationFailed` and nothing is written anywhere.
    """
    name = units.find_province(province, year).name
    files = (results, sheet, framework, previous_sheet)
    if all(f is None for f in files) and not history:
        return _demo(name, year, what_if, climb_places)
    if sheet is None:
        raise ChisoError(
            "Cần bảng điểm chi tiết của tỉnh (--sheet) để phân tích; --results chỉ là bảng "
            "xếp hạng các tỉnh.",
            code="missing_input",
        )
    fw = load(framework) if framework else embedded(year)
    if fw.year != year:
        raise ChisoError(
            f"Khung chỉ số {fw.code} dành cho năm {fw.year}, không phải năm {year}.",
            code="framework_year",
        )
    table = import_results_table(results, year=year, framework=fw) if results else None
    score = import_score_sheet(sheet, framework=fw, province=name, year=year)
    previous = None
    if previous_sheet is not None:
        last = embedded(year - 1)
        previous = PreviousYear(
            framework=last,
            sheet=import_score_sheet(previous_sheet, framework=last, province=name, year=year - 1),
            crosswalk=embedded_crosswalk(year - 1, year),
        )
    return analyse(
        framework=fw,
        sheet=score,
        table=table,
        previous=previous,
        history=_history(history or {}, year),
        what_if=what_if,
        climb_places=climb_places,
    )


def _history(files: Mapping[int, Path], year: int) -> tuple[ResultsTable, ...]:
    """Earlier years' results tables, each read with its own year's framework when chiso has it
    (only the index and rank matter for the trend, so an older year without one still counts)."""
    tables = []
    for earlier, path in sorted(files.items()):
        if earlier >= year:
            raise ChisoError(
                f"Bảng kết quả dùng cho diễn biến phải của một năm trước năm {year}; tệp "
                f"{Path(path).name} được ghi là năm {earlier}.",
                code="history_year",
            )
        try:
            fw = embedded(earlier)
        except NotFound:
            fw = None
        tables.append(import_results_table(path, year=earlier, framework=fw))
    return tuple(tables)


def _demo(province: str, year: int, what_if: tuple[Recovery, ...], climb_places: int) -> Analysis:
    from chiso.demo import parindex as demo

    if province != demo.PROVINCE:
        raise NotFound(
            f"Dữ liệu demo chỉ có {demo.PROVINCE}. Để phân tích {province}, hãy dùng "
            "--results (bảng kết quả các tỉnh) và --sheet (bảng điểm chi tiết của tỉnh)."
        )
    if year not in demo.YEARS:
        raise NotFound(
            f"Dữ liệu demo có các năm {', '.join(map(str, demo.YEARS))}, không có năm {year}."
        )
    return analyse(
        framework=embedded(year),
        sheet=demo.sheet(year),
        table=demo.table(year),
        previous=demo.previous(year),
        history=demo.history(year),
        what_if=what_if,
        climb_places=climb_places,
    )
