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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chiso import vi, zipcheck
from chiso.errors import Problem, ValidationFailed

MAX_BYTES = 20 * 1024 * 1024  # a provincial results table is kilobytes; refuse absurd inputs early
# Excel's own grid. A sheet can *declare* the whole grid (or a CSV be millions of blank lines) in
# a few bytes; reading stops at these limits instead of building billions of empty cells.
MAX_ROWS = 1_048_576
MAX_CELLS = 10_000_000  # cells kept (a Python object each); a province's survey has ~1 million


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
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(raw):
        raise ValidationFailed(
            f"Tệp {path.name} không phải văn bản UTF-8.",
            [
                Problem(
                    "Tệp được lưu bằng bảng mã UTF-16 (Excel: 'Unicode Text'). Hãy lưu lại dạng "
                    "'CSV UTF-8 (Comma delimited)'.",
                    file=path.name,
                    code="encoding",
                )
            ],
        )
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
    grid = []
    try:
        for row in reader:
            if len(grid) >= MAX_ROWS:
                raise _too_big(path.name, None, f"nhiều hơn {vi.format_number(MAX_ROWS, 0)} dòng")
            grid.append(row)
    except csv.Error as exc:  # e.g. an unclosed quote swallowing the rest of the file
        if "field larger than field limit" in str(exc):
            limit = vi.format_number(csv.field_size_limit(), 0)
            why = f"Có ô dài hơn {limit} ký tự, có thể do dấu ngoặc kép chưa đóng."
        else:
            why = f"Cấu trúc CSV không hợp lệ, có thể do dấu ngoặc kép chưa đóng ({exc})."
        raise ValidationFailed(
            f"Tệp {path.name} không đọc được như bảng CSV.",
            [Problem(why, file=path.name, row=reader.line_num, code="invalid_csv")],
        ) from exc
    return grid


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without its byte-order mark: a quarter or more NUL bytes, nearly all on the same
    side of each two-byte unit (the zero half of ASCII letters); binary files scatter them."""
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    return (even + odd) * 4 >= len(raw) > 0 and max(even, odd) >= 0.9 * (even + odd)


def _too_big(file: str, sheet: str | None, what: str) -> ValidationFailed:
    return ValidationFailed(
        f"Tệp {file} quá lớn để nhập.",
        [
            Problem(
                f"Bảng có {what}; hãy xóa các dòng, cột thừa hoặc tách tệp.",
                file=file,
                sheet=sheet,
                code="too_large",
            )
        ],
    )


def _broken_xlsx(path: Path, why: str, sheet: str | None = None) -> ValidationFailed:
    return ValidationFailed(
        f"Không mở được tệp Excel {path.name}.",
        [Problem(why, file=path.name, sheet=sheet, code="broken_xlsx")],
    )


def _read_xlsx(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """The sheet's cells; any damaged or hostile workbook becomes a ValidationFailed.

    The archive is judged before openpyxl opens it (zip bombs, :mod:`chiso.zipcheck`). openpyxl
    then meets damaged parts with whatever its parsers raise (KeyError, IndexError, XML
    ParseError, zlib.error …); for a clerk they all mean one thing, so all are caught here.
    """
    import openpyxl

    members = zipcheck.members(path)
    if members is None:
        raise _broken_xlsx(path, "Tệp hỏng hoặc không phải .xlsx (BadZipFile).")
    if zipcheck.inflates_too_much(members):
        raise ValidationFailed(
            f"Không mở được tệp Excel {path.name}.",
            [Problem(zipcheck.refusal_message(path.name), file=path.name, code="zip_bomb")],
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's parsers raise anything on a damaged part (see above)
        raise _broken_xlsx(path, f"Tệp hỏng hoặc không phải .xlsx ({type(exc).__name__}).") from exc
    try:
        names = [ws.title for ws in workbook.worksheets]  # chart sheets hold no cells
        if sheet is not None and sheet not in names:
            raise ValidationFailed(
                f"Tệp {path.name} không có trang tính {sheet!r}.",
                [
                    Problem(
                        "Các trang tính có: " + (", ".join(names) or "(không có)"),
                        file=path.name,
                        sheet=sheet,
                    )
                ],
            )
        if not names:
            raise _broken_xlsx(path, "Tệp không có trang tính nào chứa bảng.")
        ws = workbook[sheet or names[0]]
        try:
            return ws.title, _sheet_rows(path.name, ws)
        except ValidationFailed:
            raise
        except Exception as exc:  # a damaged sheet part, met while streaming its rows
            why = f"Trang tính bị hỏng, không đọc được ({type(exc).__name__})."
            raise _broken_xlsx(path, why, ws.title) from exc
    finally:
        workbook.close()


def _sheet_rows(file: str, ws: Any) -> list[list[Any]]:
    """Rows as stored, not padded to the size the sheet declares: a few bytes can declare the
    whole 1 048 576 × 16 384 grid. Each row keeps its cells up to the last one with a value, and
    at least one per header (as a sheet read whole would give); empty rows cost nothing."""
    ws.reset_dimensions()
    grid: list[list[Any]] = []
    cells = width = 0
    blank: list[Any] = []  # shared by every empty row: a gap of a million rows costs nothing
    for values in ws.iter_rows(values_only=True):
        if len(grid) >= MAX_ROWS:
            raise _too_big(file, ws.title, f"nhiều hơn {vi.format_number(MAX_ROWS, 0)} dòng")
        if not values or values.count(None) == len(values):  # counted in C
            grid.append(blank)
            continue
        cells += max(len(values), width)
        if cells > MAX_CELLS:
            raise _too_big(file, ws.title, f"nhiều hơn {vi.format_number(MAX_CELLS, 0)} ô")
        row = list(values)
        while row[-1] is None:
            row.pop()
        width = width or len(row)  # the header's: every row gets a cell under each header
        row.extend([None] * (width - len(row)))
        grid.append(row)
    return grid


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
    kept = 0
    for number, values in enumerate(grid[1:], start=2):
        if not values:  # a blank line, or a gap between stored rows of a sheet
            continue
        kept += len(headers)
        if kept > MAX_CELLS:  # a wide header over many rows: a Cell object for each pair
            raise _too_big(file, sheet, f"nhiều hơn {vi.format_number(MAX_CELLS, 0)} ô")
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
