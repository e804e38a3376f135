"""The embedded PAR INDEX demo: Lạng Sơn 2023–2025 and the all-province tables of those years.

Published figures (``chiso/data/published``) are used as they are, with their source URLs.
Everything the ministry has not published — Lạng Sơn's detailed sheets, most provinces' values,
all of 2025 — is generated here, deterministically, and marked illustrative. The generator keeps
the published facts true in the illustrative table: published values and ranks stay where they
are, group counts hold, and the national mean equals the published national average.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from chiso import units
from chiso.frameworks import embedded, embedded_crosswalk
from chiso.frameworks.schema import Framework, Node
from chiso.parindex.analysis import PreviousYear
from chiso.parindex.ranking import competition_ranks
from chiso.parindex.results import ILLUSTRATIVE, ProvinceResult, ResultsTable, ScoreLine, ScoreSheet

PROVINCE = "Lạng Sơn"
YEARS = (2023, 2024, 2025)
SEED = 20260529  # the conference day; any fixed value keeps the demo reproducible
ILLUSTRATIVE_SOURCE = "chiso demo — " + ILLUSTRATIVE

# Lạng Sơn's illustrative index per year, kept inside the bands the published ranks leave open.
TARGETS = {2023: 85.87, 2024: 86.74, 2025: 88.12}
# No national average is published for 2025 yet; the illustrative table continues the trend.
ILLUSTRATIVE_NATIONAL_MEAN = {2025: 89.2}
# Where the illustrative sheet loses points: weight per field (digital government and the
# survey-based impact field lose most, as in the province's 2022 analysis).
LOSS_PROFILE = {
    "LV1": 0.6,
    "LV2": 0.8,
    "LV3": 1.0,
    "LV4": 0.4,
    "LV5": 0.7,
    "LV6": 0.9,
    "LV7": 1.8,
    "LV8": 1.6,
}
APPRAISAL_NOTES = (
    "Thẩm định: tài liệu kiểm chứng chưa đầy đủ",
    "Thẩm định: hoàn thành sau thời hạn",
    "Thẩm định: tỷ lệ thực tế thấp hơn số tự đánh giá",
)


@dataclass(frozen=True)
class _Published:
    province: str
    value: float | None
    rank: int | None
    source: str


def _published(year: int) -> list[_Published]:
    path = resources.files("chiso.data") / "published" / f"parindex_{year}_provinces.csv"
    if not path.is_file():
        return []
    rows = []
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if "CONFLICT" in rec["notes"] and not rec["index_percent"]:
                continue  # conflicting bottom-of-table claims: not used as facts
            rank = int(rec["rank"]) if rec["rank"].isdigit() else None
            value = float(rec["index_percent"]) if rec["index_percent"] else None
            if value is None and rank is None:
                continue
            name = units.find_province(rec["province"], year).name
            rows.append(_Published(name, value, rank, rec["source_url"]))
    return rows


# --- the province's detailed sheet ----------------------------------------------------------


@cache
def sheet(year: int) -> ScoreSheet:
    """Lạng Sơn's illustrative detailed sheet for ``year``, totalling exactly ``TARGETS[year]``."""
    framework = embedded(year)
    rng = random.Random(SEED + year)
    leaves = framework.leaves()
    loss_total = framework.total_max - TARGETS[year]
    achieved: dict[str, float] = {}
    # Discrete rules first: a few all-or-nothing items are lost outright.
    for leaf in leaves:
        if leaf.rule and leaf.rule.kind in ("binary", "steps"):
            steps = leaf.rule.steps or (0.0, leaf.max_points)
            weight = LOSS_PROFILE[framework.field_of(leaf.code).code]
            if rng.random() < 0.12 * weight:
                achieved[leaf.code] = steps[-2] if len(steps) > 2 else 0.0
            else:
                achieved[leaf.code] = leaf.max_points
    remaining = loss_total - math.fsum(
        leaf.max_points - achieved[leaf.code] for leaf in leaves if leaf.code in achieved
    )
    free = [leaf for leaf in leaves if leaf.code not in achieved]
    losses = _spread(free, remaining, framework, rng)
    for leaf in free:
        achieved[leaf.code] = round(leaf.max_points - losses[leaf.code], 2)
    _fix_residual(free, achieved, framework.total_max - loss_total)
    lines = {}
    for leaf in leaves:
        value = achieved[leaf.code]
        self_assessed = None
        note = None
        if leaf.source == "appraisal":
            lost = leaf.max_points - value
            # Provinces tend to self-score high; the appraisal takes part of it back.
            self_assessed = leaf.max_points if lost > 0 and rng.random() < 0.7 else value
            if self_assessed > value:
                note = rng.choice(APPRAISAL_NOTES)
        lines[leaf.code] = ScoreLine(leaf.code, value, self_assessed, note)
    return ScoreSheet(
        province=PROVINCE,
        year=year,
        lines=MappingProxyType(lines),
        source=f"{ILLUSTRATIVE_SOURCE}: bảng điểm chi tiết {PROVINCE} {year}",
        illustrative=True,
    )


