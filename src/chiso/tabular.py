"""Read a table from CSV or XLSX as rows that remember where they came from.

Importers only see :class:`Row` objects: a cell value plus the file, sheet, row number and
column letter a clerk would look for in Excel. Headers are matched ignoring case, spacing and
Unicode form (NFC/NFD)
against each importer's aliases, so "Điểm đạt" and "achieved" both work.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chiso import vi
from chiso.errors import Problem, ValidationFailed

MAX_BYTES = 20 * 1024 * 1024  # a provincial results table is kilobytes; refuse absurd inputs early


@dataclass(frozen=True)
class Cell:
    value: Any
    column: str  # the header as written in the file


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as Excel shows it (the header is row 1)
    cells: Mapping[str, Cell]  # canonical column name → cell

    def get(self, name: str) -> Any:
        cell = self.cells.get(name)
        return None if cell is None else cell.value

    def is_blank(self) -> bool:
        return all(c.value is None or str(c.value).strip() == "" for c in self.cells.values())


@dataclass(frozen=True)
class Table:
    file: str
    sheet: str | None
    columns: tuple[str, ...]  # canonical names found
    rows: tuple[Row, ...]

    def problem(
        self,
        message: str,
        *,
        row: Row | None = None,
        column: str | None = None,
        code: str = "invalid",
    ) -> Problem:
        header = None
        if row is not None and column is not None and column in row.cells:
            header = row.cells[column].column
        return Problem(
            message,
            file=self.file,
            sheet=self.sheet,
            row=row.number if row else None,
            column=header or column,
            code=code,
        )


def header_key(text: str) -> str:
    """Fold a header for matching: NFC, lower case, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFC", str(text)).casefold().strip()
    text = " ".join(text.replace("_", " ").split())
    return text.strip(" :*")


