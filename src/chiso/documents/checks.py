"""Consistency checks for official documents and the events they announce.

Proofreading catches spelling, not facts that disagree with each other: a weekday that is not
the date's, a deadline after the conference, a "Chương trình công tác tháng 5 năm 2024" in an
invitation of May 2026 (the province's real Giấy mời has exactly that slip). These checks compare
what a document says with what it means, and with the ND30 rules for the header and the text.

Two entry points split the work so that nothing is reported twice:

* :func:`check_event` knows the facts (dates, deadlines, the event year) and checks the
  free-text fields of an :class:`~chiso.documents.event.Event` against them;
* :func:`check_document` reads any :class:`~chiso.documents.model.Document` (an invitation, a
  report) as printed text: weekdays, số ký hiệu, required elements, ``./.``, time and date forms.

Errors are facts that are wrong; warnings are likely slips or departures from the writing rules
that a person should look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chiso import vi
from chiso.documents.event import TASK_LABELS, Event, load_event, strip_markup
from chiso.documents.invitation import invitation
from chiso.documents.model import (
    Appendix,
    Block,
    Bullet,
    Document,
    Figure,
    Heading,
    IssueDate,
    Number,
    Paragraph,
    Table,
)
from chiso.documents.nd30 import DOC_TYPES

ERROR, WARNING = "error", "warning"

# Tên loại as printed ("GIẤY MỜI") -> the abbreviation its số ký hiệu must carry.
TYPE_CODES: dict[str, str] = {name.upper(): code for code, name in DOC_TYPES.items()}


@dataclass(frozen=True)
class Finding:
    """One thing a person should look at before the document is signed."""

    level: str  # "error" | "warning"
    code: str  # stable, for tests and filters: "year_mismatch", "weekday_mismatch" …
    message_vi: str
    where: str  # "basis (tệp x.yaml, dòng 38)", "Thân văn bản, đoạn 9"

    def __str__(self) -> str:
        label = "Lỗi" if self.level == ERROR else "Cảnh báo"
        return f"{label} [{self.code}] {self.where}: {self.message_vi}"


def symbol(number: Number) -> str:
    """ "GM-UBND", and for a công văn (no type) "UBND-NC": quoted in messages."""
    if number.doc_type:
        return f"{number.doc_type}-{number.issuer_code}"
    return "-".join(part for part in (number.issuer_code, number.unit) if part)


# --- reading a document as text -----------------------------------------------------------------


def block_text(block: Block) -> str:
    """The text a reader sees in one block (tables and figures: their captions and cells)."""
    if isinstance(block, Paragraph | Bullet):
        return "".join(run.text for run in block.runs)
    if isinstance(block, Heading):
        return block.text
    if isinstance(block, Table):
        cells = [" ".join(row) for row in block.rows]
        return " ".join([block.caption, " ".join(block.headers), *cells, block.source]).strip()
    if isinstance(block, Figure):
        return " ".join([block.caption, block.source]).strip()
    return ""


def _texts(document: Document) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of running text: subject, body, appendices."""
    for index, line in enumerate(document.subject.splitlines(), start=1):
        yield f"Trích yếu, dòng {index}", line
    for index, block in enumerate(document.body, start=1):
        yield f"Thân văn bản, đoạn {index}", block_text(block)
    for appendix in document.appendices:
        yield from _appendix_texts(appendix)


def _appendix_texts(appendix: Appendix) -> Iterator[tuple[str, str]]:
    yield appendix.title, f"{appendix.subject} {appendix.note}"
    for index, block in enumerate(appendix.blocks, start=1):
        yield f"{appendix.title}, đoạn {index}", block_text(block)


# --- weekdays -----------------------------------------------------------------------------------

_WEEKDAY_NAMES = {
    "hai": 0,
    "2": 0,
    "ba": 1,
    "3": 1,
    "tư": 2,
    "4": 2,
    "năm": 3,
    "5": 3,
    "sáu": 4,
    "6": 4,
    "bảy": 5,
    "7": 5,
}
_WD = r"(?P<wd>[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|[2-7])\b|[Cc]hủ\s+[Nn]hật|CN)"
_SHORT = r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
_LONG = r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
_WEEKDAY_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"{_SHORT}\s*\(\s*{_WD}\s*\)",
        rf"{_LONG}\s*\(\s*{_WD}\s*\)",
        rf"{_WD}\s*,?\s*(?:ngày\s+)?{_SHORT}",
        rf"{_WD}\s*,?\s*{_LONG}",
    )
)