def _spread(
    free: list[Node], loss: float, framework: Framework, rng: random.Random
) -> dict[str, float]:
    """Share ``loss`` over proportional items by random weights, never beyond an item's maximum."""
    weights = {
        n.code: rng.random() ** 2 * LOSS_PROFILE[framework.field_of(n.code).code] for n in free
    }
    losses = dict.fromkeys(weights, 0.0)
    open_items = {n.code: n.max_points for n in free}
    while loss > 1e-9 and open_items:
        total_w = math.fsum(weights[c] for c in open_items) or 1.0
        next_open = {}
        spent = 0.0
        for code, room in open_items.items():
            share = loss * weights[code] / total_w
            take = min(share, room - losses[code])
            losses[code] += take
            spent += take
            if losses[code] < room - 1e-9:
                next_open[code] = room
        loss -= spent
        open_items = next_open if spent > 1e-12 else {}
    return {c: round(v, 2) for c, v in losses.items()}


def _fix_residual(free: list[Node], achieved: dict[str, float], target: float) -> None:
    """Rounding to 0.01 leaves a few hundredths; put them on the item with the most room."""
    residual = round(target - math.fsum(achieved.values()), 2)
    if abs(residual) < 0.005:
        return
    candidates = sorted(
        free,
        key=lambda n: (
            -(n.max_points - achieved[n.code]) * (residual > 0) - achieved[n.code] * (residual < 0)
        ),
    )
    code = candidates[0].code
    achieved[code] = round(achieved[code] + residual, 2)


# --- all-province tables --------------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """An open interval of index values that must hold exactly ``size`` provinces."""

    low: float
    high: float
    size: int

    def holds(self, value: float) -> bool:
        return self.low < value < self.high


def _national(year: int) -> dict[str, str]:
    path = resources.files("chiso.data") / "published" / "parindex_national_regional.csv"
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if int(rec["year"]) == year and rec["scope"].startswith("national"):
                return rec
    return {}


@cache
def table(year: int) -> ResultsTable:
    """The all-province table of ``year``: published values kept, the rest illustrative."""
    names = [p.name for p in units.provinces(year)]
    published = {p.province: p for p in _published(year)}
    national = _national(year)
    rng = random.Random(SEED * 7 + year)
    values = {p.province: p.value for p in published.values() if p.value is not None}
    values[PROVINCE] = round(math.fsum(line.achieved for line in sheet(year).lines.values()), 2)
    values |= _derived(year)
    bands = _bands(len(names), published, national)
    room = [band.size for band in bands]
    for name, value in values.items():
        if name in published and published[name].rank is not None:
            continue  # the bands were cut around published ranks already
        room[_band_index(bands, value)] -= 1
    rank_only = [p for p in published.values() if p.value is None and p.rank is not None]
    for p in rank_only:
        room[_rank_band(published, p)] -= 1
    free = [n for n in names if n not in values and n not in {p.province for p in rank_only}]
    rng.shuffle(free)
    for index, band in enumerate(bands):
        for _ in range(max(room[index], 0)):
            if free:
                values[free.pop()] = _draw(rng, band, values)
    for p in rank_only:
        values[p.province] = _draw(rng, _slot(bands, published, p, values), values)
    lower = max(bands, key=lambda b: b.size)
    for name in free:  # only if the published counts leave fewer places than provinces
        values[name] = _draw(rng, lower, values)
    mean = float(national.get("value_percent") or ILLUSTRATIVE_NATIONAL_MEAN[year])
    fixed = set(published) | {PROVINCE} | set(_derived(year))
    _match_mean(values, mean, lower, fixed=fixed)
    ranks = competition_ranks(values)

    def is_published(name: str) -> bool:
        return name in published and published[name].value is not None

    rows = tuple(
        ProvinceResult(
            province=name,
            index_percent=values[name],
            rank=ranks[name],
            source=published[name].source if is_published(name) else ILLUSTRATIVE_SOURCE,
            illustrative=not is_published(name),
        )
        for name in sorted(values, key=lambda n: (ranks[n], n))
    )
    return ResultsTable(
        year=year,
        rows=rows,
        source=f"chiso demo: bảng kết quả PAR INDEX {year} — số liệu công bố giữ nguyên kèm nguồn, "
        "các giá trị khác là minh họa",
    )


