"""Charts for reports and web pages: one figure builder, PNG for documents, SVG for browsers.

Built with matplotlib's object API only (:class:`~matplotlib.figure.Figure` on an Agg canvas):
no pyplot, no change to ``rcParams``, so a web server may draw charts in several threads at
once. Every font, size and colour is passed to the artists themselves. Text is set in a serif
font that covers Vietnamese (Liberation Serif, else Tinos, else DejaVu Serif, which ships with
matplotlib), every number goes through :mod:`chiso.vi` ("88,12%", "12,2/13"), and figures are
16 cm wide, the text width of an A4 page in the Nghị định 30 layout.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from chiso import vi
from chiso.parindex.analysis import Analysis
from chiso.parindex.export import agency_name
from chiso.parindex.ledger import NodeResult
from chiso.sipas import reading
from chiso.sipas.estimate import OVERALL, Estimate
from chiso.sipas.questionnaire import Questionnaire

CM = 1 / 2.54  # inches
WIDTH_CM = 16.0  # text width of an A4 page with ND30 margins (3 cm left, 2 cm right)
MAX_HEIGHT_CM = 24.0  # leaves room for the caption on an A4 page
ILLUSTRATIVE_NOTE = "Số liệu minh họa"
ILLUSTRATIVE_GID = "chiso-illustrative-note"
PREFERRED_FONTS = ("Liberation Serif", "Tinos", "DejaVu Serif")

# Sizes in points at 16 cm: body text of the report is 13–14 pt, so charts stay smaller.
TITLE_SIZE = 11.0
LABEL_SIZE = 9.0
TICK_SIZE = 8.5
NOTE_SIZE = 7.5

INK = "#262626"
NAVY = "#1F4E79"
LIGHT = "#D6E0EB"
PEER = "#8FAAC4"
ACCENT = "#C55A11"
GREY = "#7F7F7F"
GRID = "#E3E3E3"
BAND = "#EDF1F5"

# Every letter Vietnamese needs: a font missing one of these would print boxes.
_VIETNAMESE = vi.nfc(
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
_VIETNAMESE += _VIETNAMESE.upper() + "%−–"

# Field names as printed on a chart: the usual abbreviations of provincial reports.
_FIELD_SHORT = {
    vi.fold(long): short
    for long, short in (
        ("Công tác chỉ đạo, điều hành cải cách hành chính", "Chỉ đạo, điều hành CCHC"),
        (
            "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh",
            "Xây dựng và thực hiện VBQPPL",
        ),
        ("Cải cách thủ tục hành chính", "Cải cách TTHC"),
        ("Cải cách tổ chức bộ máy hành chính nhà nước", "Cải cách tổ chức bộ máy"),
        (
            "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
            "Chính quyền điện tử, chính quyền số",
        ),
        (
            "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã "
            "hội của tỉnh",
            "Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH",
        ),
    )
}
_ABBREVIATIONS = (
    ("cải cách hành chính", "CCHC"),
    ("văn bản quy phạm pháp luật", "VBQPPL"),
    ("thủ tục hành chính", "TTHC"),
    ("kinh tế - xã hội", "KT-XH"),
)


# --- fonts and text -----------------------------------------------------------------------------


def _covers_vietnamese(path: str) -> bool:
    try:
        charmap = font_manager.get_font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in _VIETNAMESE)


@cache
def font_family() -> str:
    """The first of :data:`PREFERRED_FONTS` installed and covering Vietnamese.

    DejaVu Serif ships with matplotlib, so the answer is never a font without Vietnamese
    letters; a missing Liberation or Tinos is not an error.
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name not in installed:
            continue
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=name), fallback_to_default=False
            )
        except ValueError:
            continue
        if _covers_vietnamese(path):
            return name
    return PREFERRED_FONTS[-1]


