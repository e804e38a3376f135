"""The SIPAS page's tables, charts and workbook, built from the core's survey part.

Nothing here estimates anything: the estimates, intervals, tiers and year-on-year tests come from
``chiso.sipas`` (through :func:`chiso.web.datasets.selectors.survey_for`); this module only picks
the rows a page shows and writes their numbers the Vietnamese way.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

from chiso import vi
from chiso.documents import charts
from chiso.documents.report import SurveyPart
from chiso.sipas import reading
from chiso.sipas.estimate import OVERALL, Estimate
from chiso.sipas.export import FLAG_NAMES_VI
from chiso.web.dashboard.selectors import ChartImage, Memo
from chiso.web.datasets.selectors import SurveySource

SORTS = ("cao", "thap", "ten")  # estimate high → low (tiers), low → high, unit name
_charts = Memo(size=8)


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: str
    n: str
    estimate: str
    interval: str
    flags: str


@dataclass(frozen=True)
class UnitRow:
    rank: int
    tier: int
    name: str
    n: str
    estimate: str
    interval: str
    change: str
    significant: bool
    flags: str


@cache
def questionnaire_names() -> dict[str, str]:
    """Questionnaire code → its Vietnamese name, for the embedded questionnaires."""
    from chiso.sipas.questionnaire import embedded, embedded_names

    return {embedded(n).code: embedded(n).name_vi for n in embedded_names()}


def root(part: SurveyPart) -> str:
    """The questionnaire's top indicator (the SIPAS index, or the service index of a commune
    survey)."""
    q = part.questionnaire
    return next(n.code for n in q.walk() if q.parent_of(n.code) is None)


def _interval(e: Estimate) -> str:
    if math.isnan(e.ci_low) or math.isnan(e.ci_high):
        return "—"
    return f"{vi.format_number(e.ci_low, 1)} – {vi.format_number(e.ci_high, 1)}"


def _flags(e: Estimate) -> str:
    return ", ".join(FLAG_NAMES_VI.get(f, f) for f in e.flags)


def _signed(value: float) -> str:
    """+1,23 / −0,45 with a true minus sign, as the report's tables print changes."""
    text = vi.format_number(abs(value), 2)
    if text == vi.format_number(0, 2):
        return text
    return ("+" if value > 0 else "\u2212") + text


def indicator_rows(part: SurveyPart) -> list[Row]:
    """The whole sample's index and every element or group below it, in questionnaire order."""
    overall = {e.indicator: e for e in part.estimates if e.unit == OVERALL}
    rows = []
    for node in part.questionnaire.walk():
        e = overall.get(node.code)
        if e is None or math.isnan(e.estimate):
            continue
        rows.append(
            Row(
                code=node.code,
                name=node.name_vi,
                level=node.level,
                n=vi.format_number(e.n, 0),
                estimate=vi.format_percent(e.estimate),
                interval=_interval(e),
                flags=_flags(e),
            )
        )
    return rows


def unit_rows(part: SurveyPart, *, sort: str = "cao") -> list[UnitRow]:
    """Units on the top indicator, in tiers of overlapping intervals (the core's reading)."""
    top = root(part)
    changes = {c.unit: c for c in part.changes if c.indicator == top}
    rows = []
    for tiered in reading.tiers(part.estimates, top):
        e = tiered.estimate
        change = changes.get(e.unit)
        rows.append(
            UnitRow(
                rank=tiered.rank,
                tier=tiered.tier,
                name=part.names.get(e.unit, e.unit),
                n=vi.format_number(e.n, 0),
                estimate=vi.format_percent(e.estimate),
                interval=_interval(e),
                change=_signed(change.difference) if change else "",
                significant=bool(change and change.significant),
                flags=_flags(e),
            )
        )
    if sort == "thap":
        rows.reverse()
    elif sort == "ten":
        rows = vi.sorted_vi(rows, key=lambda r: r.name)
    return rows


# URL slug → template key.
SURVEY_CHARTS = (("yeu-to", "elements"), ("don-vi", "units"))


def chart_svgs(part: SurveyPart, source: SurveySource) -> dict[str, ChartImage]:
    """The elements chart and the units-in-tiers chart of the core, by URL slug."""

    def draw() -> dict[str, ChartImage]:
        estimates = list(part.estimates)
        elements = charts.sipas_elements(
            estimates, part.questionnaire, illustrative=part.illustrative
        )
        units = charts.sipas_units(
            estimates,
            root(part),
            part.names,
            questionnaire=part.questionnaire,
            illustrative=part.illustrative,
        )
        return {
            "yeu-to": ChartImage(elements.title, elements.svg()),
            "don-vi": ChartImage(units.title, units.svg()),
        }

    return _charts.get(("sipas", source.year, source.key), draw)


def workbook(part: SurveyPart, *, meta: dict[str, object]) -> bytes:
    """Every estimate (unit × indicator) as the core's documented XLSX layout."""
    from chiso.sipas.export import rows, write_xlsx

    out = io.BytesIO()
    write_xlsx(rows(list(part.estimates), part.questionnaire, part.names), out, meta)
    return out.getvalue()
