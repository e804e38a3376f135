"""The consolidated contribution book (sổ tổng hợp tham luận): every agency's answers in one report.

Each lead agency (chủ trì) explains, per lost sub-criterion, the causes, the responsibility of
agency, unit and individual, and its solutions — each with who carries it out, by when and how
many points it should win back. Supporting agencies (phối hợp) add their input, printed under the
lead's item. The Sở Nội vụ gathers them into one Báo cáo to the UBND tỉnh before the conference.
The input is plain data (no Django), so the web app, the CLI and the tests build the same document
from the same call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from chiso import vi
from chiso.documents.model import (
    Block,
    Bullet,
    Document,
    Heading,
    Paragraph,
    Run,
    Table,
)
from chiso.documents.report import default_settings
from chiso.parindex.results import ILLUSTRATIVE

EMPTY = "(chưa có nội dung)"


@dataclass(frozen=True)
class SolutionAnswer:
    """One solution; owner, deadline and points are empty only in texts written before
    solutions were structured."""

    text: str
    owner: str = ""
    deadline: date | None = None
    expected_points: float | None = None

    @property
    def detailed(self) -> bool:
        return bool(self.owner) or self.deadline is not None or self.expected_points is not None


def _as_solutions(value: str | Sequence[SolutionAnswer]) -> tuple[SolutionAnswer, ...]:
    """A plain text (the old free-text field) reads as one solution without details."""
    if isinstance(value, str):
        return (SolutionAnswer(value),) if value.strip() else ()
    return tuple(value)


@dataclass(frozen=True)
class SupportAnswer:
    """A supporting agency's (cơ quan phối hợp) input on another agency's item."""

    agency_name: str
    causes: str = ""
    responsibility_agency: str = ""
    responsibility_unit: str = ""
    responsibility_individual: str = ""
    solutions: tuple[SolutionAnswer, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "solutions", _as_solutions(self.solutions))

    @property
    def empty(self) -> bool:
        texts = (
            self.causes,
            self.responsibility_agency,
            self.responsibility_unit,
            self.responsibility_individual,
        )
        return not self.solutions and not any(t.strip() for t in texts)


@dataclass(frozen=True)
class ItemAnswer:
    """The lead agency's answer on one lost sub-criterion, with its supporting agencies' input.

    ``solutions`` may be given as a plain text (one solution without owner, deadline or points).
    """

    code: str
    name: str
    lost: float
    causes: str
    responsibility_agency: str
    responsibility_unit: str
    responsibility_individual: str
    solutions: tuple[SolutionAnswer, ...] | str = ()
    supporting: tuple[SupportAnswer, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "solutions", _as_solutions(self.solutions))
        object.__setattr__(self, "supporting", tuple(self.supporting))


@dataclass(frozen=True)
class AgencyContribution:
    """One agency's tham luận as it goes into the book (submitted content, or a marked draft)."""

    agency_name: str
    state_label: str  # "Đã tiếp nhận", "Chưa nộp (bản nháp)" …
    submitted_on: date | None  # None: never submitted
    late: bool
    items: tuple[ItemAnswer, ...]  # the items it leads (chủ trì)
    general_text: str = ""
    supported: tuple[str, ...] = ()  # codes of the items it supports (phối hợp)

    @property
    def lost(self) -> float:
        return sum(item.lost for item in self.items)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def _labelled(label: str, text: str) -> list[Block]:
    """``label: text`` as one paragraph; further lines of ``text`` as their own paragraphs."""
    lines = _lines(text)
    if not lines:
        return [Paragraph((Run(label + ": ", italic=True), Run(EMPTY, italic=True)))]
    first, *rest = lines
    return [Paragraph((Run(label + ": ", italic=True), Run(first)))] + [
        Paragraph.text(line) for line in rest
    ]


def _responsibility(label: str, text: str) -> Bullet:
    lines = _lines(text)
    return Bullet((Run(label + ": "), Run("; ".join(lines) if lines else EMPTY, italic=not lines)))