def _families() -> list[str]:
    """The chosen font, then DejaVu Serif for any glyph it lacks (matplotlib font fallback)."""
    chosen = font_family()
    return [chosen] if chosen == "DejaVu Serif" else [chosen, "DejaVu Serif"]


def _t(text: str) -> str:
    """NFC, and "$" escaped so a name can never switch matplotlib into mathtext."""
    return vi.nfc(text).replace("$", r"\$")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(_t(text), width, break_long_words=False)) or _t(text)


def short_field_name(name: str) -> str:
    """A field's name short enough for an axis: known names by hand, others abbreviated."""
    known = _FIELD_SHORT.get(vi.fold(name))
    if known:
        return known
    short = vi.nfc(name)
    for long, abbreviation in _ABBREVIATIONS:
        start = vi.fold(short).find(long)
        if start >= 0:
            short = short[:start] + abbreviation + short[start + len(long) :]
    return short


# --- number formats -----------------------------------------------------------------------------


def number_formatter(decimals: int = 2, suffix: str = "") -> FuncFormatter:
    """Axis ticks in Vietnamese: 88.12 -> "88,12", 1234 -> "1.234" (:func:`vi.format_number`)."""
    return FuncFormatter(lambda value, _pos: vi.format_number(value, decimals) + suffix)


def _decimals(values: Iterable[float]) -> int:
    """The fewest decimals (at most 2) that print every tick exactly: 80, 85 → 0; 0.5 → 1."""
    values = list(values)
    for decimals in (0, 1):
        if all(abs(round(v, decimals) - v) < 1e-9 for v in values):
            return decimals
    return 2


def _value_axis(
    axis: Axis, low: float, high: float, *, nbins: int = 7, cap: float | None = None
) -> None:
    """Ticks between ``low`` and ``high`` (none above ``cap``), labelled with Vietnamese commas."""
    ticks = MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10]).tick_values(low, high)
    ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
    if cap is not None:
        ticks = [t for t in ticks if t <= cap + 1e-9]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(number_formatter(_decimals(ticks)))


def _signed(value: float) -> str:
    """+5,92 / −0,65 with a true minus sign, as printed in the tables."""
    text = vi.format_number(abs(value), 2)
    if text == vi.format_number(0, 2):
        return "±" + text
    return ("+" if value > 0 else "−") + text


# --- the chart object ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Chart:
    """A built figure; :meth:`png` for documents (200 dpi), :meth:`svg` for web pages."""

    figure: Figure
    title: str
    illustrative: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def width_cm(self) -> float:
        return float(self.figure.get_figwidth()) / CM

    @property
    def height_cm(self) -> float:
        return float(self.figure.get_figheight()) / CM

    def png(self, dpi: int = 200) -> bytes:
        buffer = io.BytesIO()
        with self._lock:  # savefig lays the figure out again: one rendering at a time
            self.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Title": self.title})
        return buffer.getvalue()

    def svg(self) -> str:
        """A standalone ``<svg>`` element (no XML prolog), ready to inline in HTML.

        Glyphs are drawn as paths so the page looks the same without the fonts; every text
        is kept in a comment next to its glyphs and the title in the metadata.
        """
        buffer = io.StringIO()
        with self._lock:
            self.figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": self.title})
        text = buffer.getvalue()
        return text[text.index("<svg") :]


def _figure(height_cm: float, illustrative: bool) -> Figure:
    """A 16 cm wide figure; a strip at the bottom is kept for the illustrative note."""
    height_cm = min(height_cm, MAX_HEIGHT_CM)
    strip = 0.45 / height_cm if illustrative else 0.0
    figure = Figure(
        figsize=(WIDTH_CM * CM, height_cm * CM),
        facecolor="white",
        layout=ConstrainedLayoutEngine(
            rect=(0.0, strip, 1.0, 1.0 - strip), h_pad=0.06, w_pad=0.06, hspace=0.02
        ),
    )
    FigureCanvasAgg(figure)
    return figure