def _weekday_index(written: str) -> int:
    words = " ".join(written.split()).lower()
    if words in ("chủ nhật", "cn"):
        return 6
    return _WEEKDAY_NAMES[words.split(" ", 1)[1]]


def _weekdays(where: str, text: str) -> Iterator[Finding]:
    seen: set[tuple[int, int]] = set()
    for pattern in _WEEKDAY_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span("wd")
            if span in seen:
                continue
            seen.add(span)
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue  # an impossible date is reported by the date check
            written = " ".join(match["wd"].split())
            actual = vi.weekday(day)
            shown = vi.format_date_short(day)
            if _weekday_index(written) != day.weekday():
                yield Finding(
                    ERROR,
                    "weekday_mismatch",
                    f"Ngày {shown} là {actual}, nhưng văn bản ghi “{written}”.",
                    where,
                )
            elif written != actual:
                yield Finding(
                    WARNING,
                    "weekday_format",
                    f"Viết thứ theo Nghị định 30: “{actual}” (đang ghi “{written}”).",
                    where,
                )


# --- times and dates ----------------------------------------------------------------------------

_GOOD_TIME = re.compile(r"(?<!\d)(\d{1,2}) giờ (\d{2}) phút")
_BAD_TIMES = (
    re.compile(r"(?<![\w/.,])\d{1,2}\s?[hHg]\s?(?:\d{2})?(?!\w)"),  # 14h00, 14h, 14g30
    re.compile(r"(?<![\d/.,])\d{1,2}:\d{2}(?!\d)"),  # 14:00
    re.compile(r"(?<!\d)\d{1,2} giờ (?:\d(?! ?\d)(?: phút)?|\d{2}(?! phút))"),  # 14 giờ 30
    re.compile(r"(?<!\d)\d{1,2} giờ(?=\s*(?:,|ngày|sáng|chiều|tối|trưa|\())"),  # 14 giờ, ngày
)


def _times(where: str, text: str) -> Iterator[Finding]:
    for match in _GOOD_TIME.finditer(text):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            yield Finding(ERROR, "invalid_time", f"Giờ “{match[0]}” không có thật.", where)
    for pattern in _BAD_TIMES:
        for match in pattern.finditer(text):
            yield Finding(
                WARNING,
                "time_format",
                f"Viết giờ đầy đủ theo Nghị định 30, ví dụ “14 giờ 00 phút” (đang ghi "
                f"“{match[0].strip()}”).",
                where,
            )


_SHORT_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2,4})(?![\d/])")
_OTHER_DATE = re.compile(
    r"(?<![\d.\-])(?:(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})|(\d{4})-(\d{2})-(\d{2}))(?![\d.\-]\d)"
)
_LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_CITATION = re.compile(r"\d+/[\w.-]*[A-ZĐ][\w.-]*\s+ngày\s*$")


def _cites_a_document(text: str, start: int) -> bool:
    """ "892/QĐ-BNV ngày 05/12/2024": a cited document keeps the date as it was issued."""
    return bool(_CITATION.search(text[max(0, start - 40) : start]))


def _dates(where: str, text: str) -> Iterator[Finding]:
    """Dates in running text are written "29/5/2026" (ND30 Phụ lục II; no leading zeros)."""
    for match in _SHORT_DATE.finditer(text):
        if _cites_a_document(text, match.start()):
            continue
        day, month, year = int(match[1]), int(match[2]), match[3]
        if len(year) != 4:
            yield Finding(
                WARNING,
                "date_format",
                f"Năm phải đủ bốn chữ số: “{match[0]}”.",
                where,
            )
            continue
        real = _real_date(int(year), month, day)
        if real is None:
            yield Finding(ERROR, "invalid_date", f"Ngày “{match[0]}” không có thật.", where)
        elif match[0] != vi.format_date_short(real):
            yield Finding(
                WARNING,
                "date_format",
                f"Viết ngày “{vi.format_date_short(real)}” (đang ghi “{match[0]}”).",
                where,
            )
    for match in _OTHER_DATE.finditer(text):
        if match[1]:
            real = _real_date(int(match[3]), int(match[2]), int(match[1]))
        else:
            real = _real_date(int(match[4]), int(match[5]), int(match[6]))
        if real is None:
            continue  # "1.2.2026" may be a version or a code, not a date
        yield Finding(
            WARNING,
            "date_format",
            f"Viết ngày “{vi.format_date_short(real)}” (đang ghi “{match[0]}”).",
            where,
        )
    for match in _LONG_DATE.finditer(text):
        real = _real_date(int(match[3]), int(match[2]), int(match[1]))
        if real is None:
            yield Finding(ERROR, "invalid_date", f"Ngày “{match[0]}” không có thật.", where)
            continue
        yield Finding(
            WARNING,
            "date_format",
            f"Trong nội dung văn bản viết ngày dạng ngắn “{vi.format_date_short(real)}” "
            f"(đang ghi “{match[0]}”).",
            where,
        )