def _solution_details(solution: SolutionAnswer) -> str:
    parts = []
    if solution.owner:
        parts.append(f"thực hiện: {solution.owner}")
    if solution.deadline is not None:
        parts.append(f"thời hạn: {vi.format_date_short(solution.deadline)}")
    if solution.expected_points is not None:
        parts.append(f"điểm kỳ vọng: {vi.format_points(solution.expected_points)}")
    return "; ".join(parts)


def _solutions(label: str, solutions: Sequence[SolutionAnswer]) -> list[Block]:
    """One solution without details as running text (as before); otherwise one line each, with
    who carries it out, by when and the points it should win back."""
    if not solutions:
        return _labelled(label, "")
    if len(solutions) == 1 and not solutions[0].detailed:
        return _labelled(label, solutions[0].text)
    blocks: list[Block] = [Paragraph((Run(label + ":", italic=True),))]
    for number, solution in enumerate(solutions, start=1):
        runs = [Run(f"Giải pháp {number}: "), Run("; ".join(_lines(solution.text)) or EMPTY)]
        details = _solution_details(solution)
        if details:
            runs.append(Run(f" ({details})", italic=True))
        blocks.append(Bullet(tuple(runs)))
    return blocks


def _support_blocks(support: SupportAnswer) -> list[Block]:
    """A supporting agency's input, marked as such, under the lead's item."""
    heading = Paragraph(
        (Run("Cơ quan phối hợp: ", italic=True), Run(support.agency_name, bold=True))
    )
    if support.empty:
        return [Paragraph((*heading.runs, Run(f" {EMPTY}", italic=True)))]
    blocks: list[Block] = [heading]
    if support.causes.strip():
        blocks += _labelled("Nguyên nhân", support.causes)
    for label, text in (
        ("Trách nhiệm của cơ quan", support.responsibility_agency),
        ("Trách nhiệm của đơn vị", support.responsibility_unit),
        ("Trách nhiệm của cá nhân", support.responsibility_individual),
    ):
        if text.strip():
            blocks.append(_responsibility(label, text))
    if support.solutions:
        blocks += _solutions("Giải pháp", support.solutions)
    return blocks


def _state_line(contribution: AgencyContribution) -> Paragraph:
    parts = [Run("Tình trạng: ", italic=True), Run(contribution.state_label)]
    if contribution.submitted_on is None:
        parts.append(Run("; chưa nộp, nội dung dưới đây là bản nháp đang soạn."))
    else:
        parts.append(Run(f"; nộp ngày {vi.format_date_short(contribution.submitted_on)}"))
        parts.append(Run(" (nộp muộn)." if contribution.late else " (đúng hạn)."))
    return Paragraph(tuple(parts))


def _agency_blocks(number: int, contribution: AgencyContribution) -> list[Block]:
    blocks: list[Block] = [
        Heading(f"{number}. {contribution.agency_name}", 2),
        _state_line(contribution),
    ]
    if contribution.general_text.strip():
        blocks += _labelled("Ý kiến chung", contribution.general_text)
    if contribution.supported:
        blocks.append(
            Paragraph.text(
                f"Phối hợp các nội dung: {', '.join(contribution.supported)} (ý kiến phối hợp in "
                "dưới nội dung của cơ quan chủ trì).",
                italic=True,
            )
        )
    elif not contribution.items:
        blocks.append(Paragraph.text("Không có nội dung được giao.", italic=True))
    for item in contribution.items:
        blocks.append(
            Paragraph.text(
                f"{item.code} – {item.name} (mất {vi.format_points(item.lost)} điểm)", bold=True
            )
        )
        blocks += _labelled("a) Nguyên nhân", item.causes)
        blocks.append(Paragraph((Run("b) Trách nhiệm:", italic=True),)))
        blocks.append(_responsibility("Của cơ quan", item.responsibility_agency))
        blocks.append(_responsibility("Của đơn vị", item.responsibility_unit))
        blocks.append(_responsibility("Của cá nhân", item.responsibility_individual))
        blocks += _solutions("c) Giải pháp", item.solutions)
        for support in item.supporting:
            blocks += _support_blocks(support)
    return blocks