def _style(ax: Axes, value_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GREY)
    ax.tick_params(colors=INK, labelsize=TICK_SIZE, length=3, width=0.6, color=GREY)
    ax.grid(axis=value_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _finish(figure: Figure, title: str, illustrative: bool) -> Chart:
    title = vi.nfc(title)
    figure.suptitle(
        _wrap(title, 80), fontsize=TITLE_SIZE, fontweight="bold", color=INK, linespacing=1.2
    )
    if illustrative:
        figure.text(
            0.995,
            0.012,
            ILLUSTRATIVE_NOTE,
            ha="right",
            va="bottom",
            fontsize=NOTE_SIZE,
            style="italic",
            color=GREY,
            gid=ILLUSTRATIVE_GID,
        )
    families = _families()
    for text in figure.findobj(Text):
        text.set_fontfamily(families)
    for ax in figure.axes:
        ax.tick_params(labelfontfamily=families)
    return Chart(figure, title, illustrative)


def _empty(ax: Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=LABEL_SIZE, color=GREY)


def _legend(ax: Axes, handles: list, *, below: bool = False) -> None:
    """A one-row legend just above the plot, or under the x-axis label (``below``).

    Attached to the axes, not the figure, so the constrained layout makes room for it between
    the title and the plot instead of drawing it over the title.
    """
    shift = -38 if below else 4  # points: clear the tick labels and axis label below
    ax.legend(
        handles=handles,
        loc="upper center" if below else "lower center",
        bbox_to_anchor=(0.5, 0.0 if below else 1.0),
        bbox_transform=ax.transAxes + ScaledTranslation(0, shift / 72, ax.figure.dpi_scale_trans),
        ncols=len(handles),
        frameon=False,
        fontsize=TICK_SIZE,
        handlelength=1.6,
        columnspacing=1.6,
        borderaxespad=0.0,
    )


def _row_height(rows: int, base: float, extra: float) -> float:
    """Figure height for ``rows`` horizontal rows of ``base`` cm, within an A4 page."""
    return min(extra + base * max(rows, 1), MAX_HEIGHT_CM)


# --- PAR INDEX ----------------------------------------------------------------------------------


def field_scores(analysis: Analysis, *, illustrative: bool = False) -> Chart:
    """Points achieved per field (LV1…LV8) in front of the field's maximum."""
    fields: Sequence[NodeResult] = analysis.fields
    title = f"Điểm đạt theo lĩnh vực năm {analysis.year}"
    figure = _figure(_row_height(len(fields), 1.0, 3.0), illustrative)
    ax = figure.add_subplot()
    if not fields:
        _empty(ax, "Không có dữ liệu lĩnh vực")
        return _finish(figure, title, illustrative)
    _style(ax)
    y = list(range(len(fields)))
    ax.barh(y, [f.max for f in fields], height=0.66, color=LIGHT, label="Điểm tối đa")
    ax.barh(y, [f.achieved for f in fields], height=0.42, color=NAVY, label="Điểm đạt")
    top = max(f.max for f in fields)
    for row, node in zip(y, fields, strict=True):
        ax.text(
            node.max + top * 0.015,
            row,
            f"{vi.format_points(node.achieved)}/{vi.format_points(node.max)}",
            va="center",
            fontsize=TICK_SIZE,
            color=INK,
        )
    ax.set_yticks(y, [_wrap(f"{f.code}. {short_field_name(f.name)}", 34) for f in fields])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(fields) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.2)
    _value_axis(ax.xaxis, 0, top * 1.2, cap=top)
    ax.set_xlabel("Điểm", fontsize=LABEL_SIZE, color=INK)
    _legend(ax, [Patch(color=NAVY, label="Điểm đạt"), Patch(color=LIGHT, label="Điểm tối đa")])
    return _finish(figure, title, illustrative)