def _derived(year: int) -> dict[str, float]:
    """2024 values published only as a change on 2023 (Bình Thuận +6,39; Lai Châu +0,19)."""
    if year != 2024:
        return {}
    last = table(2023).values()
    return {
        name: round(last[name] + delta, 2)
        for name, delta in (("Bình Thuận", 6.39), ("Lai Châu", 0.19))
    }


def _bands(count: int, published: dict[str, _Published], national: dict[str, str]) -> list[_Band]:
    """Value intervals between published ranks and group counts, each with its number of places.

    A published (rank r, value v) has r − 1 provinces above it; a published group count says how
    many provinces stand at or above the group's floor (13 in group A in 2024).
    """
    cuts = [(p.value, p.rank - 1, 1) for p in published.values() if p.rank and p.value is not None]
    if national.get("n_group_A"):
        cuts.append((90.0 - 0.005, int(national["n_group_A"]), 0))
    bands = []
    high, above = 100.0, 0
    for value, before, occupied in sorted(cuts, key=lambda c: -c[0]):
        bands.append(_Band(value, high, before - above))
        high, above = value, before + occupied
    # Every province scored at least 80 % in 2023 and 2024 (group C empty or none below B).
    bands.append(_Band(80.0 - 0.005, high, count - above))
    return bands


def _rank_band(published: dict[str, _Published], p: _Published) -> int:
    """The band a rank-only province falls in: one per published value ranked above it."""
    return sum(
        1 for q in published.values() if q.value is not None and (q.rank or 0) < (p.rank or 0)
    )


def _slot(
    bands: list[_Band], published: dict[str, _Published], p: _Published, values: dict[str, float]
) -> _Band:
    """The gap inside its band where a rank-only province's published rank puts it."""
    index = _rank_band(published, p)
    band = bands[index]
    above = sum(band.size for band in bands[:index]) + index  # bands above plus their cut points
    members = sorted((v for v in values.values() if band.holds(v)), reverse=True)
    position = (p.rank or 1) - above - 1
    high = members[position - 1] if position >= 1 else band.high
    low = members[position] if position < len(members) else band.low
    return _Band(low, high, 1)


def _band_index(bands: list[_Band], value: float) -> int:
    for index, band in enumerate(bands):
        if band.holds(value):
            return index
    raise ValueError(f"demo: value {value} falls outside the published bands")


def _draw(rng: random.Random, band: _Band, taken: dict[str, float]) -> float:
    """A free value in the band; provinces cluster in the high 80s as in published tables."""
    used = set(taken.values())
    mode = min(band.high, max(band.low, 90.5))
    for _ in range(1000):
        value = round(rng.triangular(band.low, band.high, mode), 2)
        if value not in used and band.holds(value):
            return value
    raise ValueError(f"demo: no free value between {band.low} and {band.high}")


def _match_mean(values: dict[str, float], target: float, band: _Band, *, fixed: set[str]) -> None:
    """Move the free values of ``band`` so the mean of all equals the published national average.

    Values are pulled towards the band edge affinely, which keeps their order, so published
    ranks stay true; the last hundredths from rounding go one cent at a time to free values.
    """
    free = [n for n in values if n not in fixed and band.holds(values[n])]
    if not free:
        return
    low, high = band.low + 0.05, band.high - 0.05
    others = math.fsum(v for n, v in values.items() if n not in free)
    want = (target * len(values) - others) / len(free)
    have = math.fsum(values[n] for n in free) / len(free)
    edge = high if want > have else low
    if abs(edge - have) > 1e-9:
        factor = (edge - want) / (edge - have)
        for name in free:
            values[name] = round(edge - (edge - values[name]) * factor, 2)
    cents = round((target * len(values) - math.fsum(values.values())) * 100)
    step = math.copysign(0.01, cents)
    for name in sorted(free, key=lambda n: values[n]):
        if cents == 0:
            break
        moved = round(values[name] + step, 2)
        if low <= moved <= high and moved not in values.values():
            values[name] = moved
            cents -= int(step * 100)


# --- previous year and history ----------------------------------------------------------------


def previous(year: int) -> PreviousYear | None:
    if year - 1 not in YEARS:
        return None
    return PreviousYear(
        framework=embedded(year - 1),
        sheet=sheet(year - 1),
        crosswalk=embedded_crosswalk(year - 1, year),
    )


def history(year: int) -> tuple[ResultsTable, ...]:
    return tuple(table(y) for y in YEARS if y < year)
