"""Hostile inputs shared by the ``*_fuzz`` tests: bad bytes, bad encodings, broken and inflating
ZIP archives, cells a clerk (or an attacker) could type, and the check every refusal must pass.

Not a test module (pytest collects ``test_*.py`` only). Test files are imported by path, not as a
package, so ``tests/conftest.py`` registers this module as ``hostile``; tests ``import hostile``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from chiso.errors import ChisoError, ValidationFailed

MB = 1024 * 1024

# Letters only Vietnamese uses: a message "in Vietnamese" contains at least one of them.
VIETNAMESE_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ")

# -- cells -----------------------------------------------------------------------------------------

FORMULAS = (
    "=1+1",
    '=HYPERLINK("http://example.invalid/x","Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C notepad'!'A1'",
)
MALFORMED_NUMBERS = ("1,2,3", "1.2,3.4", "0,5đ", "—", "12a", "1e309", "-0", "+", "NaN", "inf")
MALFORMED_DATES = ("31/02/2026", "2026-02-31", "00/00/0000", "32/13/2026", "2026-13-01", "hôm qua")
TCVN3_TEXT = ("L¹ng S¬n", "Së Néi vô", "TØNH L¹NG S¥N", "§iÓm ®¹t")  # Lạng Sơn, Sở Nội vụ …
VNI_TEXT = ("Laïng Sôn", "Sôû Noäi vuï")
WEIRD_TEXT = (
    "",
    " ",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "😀🇻🇳",
    "Lạng Sơn",
    unicodedata.normalize("NFD", "Lạng Sơn"),
    "a" * 100_000,
    "x\x00y",
    "\x07\x1b[31m",
    "\u202eRTL",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "' OR 1=1 --",
)


def control_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text, control characters and astral-plane emoji included (no lone surrogates: they
    cannot be encoded, so no file or HTTP request can carry one)."""
    return st.text(
        alphabet=st.characters(codec="utf-8"),
        max_size=max_size,
    )


def cells() -> st.SearchStrategy[Any]:
    """A value a spreadsheet cell may hold, chosen to break importers."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**18), max_value=10**18),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, -1e-308, 0.5, -0.5]),
        st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
        st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
        st.sampled_from(
            FORMULAS + MALFORMED_NUMBERS + MALFORMED_DATES + TCVN3_TEXT + VNI_TEXT + WEIRD_TEXT
        ),
        control_text(),
    )


def as_csv_text(value: Any) -> str:
    """How ``value`` would look after a spreadsheet saved it as CSV."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def xlsx_safe(value: Any) -> Any:
    """``value`` as openpyxl can store it: no control characters in text (XML 1.0 forbids them,
    so no real workbook holds them), no time zones, text within Excel's 32 767 characters."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767]
    return value


# -- whole files -----------------------------------------------------------------------------------

ENCODINGS = ("cp1258", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "utf-8-sig", "utf-8")


def encode(text: str, encoding: str) -> bytes:
    """``text`` as a clerk's old tool would save it; letters the code page lacks become '?'.

    cp1258 spells Vietnamese with combining tone marks, so the text is decomposed first.
    """
    if encoding in ("cp1258", "latin-1"):
        text = unicodedata.normalize("NFD", text)
    return text.encode(encoding, errors="replace")


def write_grid(path: Path, grid: Sequence[Sequence[Any]], *, delimiter: str = ",") -> Path:
    """``grid`` as CSV (UTF-8 with BOM, ``delimiter``) or XLSX, by the suffix of ``path``."""
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        for row in grid:
            workbook.active.append([xlsx_safe(v) for v in row])
        workbook.save(path)
        return path
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(
        [[as_csv_text(v) for v in row] for row in grid]
    )
    path.write_bytes(buffer.getvalue().encode("utf-8-sig", errors="surrogatepass"))
    return path


def xlsx_bytes(grid: Sequence[Sequence[Any]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in grid:
        workbook.active.append([xlsx_safe(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_not_office() -> bytes:
    """A well-formed ZIP that is neither XLSX nor DOCX."""
    return zip_bytes({"readme.txt": "Không phải Excel".encode(), "data/a.csv": b"a,b\n1,2\n"})


def with_member(archive: bytes, name: str, content: bytes) -> bytes:
    """``archive`` with one member replaced (or added): a package with a damaged part."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


def office_members(archive: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return [i.filename for i in source.infolist()]


def raw_zip(members: dict[str, bytes], extra: Sequence[tuple[str, bytes, int, int]] = ()) -> bytes:
    """A ZIP written by hand: ``members`` deflated here, plus ``extra`` entries given as
    (name, raw deflate stream, CRC-32, uncompressed size). zipfile cannot store a stream it did
    not compress itself, and compressing a gigabyte takes it 20 seconds."""
    entries = []
    for name, content in members.items():
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        stream = compressor.compress(content) + compressor.flush()
        entries.append((name, stream, zlib.crc32(content), len(content)))
    entries.extend(extra)
    local, central = bytearray(), bytearray()
    for name, stream, crc, size in entries:
        encoded, offset = name.encode(), len(local)
        # signature, version, flags, method 8 (deflate), time, date (1980-01-01), crc, sizes …
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded), 0
        )
        local += encoded + stream
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            *(0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded)),
            *(0, 0, 0, 0, 0, offset),
        )
        central += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    return bytes(local + central + end)


