"""Giấy mời (ND30 template 1.7) built from a structured :class:`~chiso.documents.event.Event`.

The layout follows the province's real invitation to the SIPAS/PAR INDEX analysis conference
(the seed): opening sentence, then numbered sections — thành phần, thời gian, địa điểm, nội dung,
tổ chức thực hiện — the closing sentence with ``./.``, Nơi nhận and the stacked signature.
Everything that can be derived is derived here, never typed: the time ("14 giờ 00 phút"), the
short date and its weekday ("29/5/2026 (thứ Sáu)") and the deadline phrases ("chậm nhất ngày
27/5/2026"). That is what removes the commonest slips of hand-written invitations.

Only the data model is built; :func:`chiso.documents.nd30.build_docx` lays it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from chiso import vi
from chiso.documents.event import Event, Participant, Task, split_markup, strip_markup
from chiso.documents.model import Block, Bullet, Document, Paragraph, Run

TYPE_NAME = "GIẤY MỜI"

# How a deadline reads: "no_later_than" allows the day itself, "before" does not.
DEADLINE_PHRASES = {"no_later_than": "chậm nhất ngày", "before": "trước ngày"}


def format_time(moment: datetime) -> str:
    """ "14 giờ 00 phút": ND30 writing rules spell times out; minutes always have two digits."""
    return f"{moment.hour} giờ {moment.minute:02d} phút"


def format_day(day: date) -> str:
    """ "29/5/2026 (thứ Sáu)": the weekday is computed, so it cannot disagree with the date."""
    return f"{vi.format_date_short(day)} ({vi.weekday(day)})"


def time_phrase(start: datetime, end: datetime | None = None) -> str:
    """The "Thời gian" sentence, without its label.

    "từ 14 giờ 00 phút, ngày 29/5/2026 (thứ Sáu)" as in the seed; with an end on the same day
    "từ 14 giờ 00 phút đến 17 giờ 00 phút, ngày …"; over several days each end has its date.
    """
    first = start.date()
    if end is None:
        return f"từ {format_time(start)}, ngày {format_day(first)}"
    if end.date() == first:
        return f"từ {format_time(start)} đến {format_time(end)}, ngày {format_day(first)}"
    return (
        f"từ {format_time(start)}, ngày {format_day(first)} "
        f"đến {format_time(end)}, ngày {format_day(end.date())}"
    )


def deadline_phrase(task: Task) -> str:
    """ "chậm nhất ngày 27/5/2026" / "trước ngày 27/5/2026"; empty without a deadline."""
    if task.deadline is None:
        return ""
    return f"{DEADLINE_PHRASES[task.deadline_kind]} {vi.format_date_short(task.deadline)}"


# --- runs ---------------------------------------------------------------------------------------


def runs(text: str) -> tuple[Run, ...]:
    """Model runs from text with *italic* / **bold** markup (see :func:`event.split_markup`)."""
    return tuple(Run(piece, bold, italic) for piece, bold, italic in split_markup(text) if piece)


def _merge(parts: Iterable[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs of the same style: fewer runs, same text, simpler DOCX."""
    merged: list[Run] = []
    for run in parts:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    return tuple(merged)


def _with_end(text: str, end: str | None, last: bool) -> str:
    """Append the list punctuation unless the item already ends with some.

    ND30 lists end each item with ";" and the last with "."; ``end`` overrides this because real
    documents (the seed among them) are not always regular and must be reproducible.
    """
    if end is not None:
        return text.rstrip(";.,:") + end
    if text.endswith((";", ".", ":", "!", "?")):
        return text
    return text + ("." if last else ";")


def participant_text(participant: Participant) -> str:
    """ "Lãnh đạo UBND tỉnh - Chủ trì hội nghị", "… tỉnh (có giấy mời riêng)" (no punctuation)."""
    text = participant.text
    if participant.role:
        text = f"{text} - {participant.role}"
    if participant.note:
        text = f"{text} ({participant.note})"
    return text