def lost_by_agency(analysis: Analysis, top: int = 10, *, illustrative: bool = False) -> Chart:
    """Points lost under each lead agency, the largest first; the rest summed in one bar."""
    groups = [g for g in analysis.agencies if g.lost > 0.0001]
    rows = [(agency_name(g.agency) or "Chưa giao cơ quan chủ trì", g.lost) for g in groups[:top]]
    rest = groups[top:]
    if rest:
        others = math.fsum(g.lost for g in rest)
        rows.append((f"Các cơ quan khác ({vi.format_number(len(rest), 0)} cơ quan)", others))
    title = f"Điểm mất theo cơ quan chủ trì năm {analysis.year}"
    figure = _figure(_row_height(len(rows), 0.8, 2.6), illustrative)
    ax = figure.add_subplot()
    if not rows:
        _empty(ax, "Không có điểm mất")
        return _finish(figure, title, illustrative)
    _style(ax)
    y = list(range(len(rows)))
    values = [v for _, v in rows]
    colours = [NAVY] * len(groups[:top]) + [PEER] * bool(rest)
    ax.barh(y, values, height=0.6, color=colours)
    high = max(values)
    for row, value in zip(y, values, strict=True):
        ax.text(
            value + high * 0.015,
            row,
            vi.format_number(value, 2),
            va="center",
            fontsize=TICK_SIZE,
            color=INK,
        )
    ax.set_yticks(y, [_wrap(name, 40) for name, _ in rows])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, high * 1.15)
    _value_axis(ax.xaxis, 0, high * 1.15, cap=high)
    ax.set_xlabel("Điểm mất", fontsize=LABEL_SIZE, color=INK)
    return _finish(figure, title, illustrative)


def trend(analysis: Analysis, *, illustrative: bool = False) -> Chart:
    """The index over the years with the rank of each year; illustrative points hollow."""
    points = analysis.trend
    title = f"Chỉ số CCHC của {analysis.province} qua các năm"
    figure = _figure(8.5, illustrative)
    ax = figure.add_subplot()
    if not points:
        _empty(ax, "Chưa có kết quả các năm")
        return _finish(figure, title, illustrative)
    _style(ax, "y")
    years = [p.year for p in points]
    values = [p.percent for p in points]
    ax.plot(years, values, color=NAVY, linewidth=1.4, zorder=2)
    for p in points:
        ax.plot(
            [p.year],
            [p.percent],
            marker="o",
            markersize=7,
            markeredgewidth=1.4,
            color=NAVY,
            markerfacecolor="white" if p.illustrative else NAVY,
            linestyle="none",
            zorder=3,
        )
        rank = (
            f"hạng {vi.format_number(p.rank, 0)}/{vi.format_number(p.of, 0)}"
            if p.rank is not None
            else "chưa xếp hạng"
        )
        ax.annotate(
            f"{vi.format_percent(p.percent)}\n{rank}",
            (p.year, p.percent),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=TICK_SIZE,
            color=INK,
            linespacing=1.15,
        )
    low, high = min(values), max(values)
    span = max(high - low, 2.0)
    bottom = max(0.0, low - span * 0.6)
    ceiling = high + span * 0.9  # room for the labels above the points, even at 100 %
    ax.set_ylim(bottom, ceiling)
    _value_axis(ax.yaxis, bottom, ceiling, nbins=6, cap=100)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.xaxis.set_major_locator(FixedLocator(years))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: str(round(x))))
    ax.set_ylabel("Chỉ số (%)", fontsize=LABEL_SIZE, color=INK)
    handles = []
    if any(not p.illustrative for p in points):
        handles.append(_marker_handle("số liệu công bố", filled=True))
    if any(p.illustrative for p in points):
        handles.append(_marker_handle("minh họa", filled=False))
    _legend(ax, handles)
    return _finish(figure, title, illustrative)


def _marker_handle(label: str, *, filled: bool, color: str = NAVY) -> Line2D:
    return Line2D(
        [],
        [],
        marker="o",
        markersize=6,
        markeredgewidth=1.3,
        color=color,
        markerfacecolor=color if filled else "white",
        linestyle="none",
        label=label,
    )


