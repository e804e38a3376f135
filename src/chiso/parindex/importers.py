"""Importers for PAR INDEX results — one per input kind, all-or-nothing.

Each importer reads the whole file, collects every problem with its file, sheet, row and column,
and returns a value only when the file is entirely valid. Nothing is written anywhere here, so a
rejected file leaves every store exactly as it was.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import MappingProxyType

from chiso import units, vi
from chiso.errors import NotFound, Problem, ValidationFailed
from chiso.frameworks.schema import TOLERANCE, Framework
from chiso.parindex.results import ProvinceResult, ResultsTable, ScoreLine, ScoreSheet
from chiso.tabular import Row, Table, read_number, read_table, read_text

TABLE_COLUMNS = {
    "province": ("tỉnh", "tỉnh, thành phố", "tỉnh/thành phố", "địa phương", "tên tỉnh"),
    "index_percent": ("chỉ số", "chỉ số (%)", "par index", "par index (%)", "giá trị", "index"),
    "rank": ("xếp hạng", "thứ hạng", "hạng"),
}
SHEET_COLUMNS = {
    "code": ("mã", "mã tiêu chí", "mã số"),
    "achieved": ("điểm đạt", "điểm thẩm định", "điểm"),
    "self_assessed": ("điểm tự đánh giá", "tự đánh giá", "tự chấm"),
    "note": ("ghi chú",),
    "name": ("tên", "nội dung", "tên tiêu chí"),
    "max_points": ("điểm tối đa", "tối đa"),
}


def _blank(value: object) -> bool:
    """An empty cell: None from XLSX, "" (or spaces) from CSV."""
    return value is None or not str(value).strip()


def _fail(path: Path, what: str, problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(
        f"Không nhập được {what} từ tệp {path.name}: {len(problems)} lỗi; không có gì được ghi.",
        problems,
    )


def import_results_table(
    path: str | Path, *, year: int, framework: Framework | None = None, sheet: str | None = None
) -> ResultsTable:
    """Read the all-province table of a year (columns province, index_percent, rank, LV…)."""
    path = Path(path)
    field_codes = {n.code.casefold(): n for n in framework.roots} if framework else {}
    aliases = dict(TABLE_COLUMNS) | {code: (node.code,) for code, node in field_codes.items()}
    table = read_table(path, aliases=aliases, required=("province", "index_percent"), sheet=sheet)
    problems: list[Problem] = []
    rows: list[ProvinceResult] = []
    seen: dict[str, int] = {}
    ranked: list[tuple[Row, str, float, int | None]] = []
    for row in table.rows:
        name = read_text(table, row, "province", problems)
        province = None
        if name is None:
            if _blank(row.get("province")):
                problems.append(table.problem("Thiếu tên tỉnh.", row=row, column="province"))
        else:
            try:
                province = units.find_province(name, year).name
            except NotFound as exc:
                problems.append(
                    table.problem(exc.message, row=row, column="province", code="unknown_province")
                )
        if province is not None:
            if province in seen:
                problems.append(
                    table.problem(
                        f"Tỉnh {province} xuất hiện hai lần "
                        f"(dòng {seen[province]} và {row.number}).",
                        row=row,
                        column="province",
                        code="duplicate",
                    )
                )
            seen[province] = row.number
        index = read_number(table, row, "index_percent", problems)
        if index is not None and not 0 <= index <= 100:
            problems.append(
                table.problem(
                    f"Chỉ số {index:g} nằm ngoài khoảng 0–100.", row=row, column="index_percent"
                )
            )
        rank_value = read_number(table, row, "rank", problems, required=False)
        rank = None
        if rank_value is not None:
            if rank_value != int(rank_value) or rank_value < 1:
                problems.append(
                    table.problem("Thứ hạng phải là số nguyên dương.", row=row, column="rank")
                )
            else:
                rank = int(rank_value)
        fields = {}
        for code, node in field_codes.items():
            if code not in table.columns:
                continue
            points = read_number(table, row, code, problems, required=False)
            if points is None:
                continue
            if not -TOLERANCE <= points <= node.max_points + TOLERANCE:
                problems.append(
                    table.problem(
                        f"Điểm {vi.format_points(points)} của {node.code} nằm ngoài khoảng "
                        f"0–{vi.format_points(node.max_points)}.",
                        row=row,
                        column=code,
                        code="out_of_range",
                    )
                )
            fields[node.code] = points
        if field_codes and len(fields) == len(field_codes) and index is not None:
            total = math.fsum(fields.values())
            if abs(total - index) > 0.01:
                problems.append(
                    table.problem(
                        f"Tổng điểm các lĩnh vực ({vi.format_points(total)}) khác chỉ số "
                        f"({vi.format_points(index)}).",
                        row=row,
                        column="index_percent",
                        code="inconsistent",
                    )
                )
        if index is not None:
            ranked.append((row, province or name or "?", index, rank))
        if province is not None and index is not None:
            rows.append(
                ProvinceResult(
                    province=province,
                    index_percent=index,
                    rank=rank,
                    field_points=MappingProxyType(fields),
                    source=f"{path.name}, dòng {row.number}",
                )
            )
    if not table.rows:
        problems.append(
            Problem("Tệp không có dòng dữ liệu nào.", file=path.name, sheet=table.sheet)
        )
    if len(ranked) == len(table.rows):  # an unreadable index leaves the true ranks unknown
        problems.extend(_rank_problems(table, ranked))
    if problems:
        raise _fail(path, f"bảng kết quả các tỉnh năm {year}", problems)
    return ResultsTable(year=year, rows=tuple(rows), source=str(path))


def _rank_problems(table: Table, ranked: list[tuple[Row, str, float, int | None]]) -> list[Problem]:
    """Published ranks must agree with the index values (ties share a rank).

    Every row with a readable index counts, keyed by its row number, so a duplicated or
    misspelt province (reported on its own) does not make the other ranks look wrong.
    """
    from chiso.parindex.ranking import competition_ranks

    expected = competition_ranks({str(row.number): index for row, _, index, _ in ranked})
    problems = []
    for row, province, index, rank in ranked:
        want = expected[str(row.number)]
        if rank is not None and rank != want:
            problems.append(
                table.problem(
                    f"Thứ hạng {rank} của {province} không khớp với chỉ số "
                    f"{vi.format_percent(index)} (theo chỉ số phải là hạng {want}).",
                    row=row,
                    column="rank",
                    code="rank_mismatch",
                )
            )
    return problems


def import_score_sheet(
    path: str | Path,
    *,
    framework: Framework,
    province: str,
    year: int | None = None,
    sheet: str | None = None,
) -> ScoreSheet:
    """Read a province's detailed sheet (code, achieved[, self_assessed, note]).

    Rows for fields and criteria are optional; when present they must equal the sum of their
    sub-criteria, which catches sheets that were edited by hand after totalling.
    """
    path = Path(path)
    year = year or framework.year
    table = read_table(path, aliases=SHEET_COLUMNS, required=("code", "achieved"), sheet=sheet)
    problems: list[Problem] = []
    lines: dict[str, ScoreLine] = {}
    subtotals: dict[str, tuple[float, Row]] = {}
    seen: dict[str, int] = {}
    for row in table.rows:
        code = read_text(table, row, "code", problems)
        if code is None:
            if _blank(row.get("code")):
                problems.append(table.problem("Thiếu mã tiêu chí.", row=row, column="code"))
            continue
        code = code.upper().rstrip(".")
        node = framework.nodes.get(code)
        if node is None:
            problems.append(
                table.problem(
                    f"Mã {code} không có trong khung chỉ số {framework.code}.",
                    row=row,
                    column="code",
                    code="unknown_code",
                )
            )
            continue
        if code in seen:
            problems.append(
                table.problem(
                    f"Mã {code} xuất hiện hai lần (dòng {seen[code]} và {row.number}).",
                    row=row,
                    column="code",
                    code="duplicate",
                )
            )
            continue
        seen[code] = row.number
        achieved = read_number(table, row, "achieved", problems)
        self_assessed = read_number(table, row, "self_assessed", problems, required=False)
        stated_max = read_number(table, row, "max_points", problems, required=False)
        if stated_max is not None and abs(stated_max - node.max_points) > TOLERANCE:
            problems.append(
                table.problem(
                    f"Điểm tối đa của {code} ghi {vi.format_points(stated_max)}, khung "
                    f"{framework.code} là {vi.format_points(node.max_points)}: tệp có thể theo "
                    "khung chỉ số của năm khác.",
                    row=row,
                    column="max_points",
                    code="framework_mismatch",
                )
            )
        note = read_text(table, row, "note", problems)
        read_text(table, row, "name", problems)  # only to catch legacy-encoded names
        for column, value in (("achieved", achieved), ("self_assessed", self_assessed)):
            if value is None:
                continue
            if value < -TOLERANCE:
                problems.append(
                    table.problem(f"Điểm âm ({vi.format_points(value)}).", row=row, column=column)
                )
            elif value > node.max_points + TOLERANCE:
                problems.append(
                    table.problem(
                        f"Điểm {vi.format_points(value)} vượt điểm tối đa "
                        f"{vi.format_points(node.max_points)} của {code}.",
                        row=row,
                        column=column,
                        code="above_max",
                    )
                )
            elif node.rule and not node.rule.allows(value, node.max_points):
                problems.append(
                    table.problem(
                        f"Điểm {vi.format_points(value)} không hợp lệ cho {code}: "
                        f"{node.rule.describe_vi()}.",
                        row=row,
                        column=column,
                        code="rule",
                    )
                )
        if achieved is None:
            continue
        if node.is_leaf:
            lines[code] = ScoreLine(code, achieved, self_assessed, note, row.number)
        else:
            subtotals[code] = (achieved, row)
    missing = [n.code for n in framework.leaves() if n.code not in lines and n.code not in seen]
    if missing:
        shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
        problems.append(
            Problem(
                f"Thiếu {len(missing)} tiêu chí thành phần: {shown}.",
                file=path.name,
                sheet=table.sheet,
                code="missing_nodes",
            )
        )
    problems.extend(_subtotal_problems(table, framework, lines, subtotals))
    if problems:
        raise _fail(path, f"bảng điểm chi tiết của {province}", problems)
    return ScoreSheet(
        province=province,
        year=year,
        lines=MappingProxyType(lines),
        source=str(path),
    )


def _subtotal_problems(
    table: Table,
    framework: Framework,
    lines: dict[str, ScoreLine],
    subtotals: dict[str, tuple[float, Row]],
) -> list[Problem]:
    problems = []
    for code, (value, row) in subtotals.items():
        leaves = framework.leaves_under(code)
        if not all(leaf in lines for leaf in leaves):
            continue  # already reported as missing
        total = math.fsum(lines[leaf].achieved for leaf in leaves)
        if abs(total - value) > 0.01:
            problems.append(
                table.problem(
                    f"Điểm {code} ghi {vi.format_points(value)} nhưng tổng các tiêu chí thành phần "
                    f"là {vi.format_points(total)}.",
                    row=row,
                    column="achieved",
                    code="inconsistent",
                )
            )
    return problems