def summary_table(contributions: Sequence[AgencyContribution]) -> Table:
    """One row per agency: items, lost points, state, date submitted, lateness."""
    rows = tuple(
        (
            str(index),
            c.agency_name,
            str(len(c.items)) + (f" (+{len(c.supported)} phối hợp)" if c.supported else ""),
            vi.format_points(c.lost),
            c.state_label,
            vi.format_date_short(c.submitted_on) if c.submitted_on else "Chưa nộp",
            "Muộn" if c.late else "",
        )
        for index, c in enumerate(contributions, start=1)
    )
    return Table(
        headers=(
            "TT",
            "Cơ quan, đơn vị",
            "Số nội dung",
            "Điểm bị trừ",
            "Tình trạng",
            "Ngày nộp",
            "",
        ),
        rows=rows,
        caption="Tình hình nộp tham luận của các cơ quan, đơn vị",
        widths_cm=(1.0, 5.4, 1.7, 1.8, 2.8, 2.2, 1.6),
        numeric=(2, 3),
    )


def contribution_book(
    *,
    province: str,
    year: int,
    title: str,
    contributions: Sequence[AgencyContribution],
    issued: date,
    illustrative: bool = False,
) -> Document:
    """The Báo cáo of the Sở Nội vụ gathering every agency's tham luận of the campaign ``title``."""
    settings = default_settings(province, issued)
    total = len(contributions)
    submitted = sum(1 for c in contributions if c.submitted_on is not None)
    late = sum(1 for c in contributions if c.submitted_on is not None and c.late)
    roles = "chủ trì, phối hợp" if any(c.supported for c in contributions) else "chủ trì"
    body: list[Block] = [
        Paragraph.text(
            f"Thực hiện đợt tham luận “{title}”, Sở Nội vụ đã đề nghị {total} cơ quan, đơn vị "
            f"{roles} các tiêu chí thành phần chưa đạt điểm tối đa năm {year} chuẩn bị tham luận, "
            "phân tích nguyên nhân, xác định trách nhiệm của cơ quan, đơn vị, cá nhân và đề xuất "
            f"giải pháp khắc phục. Tính đến ngày {vi.format_date_short(issued)}, có "
            f"{submitted}/{total} cơ quan, đơn vị đã nộp tham luận (trong đó {late} cơ quan, đơn "
            f"vị nộp muộn), {total - submitted} cơ quan, đơn vị chưa nộp. Sở Nội vụ tổng hợp nội "
            "dung tham luận như sau:"
        ),
        Heading("I. NỘI DUNG THAM LUẬN CỦA CÁC CƠ QUAN, ĐƠN VỊ"),
    ]
    if not contributions:
        body.append(Paragraph.text("Chưa có cơ quan, đơn vị nào được giao tham luận."))
    for number, contribution in enumerate(contributions, start=1):
        body += _agency_blocks(number, contribution)
    body += [
        Heading("II. TỔNG HỢP TÌNH HÌNH NỘP THAM LUẬN"),
        summary_table(contributions),
        Paragraph.text(
            "Sở Nội vụ kính báo cáo Ủy ban nhân dân tỉnh xem xét, chỉ đạo tại Hội nghị phân tích "
            f"kết quả Chỉ số SIPAS, PAR INDEX năm {year}./."
        ),
    ]
    return Document(
        issuer=settings.issuer,
        number=settings.number,
        date=settings.date,
        type_name="BÁO CÁO",
        subject="Tổng hợp tham luận của các cơ quan, đơn vị tại Hội nghị phân tích\nkết quả "
        f"Chỉ số SIPAS, PAR INDEX năm {year}",
        body=tuple(body),
        signature=settings.signature,
        distribution=settings.distribution,
        recipients=settings.recipients,
        illustrative_note=(
            f"Điểm bị trừ là số liệu {ILLUSTRATIVE}; thay bằng số liệu chính thức trước khi "
            "ban hành."
        )
        if illustrative
        else "",
    )