# --- the header, the footer, the required elements ----------------------------------------------

_LUU = re.compile(r"^Lưu\s*:\s*VT\s*,\s*\S")
_CODE = re.compile(r"^[A-ZĐ0-9&()]+$")


def _number(document: Document) -> Iterator[Finding]:
    number, where = document.number, "Số, ký hiệu"
    if number is None:
        return  # unnumbered working papers (script, remarks) carry no số ký hiệu
    if number.number is not None and number.number < 1:
        yield Finding(
            ERROR,
            "number_malformed",
            f"Số văn bản phải từ 1 trở lên (đang là {number.number}).",
            where,
        )
    code = number.issuer_code
    if not code:
        yield Finding(ERROR, "missing_element", "Thiếu ký hiệu cơ quan ban hành.", where)
    elif not _CODE.match(code):
        yield Finding(
            ERROR,
            "number_malformed",
            f"Ký hiệu cơ quan “{code}” phải viết in hoa, không dấu cách (ví dụ UBND, SNV).",
            where,
        )
    if code and document.issuer.code and code != document.issuer.code:
        yield Finding(
            ERROR,
            "number_malformed",
            f"Ký hiệu “{code}” trong số văn bản khác mã cơ quan ban hành “{document.issuer.code}”.",
            where,
        )
    doc_type = number.doc_type
    if not doc_type:
        if document.type_name:
            expected = TYPE_CODES.get(document.type_name.upper(), "…")
            yield Finding(
                ERROR,
                "number_malformed",
                f"{document.type_name.capitalize()} phải có chữ viết tắt tên loại trong số "
                f"ký hiệu (…/{expected}-{code}).",
                where,
            )
        elif not number.unit:
            yield Finding(
                ERROR,
                "number_malformed",
                f"Công văn ghi ký hiệu “{code}-<đơn vị soạn thảo>”, ví dụ “12/UBND-NC”.",
                where,
            )
        return
    if doc_type not in DOC_TYPES:
        hint = ""
        fixed = vi.nfc(doc_type).replace("\u00d0", "Đ")
        if fixed in DOC_TYPES:
            hint = f" Có lẽ là “{fixed}”: chữ Đ phải là U+0110, không phải Ð (U+00D0)."
        yield Finding(
            ERROR,
            "number_malformed",
            f"“{doc_type}” không có trong bảng chữ viết tắt tên loại văn bản của Nghị định 30."
            + hint,
            where,
        )
        return
    if document.type_name is None:
        return  # reported as a missing tên loại
    expected = TYPE_CODES.get(document.type_name.upper())
    if expected is not None and doc_type != expected:
        yield Finding(
            ERROR,
            "number_malformed",
            f"{document.type_name.capitalize()} phải có ký hiệu {expected} "
            f"(…/{expected}-{code}), đang là {symbol(number)}.",
            where,
        )


def _required(document: Document) -> Iterator[Finding]:
    def missing(where: str, what: str) -> Finding:
        return Finding(ERROR, "missing_element", f"Thiếu {what}.", where)

    issuer = document.issuer
    if not issuer.name.strip():
        yield missing("Cơ quan ban hành", "tên cơ quan ban hành")
    if not issuer.place.strip():
        yield missing("Địa danh, ngày", "địa danh")
    if document.number and document.number.doc_type and not (document.type_name or "").strip():
        yield missing("Tên loại", "tên loại văn bản (ví dụ GIẤY MỜI)")
    if not document.subject.strip():
        yield missing("Trích yếu", "trích yếu nội dung")
    issued = document.date
    if not 2000 <= issued.year <= 2100:
        yield missing("Địa danh, ngày", "năm ban hành")
    day, month = issued.day, issued.month
    if day is not None and month is None:
        yield missing("Địa danh, ngày", "tháng ban hành")
    elif day is not None and month is not None and _real_date(issued.year, month, day) is None:
        yield Finding(
            ERROR,
            "invalid_date",
            f"Ngày ban hành {issued.day}/{issued.month}/{issued.year} không có thật.",
            "Địa danh, ngày",
        )
    if not any(line.strip() for line in document.signature.authority):
        yield missing("Chữ ký", "quyền hạn, chức vụ người ký")
    if not document.signature.signer.strip():
        yield missing("Chữ ký", "họ tên người ký")
    if not document.distribution:
        yield missing("Nơi nhận", "Nơi nhận")
    elif not _LUU.match(document.distribution[-1].strip()):
        yield Finding(
            ERROR,
            "distribution_luu",
            "Dòng cuối của Nơi nhận phải là “Lưu: VT, <đơn vị soạn thảo>.” "
            f"(đang là “{document.distribution[-1]}”).",
            "Nơi nhận",
        )


