"""What changed between two submitted versions of a contribution: per item and field, with a
word-level diff (difflib) the page marks with <ins> and <del>.

Snapshots are plain JSON frozen at submit time and never rewritten, so this reads both shapes:
solutions as a list of rows (owner, ISO deadline, points) and, in versions frozen before
solutions were structured, as one text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from chiso import vi

FIELD_LABELS = (
    ("causes", "Nguyên nhân"),
    ("responsibility_agency", "Trách nhiệm của cơ quan"),
    ("responsibility_unit", "Trách nhiệm của đơn vị"),
    ("responsibility_individual", "Trách nhiệm của cá nhân"),
    ("solutions", "Giải pháp"),
)
ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp"}
CHANGED, UNCHANGED, ADDED, REMOVED, FIRST = (
    "thay đổi",
    "không đổi",
    "mục mới",
    "không còn trong phiên bản này",
    "phiên bản đầu tiên",
)

# A word carries the whitespace before it, so the matcher never aligns on the blanks between
# words (with blanks as tokens of their own every other token is " ", and matching crawls).
_TOKENS = re.compile(r"\s*\S+|\s+")
WORD_LIMIT = 1500


@dataclass(frozen=True)
class Segment:
    """A run of text: ``op`` is ``equal``, ``ins`` or ``del``."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    status: str  # CHANGED, UNCHANGED or FIRST
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return self.status == CHANGED


@dataclass(frozen=True)
class ItemChange:
    code: str
    name: str
    role: str
    status: str  # CHANGED, UNCHANGED, ADDED, REMOVED or FIRST
    fields: tuple[FieldChange, ...]


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """``old`` → ``new`` word by word; whitespace is kept so line breaks survive.

    Lines are matched first and words only inside the lines that changed: matching every word of
    a long text at once is quadratic (a 20 KB field took 20 s). A changed block longer than
    :data:`WORD_LIMIT` words is shown as removed and added whole.
    """
    segments: list[Segment] = []

    def add(op: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    def words(a: list[str], b: list[str]) -> None:
        for tag, i1, i2, j1, j2 in _opcodes(a, b):
            if tag == "equal":
                add("equal", a[i1:i2])
            else:
                add("del", a[i1:i2])
                add("ins", b[j1:j2])

    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines):
        if tag == "equal":
            add("equal", old_lines[i1:i2])
            continue
        blocks = [("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]))]
        if tag == "replace" and i2 - i1 == j2 - j1:  # paragraphs edited in place: pair them
            blocks = list(zip(old_lines[i1:i2], new_lines[j1:j2], strict=True))
        for old_text, new_text in blocks:
            a, b = _TOKENS.findall(old_text), _TOKENS.findall(new_text)
            if max(len(a), len(b)) > WORD_LIMIT:
                add("del", a)
                add("ins", b)
            else:
                words(a, b)
    return tuple(segments)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def solutions_text(value) -> str:
    """Solutions as lines for reading and diffing: ``text (thực hiện: …; thời hạn: 31/12/2026;
    điểm kỳ vọng: 0,5)``."""
    if isinstance(value, str):
        return value
    lines = []
    for number, row in enumerate(value or (), start=1):
        details = []
        if row.get("owner"):
            details.append(f"thực hiện: {row['owner']}")
        if row.get("deadline"):
            details.append(f"thời hạn: {vi.format_date_short(date.fromisoformat(row['deadline']))}")
        if row.get("expected_points") is not None:
            details.append(f"điểm kỳ vọng: {vi.format_points(float(row['expected_points']))}")
        suffix = f" ({'; '.join(details)})" if details else ""
        lines.append(f"{number}. {row.get('text', '')}{suffix}")
    return "\n".join(lines)


def _field_text(item: dict, name: str) -> str:
    if name == "solutions":
        return solutions_text(item.get("solutions", ""))
    return item.get(name, "") or ""


def _field(label: str, old: str | None, new: str) -> FieldChange:
    if old is None:
        return FieldChange(label, FIRST, (Segment("equal", new),) if new else ())
    if old == new:
        return FieldChange(label, UNCHANGED, (Segment("equal", new),) if new else ())
    return FieldChange(label, CHANGED, word_diff(old, new))


def _item(old: dict | None, new: dict | None, first: bool) -> ItemChange:
    base = new or old or {}
    fields = tuple(
        _field(
            label,
            None if first else (_field_text(old, name) if old else ""),
            _field_text(new, name) if new else "",
        )
        for name, label in FIELD_LABELS
    )
    if first:
        status = FIRST
    elif old is None:
        status = ADDED
    elif new is None:
        status = REMOVED
    else:
        status = CHANGED if any(f.changed for f in fields) else UNCHANGED
    return ItemChange(
        code=base.get("code", ""),
        name=base.get("name", ""),
        role=ROLE_LABELS.get(base.get("role", "lead"), ""),
        status=status,
        fields=fields,
    )


def compare(old: dict | None, new: dict) -> tuple[FieldChange, list[ItemChange]]:
    """The general text and every item of ``new`` against ``old`` (None: ``new`` is the first
    version). Items only in ``old`` come last, marked as no longer in this version."""
    first = old is None
    general = _field(
        "Ý kiến chung", None if first else old.get("general_text", ""), new.get("general_text", "")
    )
    before = {i["code"]: i for i in (old or {}).get("items", ())}
    after = new.get("items", ())
    items = [_item(before.get(i["code"]), i, first) for i in after]
    codes = {i["code"] for i in after}
    items += [_item(i, None, False) for code, i in before.items() if code not in codes]
    return general, items
