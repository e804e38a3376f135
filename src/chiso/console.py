"""Rich rendering of analyses for the terminal, in Vietnamese.

Kept apart from :mod:`chiso.cli` so the command module stays a list of commands; nothing here
computes — every figure comes from the core's :class:`~chiso.parindex.analysis.Analysis`.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from chiso import units, vi
from chiso.frameworks.schema import LEVEL_NAMES_VI, SOURCE_NAMES_VI, Framework
from chiso.parindex.analysis import Analysis
from chiso.parindex.export import agency_name
from chiso.parindex.results import ILLUSTRATIVE


def _signed(value: float) -> str:
    text = vi.format_points(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _group(code: str | None) -> str:
    return f"nhóm {code}" if code else "dưới nhóm C"


def render_analysis(console: Console, analysis: Analysis, *, top: int = 15) -> None:
    a = analysis
    place = units.find_province(a.province, a.year).full_name
    title = f"PHÂN TÍCH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX) {place.upper()} NĂM {a.year}"
    console.print(Text(title, style="bold"))
    if a.provenance.illustrative:
        console.print(
            Panel(
                "Kết quả này có số liệu " + ILLUSTRATIVE + ". Các số liệu công bố được giữ "
                "nguyên và ghi nguồn; khung tiêu chí chi tiết chưa công bố là bản minh họa.",
                title="MINH HỌA",
                border_style="yellow",
            )
        )
    console.print(f"Khung chỉ số: {a.framework.name_vi} — {a.framework.decision}")
    rank = f"xếp hạng {a.rank}/{a.of}" if a.rank else "chưa xếp hạng"
    console.print(
        Text.assemble(
            "Tổng điểm: ",
            (f"{vi.format_points(a.achieved)}/{vi.format_points(a.max)} điểm", "bold"),
            f" — chỉ số {vi.format_percent(a.percent)}, {rank}, {_group(a.group)}; "
            f"mất {vi.format_points(a.max - a.achieved)} điểm.",
        )
    )
    if len(a.trend) > 1:
        parts = [
            f"{t.year}: {vi.format_percent(t.percent)} (hạng {t.rank}/{t.of}"
            + (", minh họa" if t.illustrative else "")
            + ")"
            for t in a.trend
        ]
        console.print("Diễn biến: " + " → ".join(parts))
    for warning in a.warnings:
        console.print(Text("Cảnh báo: " + warning, style="yellow"))
    console.print(_fields_table(a))
    if a.peers:
        console.print(_peers_table(a))
    if a.climbs:
        console.print(_climbs_table(a))
    console.print(_lost_table(a, top))
    console.print(_agency_table(a))
    if a.what_if:
        console.print(_what_if_panel(a))
    console.print(_sources(a))


def _fields_table(a: Analysis) -> Table:
    t = Table(title="Kết quả theo lĩnh vực", title_justify="left")
    for header in ("Mã", "Lĩnh vực", "Tối đa", "Đạt", "Mất", "Tỷ lệ"):
        t.add_column(header, justify="left" if header in ("Mã", "Lĩnh vực") else "right")
    if a.previous_year:
        t.add_column(f"So với {a.previous_year}", justify="right")
    for f in a.fields:
        row = [
            f.code,
            f.name + ("" if f.official else " *"),
            vi.format_points(f.max),
            vi.format_points(f.achieved),
            vi.format_points(f.lost),
            vi.format_percent(f.percent),
        ]
        if a.previous_year:
            change = a.changes.get(f.code)
            row.append(_signed(change.change) if change else "—")
        t.add_row(*row)
    t.caption = "* điểm tối đa hoặc nội dung minh họa (chưa công bố)"
    return t


def _peers_table(a: Analysis) -> Table:
    t = Table(title=f"So sánh với các tỉnh năm {a.year}", title_justify="left")
    for header in ("So với", "Tỉnh", "Chỉ số", "Chênh lệch"):
        t.add_column(header, justify="right" if header in ("Chỉ số", "Chênh lệch") else "left")
    for p in a.peers:
        t.add_row(
            p.label + (" (minh họa)" if p.illustrative else ""),
            p.province or "",
            vi.format_percent(p.value),
            _signed(p.gap) + " điểm",
        )
    return t


def _climbs_table(a: Analysis) -> Table:
    t = Table(title="Điểm cần thêm để tăng hạng (các tỉnh khác giữ nguyên)", title_justify="left")
    for header in ("Tăng", "Đạt hạng", "Vượt qua", "Chỉ số tỉnh đó", "Cần thêm"):
        t.add_column(header, justify="left" if header == "Vượt qua" else "right")
    for c in a.climbs:
        t.add_row(
            f"{c.places} bậc",
            str(c.target_rank),
            c.province_at_target,
            vi.format_percent(c.value_at_target),
            vi.format_points(c.points_needed) + " điểm",
        )
    return t


def _lost_table(a: Analysis, top: int) -> Table:
    shown = a.below_max[:top]
    t = Table(
        title=f"Các tiêu chí thành phần chưa đạt điểm tối đa ({len(shown)}/{len(a.below_max)}, "
        "mất nhiều điểm nhất trước)",
        title_justify="left",
    )
    for header in ("Mã", "Nội dung", "Tối đa", "Đạt", "Mất", "Cơ quan chủ trì"):
        t.add_column(header, justify="right" if header in ("Tối đa", "Đạt", "Mất") else "left")
    for n in shown:
        t.add_row(
            n.code,
            n.name,
            vi.format_points(n.max),
            vi.format_points(n.achieved),
            vi.format_points(n.lost),
            agency_name(n.lead_agency) or "(chưa giao)",
        )
    return t


def _agency_table(a: Analysis) -> Table:
    t = Table(title="Điểm mất theo cơ quan chủ trì", title_justify="left")
    for header in ("Cơ quan chủ trì", "Số nội dung", "Điểm mất"):
        t.add_column(header, justify="left" if header == "Cơ quan chủ trì" else "right")
    for g in a.agencies:
        t.add_row(
            agency_name(g.agency) or "(chưa giao)", str(len(g.items)), vi.format_points(g.lost)
        )
    return t


def _what_if_panel(a: Analysis) -> Panel:
    w = a.what_if
    assert w is not None
    lines = [
        f"Khôi phục {vi.format_points(w.gained)} điểm ở "
        + ", ".join(f"{code} (+{vi.format_points(p)})" for code, p in w.recovered),
        f"Tổng điểm mới: {vi.format_points(w.total)} → chỉ số {vi.format_percent(w.percent)}",
        f"Xếp hạng: {a.rank}/{a.of} → {w.rank}/{w.of}" if w.rank else "Xếp hạng: không có bảng",
        f"Nhóm: {a.group or '—'} → {w.group or 'dưới C'}",
    ]
    return Panel("\n".join(lines), title="Giả định (what-if)", border_style="cyan")


def _sources(a: Analysis) -> Group:
    p = a.provenance
    lines = [Text("Nguồn số liệu:", style="bold")]
    lines.append(Text(f"- Khung chỉ số: {p.framework}"))
    if p.results:
        lines.append(Text(f"- Bảng kết quả các tỉnh: {p.results}"))
    lines.append(Text(f"- Bảng điểm chi tiết: {p.sheet}"))
    urls: dict[str, list[str]] = {}
    for province, url in p.published_figures:
        urls.setdefault(url, []).append(province)
    for url, provinces in urls.items():
        lines.append(Text(f"- Số liệu công bố ({', '.join(provinces)}): {url}", style="dim"))
    for s in p.published_sources:
        lines.append(
            Text(f"- Khung chỉ số — {s.get('title', '')}: {s.get('url', '')}", style="dim")
        )
    return Group(*lines)


def render_framework(console: Console, framework: Framework, *, depth: int = 3) -> None:
    console.print(Text(f"{framework.name_vi} — {framework.decision}", style="bold"))
    console.print(
        f"{framework.count('field')} lĩnh vực, {framework.count('criterion')} tiêu chí, "
        f"{framework.count('subcriterion')} tiêu chí thành phần; tổng "
        f"{vi.format_points(framework.total_max)} điểm."
    )
    t = Table()
    for header in ("Mã", "Cấp", "Nội dung", "Tối đa", "Nguồn điểm", "Chủ trì", "Chính thức"):
        t.add_column(header, justify="right" if header == "Tối đa" else "left")
    levels = ("field", "criterion", "subcriterion")[:depth]
    for node in framework.walk():
        if node.level not in levels:
            continue
        indent = "  " * levels.index(node.level)
        t.add_row(
            node.code,
            LEVEL_NAMES_VI[node.level],
            indent + node.name_vi,
            vi.format_points(node.max_points),
            SOURCE_NAMES_VI.get(node.source, node.source),
            node.lead_agency or "",
            "có" if node.official else "minh họa",
        )
    console.print(t)
    if framework.notes:
        console.print(Text(framework.notes, style="dim"))


# --- SIPAS --------------------------------------------------------------------------------------


def _ci(low: float, high: float) -> str:
    return f"{vi.format_number(low, 1)} – {vi.format_number(high, 1)}"


def render_estimates(
    console: Console,
    estimates: list,
    questionnaire: object,
    names: dict[str, str],
    *,
    changes: list | None = None,
    illustrative: bool = False,
    title: str = "",
) -> None:
    """Whole-sample indicators, units in tiers on the top index, expectations ranked."""
    from chiso.sipas import reading
    from chiso.sipas.estimate import OVERALL
    from chiso.sipas.export import FLAG_NAMES_VI

    q = questionnaire
    console.print(Text(title or f"KẾT QUẢ KHẢO SÁT — {q.name_vi}", style="bold"))
    if illustrative:
        console.print(
            Panel(
                "Số liệu minh họa: phiếu khảo sát do chiso sinh ngẫu nhiên, "
                "không phải kết quả khảo sát thật.",
                title="MINH HỌA",
                border_style="yellow",
            )
        )
    titles = {c: i.name_vi for c, i in q.indicators.items()} | {
        c: i.text_vi for c, i in q.items.items()
    }

    def flags(e: object) -> str:
        return ", ".join(FLAG_NAMES_VI.get(f, f) for f in e.flags)

    overall = [e for e in estimates if e.unit == OVERALL]
    if overall:
        t = Table(title="Toàn bộ mẫu (tỷ lệ hài lòng %, khoảng tin cậy 95%)", title_justify="left")
        for header in (
            "Mã",
            "Chỉ số",
            "n",
            "Ước lượng",
            "Sai số chuẩn",
            "KTC 95%",
            "Hệ số thiết kế",
        ):
            t.add_column(header, justify="left" if header in ("Mã", "Chỉ số") else "right")
        shown = [e for e in overall if e.indicator in q.indicators]
        t.caption = "Từng câu hỏi: dùng --format csv, json hoặc xlsx."
        for e in shown:
            t.add_row(
                e.indicator,
                titles.get(e.indicator, ""),
                vi.format_number(e.n, 0),
                vi.format_number(e.estimate, 2),
                vi.format_number(e.se, 2),
                _ci(e.ci_low, e.ci_high),
                vi.format_number(e.deff, 2) if e.deff is not None else "—",
            )
        console.print(t)
    roots = [n.code for n in q.walk() if q.parent_of(n.code) is None]
    if roots:
        root = roots[0]
        tiered = reading.tiers(estimates, root)
        if tiered:
            by_unit = {c.unit: c for c in (changes or []) if c.indicator == root}
            t = Table(
                title=f"{titles.get(root, root)} theo đơn vị — xếp theo bậc: cùng bậc khi khoảng "
                "tin cậy chồng nhau với đơn vị đứng đầu bậc",
                title_justify="left",
            )
            headers = ["Bậc", "Thứ tự", "Đơn vị", "n", "Ước lượng", "KTC 95%"]
            if changes is not None:
                headers.append("So với năm trước")
            headers.append("Ghi chú")
            for header in headers:
                t.add_column(header, justify="left" if header in ("Đơn vị", "Ghi chú") else "right")
            for item in tiered:
                e = item.estimate
                row = [
                    str(item.tier),
                    str(item.rank),
                    names.get(e.unit, e.unit),
                    vi.format_number(e.n, 0),
                    vi.format_number(e.estimate, 2),
                    _ci(e.ci_low, e.ci_high),
                ]
                if changes is not None:
                    c = by_unit.get(e.unit)
                    row.append(
                        "—"
                        if c is None
                        else _signed(c.difference) + (" *" if c.significant else "")
                    )
                row.append(flags(e))
                t.add_row(*row)
            if changes is not None:
                t.caption = "* thay đổi có ý nghĩa thống kê (mức 5%)"
            console.print(t)
    expect = [i.code for i in q.items_of_kind("expectation")]
    if expect:
        ranked = reading.expectations(estimates, expect)
        t = Table(
            title="Nhu cầu, mong đợi của người dân (tỷ lệ chọn 'nhiều' trở lên)",
            title_justify="left",
        )
        for header in ("Bậc", "Mã", "Nội dung", "Ước lượng", "KTC 95%"):
            t.add_column(header, justify="left" if header in ("Mã", "Nội dung") else "right")
        for item in ranked:
            e = item.estimate
            t.add_row(
                str(item.tier),
                e.indicator,
                titles.get(e.indicator, ""),
                vi.format_number(e.estimate, 2),
                _ci(e.ci_low, e.ci_high),
            )
        console.print(t)
