"""A meeting or conference described as data (YAML schema ``chiso.event/1``).

A Giấy mời repeats facts that must agree with each other: the time and its weekday, the deadlines
and the day of the event, the years in the basis and in the subject. When a clerk types them as
prose, slips survive proofreading (a real invitation of May 2026 cites "Chương trình công tác
tháng 5 năm 2024"). Keeping the event as structured data lets :func:`chiso.documents.invitation.
invitation` compute every derived phrase (weekday, "14 giờ 00 phút", "chậm nhất ngày 27/5/2026")
and lets :mod:`chiso.documents.checks` compare the free-text parts with the facts.

The loader collects every problem of a file before failing and names the YAML line of each,
because these files are edited by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from chiso import vi
from chiso.documents.model import IssueDate, Issuer, Number, Signature
from chiso.errors import Problem, ValidationFailed
from chiso.frameworks.yaml_lines import parse_document, read_document_text
from chiso.vi import nfc

SCHEMA = "chiso.event/1"

# Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset avoids depending on
# tzdata, which Windows installations of Python lack.
VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

DEADLINE_KINDS = ("no_later_than", "before")
# Điểm labels in Vietnamese order (ND30 Phụ lục II): no f, j, w, z; đ comes after d.
TASK_LABELS = tuple("abcdđeghiklmnopqrstuvxy")
# Punctuation a list item may end with when the default (";" then "." for the last) is not wanted.
ITEM_ENDS = (";", ".", ":", ",")

_MARKUP = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


@dataclass(frozen=True)
class Participant:
    """One line of "Thành phần": a group of people, with its role or a note.

    Rendered ``{text} - {role}`` (the chair: "Lãnh đạo UBND tỉnh - Chủ trì hội nghị") and
    ``{text} ({note})`` ("(có giấy mời riêng)"). ``end`` overrides the list punctuation, which
    real invitations do not always apply regularly.
    """

    text: str
    role: str | None = None
    note: str | None = None  # without the parentheses
    end: str | None = None


@dataclass(frozen=True)
class Venue:
    name: str  # "Hội trường HĐND - UBND tỉnh"
    address: str | None = None  # "số 02 đường Hùng Vương, phường Lương Văn Tri, tỉnh Lạng Sơn"


@dataclass(frozen=True)
class Task:
    """One điểm of "Tổ chức thực hiện": ``{label}) [Giao ]{owner} {text} {deadline}{end}``.

    The deadline is a date, never prose, so the phrase ("chậm nhất ngày 27/5/2026", "trước ngày
    27/5/2026") is written by the generator and the checker can compare it with the event.
    ``assign`` prefixes "Giao" (the UBND assigning the task to an agency).
    """

    label: str
    owner: str
    text: str  # may hold *italic* and **bold** markup
    deadline: date | None = None
    deadline_kind: str = "no_later_than"
    assign: bool = False
    end: str | None = None


@dataclass(frozen=True)
class Event:
    """Everything a Giấy mời says, as facts; see the module docstring for why."""

    issuer: Issuer
    number: Number
    issue_date: IssueDate
    subject: tuple[str, ...]  # trích yếu, one entry per printed line
    basis: str  # "Thực hiện Chương trình công tác tháng 5 năm 2026"
    inviter: str  # "UBND tỉnh trân trọng kính mời đại biểu dự"
    kind: str  # "Hội nghị": used in "1. Thành phần dự Hội nghị", "4. Nội dung Hội nghị"
    title: str  # "Hội nghị phân tích kết quả …"
    participants: tuple[Participant, ...]
    start: datetime  # aware, Vietnam time
    venue: Venue
    content: tuple[str, ...]
    tasks: tuple[Task, ...]
    closing: str  # "Trân trọng kính mời đại biểu tham dự Hội nghị" ("./." added when printed)
    distribution: tuple[str, ...]  # Nơi nhận, last "Lưu: VT, …"
    signature: Signature
    end: datetime | None = None
    # Where each value came from, so a finding can say "dòng 14"; not part of the event's identity.
    source: str | None = field(default=None, compare=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def locate(self, path: str) -> str:
        """ "basis (tệp x.yaml, dòng 14)": the key path a clerk sees in the file, with its line."""
        line = _nearest_line(self.lines, path)
        if self.source and line:
            return f"{path} (tệp {self.source}, dòng {line})"
        if line:
            return f"{path} (dòng {line})"
        return path


# --- inline markup ------------------------------------------------------------------------------


def split_markup(text: str) -> list[tuple[str, bool, bool]]:
    """ "a (*b*), **c**" -> [("a (", F, F), ("b", F, T), ("), ", F, F), ("c", T, F)].

    The seed itself marks its italics and bold this way, so clerks can copy its sentences.
    Returns (text, bold, italic) pieces; the caller turns them into model Runs.
    """
    pieces: list[tuple[str, bool, bool]] = []
    last = 0
    for match in _MARKUP.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False, False))
        if match.group(1) is not None:
            pieces.append((match.group(1), True, False))
        else:
            pieces.append((match.group(2), False, True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False, False))
    return pieces


def strip_markup(text: str) -> str:
    """The text as read aloud: markup markers dropped (for checks and plain-text fields)."""
    return "".join(piece for piece, _, _ in split_markup(text))


def _markup_error(text: str) -> str | None:
    leftover = "".join(piece for piece, _, _ in split_markup(text))
    if "*" in leftover:
        return "Dấu * không khép: viết *chữ nghiêng* hoặc **chữ đậm**, mỗi dấu mở phải có dấu đóng."
    return None


# --- loading ------------------------------------------------------------------------------------


def load_event(path: str | Path) -> Event:
    """Load and validate an event file; :class:`ValidationFailed` lists every problem."""
    return load_event_text(read_document_text(path, what="sự kiện"), origin=str(path))


def load_event_text(text: str, *, origin: str) -> Event:
    """Parse and validate event YAML held in memory (tests, the web app)."""
    name = Path(origin).name
    data = parse_document(text, file=name)
    builder = _Builder(name, _line_map(text))
    event = builder.build(data)
    if builder.problems:
        raise ValidationFailed(
            f"Tệp sự kiện {name} có {len(builder.problems)} lỗi; chưa tạo được giấy mời.",
            builder.problems,
        )
    assert event is not None
    return event


def _line_map(text: str) -> dict[str, int]:
    """Map every key path ("tasks[2].deadline") to its 1-based line.

    :func:`parse_document` keeps lines for mappings only; a problem about one scalar (a date,
    a year) is easier to fix when it names that scalar's own line.
    """
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{path}.{key.value}" if path else str(key.value)
                lines.setdefault(child, key.start_mark.line + 1)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, "")
    return lines


def _nearest_line(lines: Mapping[str, int], path: str) -> int | None:
    """The line of ``path`` or of the closest enclosing key that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return lines.get("")


def _clean(text: str) -> str:
    """NFC, with runs of whitespace (YAML line folding, double spaces) made one space."""
    return nfc(" ".join(text.split()))


_TOP_KEYS = {
    "schema": True,
    "issuer": True,
    "number": True,
    "issue_date": True,
    "subject": True,
    "basis": True,
    "inviter": True,
    "kind": True,
    "title": True,
    "participants": True,
    "start": True,
    "end": False,
    "venue": True,
    "content": False,
    "tasks": False,
    "closing": True,
    "distribution": True,
    "signature": True,
}


class _Builder:
    def __init__(self, file: str, lines: dict[str, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def err(self, message: str, path: str) -> None:
        self.problems.append(
            Problem(
                message, file=self.file, row=_nearest_line(self.lines, path), code="invalid_event"
            )
        )

    # -- generic fields --

    def keys(self, data: Mapping[str, Any], spec: Mapping[str, bool], path: str) -> bool:
        """Report unknown and missing keys; a typo ("deadine") would otherwise be ignored."""
        ok = True
        for key in data:
            if key not in spec:
                known = ", ".join(spec)
                self.err(f"Khóa '{key}' không có trong lược đồ; các khóa hợp lệ: {known}.", path)
        for key, required in spec.items():
            if required and key not in data:
                where = f" trong '{path}'" if path else ""
                self.err(f"Thiếu khóa bắt buộc '{key}'{where}.", path)
                ok = False
        return ok

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.err(f"'{path}' phải là một bảng khóa–giá trị (mapping).", path)
            return None
        return value

    def text(self, value: Any, path: str, *, markup: bool = False) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.err(f"'{path}' phải là chữ (đang là {value!r}).", path)
            return None
        cleaned = _clean(value)
        if vi.strip_controls(cleaned) != cleaned:  # "\0" or "\x07" written as YAML escapes
            self.err(f"'{path}' chứa ký tự điều khiển không in được; hãy xóa ký tự đó.", path)
            return None
        if not cleaned:
            self.err(f"'{path}' đang để trống.", path)
            return None
        if markup:
            problem = _markup_error(cleaned)
            if problem:
                self.err(problem, path)
        return cleaned

    def required_text(self, data: Mapping[str, Any], key: str, path: str, **kw: bool) -> str:
        child = f"{path}.{key}" if path else key
        if data.get(key) is None:
            if key in data:
                self.err(f"'{child}' đang để trống.", child)
            return ""
        return self.text(data.get(key), child, **kw) or ""

    def texts(self, value: Any, path: str, *, markup: bool = False) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(f"'{path}' phải là danh sách các dòng chữ.", path)
            return ()
        items = (self.text(item, f"{path}[{i}]", markup=markup) for i, item in enumerate(value))
        return tuple(item for item in items if item)

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.err(f"'{path}' phải là số nguyên từ {low} đến {high} (đang là {value!r}).", path)
            return None
        return value

    def end_mark(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if value not in ITEM_ENDS:
            allowed = " ".join(f'"{e}"' for e in ITEM_ENDS)
            self.err(f"'{path}' phải là một trong {allowed} (đang là {value!r}).", path)
            return None
        return value

    # -- the document --

    def build(self, data: Any) -> Event | None:
        if not isinstance(data, Mapping):
            self.err("Tệp phải là một bảng khóa–giá trị YAML (mapping) ở cấp ngoài cùng.", "")
            return None
        if data.get("schema") != SCHEMA:
            self.err(
                f"Khóa 'schema' phải là '{SCHEMA}' (đang là {data.get('schema')!r}).", "schema"
            )
        self.keys(data, _TOP_KEYS, "")

        def required(key: str, make: Any) -> Any:
            """``make(data[key])``; a key written but left empty ("venue:") is a problem too."""
            before = len(self.problems)
            result = make(data.get(key))
            if result is None and key in data and len(self.problems) == before:
                self.err(f"'{key}' đang để trống.", key)
            return result

        issuer = required("issuer", self.issuer)
        number = required("number", self.number)
        issue_date = required("issue_date", self.issue_date)
        subject = self.texts(data.get("subject"), "subject")
        if "subject" in data and not subject:
            self.err("'subject' (trích yếu) cần ít nhất một dòng.", "subject")
        basis = self.required_text(data, "basis", "")
        inviter = self.required_text(data, "inviter", "")
        kind = self.required_text(data, "kind", "")
        title = self.required_text(data, "title", "")
        participants = self.participants(data.get("participants"))
        start = required("start", lambda value: self.moment(value, "start"))
        end = self.moment(data.get("end"), "end")
        venue = required("venue", self.venue)
        content = self.texts(data.get("content"), "content", markup=True)
        tasks = self.tasks(data.get("tasks"))
        closing = self.required_text(data, "closing", "", markup=True)
        distribution = self.texts(data.get("distribution"), "distribution", markup=True)
        if "distribution" in data and not distribution:
            self.err("'distribution' (Nơi nhận) cần ít nhất một dòng.", "distribution")
        signature = required("signature", self.signature)
        if self.problems:
            return None
        assert issuer and number and issue_date and start and venue and signature
        return Event(
            issuer=issuer,
            number=number,
            issue_date=issue_date,
            subject=subject,
            basis=basis,
            inviter=inviter,
            kind=kind,
            title=title,
            participants=participants,
            start=start,
            end=end,
            venue=venue,
            content=content,
            tasks=tasks,
            closing=closing,
            distribution=distribution,
            signature=signature,
            source=self.file,
            lines=MappingProxyType(dict(self.lines)),
        )

    def issuer(self, value: Any) -> Issuer | None:
        data = self.mapping(value, "issuer") if value is not None else None
        if data is None:
            return None
        spec = {"name": True, "code": True, "place": True, "parent": False}
        self.keys(data, spec, "issuer")
        return Issuer(
            name=self.required_text(data, "name", "issuer"),
            code=self.required_text(data, "code", "issuer"),
            place=self.required_text(data, "place", "issuer"),
            parent=self.text(data.get("parent"), "issuer.parent"),
        )

    def number(self, value: Any) -> Number | None:
        data = self.mapping(value, "number") if value is not None else None
        if data is None:
            return None
        spec = {"doc_type": True, "issuer_code": True, "unit": False, "number": False}
        self.keys(data, spec, "number")
        doc_type = data.get("doc_type")
        if doc_type is not None and not isinstance(doc_type, str):
            self.err(f"'number.doc_type' phải là chữ, ví dụ GM (đang là {doc_type!r}).", "number")
            doc_type = ""
        return Number(
            doc_type=nfc((doc_type or "").strip()),
            issuer_code=self.required_text(data, "issuer_code", "number"),
            unit=self.text(data.get("unit"), "number.unit"),
            number=self.integer(data.get("number"), "number.number", 1, 99999),
        )

    def issue_date(self, value: Any) -> IssueDate | None:
        data = self.mapping(value, "issue_date") if value is not None else None
        if data is None:
            return None
        self.keys(data, {"year": True, "month": False, "day": False}, "issue_date")
        year = self.integer(data.get("year"), "issue_date.year", 2000, 2100)
        month = self.integer(data.get("month"), "issue_date.month", 1, 12)
        day = self.integer(data.get("day"), "issue_date.day", 1, 31)
        if day is not None and month is None:
            self.err("Có ngày mà không có tháng: hãy ghi 'issue_date.month'.", "issue_date.day")
        if year is not None and month is not None and day is not None:
            try:
                date(year, month, day)
            except ValueError:
                self.err(f"Ngày {day}/{month}/{year} không có thật.", "issue_date.day")
        return IssueDate(year or 0, month, day)

    def participants(self, value: Any) -> tuple[Participant, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.err(
                "'participants' (thành phần) phải là danh sách, ít nhất một dòng.", "participants"
            )
            return ()
        result = []
        spec = {"text": True, "role": False, "note": False, "end": False}
        for index, item in enumerate(value):
            path = f"participants[{index}]"
            if isinstance(item, str):
                text = self.text(item, path, markup=True)
                if text:
                    result.append(Participant(text))
                continue
            data = self.mapping(item, path)
            if data is None:
                continue
            self.keys(data, spec, path)
            note = self.text(data.get("note"), f"{path}.note")
            if note and note.startswith("(") and note.endswith(")"):
                note = note[1:-1].strip()  # the parentheses are printed by the generator
            result.append(
                Participant(
                    text=self.required_text(data, "text", path, markup=True),
                    role=self.text(data.get("role"), f"{path}.role"),
                    note=note,
                    end=self.end_mark(data.get("end"), f"{path}.end"),
                )
            )
        return tuple(result)

    def moment(self, value: Any, path: str) -> datetime | None:
        """An aware date-time in Vietnam time; a bare "14:00" would hide which day or zone."""
        if value is None:
            return None
        example = "2026-05-29T14:00:00+07:00"
        parsed = value
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                self.err(
                    f"'{path}' phải là ngày giờ ISO, ví dụ {example} (đang là {value!r}).", path
                )
                return None
        if not isinstance(parsed, datetime):
            self.err(f"'{path}' phải là ngày giờ ISO, ví dụ {example} (đang là {value!r}).", path)
            return None
        if parsed.tzinfo is None:
            self.err(f"'{path}' thiếu múi giờ: hãy ghi giờ Việt Nam, ví dụ {example}.", path)
            return None
        if parsed.utcoffset() != timedelta(hours=7):
            self.err(
                f"'{path}' phải theo giờ Việt Nam (+07:00), ví dụ {example}; "
                f"đang là {parsed.isoformat()}.",
                path,
            )
            return None
        return parsed.replace(tzinfo=VN_TZ)

    def venue(self, value: Any) -> Venue | None:
        if isinstance(value, str):
            name = self.text(value, "venue")
            return Venue(name) if name else None
        data = self.mapping(value, "venue") if value is not None else None
        if data is None:
            return None
        self.keys(data, {"name": True, "address": False}, "venue")
        return Venue(
            name=self.required_text(data, "name", "venue"),
            address=self.text(data.get("address"), "venue.address"),
        )

    def tasks(self, value: Any) -> tuple[Task, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.err("'tasks' (tổ chức thực hiện) phải là danh sách.", "tasks")
            return ()
        spec = {
            "label": False,
            "owner": True,
            "text": True,
            "deadline": False,
            "deadline_kind": False,
            "assign": False,
            "end": False,
        }
        result = []
        for index, item in enumerate(value):
            path = f"tasks[{index}]"
            data = self.mapping(item, path)
            if data is None:
                continue
            self.keys(data, spec, path)
            expected = TASK_LABELS[index] if index < len(TASK_LABELS) else "?"
            label = data.get("label", expected)
            label = nfc(str(label)).strip().rstrip(")")
            if label not in TASK_LABELS:
                letters = ", ".join(TASK_LABELS)
                self.err(f"'{path}.label' phải là một chữ cái: {letters}.", f"{path}.label")
            deadline = self.deadline(data.get("deadline"), f"{path}.deadline")
            kind = data.get("deadline_kind")
            if kind is not None and kind not in DEADLINE_KINDS:
                self.err(
                    f"'{path}.deadline_kind' phải là no_later_than (chậm nhất ngày …) hoặc "
                    f"before (trước ngày …), đang là {kind!r}.",
                    f"{path}.deadline_kind",
                )
            if kind is not None and "deadline" not in data:
                self.err(f"Có 'deadline_kind' mà không có 'deadline' ở {path}.", path)
            assign = data.get("assign", False)
            if not isinstance(assign, bool):
                self.err(f"'{path}.assign' phải là true hoặc false.", f"{path}.assign")
            result.append(
                Task(
                    label=label,
                    owner=self.required_text(data, "owner", path),
                    text=self.required_text(data, "text", path, markup=True),
                    deadline=deadline,
                    deadline_kind=kind if kind in DEADLINE_KINDS else "no_later_than",
                    assign=assign is True,
                    end=self.end_mark(data.get("end"), f"{path}.end"),
                )
            )
        return tuple(result)

    def deadline(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                self.err(f"'{path}' phải là ngày dạng 2026-05-27 (đang là {value!r}).", path)
                return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.err(f"'{path}' phải là một ngày dạng 2026-05-27 (đang là {value!r}).", path)
            return None
        return value

    def signature(self, value: Any) -> Signature | None:
        data = self.mapping(value, "signature") if value is not None else None
        if data is None:
            return None
        self.keys(data, {"authority": True, "signer": True}, "signature")
        authority = self.texts(data.get("authority"), "signature.authority")
        if "authority" in data and not authority:
            self.err(
                "'signature.authority' cần ít nhất một dòng (ví dụ TL. CHỦ TỊCH).",
                "signature.authority",
            )
        return Signature(
            authority=authority, signer=self.required_text(data, "signer", "signature")
        )