def read_table(
    path: str | Path,
    *,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    sheet: str | None = None,
    header_transform: Callable[[str], str] | None = None,
) -> Table:
    """Read CSV or XLSX; map headers to canonical names; refuse unknown formats clearly.

    ``aliases`` maps each canonical column to the header spellings accepted for it. Columns not
    in ``aliases`` are kept under their folded header so importers can accept dynamic columns
    (one per field code, say).
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise ValidationFailed(
            f"Không tìm thấy tệp {path}.", [Problem("Tệp không tồn tại.", file=name)]
        )
    if path.stat().st_size > MAX_BYTES:
        raise ValidationFailed(
            f"Tệp {name} quá lớn.",
            [Problem(f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB.", file=name)],
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet_name, grid = None, _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheet_name, grid = _read_xlsx(path, sheet)
    else:
        raise ValidationFailed(
            f"Không đọc được tệp {name}.",
            [Problem("Chỉ nhận tệp .csv hoặc .xlsx.", file=name, code="unsupported_format")],
        )
    return _to_table(name, sheet_name, grid, aliases, required, header_transform)


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationFailed(
            f"Tệp {path.name} không phải văn bản UTF-8.",
            [
                Problem(
                    "Có byte không hợp lệ trong bảng mã UTF-8. Hãy lưu lại tệp CSV dạng "
                    "'CSV UTF-8' (Excel) hoặc chuyển bảng mã sang Unicode.",
                    file=path.name,
                    row=line,
                    code="encoding",
                )
            ],
        ) from exc
    if "\x00" in text:
        raise ValidationFailed(
            f"Tệp {path.name} không phải tệp CSV văn bản.",
            [
                Problem(
                    "Tệp chứa ký tự NUL (có thể là tệp nhị phân).", file=path.name, code="binary"
                )
            ],
        )
    # The sniffer splits lines on \n only; a file with bare \r line ends would look like one line.
    sample = text[:4096].replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        # The sniffer needs rows of equal width; judge a ragged file by its header line.
        dialect = csv.excel
        delimiter = max(",;\t", key=sample.partition("\n")[0].count)
    # newline="": rows may end in \r\n, \n or \r alone (Excel for Mac), as the csv module expects.
    reader = csv.reader(io.StringIO(text, newline=""), dialect, delimiter=delimiter)
    try:
        return [list(r) for r in reader]
    except csv.Error as exc:  # e.g. an unclosed quote swallowing the rest of the file
        raise ValidationFailed(
            f"Tệp {path.name} không đọc được như bảng CSV.",
            [
                Problem(
                    f"Cấu trúc CSV không hợp lệ, có thể do dấu ngoặc kép chưa đóng ({exc}).",
                    file=path.name,
                    row=reader.line_num,
                    code="invalid_csv",
                )
            ],
        ) from exc


def _read_xlsx(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed(
            f"Không mở được tệp Excel {path.name}.",
            [Problem(f"Tệp hỏng hoặc không phải .xlsx ({type(exc).__name__}).", file=path.name)],
        ) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ValidationFailed(
                f"Tệp {path.name} không có trang tính {sheet!r}.",
                [
                    Problem(
                        "Các trang tính có: " + ", ".join(workbook.sheetnames),
                        file=path.name,
                        sheet=sheet,
                    )
                ],
            )
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        return ws.title, [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _to_table(
    file: str,
    sheet: str | None,
    grid: list[list[Any]],
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    header_transform: Callable[[str], str] | None = None,
) -> Table:
    if not grid or all(v is None or str(v).strip() == "" for v in grid[0]):
        raise ValidationFailed(
            f"Tệp {file} trống hoặc thiếu dòng tiêu đề.",
            [Problem("Dòng 1 phải là tiêu đề cột.", file=file, sheet=sheet, row=1)],
        )
    lookup = {header_key(a): canon for canon, names in aliases.items() for a in (canon, *names)}
    headers: list[tuple[str, str] | None] = []
    seen: dict[str, str] = {}
    problems = []
    for raw in grid[0]:
        if raw is None or str(raw).strip() == "":
            headers.append(None)
            continue
        written = unicodedata.normalize("NFC", str(raw)).strip()
        key = header_key(header_transform(written) if header_transform else written)
        canon = lookup.get(key, key)
        if canon in seen:
            problems.append(
                Problem(
                    f"Cột {written!r} trùng với cột {seen[canon]!r}.", file=file, sheet=sheet, row=1
                )
            )
        seen[canon] = written
        headers.append((canon, written))
    for name in required:
        if name not in seen:
            accepted = ", ".join(repr(a) for a in (name, *aliases.get(name, ())))
            problems.append(
                Problem(
                    f"Thiếu cột bắt buộc {name!r} (chấp nhận tên: {accepted}).",
                    file=file,
                    sheet=sheet,
                    row=1,
                    code="missing_column",
                )
            )
    if problems:
        raise ValidationFailed(f"Tiêu đề cột của tệp {file} không hợp lệ.", problems)
    rows = []
    for number, values in enumerate(grid[1:], start=2):
        cells = {}
        for header, value in zip(headers, values, strict=False):
            if header is not None:
                cells[header[0]] = Cell(value, header[1])
        row = Row(number, cells)
        if not row.is_blank():
            rows.append(row)
    return Table(file, sheet, tuple(seen), tuple(rows))


def read_number(
    table: Table, row: Row, column: str, problems: list[Problem], *, required: bool = True
) -> float | None:
    """A numeric cell as float, accepting Vietnamese comma decimals; records a problem if not."""
    value = row.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(table.problem("Ô trống; cần một số.", row=row, column=column))
        return None
    if isinstance(value, bool):
        problems.append(table.problem(f"{value!r} không phải là số.", row=row, column=column))
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            problems.append(table.problem("Giá trị không hữu hạn.", row=row, column=column))
            return None
        return float(value)
    try:
        return vi.parse_number(str(value))
    except ValueError as exc:
        problems.append(table.problem(str(exc), row=row, column=column, code="not_a_number"))
        return None


def read_text(table: Table, row: Row, column: str, problems: list[Problem]) -> str | None:
    """A text cell in NFC, refusing legacy TCVN3/VNI text with the converted spelling suggested."""
    value = row.get(column)
    if value is None:
        return None
    text = vi.nfc(str(value)).strip()
    legacy = vi.detect_legacy_encoding(text)
    if legacy:
        try:
            hint = f" (có thể là {vi.convert_legacy(text, legacy)!r})"
        except ValueError:
            hint = ""
        problems.append(
            table.problem(
                f"Văn bản {text!r} có vẻ được gõ bằng bảng mã cũ {legacy}{hint}. "
                "Hãy chuyển tệp sang Unicode (ví dụ: Unikey → Công cụ chuyển mã) rồi nhập lại.",
                row=row,
                column=column,
                code="legacy_encoding",
            )
        )
        return None
    return text or None
