"""Reading estimates honestly: tiers instead of strict ranks, small samples flagged, real changes.

A commune at 88,1 % is not "ahead" of one at 87,9 % when both intervals span ten points. Units
are therefore grouped in tiers (the World Bank governance indicators' practice): walking down
the ranking, a unit joins the current tier while its interval overlaps the interval of the tier's
leader, and starts a new tier when it does not. Changes against last year are called significant
only when the difference is large against both years' standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from chiso.sipas.estimate import OVERALL, Estimate


@dataclass(frozen=True)
class Tiered:
    tier: int
    rank: int  # plain order, shown only beside the tier
    estimate: Estimate


@dataclass(frozen=True)
class Change:
    unit: str
    indicator: str
    current: float
    previous: float
    difference: float  # percentage points
    se: float
    p_value: float
    significant: bool


def select(
    estimates: Iterable[Estimate], indicator: str, *, overall: bool = False
) -> list[Estimate]:
    return [
        e
        for e in estimates
        if e.indicator == indicator
        and (e.unit == OVERALL) == overall
        and not math.isnan(e.estimate)
    ]


def tiers(estimates: Iterable[Estimate], indicator: str) -> list[Tiered]:
    """Units ranked on ``indicator`` and grouped into tiers of overlapping intervals."""
    return _tiered(sorted(select(estimates, indicator), key=lambda e: (-e.estimate, e.unit)))


def _tiered(ranked: list[Estimate]) -> list[Tiered]:
    """A new tier starts where an interval no longer reaches the current tier leader's."""
    result: list[Tiered] = []
    tier, leader = 0, None
    for rank, est in enumerate(ranked, start=1):
        if leader is None or est.ci_high < leader.ci_low:
            tier += 1
            leader = est
        result.append(Tiered(tier, rank, est))
    return result


def changes(
    current: Iterable[Estimate], previous: Iterable[Estimate], *, level: float = 0.95
) -> list[Change]:
    """Year-on-year change per unit and indicator; the two samples are independent."""
    from scipy import special

    before = {(e.unit, e.indicator): e for e in previous}
    critical = special.ndtri(1 - (1 - level) / 2)
    out = []
    for now in current:
        then = before.get((now.unit, now.indicator))
        if then is None or math.isnan(now.estimate) or math.isnan(then.estimate):
            continue
        diff = now.estimate - then.estimate
        se = math.hypot(now.se, then.se)
        z = diff / se if se > 0 else math.inf * (1 if diff else 0)
        p = float(2 * special.ndtr(-abs(z))) if math.isfinite(z) else 0.0
        out.append(
            Change(
                now.unit, now.indicator, now.estimate, then.estimate, diff, se, p, abs(z) > critical
            )
        )
    return out


def expectations(
    estimates: Iterable[Estimate], codes: Iterable[str], unit: str = OVERALL
) -> list[Tiered]:
    """What people want improved most: expectation items ranked, in tiers, for one unit."""
    wanted = set(codes)
    return _tiered(
        sorted(
            (
                e
                for e in estimates
                if e.unit == unit and e.indicator in wanted and not math.isnan(e.estimate)
            ),
            key=lambda e: (-e.estimate, e.indicator),
        )
    )
