"""Báo cáo phân tích kết quả Chỉ số SIPAS, PAR INDEX — drafted from the numbers.

The narrative is template sentences filled from the analysis (no language model): it says what
the tables show, in the register of a Sở Nội vụ report, so the officer edits wording in Word
rather than copying figures by hand. Every table carries its source; illustrative figures are
announced on page 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chiso import units, vi
from chiso.documents import charts
from chiso.documents.model import (
    Appendix,
    Block,
    Bullet,
    Document,
    Figure,
    Heading,
    IssueDate,
    Issuer,
    Number,
    Paragraph,
    Run,
    Signature,
    Table,
)
from chiso.parindex.analysis import Analysis
from chiso.parindex.export import agency_name
from chiso.parindex.results import ILLUSTRATIVE
from chiso.sipas import reading
from chiso.sipas.estimate import OVERALL, Estimate
from chiso.sipas.questionnaire import Questionnaire

LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese order of điểm: a, b, c, d, đ, e, g …


@dataclass(frozen=True)
class SurveyPart:
    """The satisfaction survey shown in section II (optional)."""

    estimates: tuple[Estimate, ...]
    questionnaire: Questionnaire
    names: dict[str, str]
    changes: tuple[reading.Change, ...] = ()
    year: int = 0
    illustrative: bool = False
    source: str = ""


def survey_part(
    path: str | Path, *, year: int, previous: str | Path | None = None, source: str = ""
) -> SurveyPart:
    """Section II from a stored survey dataset (and last year's, for significant changes)."""
    from chiso.sipas.datasets import manifest, questionnaire_for
    from chiso.sipas.estimate import estimate
    from chiso.sipas.export import unit_names

    q = questionnaire_for(path, None)
    current = estimate(path, q)
    before = estimate(previous, q) if previous is not None else []
    return SurveyPart(
        tuple(current),
        q,
        unit_names(path, "unit", q),
        tuple(reading.changes(current, before)),
        year,
        bool(manifest(path).get("illustrative")),
        source or f"Nguồn: {Path(path).name}.",
    )


@dataclass(frozen=True)
class ReportSettings:
    issuer: Issuer
    signature: Signature
    number: Number
    date: IssueDate
    recipients: tuple[str, ...] = ("Ủy ban nhân dân tỉnh",)
    distribution: tuple[str, ...] = ()


def default_settings(province: str, today: date | None = None) -> ReportSettings:
    """A Sở Nội vụ report to the UBND of ``province``, number left for the văn thư."""
    place = units.find_province(province, 2025)
    today = today or date.today()
    return ReportSettings(
        issuer=Issuer(
            name="SỞ NỘI VỤ", code="SNV", place=place.name, parent=f"UBND {place.full_name.upper()}"
        ),
        signature=Signature(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "(Họ và tên)"),
        number=Number("BC", "SNV"),
        date=IssueDate(today.year, today.month),
        distribution=(
            "Như trên;",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
            "Các sở, ban, ngành tỉnh;",
            "UBND các xã, phường;",
            "Lưu: VT, CCHC.",
        ),
    )


def _pts(value: float) -> str:
    return vi.format_points(value)


def _pct(value: float) -> str:
    return vi.format_percent(value)


def _signed(value: float, unit: str = "điểm") -> str:
    if abs(value) < 0.005:
        return "không đổi"
    return f"{'tăng' if value > 0 else 'giảm'} {_pts(abs(value))} {unit}"


def _source(analysis: Analysis) -> str:
    p = analysis.provenance
    parts = []
    if p.results:
        parts.append(
            "bảng kết quả các tỉnh" + (" (có số liệu minh họa)" if p.results_illustrative else "")
        )
    parts.append("bảng điểm chi tiết của tỉnh" + (" (minh họa)" if p.sheet_illustrative else ""))
    parts.append(
        f"khung chỉ số {analysis.framework.decision}"
        + ("" if p.framework_official else " (cây tiêu chí chi tiết minh họa)")
    )
    urls = sorted({u for _, u in p.published_figures if u.startswith("http")})
    text = "Nguồn: " + "; ".join(parts) + "."
    if urls:
        text += " Số liệu công bố: " + "; ".join(urls[:4]) + ("…" if len(urls) > 4 else "") + "."
    return text


def _place(analysis: Analysis) -> str:
    return units.find_province(analysis.province, analysis.year).full_name


# --- section I: PAR INDEX --------------------------------------------------------------------


def par_section(analysis: Analysis, *, counter: list[int]) -> list[Block]:
    a = analysis
    place = _place(a)
    blocks: list[Block] = [
        Heading(f"I. KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX) NĂM {a.year}")
    ]
    blocks.append(Heading("1. Kết quả chung", 2))
    rank = f"xếp thứ {a.rank}/{a.of} tỉnh, thành phố" if a.rank else "chưa có thứ hạng"
    group = f"thuộc nhóm {a.group}" if a.group else "dưới nhóm C"
    sentence = (
        f"Năm {a.year}, Chỉ số cải cách hành chính của {place} đạt {_pts(a.achieved)}/"
        f"{_pts(a.max)} điểm ({_pct(a.percent)}), {rank}, {group}"
    )
    previous = [t for t in a.trend if t.year == a.year - 1]
    if previous:
        prev = previous[0]
        sentence += (
            f"; so với năm {prev.year} ({_pct(prev.percent)}, xếp thứ {prev.rank}/"
            f"{prev.of}), chỉ số {_signed(a.percent - prev.percent, 'điểm phần trăm')}"
        )
    blocks.append(Paragraph.text(sentence + "."))
    peer_text = []
    for p in a.peers:
        relation = "cao hơn" if p.gap < 0 else "thấp hơn"
        who = (
            f"{p.label[:1].lower() + p.label[1:]} ({p.province}, {_pct(p.value)})"
            if p.province
            else (f"{p.label[:1].lower() + p.label[1:]} ({_pct(p.value)})")
        )
        if abs(p.gap) < 0.005:
            peer_text.append(f"bằng {who}")
        else:
            peer_text.append(f"{relation} {who} {_pts(abs(p.gap))} điểm")
    if peer_text:
        blocks.append(Paragraph.text("Chỉ số của tỉnh " + "; ".join(peer_text) + "."))
    if len(a.trend) > 1:
        counter[0] += 1
        blocks.append(
            Table(
                headers=("Năm", "Chỉ số (%)", "Xếp hạng", "Nhóm", "Ghi chú"),
                rows=tuple(
                    (
                        str(t.year),
                        _pct(t.percent),
                        f"{t.rank}/{t.of}",
                        t.group or "—",
                        "minh họa" if t.illustrative else "công bố",
                    )
                    for t in a.trend
                ),
                caption=f"Bảng {counter[0]}. Chỉ số CCHC của tỉnh qua các năm",
                source=_source(a),
                widths_cm=(2.5, 3.0, 3.0, 2.5, 5.0),
                numeric=(1, 2),
            )
        )
        blocks.append(
            Figure(
                charts.trend(a, illustrative=a.provenance.illustrative).png(),
                caption=f"Hình {counter[0]}. Diễn biến Chỉ số CCHC của tỉnh",
                source=_source(a),
            )
        )
    blocks += _fields(a, counter)
    blocks += _losses(a, counter)
    blocks += _climb(a, counter)
    return blocks


def _fields(a: Analysis, counter: list[int]) -> list[Block]:
    blocks: list[Block] = [Heading("2. Kết quả theo từng lĩnh vực", 2)]
    fields = sorted(a.fields, key=lambda f: -f.percent)
    best, worst = fields[:2], fields[-2:]
    blocks.append(
        Paragraph.text(
            "Các lĩnh vực đạt tỷ lệ điểm cao nhất: "
            + "; ".join(
                f"{f.name} ({_pts(f.achieved)}/{_pts(f.max)} điểm, {_pct(f.percent)})" for f in best
            )
            + ". Các lĩnh vực đạt tỷ lệ thấp nhất: "
            + "; ".join(
                f"{f.name} ({_pts(f.achieved)}/{_pts(f.max)} điểm, {_pct(f.percent)})"
                for f in worst
            )
            + "."
        )
    )
    moves = [(f, a.changes[f.code].change) for f in a.fields if f.code in a.changes]
    if moves:
        up = [f"{f.name} ({_signed(c)})" for f, c in sorted(moves, key=lambda m: -m[1]) if c > 0]
        down = [f"{f.name} ({_signed(c)})" for f, c in sorted(moves, key=lambda m: m[1]) if c < 0]
        text = f"So với năm {a.previous_year}: "
        text += ("tăng ở " + "; ".join(up[:3])) if up else "không lĩnh vực nào tăng điểm"
        text += ("; giảm ở " + "; ".join(down[:3])) if down else ""
        blocks.append(Paragraph.text(text + "."))
    counter[0] += 1
    headers = ["Mã", "Lĩnh vực", "Tối đa", "Đạt", "Mất", "Tỷ lệ"]
    if a.previous_year:
        headers.append(f"So với {a.previous_year}")
    rows = []
    for f in a.fields:
        row = [f.code, f.name, _pts(f.max), _pts(f.achieved), _pts(f.lost), _pct(f.percent)]
        if a.previous_year:
            change = a.changes.get(f.code)
            row.append(
                ("+" if change and change.change > 0 else "") + _pts(change.change)
                if change
                else "—"
            )
        rows.append(tuple(row))
    widths = (1.3, 6.7, 1.6, 1.6, 1.6, 1.9) + ((1.9,) if a.previous_year else ())
    blocks.append(
        Table(
            tuple(headers),
            tuple(rows),
            caption=f"Bảng {counter[0]}. Điểm theo lĩnh vực năm {a.year}",
            source=_source(a),
            widths_cm=widths,
            numeric=tuple(range(2, len(headers))),
        )
    )
    blocks.append(
        Figure(
            charts.field_scores(a, illustrative=a.provenance.illustrative).png(),
            caption=f"Hình {counter[0]}. Điểm đạt so với điểm tối đa theo lĩnh vực",
            source=_source(a),
        )
    )
    return blocks


def _losses(a: Analysis, counter: list[int]) -> list[Block]:
    blocks: list[Block] = [Heading("3. Những nội dung chưa đạt điểm tối đa", 2)]
    lost_total = a.max - a.achieved
    top = a.below_max[:3]
    blocks.append(
        Paragraph.text(
            f"Tỉnh mất {_pts(lost_total)} điểm ở {len(a.below_max)} tiêu chí thành phần. "
            "Ba nội dung "
            "mất nhiều điểm nhất: "
            + "; ".join(
                f"{n.code} – {n.name} (mất {_pts(n.lost)}/{_pts(n.max)} điểm, cơ quan chủ "
                f"trì: {agency_name(n.lead_agency) or 'chưa giao'})"
                for n in top
            )
            + "."
        )
    )
    blocks.append(
        Paragraph.text(
            "Điểm mất theo cơ quan chủ trì (theo phân công mặc định của khung chỉ số, có thể điều "
            "chỉnh khi giao nhiệm vụ):"
        )
    )
    for g in a.agencies:
        blocks.append(
            Bullet.text(
                f"{agency_name(g.agency) or 'Chưa giao cơ quan chủ trì'}: {len(g.items)} nội dung, "
                f"mất {_pts(g.lost)} điểm;"
            )
        )
    counter[0] += 1
    blocks.append(
        Figure(
            charts.lost_by_agency(a, illustrative=a.provenance.illustrative).png(),
            caption=f"Hình {counter[0]}. Điểm mất theo cơ quan chủ trì",
            source=_source(a),
        )
    )
    blocks.append(
        Paragraph.text(
            "Danh mục đầy đủ các tiêu chí thành phần chưa đạt điểm tối đa, theo cơ quan chủ trì, "
            "tại "
            "Phụ lục 1.",
            italic=True,
        )
    )
    return blocks


def _climb(a: Analysis, counter: list[int]) -> list[Block]:
    blocks: list[Block] = [Heading("4. So sánh với các tỉnh và khả năng cải thiện thứ hạng", 2)]
    if a.peers:
        counter[0] += 1
        blocks.append(
            Figure(
                charts.peers(a, illustrative=a.provenance.illustrative).png(),
                caption=f"Hình {counter[0]}. Chỉ số của tỉnh so với cả nước, vùng "
                "và các tỉnh dẫn đầu",
                source=_source(a),
            )
        )
    if a.climbs:
        first = a.climbs[0]
        blocks.append(
            Paragraph.text(
                f"Nếu các tỉnh khác giữ nguyên kết quả, tỉnh cần thêm {_pts(first.points_needed)} "
                f"điểm để vượt {first.province_at_target} và lên hạng {first.target_rank}; "
                + "; ".join(
                    f"thêm {_pts(c.points_needed)} điểm để lên hạng {c.target_rank}"
                    for c in a.climbs[1:3]
                )
                + "."
            )
        )
        counter[0] += 1
        blocks.append(
            Table(
                headers=("Tăng", "Đạt hạng", "Vượt qua tỉnh", "Chỉ số tỉnh đó", "Cần thêm (điểm)"),
                rows=tuple(
                    (
                        f"{c.places} bậc",
                        str(c.target_rank),
                        c.province_at_target,
                        _pct(c.value_at_target),
                        _pts(c.points_needed),
                    )
                    for c in a.climbs
                ),
                caption=f"Bảng {counter[0]}. Số điểm cần thêm để tăng hạng",
                source=_source(a),
                widths_cm=(2.0, 2.3, 5.0, 3.2, 3.5),
                numeric=(1, 3, 4),
            )
        )
        top = a.below_max[:5]
        blocks.append(
            Paragraph.text(
                "Khắc phục trọn 5 nội dung mất nhiều điểm nhất sẽ thêm "
                f"{_pts(sum(n.lost for n in top))}"
                " điểm — đủ để tăng "
                f"{sum(1 for c in a.climbs if c.points_needed <= sum(n.lost for n in top))} bậc."
            )
        )
    return blocks


# --- section II: satisfaction survey ----------------------------------------------------------


def survey_section(part: SurveyPart, *, counter: list[int], roman: str = "II") -> list[Block]:
    q = part.questionnaire
    est = list(part.estimates)
    overall = {e.indicator: e for e in est if e.unit == OVERALL}
    root = next(n.code for n in q.walk() if q.parent_of(n.code) is None)
    blocks: list[Block] = [Heading(f"{roman}. KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG NĂM {part.year}")]
    whole = overall.get(root)
    if whole:
        blocks.append(
            Paragraph.text(
                f"{q.name_vi}: chỉ số chung đạt {_pct(whole.estimate)} (khoảng tin cậy 95%: "
                f"{_pct(whole.ci_low)} – {_pct(whole.ci_high)}; {vi.format_number(whole.n, 0)} "
                "phiếu hợp lệ). Mỗi tỷ lệ được báo cáo kèm khoảng tin cậy, tính theo thiết kế mẫu; "
                "các đơn vị được xếp theo bậc — cùng bậc khi khoảng tin cậy chồng nhau — "
                "thay vì thứ "
                "hạng tuyệt đối, để không diễn giải quá mức chênh lệch do ngẫu nhiên."
            )
        )
    elements = [n for n in q.walk() if n.code != root]
    counter[0] += 1
    blocks.append(
        Table(
            headers=("Mã", "Yếu tố / nhóm", "n", "Tỷ lệ hài lòng", "KTC 95%"),
            rows=tuple(
                (
                    n.code,
                    n.name_vi,
                    vi.format_number(overall[n.code].n, 0),
                    _pct(overall[n.code].estimate),
                    f"{vi.format_number(overall[n.code].ci_low, 1)} – "
                    f"{vi.format_number(overall[n.code].ci_high, 1)}",
                )
                for n in elements
                if n.code in overall
            ),
            caption=f"Bảng {counter[0]}. Tỷ lệ hài lòng theo yếu tố",
            source=part.source,
            widths_cm=(1.6, 7.4, 1.8, 2.5, 3.2),
            numeric=(2, 3, 4),
        )
    )
    blocks.append(
        Figure(
            charts.sipas_elements(est, q, illustrative=part.illustrative).png(),
            caption=f"Hình {counter[0]}. Tỷ lệ hài lòng theo yếu tố (KTC 95%)",
            source=part.source,
        )
    )
    tiered = reading.tiers(est, root)
    if tiered:
        last_tier = tiered[-1].tier
        first = [part.names.get(t.estimate.unit, t.estimate.unit) for t in tiered if t.tier == 1]
        bottom = [
            part.names.get(t.estimate.unit, t.estimate.unit) for t in tiered if t.tier == last_tier
        ]
        small = [
            part.names.get(e.unit, e.unit)
            for e in est
            if e.indicator == root and "small_n" in e.flags and e.unit != OVERALL
        ]
        blocks.append(
            Paragraph.text(
                f"Các đơn vị được chia thành {last_tier} bậc. "
                f"Bậc cao nhất gồm {len(first)} đơn vị: "
                + ", ".join(first)
                + f". Bậc thấp nhất gồm {len(bottom)} đơn vị: "
                + ", ".join(bottom)
                + "."
                + (
                    f" Có {len(small)} đơn vị ít phiếu (kết quả cần thận trọng): "
                    + ", ".join(small)
                    + "."
                    if small
                    else ""
                )
            )
        )
        significant = [
            c for c in part.changes if c.indicator == root and c.significant and c.unit != OVERALL
        ]
        if part.changes:
            up = sum(1 for c in significant if c.difference > 0)
            down = len(significant) - up
            blocks.append(
                Paragraph.text(
                    f"So với năm trước, {up} đơn vị tăng và {down} đơn vị giảm có ý nghĩa thống kê "
                    "(mức 5%); thay đổi ở các đơn vị còn lại nằm trong sai số ngẫu nhiên."
                )
            )
        counter[0] += 1
        blocks.append(
            Figure(
                charts.sipas_units(est, root, part.names, illustrative=part.illustrative).png(),
                width_cm=16.0,
                caption=f"Hình {counter[0]}. Tỷ lệ hài lòng theo đơn vị, xếp theo bậc (KTC 95%)",
                source=part.source,
            )
        )
    blocks.append(Paragraph.text("Kết quả chi tiết từng đơn vị tại Phụ lục 2.", italic=True))
    return blocks


# --- section III and the document ---------------------------------------------------------------


def assessment_section(analysis: Analysis, roman: str) -> list[Block]:
    a = analysis
    weakest = sorted(a.fields, key=lambda f: f.percent)[:3]
    blocks: list[Block] = [
        Heading(f"{roman}. ĐÁNH GIÁ CHUNG VÀ ĐỀ XUẤT GIẢI PHÁP NĂM {a.year + 1}")
    ]
    blocks.append(Heading("1. Tồn tại, hạn chế", 2))
    blocks.append(
        Paragraph.text(
            "Các lĩnh vực còn nhiều dư địa cải thiện: "
            + "; ".join(f"{f.name} (đạt {_pct(f.percent)})" for f in weakest)
            + "."
        )
    )
    blocks.append(Heading("2. Đề xuất giải pháp", 2))
    for letter, group in zip(LETTERS, a.agencies[:6], strict=False):
        name = agency_name(group.agency) or "Cơ quan chủ trì chưa xác định"
        codes = ", ".join(i.code for i in group.items[:6]) + (" …" if len(group.items) > 6 else "")
        blocks.append(
            Paragraph.text(
                f"{letter}) {name} chủ trì, phối hợp với các cơ quan liên quan phân tích "
                "nguyên nhân, "
                f"xác định rõ trách nhiệm và đề xuất giải pháp khắc phục các nội dung {codes} "
                f"(mất {_pts(group.lost)} điểm), báo cáo kết quả trong tham luận tại Hội nghị."
            )
        )
    blocks.append(
        Paragraph.text(
            "Sở Nội vụ tổng hợp tham luận của các cơ quan, đơn vị, tham mưu UBND tỉnh ban hành kế "
            "hoạch khắc phục với nhiệm vụ, cơ quan chủ trì và thời hạn cụ thể, theo dõi thực hiện "
            "trong năm."
        )
    )
    blocks.append(Paragraph.text("Sở Nội vụ kính báo cáo Ủy ban nhân dân tỉnh./."))
    return blocks


def analysis_report(
    analysis: Analysis,
    *,
    settings: ReportSettings | None = None,
    survey: SurveyPart | None = None,
) -> Document:
    """The whole report as a :class:`Document` (build it with nd30.build_docx)."""
    a = analysis
    settings = settings or default_settings(a.province)
    counter = [0]
    body: list[Block] = [
        Paragraph.text(
            "Thực hiện nhiệm vụ được giao, Sở Nội vụ báo cáo phân tích kết quả Chỉ số cải cách "
            "hành chính (PAR INDEX)"
            + (" và kết quả khảo sát sự hài lòng của người dân" if survey else "")
            + f" năm {a.year} của {_place(a)} như sau:"
        )
    ]
    body += par_section(a, counter=counter)
    roman = "II"
    if survey is not None:
        body += survey_section(survey, counter=counter, roman="II")
        roman = "III"
    body += assessment_section(a, roman)
    appendices = [ledger_appendix(a)]
    if survey is not None:
        appendices.append(survey_appendix(survey))
    illustrative = a.provenance.illustrative or (survey is not None and survey.illustrative)
    subject = (
        (
            f"Phân tích kết quả Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan "
            f"hành chính nhà nước (SIPAS);\nChỉ số cải cách hành chính (PAR INDEX) "
            f"{_place(a)} năm {a.year}"
        )
        if survey
        else (f"Phân tích kết quả Chỉ số cải cách hành chính (PAR INDEX)\n{_place(a)} năm {a.year}")
    )
    return Document(
        issuer=settings.issuer,
        number=settings.number,
        date=settings.date,
        type_name="BÁO CÁO",
        subject=subject,
        body=tuple(body),
        signature=settings.signature,
        distribution=settings.distribution,
        recipients=settings.recipients,
        appendices=tuple(appendices),
        illustrative_note=(
            "Báo cáo có số liệu " + ILLUSTRATIVE + ", dùng để minh họa cách "
            "phân tích; thay bằng số liệu chính thức trước khi ban hành."
        )
        if illustrative
        else "",
    )


def ledger_appendix(a: Analysis) -> Appendix:
    blocks: list[Block] = []
    for g in a.agencies:
        blocks.append(
            Paragraph(
                (
                    Run(agency_name(g.agency) or "Chưa giao cơ quan chủ trì", bold=True),
                    Run(f" — mất {_pts(g.lost)} điểm"),
                ),
                indent=False,
                align="left",
            )
        )
        blocks.append(
            Table(
                headers=("Mã", "Tiêu chí thành phần", "Tối đa", "Đạt", "Mất", "Tự đánh giá"),
                rows=tuple(
                    (
                        n.code,
                        n.name,
                        _pts(n.max),
                        _pts(n.achieved),
                        _pts(n.lost),
                        _pts(n.self_assessed) if n.self_assessed is not None else "—",
                    )
                    for n in g.items
                ),
                source=_source(a),
                widths_cm=(2.0, 15.0, 2.0, 2.0, 2.0, 2.6),
                numeric=(2, 3, 4, 5),
            )
        )
    return Appendix(
        title="Phụ lục 1",
        subject="CÁC TIÊU CHÍ THÀNH PHẦN CHƯA ĐẠT ĐIỂM TỐI ĐA THEO CƠ QUAN CHỦ TRÌ",
        blocks=tuple(blocks),
        note=f"(Kèm theo Báo cáo phân tích kết quả PAR INDEX năm {a.year})",
        landscape=True,
    )


def survey_appendix(part: SurveyPart) -> Appendix:
    q = part.questionnaire
    root = next(n.code for n in q.walk() if q.parent_of(n.code) is None)
    elements = [n.code for n in q.walk() if n.code != root][:6]
    tiered = reading.tiers(list(part.estimates), root)
    by = {(e.unit, e.indicator): e for e in part.estimates}
    rows = []
    for t in tiered:
        e = t.estimate
        row = [
            str(t.tier),
            part.names.get(e.unit, e.unit),
            vi.format_number(e.n, 0),
            _pct(e.estimate),
            f"{vi.format_number(e.ci_low, 1)} – {vi.format_number(e.ci_high, 1)}",
        ]
        row += [_pct(by[(e.unit, c)].estimate) if (e.unit, c) in by else "—" for c in elements]
        row.append("ít phiếu" if "small_n" in e.flags else "")
        rows.append(tuple(row))
    headers = ("Bậc", "Đơn vị", "n", root, "KTC 95%", *elements, "Ghi chú")
    return Appendix(
        title="Phụ lục 2",
        subject="TỶ LỆ HÀI LÒNG THEO ĐƠN VỊ",
        blocks=(
            Table(
                headers,
                tuple(rows),
                source=part.source,
                widths_cm=(1.2, 5.2, 1.5, 2.0, 2.8, *([2.0] * len(elements)), 2.0),
                numeric=tuple(range(2, len(headers) - 1)),
            ),
        ),
        landscape=True,
    )


def report_tables(document: Document) -> list[tuple[str, Sequence[str], Sequence[Sequence[str]]]]:
    """Every table of a document (body and appendices) as (title, headers, rows), for Excel."""
    found = []
    blocks = list(document.body) + [b for ap in document.appendices for b in ap.blocks]
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            title = block.caption or f"Bảng phụ lục {i}"
            found.append((title, block.headers, block.rows))
    return found


def write_tables(document: Document, path: str | Path) -> None:
    """All tables of the report in one workbook, one sheet each (``--xlsx``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from chiso.parindex.export import safe_cell

    wb = Workbook()
    wb.remove(wb.active)
    for index, (title, headers, rows) in enumerate(report_tables(document), start=1):
        ws = wb.create_sheet(f"Bảng {index}")
        ws.append([safe_cell(title)])  # captions and headers quote names: treated like cells
        ws["A1"].font = Font(bold=True)
        ws.append([safe_cell(h) for h in headers])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([safe_cell(v) for v in row])
    wb.save(path)