def bomb(base: bytes, *, member: str = "xl/media/image1.bin", megabytes: int = 1024) -> bytes:
    """``base`` (a real XLSX or DOCX) plus a member inflating to ``megabytes`` of zeros (1 GB by
    default) in a file of about 1 MB: a real deflate stream, made from one compressed megabyte
    repeated (each ends with a full flush, so the copies chain), never held inflated. About a
    second, for the CRC of the gigabyte."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = chunk * megabytes + compressor.flush(zlib.Z_FINISH)
    crc = 0
    zeros = bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        members = {i.filename: source.read(i) for i in source.infolist()}
    return raw_zip(members, [(member, stream, crc, megabytes * MB)])


@functools.cache
def xlsx_bomb() -> bytes:
    """A real workbook (a header row) with a 1 GB member: made once per test run."""
    return bomb(xlsx_bytes([["province", "index_percent"]]))


@functools.cache
def docx_bomb() -> bytes:
    """A real document (python-docx's blank one) with a 1 GB member: made once per test run."""
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    return bomb(out.getvalue(), member="word/media/image1.png")


def faked_sizes(archive: bytes, *, size: int = 2**40) -> bytes:
    """``archive`` whose central directory claims ``size`` bytes for its first member (a bomb
    by declaration only: cheap to make, same verdict expected)."""
    data = bytearray(archive)
    start = data.rfind(b"PK\x01\x02")  # the last central directory entry
    # uncompressed size: offset 24 of the central header; 0xFFFFFFFF would need a zip64 extra
    data[start + 24 : start + 28] = min(size, 0xFFFFFFFE).to_bytes(4, "little")
    return bytes(data)


def sheet_xml(dimension: str, cells: Sequence[tuple[str, str]]) -> bytes:
    """A worksheet part declaring ``dimension`` with inline-string ``cells`` [(ref, text)]."""
    rows: dict[int, list[str]] = {}
    for ref, text in cells:
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def cell_bomb(header: Sequence[str]) -> bytes:
    """A tiny XLSX whose sheet claims the whole grid (A1:XFD1048576) and has one cell at the far
    corner: a reader padding rows to the declared size would build 17 billion cells."""
    base = xlsx_bytes([list(header)])
    letters = [chr(ord("A") + i) for i in range(len(header))]
    cells = [(f"{c}1", h) for c, h in zip(letters, header, strict=True)]
    cells.append(("XFD1048576", "x"))
    return with_member(base, "xl/worksheets/sheet1.xml", sheet_xml("A1:XFD1048576", cells))


def truncations(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` cut short anywhere (a download or a copy that stopped)."""
    return st.integers(0, max(len(data) - 1, 0)).map(lambda n: data[:n])


def flipped(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with a few bytes overwritten (a damaged disk, a mangled e-mail attachment)."""
    if not data:
        return st.just(data)

    def apply(changes: list[tuple[int, int]]) -> bytes:
        damaged = bytearray(data)
        for position, value in changes:
            damaged[position % len(damaged)] = value
        return bytes(damaged)

    return st.lists(
        st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ).map(apply)


# -- the property every refusal must have ----------------------------------------------------------


def is_vietnamese(text: str) -> bool:
    return any(c in VIETNAMESE_LETTERS for c in text.lower())


def check_refusal(exc: BaseException, name: str) -> None:
    """``exc`` is a user error: a ChisoError in Vietnamese naming the file ``name``; when it is a
    ValidationFailed, every problem is in Vietnamese and located in that file (or nowhere)."""
    assert isinstance(exc, ChisoError), f"{type(exc).__name__}: {exc}"
    text = str(exc)
    assert is_vietnamese(exc.message), exc.message
    assert name in text, f"{name!r} not named in {text!r}"
    if isinstance(exc, ValidationFailed):
        assert exc.problems, "a refusal lists at least one problem"
        for problem in exc.problems:
            assert is_vietnamese(problem.message), problem.message
            assert problem.file in (name, None), (problem.file, name)
            assert problem.row is None or problem.row >= 1


def outcome(call, name: str) -> str:
    """Run ``call``; "ok" if it returned, "refused" if it raised a proper refusal; anything else
    (a KeyError, a UnicodeDecodeError, a MemoryError …) fails the test with its traceback."""
    try:
        call()
    except ChisoError as exc:
        check_refusal(exc, name)
        return "refused"
    return "ok"


# -- hand-edited YAML ------------------------------------------------------------------------------

YAML_VALUES = (
    "",
    "~",
    "null",
    "yes",
    "0x1F",
    "1_000",
    "-1",
    "0",
    "1e400",
    ".nan",
    "-.inf",
    "9" * 5000,
    "2026-02-31",
    "2026-05-29 25:61:00",
    "2026-05-29T14:00:00+25:00",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "{a: {b: {c: 1}}}",
    "'=HYPERLINK(\"x\")'",
    '"\\x00\\x07"',
    "!!binary AAAA",
    "!!set {a}",
    "!!python/object/apply:os.system ['true']",
    "&anchor 1",
    "*anchor",
    "[" * 3000 + "]" * 3000,
    "x" * 100_000,
    "L¹ng S¬n",
    "😀",
    "|\n  nhiều\n  dòng",
)


@st.composite
def yaml_edits(draw, text: str) -> str:
    """``text`` (a valid YAML document) edited by hand, badly: values replaced by odd or hostile
    YAML, lines deleted, duplicated or shifted, random text inserted."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        edit = draw(st.sampled_from(["value", "delete", "duplicate", "indent", "insert"]))
        if edit == "value" and ":" in line:
            key = line.split(":", 1)[0]
            value = draw(st.sampled_from(YAML_VALUES) | control_text(20))
            lines[i] = f"{key}: {value}"
        elif edit == "delete" and len(lines) > 1:
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, line)
        elif edit == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "  ", "\t"])) + line.lstrip()
        else:
            lines.insert(i, draw(control_text(30)))
    return "\n".join(lines) + "\n"


# -- the web app -----------------------------------------------------------------------------------

# What a bad request may get: the page again with its errors, a redirect with a message, a refusal
# (400), no access (403), nothing there (404). Never 500.
ANSWERS = (200, 302, 400, 403, 404)
FILE_NAMES = (
    "ket-qua.csv",
    "ket-qua.xlsx",
    "KET-QUA.XLSX",
    "tệp dữ liệu (bản cuối).csv",
    "../../../etc/passwd.csv",
    "..\\..\\windows\\win.ini.xlsx",
    "bao-cao.pdf",
    "bao-cao.docx",
    "chuong-trinh.exe",
    ".htaccess",
    "a" * 300 + ".xlsx",
    "x\x00y.csv",
    "😀.csv",
)


def normalised(text: str) -> str:
    """What the web app stores of a text field: Django strips it, the service makes it NFC."""
    return unicodedata.normalize("NFC", text.strip()).strip()


def snapshot(*folders: Path, ignore: Sequence[str] = ()) -> tuple[dict[str, int], list[str]]:
    """Rows in every table (but ``ignore``, labels like "axes.AccessAttempt") and every file under
    ``folders``: equal before and after a refused request when nothing was written."""
    from django.apps import apps

    counts = {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.label not in ignore and m._meta.label != "sessions.Session"
    }
    files = sorted(
        str(p) for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()
    )
    return counts, files


# Settings of the web property tests: each example is a request with database work (slow), and
# the Django fixtures are function-scoped on purpose — every example runs in the test's one
# transaction, which is rolled back at the end.
WEB = settings(
    max_examples=20,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def stored_once_or_unchanged(before: tuple, after: tuple, model: str) -> None:
    """After one upload (snapshots around it): one more ``model`` row and one more file, or
    nothing written at all."""
    added = after[0][model] - before[0][model]
    if added:
        assert added == 1 and len(after[1]) == len(before[1]) + 1
        event("stored")
    else:
        assert after == before
        event("refused")


def check_answer(response: Any) -> None:
    """A status from :data:`ANSWERS`; a page with errors says them in Vietnamese."""
    assert response.status_code in ANSWERS, response.status_code
    body = response.content.decode(errors="replace")
    if response.status_code in (200, 400) and "text/html" in response.get("Content-Type", ""):
        assert not body.strip() or is_vietnamese(body)  # htmx's redirect answer has no body


def upload_contents(sample: bytes) -> st.SearchStrategy[bytes]:
    """What could arrive as an upload: random bytes, ``sample`` damaged, in another encoding or
    cut short, ZIPs that are not Office files, zip bombs, a sheet declaring the whole grid."""
    encodings = st.sampled_from(ENCODINGS).map(
        lambda e: encode(sample.decode("utf-8-sig", errors="replace"), e)
    )
    return st.one_of(
        st.binary(max_size=2048),
        st.just(b""),
        st.just(sample),
        truncations(sample),
        flipped(sample),
        encodings,
        st.just(zip_not_office()),
        st.builds(xlsx_bomb),
        st.builds(docx_bomb),
        st.builds(lambda: cell_bomb(["province", "index_percent"])),
        st.builds(lambda: b"%PDF-1.4\n" + bytes(64)),
        st.builds(lambda: b"MZ\x90\x00" + bytes(64)),
    )
