"""Agency briefs: one công văn per lead agency, listing its lost points and the seed's questions.

Sent with the invitation, the brief tells each agency exactly which sub-criteria it must explain
in its tham luận — the causes, the responsibility of agency, unit and individual, and the
solutions for next year — and by when, so contributions arrive comparable and complete.
"""

from __future__ import annotations

from datetime import date

from chiso import vi
from chiso.documents.model import (
    Block,
    Document,
    Heading,
    Issuer,
    Number,
    Paragraph,
    Run,
    Signature,
    Table,
)
from chiso.documents.report import default_settings
from chiso.parindex.analysis import Analysis
from chiso.parindex.export import agency_name
from chiso.parindex.ledger import AgencyLosses
from chiso.parindex.results import ILLUSTRATIVE

QUESTIONS = (
    (
        "a) Nguyên nhân",
        "phân tích nguyên nhân chủ quan, khách quan của từng nội dung chưa đạt điểm tối đa;",
    ),
    ("b) Trách nhiệm", "xác định rõ trách nhiệm của cơ quan, đơn vị, cá nhân có liên quan;"),
    (
        "c) Giải pháp năm {next}",
        "đề xuất giải pháp khắc phục cụ thể cho từng nội dung: việc "
        "làm, đơn vị và người thực hiện, thời hạn hoàn thành, số điểm dự "
        "kiến cải thiện.",
    ),
)


def agency_brief(
    analysis: Analysis,
    group: AgencyLosses,
    *,
    deadline: date,
    conference: date,
    issuer: Issuer | None = None,
    signature: Signature | None = None,
    today: date | None = None,
) -> Document:
    """The brief for one lead agency."""
    a = analysis
    # Briefs go out with the invitation: dated in the conference's month unless told otherwise.
    settings = default_settings(a.province, today or conference)
    name = agency_name(group.agency) or "Cơ quan chủ trì"
    next_year = a.year + 1
    body: list[Block] = [
        Paragraph.text(
            "Thực hiện Giấy mời của UBND tỉnh về Hội nghị phân tích kết quả Chỉ số SIPAS, "
            "PAR INDEX "
            f"năm {a.year} (dự kiến tổ chức ngày {vi.format_date_short(conference)}), Sở Nội vụ đề "
            f"nghị {name} chuẩn bị tham luận, tập trung phân tích những nội dung chưa đạt điểm "
            f"tối đa năm {a.year} do cơ quan, đơn vị chủ trì, cụ thể như sau:"
        ),
        Table(
            headers=("Mã", "Tiêu chí thành phần", "Tối đa", "Đạt", "Mất"),
            rows=tuple(
                (
                    n.code,
                    n.name,
                    vi.format_points(n.max),
                    vi.format_points(n.achieved),
                    vi.format_points(n.lost),
                )
                for n in group.items
            ),
            caption=f"Các nội dung chưa đạt điểm tối đa (tổng điểm mất: "
            f"{vi.format_points(group.lost)})",
            source="Nguồn: bảng điểm chi tiết PAR INDEX năm "
            f"{a.year}" + (" — số liệu minh họa" if a.provenance.illustrative else "") + ".",
            widths_cm=(1.8, 9.6, 1.6, 1.6, 1.6),
            numeric=(2, 3, 4),
        ),
        Heading("Nội dung tham luận cần nêu rõ:", 2),
    ]
    for title, text in QUESTIONS:
        body.append(Paragraph((Run(title.format(next=next_year) + ": ", bold=True), Run(text))))
    body.append(
        Paragraph(
            (
                Run("Tham luận gửi Sở Nội vụ tổng hợp "),
                Run(f"trước ngày {vi.format_date_short(deadline)}", bold=True),
                Run(
                    " (bản điện tử định dạng .docx qua hệ thống quản lý văn bản"
                    " hoặc phần mềm chiso)."
                ),
            )
        )
    )
    body.append(Paragraph.text("Sở Nội vụ đề nghị quý cơ quan quan tâm, phối hợp thực hiện./."))
    return Document(
        issuer=issuer or settings.issuer,
        number=Number("", (issuer or settings.issuer).code, unit="CCHC"),
        date=settings.date,
        type_name=None,
        subject=f"V/v chuẩn bị tham luận tại Hội nghị phân tích\nkết quả SIPAS, PAR INDEX năm "
        f"{a.year}",
        body=tuple(body),
        signature=signature or settings.signature,
        distribution=("Như trên;", "UBND tỉnh (b/c);", "Lưu: VT, CCHC."),
        recipients=(name,),
        illustrative_note=("Số liệu " + ILLUSTRATIVE + ".") if a.provenance.illustrative else "",
    )


def agency_briefs(
    analysis: Analysis, *, deadline: date, conference: date, today: date | None = None
) -> list[tuple[str, Document]]:
    """(agency code, brief) for every agency that lost points, largest loss first."""
    return [
        (
            group.agency or "CHUA-GIAO",
            agency_brief(analysis, group, deadline=deadline, conference=conference, today=today),
        )
        for group in analysis.agencies
    ]