def _end_mark(document: Document) -> Iterator[Finding]:
    """The content ends with "./." so nothing can be added after it (ND30 Phụ lục I)."""
    texts = [block_text(b) for b in document.body if block_text(b).strip()]
    if not texts or not texts[-1].rstrip().endswith("./."):
        yield Finding(
            ERROR,
            "missing_end_mark",
            "Nội dung văn bản phải kết thúc bằng dấu “./.”.",
            f"Thân văn bản, đoạn {len(document.body)}" if document.body else "Thân văn bản",
        )


def check_document(document: Document) -> list[Finding]:
    """Check a document as printed: header, required elements, weekdays, times, dates, ``./.``."""
    findings = [*_number(document), *_required(document), *_end_mark(document)]
    for where, text in _texts(document):
        findings += _weekdays(where, text)
        findings += _times(where, text)
        if not where.startswith("Trích yếu"):
            findings += _dates(where, text)
    return findings


# --- the event: facts against free text ---------------------------------------------------------

# A year is a 4-digit number in a year context: after "năm", in "5/2026", or in a range
# "2021-2025". Other numbers (counts, codes) are left alone; so are full dates with a day (they
# date other documents) and số ký hiệu such as "30/2020/NĐ-CP".
_IGNORED = re.compile(
    r"\d{1,2}/\d{1,2}/\d{4}"
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
    r"|\d+/\d{4}/[^\s,;.]+"
)
_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})(?!\d)")
_YEAR = re.compile(
    r"(?:(?:tháng\s+\d{1,2}\s+)?năm\s+|(?<![\d/])\d{1,2}/)((?:19|20)\d{2})(?!\d)", re.IGNORECASE
)


def _years(text: str) -> Iterator[tuple[int, int, str]]:
    """(first, last, as written) for every year or range of years mentioned in ``text``."""
    text = _IGNORED.sub(lambda m: " " * len(m[0]), strip_markup(text))
    ranges = []
    for match in _RANGE.finditer(text):
        ranges.append(match.span())
        yield int(match[1]), int(match[2]), match[0]
    for match in _YEAR.finditer(text):
        if any(start <= match.start(1) < end for start, end in ranges):
            continue
        year = int(match[1])
        yield year, year, match[0]


def _event_texts(event: Event) -> Iterator[tuple[str, str]]:
    """(key path, text) of the free-text fields other than the basis."""
    for index, line in enumerate(event.subject):
        yield f"subject[{index}]", line
    yield "title", event.title
    for index, participant in enumerate(event.participants):
        yield (
            f"participants[{index}]",
            " ".join(filter(None, (participant.text, participant.role, participant.note))),
        )
    yield "venue", f"{event.venue.name} {event.venue.address or ''}"
    for index, item in enumerate(event.content):
        yield f"content[{index}]", item
    for index, task in enumerate(event.tasks):
        yield f"tasks[{index}].text", task.text
    yield "closing", event.closing


def _period(first: int, last: int) -> str:
    return f"năm {first}" if first == last else f"giai đoạn {first}-{last}"


