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
