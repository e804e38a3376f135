"""The consolidated contribution book (sổ tổng hợp tham luận): every agency's answers in one report.

Each lead agency explains, per lost sub-criterion, the causes, the responsibility of agency, unit
and individual, and its solutions. The Sở Nội vụ gathers them into one Báo cáo to the UBND tỉnh
before the conference. The input is plain data (no Django), so the web app, the CLI and the tests
build the same document from the same call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
class ItemAnswer:
    """One agency's answer on one lost sub-criterion."""

    code: str
    name: str
    lost: float
    causes: str
    responsibility_agency: str
    responsibility_unit: str
    responsibility_individual: str
    solutions: str


@dataclass(frozen=True)
class AgencyContribution:
    """One agency's tham luận as it goes into the book (submitted content, or a marked draft)."""

    agency_name: str
    state_label: str  # "Đã tiếp nhận", "Chưa nộp (bản nháp)" …
    submitted_on: date | None  # None: never submitted
    late: bool
    items: tuple[ItemAnswer, ...]
    general_text: str = ""

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
    if not contribution.items:
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
        blocks += _labelled("c) Giải pháp", item.solutions)
    return blocks


def summary_table(contributions: Sequence[AgencyContribution]) -> Table:
    """One row per agency: items, lost points, state, date submitted, lateness."""
    rows = tuple(
        (
            str(index),
            c.agency_name,
            str(len(c.items)),
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
    body: list[Block] = [
        Paragraph.text(
            f"Thực hiện đợt tham luận “{title}”, Sở Nội vụ đã đề nghị {total} cơ quan, đơn vị "
            f"chủ trì các tiêu chí thành phần chưa đạt điểm tối đa năm {year} chuẩn bị tham luận, "
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