def peers(analysis: Analysis, *, illustrative: bool = False) -> Chart:
    """The province against the national and regional averages, the best and the next above."""
    own = (analysis.province, analysis.percent, None)
    rows = [own] + [
        (f"{p.label}: {p.province}" if p.province else p.label, p.value, p.gap)
        for p in analysis.peers
    ]
    rows.sort(key=lambda r: -r[1])
    title = f"Chỉ số CCHC năm {analysis.year} của {analysis.province} so với các tỉnh"
    figure = _figure(_row_height(len(rows), 0.85, 3.4), illustrative)
    ax = figure.add_subplot()
    _style(ax)
    y = list(range(len(rows)))
    values = [v for _, v, _ in rows]
    colours = [ACCENT if gap is None else PEER for _, _, gap in rows]
    ax.barh(y, values, height=0.6, color=colours)
    low, high = min(values), max(values)
    start = max(0.0, math.floor((low - max(2.0, (high - low) * 0.5)) / 5) * 5)
    end = high + (high - start) * 0.32
    ax.set_xlim(start, end)
    ax.axvline(analysis.percent, color=ACCENT, linewidth=0.9, linestyle=(0, (3, 2)), zorder=1)
    for row, (_, value, gap) in zip(y, rows, strict=True):
        label = vi.format_percent(value)
        if gap is not None:
            label += f" ({_signed(gap)})"
        ax.text(
            value + (end - start) * 0.012,
            row,
            label,
            va="center",
            fontsize=TICK_SIZE,
            color=INK,
            fontweight="bold" if gap is None else "normal",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            zorder=4,
        )
    ax.set_yticks(y, [_wrap(name, 34) for name, _, _ in rows])
    for tick, (_, _, gap) in zip(ax.get_yticklabels(), rows, strict=True):
        if gap is None:
            tick.set_fontweight("bold")
            tick.set_color(ACCENT)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    _value_axis(ax.xaxis, start, end, cap=100)
    ax.set_xlabel(
        f"Chỉ số (%), trục bắt đầu từ {vi.format_number(start, 0)}; trong ngoặc: chênh lệch so "
        f"với {analysis.province} (điểm)",
        fontsize=LABEL_SIZE,
        color=INK,
    )
    return _finish(figure, title, illustrative)


# --- SIPAS --------------------------------------------------------------------------------------


def _overall(estimates: Iterable[Estimate], indicator: str) -> Estimate | None:
    found = reading.select(estimates, indicator, overall=True)
    return found[0] if found else None


def _interval_range(rows: Sequence[Estimate]) -> tuple[float, float]:
    lows = [e.ci_low for e in rows if not math.isnan(e.ci_low)] or [e.estimate for e in rows]
    highs = [e.ci_high for e in rows if not math.isnan(e.ci_high)] or [e.estimate for e in rows]
    return min(lows), max(highs)


def _whisker(ax: Axes, row: float, e: Estimate, color: str, *, hollow: bool, size: float) -> None:
    if not (math.isnan(e.ci_low) or math.isnan(e.ci_high)):
        ax.hlines(row, e.ci_low, e.ci_high, color=color, linewidth=1.1, zorder=2)
    ax.plot(
        [e.estimate],
        [row],
        marker="o",
        markersize=size,
        markeredgewidth=1.1,
        color=color,
        markerfacecolor="white" if hollow else color,
        linestyle="none",
        zorder=3,
    )