def _participant(participant: Participant, last: bool) -> Bullet:
    return Bullet(_merge(runs(_with_end(participant_text(participant), participant.end, last))))


def _task(task: Task, last: bool) -> Paragraph:
    """ "a) Giao Sở Nội vụ … trình UBND tỉnh **chậm nhất ngày 27/5/2026**." """
    owner = f"Giao {task.owner}" if task.assign else task.owner
    parts = [Run(f"{task.label}) {owner} "), *runs(task.text)]
    deadline = deadline_phrase(task)
    if deadline:
        end = task.end if task.end is not None else ("." if last else ";")
        parts += [Run(" "), Run(deadline, bold=True), Run(end)]
    else:
        tail = parts[-1]  # punctuate the last piece in its own style
        parts[-1] = Run(_with_end(tail.text, task.end, last), tail.bold, tail.italic)
    return Paragraph(_merge(parts))


def _section(number: int, title: str) -> Paragraph:
    """A numbered khoản line; plain, as the seed prints "1. Thành phần dự Hội nghị"."""
    return Paragraph.text(f"{number}. {title}")


def _closing(text: str) -> Paragraph:
    """The closing sentence ends the content with "./." (ND30), added when the file omits it."""
    bare = text.rstrip()
    if not bare.endswith("./."):
        bare = bare.rstrip(".") + "./."
    return Paragraph(_merge(runs(bare)))


def _distribution(lines: Sequence[str]) -> tuple[str, ...]:
    """Nơi nhận lines as the model stores them: punctuated, markup dropped.

    The model keeps Nơi nhận as plain strings, so the seed's italic "(*đưa tin*)" prints upright.
    """
    count = len(lines)
    return tuple(
        _with_end(strip_markup(line), None, index == count - 1) for index, line in enumerate(lines)
    )


# --- the document -------------------------------------------------------------------------------


def body(event: Event) -> tuple[Block, ...]:
    """The content of the Giấy mời in the seed's order; sections are numbered as present."""
    blocks: list[Block] = [Paragraph(_merge(runs(f"{event.basis}, {opening(event)}")))]
    number = 0

    number += 1
    blocks.append(_section(number, f"Thành phần dự {event.kind}"))
    count = len(event.participants)
    blocks += [_participant(p, i == count - 1) for i, p in enumerate(event.participants)]

    number += 1
    blocks.append(Paragraph.text(f"{number}. Thời gian: {time_phrase(event.start, event.end)}."))

    number += 1
    venue = event.venue.name
    if event.venue.address:
        venue = f"{venue} (địa chỉ: {event.venue.address})"
    blocks.append(Paragraph.text(f"{number}. Địa điểm: {venue}."))

    if event.content:
        number += 1
        blocks.append(_section(number, f"Nội dung {event.kind}"))
        count = len(event.content)
        blocks += [
            Bullet(_merge(runs(_with_end(item, None, i == count - 1))))
            for i, item in enumerate(event.content)
        ]

    if event.tasks:
        number += 1
        blocks.append(_section(number, "Tổ chức thực hiện"))
        count = len(event.tasks)
        blocks += [_task(task, i == count - 1) for i, task in enumerate(event.tasks)]

    blocks.append(_closing(event.closing))
    return tuple(blocks)


def opening(event: Event) -> str:
    """ "UBND tỉnh trân trọng kính mời đại biểu dự Hội nghị …, như sau:" (after the basis)."""
    return f"{event.inviter} {event.title}, như sau:"


def invitation(event: Event) -> Document:
    """The Giấy mời for ``event`` as a :class:`Document` (laid out by ``nd30.build_docx``)."""
    return Document(
        issuer=event.issuer,
        number=event.number,
        date=event.issue_date,
        type_name=TYPE_NAME,
        subject="\n".join(event.subject),
        body=body(event),
        signature=event.signature,
        distribution=_distribution(event.distribution),
    )
