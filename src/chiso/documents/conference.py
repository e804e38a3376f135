"""Conference papers the seed assigns to Sở Nội vụ: programme script, remarks, news item.

Drafted from the analysis — key figures, the three largest losses and the agencies concerned —
so the chair's words and the published news agree with the report. All are drafts the officer
edits in Word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chiso import units, vi
from chiso.documents.model import (
    Block,
    Bullet,
    Document,
    Heading,
    Paragraph,
    Table,
)
from chiso.documents.report import ReportSettings, default_settings
from chiso.parindex.analysis import Analysis
from chiso.parindex.export import agency_name
from chiso.parindex.results import ILLUSTRATIVE


@dataclass(frozen=True)
class Conference:
    start: datetime  # timezone-aware, Asia/Ho_Chi_Minh
    venue: str
    chair: str = "Lãnh đạo UBND tỉnh"
    presenters: int = 5  # agencies presenting a tham luận, largest losses first
    minutes_each: int = 10
    # Codes of the agencies the organisers chose to present (the web app's list); empty: the
    # ``presenters`` agencies that lost most. Either way they speak in order of points lost.
    agencies: tuple[str, ...] = ()
    # Points lost per agency code as actually assigned (the web app's campaign, after any
    # reassignment); None: each item counts for its lead agency in the framework, as the CLI does.
    lost: Mapping[str, float] | None = field(default=None, hash=False)


def _losses(analysis: Analysis, conference: Conference) -> list[tuple[str | None, float]]:
    """(agency code, points lost) of every agency that lost points, largest losses first."""
    if conference.lost is None:
        return [(g.agency, g.lost) for g in analysis.agencies]
    lost = [(code, points) for code, points in conference.lost.items() if points > 0]
    return sorted(lost, key=lambda pair: (-pair[1], pair[0]))  # ties as by_agency orders them


def _presenting(analysis: Analysis, conference: Conference) -> list[tuple[str | None, float]]:
    """(agency code, points lost) of each presenter, largest losses first.

    A chosen agency that lost no point still presents (after the others): the organisers may
    invite one to share what worked.
    """
    losses = _losses(analysis, conference)
    if not conference.agencies:
        return losses[: conference.presenters]
    chosen = set(conference.agencies)
    ordered = [(code, lost) for code, lost in losses if code in chosen]
    listed = {code for code, _ in ordered}
    ordered += [(code, 0.0) for code in conference.agencies if code not in listed]
    return ordered


def _time(t: datetime) -> str:
    return f"{t.hour} giờ {t.minute:02d} phút" if t.minute else f"{t.hour} giờ 00 phút"


def programme(analysis: Analysis, conference: Conference) -> list[tuple[datetime, str, str]]:
    """(start, item, who) in order; tham luận by the presenting agencies, largest losses first."""
    steps = [
        (10, "Đón tiếp đại biểu; ổn định tổ chức", "Văn phòng UBND tỉnh"),
        (5, "Tuyên bố lý do, giới thiệu đại biểu", "Lãnh đạo Sở Nội vụ"),
        (10, "Phát biểu khai mạc Hội nghị", conference.chair),
        (
            25,
            f"Báo cáo phân tích kết quả Chỉ số SIPAS, PAR INDEX năm {analysis.year}",
            "Lãnh đạo Sở Nội vụ",
        ),
    ]
    for code, lost in _presenting(analysis, conference):
        name = agency_name(code) or "Cơ quan chủ trì"
        item = (
            f"Tham luận: nội dung chưa đạt điểm tối đa (mất {vi.format_points(lost)} điểm), "
            "nguyên nhân, trách nhiệm, giải pháp"
            if lost > 0
            else "Tham luận: kinh nghiệm, giải pháp nâng cao chỉ số"
        )
        steps.append((conference.minutes_each, item, name))
    steps += [
        (30, "Thảo luận, đề xuất giải pháp khắc phục tồn tại, hạn chế", "Đại biểu dự Hội nghị"),
        (15, "Phát biểu kết luận, bế mạc Hội nghị", conference.chair),
    ]
    result, t = [], conference.start
    for minutes, item, who in steps:
        result.append((t, item, who))
        t += timedelta(minutes=minutes)
    return result


def _doc(
    settings: ReportSettings, type_name: str, subject: str, body: list[Block], analysis: Analysis
) -> Document:
    return Document(
        issuer=settings.issuer,
        number=None,  # working papers, not numbered documents
        date=settings.date,
        type_name=type_name,
        subject=subject,
        body=tuple(body),
        signature=settings.signature,
        distribution=("Lãnh đạo UBND tỉnh (b/c);", "Văn phòng UBND tỉnh;", "Lưu: VT, CCHC."),
        illustrative_note=("Số liệu " + ILLUSTRATIVE + ".")
        if analysis.provenance.illustrative
        else "",
    )


def _subject(a: Analysis) -> str:
    place = units.find_province(a.province, a.year).full_name
    return f"Hội nghị phân tích kết quả Chỉ số SIPAS, PAR INDEX\n{place} năm {a.year}"


def script(
    analysis: Analysis, conference: Conference, settings: ReportSettings | None = None
) -> Document:
    settings = settings or default_settings(analysis.province, conference.start.date())
    rows = tuple((_time(t), item, who) for t, item, who in programme(analysis, conference))
    start = conference.start
    body: list[Block] = [
        Paragraph.text(
            f"Thời gian: từ {_time(start)}, ngày {vi.format_date_short(start.date())} "
            f"({vi.weekday(start.date())}). Địa điểm: {conference.venue}."
        ),
        Table(
            headers=("Thời gian", "Nội dung", "Thực hiện"),
            rows=rows,
            caption="Chương trình Hội nghị",
            widths_cm=(3.2, 8.8, 4.0),
        ),
        Paragraph.text(
            "Sở Nội vụ phối hợp Văn phòng UBND tỉnh chuẩn bị tài liệu, điều hành "
            "thời gian các tham luận theo chương trình./."
        ),
    ]
    return _doc(settings, "KỊCH BẢN CHƯƠNG TRÌNH", _subject(analysis), body, analysis)


def _key_points(a: Analysis) -> list[Block]:
    rank = f"xếp thứ {a.rank}/{a.of}" if a.rank else "chưa xếp hạng"
    points: list[Block] = [
        Bullet.text(
            f"Chỉ số CCHC năm {a.year} đạt {vi.format_percent(a.percent)}, {rank}, "
            f"nhóm {a.group or 'dưới C'}."
        )
    ]
    for n in a.below_max[:3]:
        points.append(
            Bullet.text(
                f"{n.code} – {n.name}: mất {vi.format_points(n.lost)} điểm "
                f"({agency_name(n.lead_agency) or 'chưa giao'})."
            )
        )
    return points


def opening_remarks(
    analysis: Analysis, conference: Conference, settings: ReportSettings | None = None
) -> Document:
    settings = settings or default_settings(analysis.province, conference.start.date())
    a = analysis
    body: list[Block] = [
        Heading("1. Mục đích Hội nghị", 2),
        Paragraph.text(
            "Nhìn thẳng vào kết quả, làm rõ những nội dung chưa đạt điểm tối đa, xác "
            "định trách nhiệm và thống nhất giải pháp khắc phục trong năm "
            f"{a.year + 1}."
        ),
        Heading("2. Những số liệu chính", 2),
        *_key_points(a),
        Heading("3. Đề nghị đối với các đại biểu", 2),
        Paragraph.text(
            "Các cơ quan, đơn vị tham luận ngắn gọn, đúng trọng tâm: nguyên nhân, "
            "trách nhiệm, giải pháp cụ thể có thời hạn và người thực hiện./."
        ),
    ]
    return _doc(settings, "ĐỀ CƯƠNG PHÁT BIỂU KHAI MẠC", _subject(a), body, a)


def closing_remarks(
    analysis: Analysis, conference: Conference, settings: ReportSettings | None = None
) -> Document:
    settings = settings or default_settings(analysis.province, conference.start.date())
    a = analysis
    agencies = [agency_name(code) or "cơ quan chủ trì" for code, _ in _losses(a, conference)[:5]]
    body: list[Block] = [
        Heading("1. Đánh giá chung", 2),
        *_key_points(a),
        Heading("2. Nhiệm vụ trọng tâm", 2),
        Paragraph.text(
            "Giao " + ", ".join(agencies) + " hoàn thiện giải pháp khắc phục theo ý "
            "kiến tại Hội nghị, gửi Sở Nội vụ tổng hợp."
        ),
        Paragraph.text(
            "Sở Nội vụ tham mưu UBND tỉnh ban hành kế hoạch khắc phục, theo dõi, đôn "
            "đốc và báo cáo kết quả định kỳ./."
        ),
    ]
    return _doc(settings, "ĐỀ CƯƠNG PHÁT BIỂU KẾT LUẬN", _subject(a), body, a)


def news_item(
    analysis: Analysis, conference: Conference, settings: ReportSettings | None = None
) -> Document:
    settings = settings or default_settings(analysis.province, conference.start.date())
    a = analysis
    place = units.find_province(a.province, a.year).full_name
    day = conference.start.date()
    top = a.below_max[:3]
    body: list[Block] = [
        Paragraph.text(
            f"Ngày {vi.format_date_short(day)}, UBND {place} tổ chức Hội nghị phân tích kết quả "
            f"Chỉ số SIPAS, PAR INDEX năm {a.year}. Năm {a.year}, Chỉ số CCHC của tỉnh đạt "
            f"{vi.format_percent(a.percent)}"
            + (f", xếp thứ {a.rank}/{a.of} tỉnh, thành phố" if a.rank else "")
            + "."
        ),
        Paragraph.text(
            "Hội nghị tập trung phân tích các nội dung chưa đạt điểm tối đa, trong đó có: "
            + "; ".join(n.name.lower() for n in top)
            + ". Các cơ quan, đơn vị đã tham luận, làm rõ nguyên nhân, trách nhiệm và đề xuất "
            f"giải pháp khắc phục trong năm {a.year + 1}./."
        ),
    ]
    return _doc(
        settings, "TIN BÀI", f"Hội nghị phân tích kết quả SIPAS, PAR INDEX năm {a.year}", body, a
    )