def sipas_units(
    estimates: Sequence[Estimate],
    indicator: str,
    names: Mapping[str, str],
    highlight: AbstractSet[str] = frozenset(),
    top: int | None = None,
    *,
    questionnaire: Questionnaire | None = None,
    title: str | None = None,
    illustrative: bool = False,
) -> Chart:
    """Units ranked on ``indicator`` with 95 % intervals, in tiers of overlapping intervals.

    Alternating bands mark the tiers (:func:`chiso.sipas.reading.tiers`); the dashed line is the
    whole-sample estimate. ``top`` keeps the first ``top`` units, plus any ``highlight`` unit
    ranked lower; units with few answers are drawn hollow.
    """
    ranked = reading.tiers(estimates, indicator)
    if top is not None:
        ranked = [t for t in ranked if t.rank <= top or t.estimate.unit in highlight]
    if title is None:
        name = indicator
        if questionnaire is not None and indicator in questionnaire.indicators:
            name = questionnaire.indicators[indicator].name_vi
        elif questionnaire is not None and indicator in questionnaire.items:
            name = questionnaire.items[indicator].text_vi
        title = f"{name} theo đơn vị"
    n = len(ranked)
    row_cm = min(0.5, (MAX_HEIGHT_CM - 4.2) / max(n, 1))
    figure = _figure(4.2 + row_cm * max(n, 1), illustrative)
    ax = figure.add_subplot()
    if not ranked:
        _empty(ax, "Không có ước lượng cho chỉ số này")
        return _finish(figure, title, illustrative)
    _style(ax)
    label_size = max(6.5, min(TICK_SIZE, row_cm / CM * 72 * 0.72))
    marker = max(3.5, min(6.0, row_cm / CM * 72 * 0.45))
    rows = [t.estimate for t in ranked]
    overall = _overall(estimates, indicator)
    low, high = _interval_range(rows + ([overall] if overall else []))
    pad = max((high - low) * 0.06, 1.0)
    start, end = max(0.0, low - pad), min(100.0, high + pad)
    ax.set_xlim(start, end)
    _value_axis(ax.xaxis, start, end, nbins=8)
    ax.xaxis.set_major_formatter(number_formatter(_decimals(ax.get_xticks()), "%"))
    side = blended_transform_factory(ax.transAxes, ax.transData)
    for tier, first, last in _runs([t.tier for t in ranked]):
        if tier % 2:
            ax.axhspan(first - 0.5, last + 0.5, color=BAND, linewidth=0, zorder=0)
        ax.text(
            1.01,
            (first + last) / 2,
            f"Bậc {tier}",
            transform=side,
            va="center",
            ha="left",
            fontsize=label_size,
            color=GREY,
        )
    for row in range(1, n):
        if ranked[row].rank != ranked[row - 1].rank + 1:  # units left out by ``top``
            ax.axhline(row - 0.5, color=GREY, linewidth=0.8, linestyle=(0, (1, 2)), zorder=1)
    for row, item in enumerate(ranked):
        e = item.estimate
        colour = ACCENT if e.unit in highlight else NAVY
        _whisker(ax, row, e, colour, hollow="small_n" in e.flags, size=marker)
    labels = [f"{t.rank}. {_t(names.get(t.estimate.unit, t.estimate.unit))}" for t in ranked]
    ax.set_yticks(range(n), labels)
    ax.tick_params(axis="y", length=0, labelsize=label_size)
    for tick, item in zip(ax.get_yticklabels(), ranked, strict=True):
        if item.estimate.unit in highlight:
            tick.set_fontweight("bold")
            tick.set_color(ACCENT)
    ax.set_ylim(n - 0.5, -0.5)
    if overall is not None:
        ax.axvline(overall.estimate, color=GREY, linewidth=1.0, linestyle=(0, (4, 2)), zorder=1)
        ax.text(
            overall.estimate,
            1.005,
            f"Toàn tỉnh: {vi.format_percent(overall.estimate)}",
            transform=blended_transform_factory(ax.transData, ax.transAxes),
            ha="center",
            va="bottom",
            fontsize=TICK_SIZE,
            color=INK,
        )
    ax.set_xlabel("Tỷ lệ hài lòng (%)", fontsize=LABEL_SIZE, color=INK)
    handles = [
        Line2D(
            [],
            [],
            color=NAVY,
            marker="o",
            markersize=5,
            label=f"Ước lượng, KTC {vi.format_percent(95, 0)}",
        ),
        Patch(facecolor=BAND, edgecolor=GREY, linewidth=0.4, label="Cùng bậc: KTC chồng nhau"),
    ]
    if any("small_n" in e.flags for e in rows):
        handles.append(_marker_handle("Ít phiếu", filled=False))
    _legend(ax, handles, below=True)
    return _finish(figure, title, illustrative)