def _year_findings(event: Event) -> Iterator[Finding]:
    """Years must agree with the event.

    The basis ("Thực hiện Chương trình công tác tháng 5 năm …") is what the event carries out
    now, so it must name the event's year. Elsewhere the results year (one before) is normal —
    a 2026 conference analyses the 2025 indices — and so is the event year; anything else is a
    likely slip of a document copied from an earlier year.
    """
    year = event.start.year
    for first, last, written in _years(event.basis):
        if not first <= year <= last:
            yield Finding(
                WARNING,
                "year_mismatch",
                f"Câu căn cứ ghi “{written}”: {_period(first, last)} không khớp năm tổ chức "
                f"{year}; chương trình, kế hoạch đang được thực hiện phải là của năm {year}.",
                event.locate("basis"),
            )
    allowed = {year - 1, year}
    for path, text in _event_texts(event):
        for first, last, written in _years(text):
            if not allowed & set(range(first, last + 1)):
                yield Finding(
                    WARNING,
                    "year_mismatch",
                    f"“{written}”: {_period(first, last)} không khớp năm tổ chức {year}; chỉ "
                    f"hợp lý năm {year} hoặc năm kết quả {year - 1}.",
                    event.locate(path),
                )


def _earliest_issue_day(issued: IssueDate) -> date | None:
    """The earliest day the document can have been issued (first of the month if no day)."""
    if issued.month is None:
        return None
    return date(issued.year, issued.month, issued.day or 1)


def _date_findings(event: Event) -> Iterator[Finding]:
    """Deadlines fall after the issue date and before the event; the event ends after it starts."""
    start_day = event.start.date()
    shown_start = vi.format_date_short(start_day)
    if event.end is not None and event.end <= event.start:
        yield Finding(
            ERROR,
            "end_before_start",
            "Thời gian kết thúc phải sau thời gian bắt đầu.",
            event.locate("end"),
        )
    issued = event.issue_date
    earliest = _earliest_issue_day(issued)
    if issued.year > start_day.year or (
        earliest is not None and (earliest.year, earliest.month) > (start_day.year, start_day.month)
    ):
        yield Finding(
            ERROR,
            "issued_after_event",
            f"Giấy mời ban hành sau ngày tổ chức {shown_start}.",
            event.locate("issue_date"),
        )
    elif issued.day is not None and earliest is not None and earliest > start_day:
        yield Finding(
            ERROR,
            "issued_after_event",
            f"Giấy mời ban hành ngày {vi.format_date_short(earliest)}, sau ngày tổ chức "
            f"{shown_start}.",
            event.locate("issue_date"),
        )
    for index, task in enumerate(event.tasks):
        if task.deadline is None:
            continue
        where = event.locate(f"tasks[{index}].deadline")
        shown = vi.format_date_short(task.deadline)
        if task.deadline > start_day:
            yield Finding(
                ERROR,
                "deadline_after_event",
                f"Hạn {shown} của điểm {task.label}) sau ngày tổ chức {shown_start}.",
                where,
            )
        elif task.deadline == start_day and task.deadline_kind == "no_later_than":
            yield Finding(
                WARNING,
                "deadline_after_event",
                f"Hạn {shown} của điểm {task.label}) trùng ngày tổ chức: không còn thời gian "
                "chuẩn bị.",
                where,
            )
        if issued.day is not None and earliest is not None:
            late = task.deadline < earliest or (
                task.deadline == earliest and task.deadline_kind == "before"
            )
            issued_text = f"ngày ban hành {vi.format_date_short(earliest)}"
        else:
            late = earliest is not None and (task.deadline.year, task.deadline.month) < (
                earliest.year,
                earliest.month,
            )
            issued_text = f"tháng ban hành {issued.month}/{issued.year}"
        if late:
            yield Finding(
                ERROR,
                "deadline_before_issue",
                f"Hạn {shown} của điểm {task.label}) trước {issued_text}.",
                where,
            )


def _label_findings(event: Event) -> Iterator[Finding]:
    """Điểm go a), b), c) … in Vietnamese order (đ after d; no f, j, w, z)."""
    for index, task in enumerate(event.tasks):
        expected = TASK_LABELS[index] if index < len(TASK_LABELS) else None
        if expected is not None and task.label != expected:
            yield Finding(
                WARNING,
                "task_label_order",
                f"Điểm thứ {index + 1} phải là {expected}) (đang là {task.label})).",
                event.locate(f"tasks[{index}].label"),
            )


def check_event(event: Event) -> list[Finding]:
    """Check the facts of an event and its free text against them (years, deadlines, order)."""
    return [*_year_findings(event), *_date_findings(event), *_label_findings(event)]


def run_checks(path: str | Path) -> list[Finding]:
    """Load an event file, build its Giấy mời and run every check; event findings first.

    A file that does not load raises :class:`~chiso.errors.ValidationFailed` with its problems.
    """
    event = load_event(path)
    return check_event(event) + check_document(invitation(event))