def _runs(values: Sequence[int]) -> list[tuple[int, int, int]]:
    """(value, first index, last index) of each run of equal consecutive values."""
    runs: list[tuple[int, int, int]] = []
    for index, value in enumerate(values):
        if runs and runs[-1][0] == value and runs[-1][2] == index - 1:
            runs[-1] = (value, runs[-1][1], index)
        else:
            runs.append((value, index, index))
    return runs


def sipas_elements(
    estimates: Sequence[Estimate],
    questionnaire: Questionnaire,
    unit: str = OVERALL,
    *,
    unit_name: str | None = None,
    illustrative: bool = False,
) -> Chart:
    """The composites of ``unit`` with 95 % intervals: indices and aspects in bold, then their
    service elements and policy groups."""
    by_code = {
        e.indicator: e
        for e in estimates
        if e.unit == unit and not math.isnan(e.estimate) and e.indicator in questionnaire.indicators
    }
    nodes = [node for node in questionnaire.walk() if node.code in by_code]
    levels = {node.level for node in nodes}
    what = (
        "nhóm chính sách và yếu tố dịch vụ"
        if "group" in levels and "element" in levels
        else "nhóm chính sách"
        if "group" in levels
        else "yếu tố dịch vụ"
    )
    title = f"Mức độ hài lòng theo {what}"
    if unit != OVERALL:
        title += f": {unit_name or unit}"
    height = _row_height(len(nodes), 0.95, 3.2)
    figure = _figure(height, illustrative)
    ax = figure.add_subplot()
    if not nodes:
        _empty(ax, "Không có ước lượng")
        return _finish(figure, title, illustrative)
    _style(ax)
    headers = [node.level in ("index", "aspect") for node in nodes]
    rows = [by_code[node.code] for node in nodes]
    low, high = _interval_range(rows)
    start = max(0.0, math.floor(low - max(1.5, (high - low) * 0.15)))
    end = min(100.0, high + (high - start) * 0.22)
    end = max(end, high + (high - start) * 0.16)
    ax.set_xlim(start, end)
    _value_axis(ax.xaxis, start, end, nbins=7, cap=100)
    ax.xaxis.set_major_formatter(number_formatter(_decimals(ax.get_xticks()), "%"))
    for row, (e, header) in enumerate(zip(rows, headers, strict=True)):
        if header:
            ax.axhspan(row - 0.5, row + 0.5, color=BAND, linewidth=0, zorder=0)
        _whisker(ax, row, e, NAVY, hollow="small_n" in e.flags, size=6.5 if header else 5.5)
        right = e.ci_high if not math.isnan(e.ci_high) else e.estimate
        ax.text(
            right + (end - start) * 0.012,
            row,
            vi.format_percent(e.estimate),
            va="center",
            fontsize=TICK_SIZE,
            color=INK,
            fontweight="bold" if header else "normal",
        )
    ax.set_yticks(range(len(nodes)), [_wrap(node.name_vi, 46) for node in nodes])
    for tick, header in zip(ax.get_yticklabels(), headers, strict=True):
        if header:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(nodes) - 0.5, -0.5)
    ax.set_xlabel(
        f"Tỷ lệ hài lòng (%); vạch ngang: khoảng tin cậy {vi.format_percent(95, 0)}",
        fontsize=LABEL_SIZE,
        color=INK,
    )
    return _finish(figure, title, illustrative)
