"""The embedded SIPAS demo: Lạng Sơn's province-run survey of its 65 communes, 2024 and 2025.

Entirely illustrative: the answers are generated (seeded) by :mod:`chiso.sipas.synth` with the
province's real list of communes, people served at the commune office (not clustered), about
120 per commune. Generated on first use into a cache folder, then reused.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from chiso import __version__
from chiso.sipas import synth
from chiso.sipas.questionnaire import Questionnaire, embedded

QUESTIONNAIRE = "tinh-xa-2025"
YEARS = (2024, 2025)
PER_UNIT = 120
SEED = 20250521  # the province: communes' sizes and satisfaction levels
ANSWER_SEEDS = {2024: 2024, 2025: 2025}  # each year's respondents
# 2025 a little higher than 2024, as after a year of remediation (illustrative).
LEVELS = {2024: (0.68, 0.93), 2025: (0.70, 0.95)}
NOTE = (
    "Số liệu minh họa: phiếu khảo sát do chiso sinh ngẫu nhiên (có hạt giống), "
    "không phải kết quả khảo sát thật."
)


def questionnaire() -> Questionnaire:
    return embedded(QUESTIONNAIRE)


def cache_dir() -> Path:
    """``$CHISO_CACHE`` or the system temporary folder; versioned so upgrades regenerate."""
    root = os.environ.get("CHISO_CACHE") or os.path.join(tempfile.gettempdir(), "chiso-cache")
    return Path(root) / f"demo-{__version__}"


def dataset(year: int) -> Path:
    """The demo responses of ``year`` as Parquet, generated once."""
    if year not in YEARS:
        raise ValueError(f"demo survey years are {YEARS}")
    path = cache_dir() / f"khao-sat-xa-lang-son-{year}.parquet"
    if not path.exists():
        q = questionnaire()
        units = synth.default_units(q)
        low, high = LEVELS[year]
        spec = synth.SynthSpec(
            respondents=PER_UNIT * len(units),
            seed=SEED,
            units=units,
            villages_per_unit=0,
            low=low,
            high=high,
            answer_seed=ANSWER_SEEDS[year],
        )
        synth.write(q, spec, path)
    return path


def report_part(province: str, year: int):
    """Section II of the demo report, or None outside the demo province and years."""
    from chiso.documents.report import survey_part

    if province != "Lạng Sơn" or year not in YEARS:
        return None
    return survey_part(
        dataset(year),
        year=year,
        previous=dataset(year - 1) if year - 1 in YEARS else None,
        source="Nguồn: khảo sát minh họa của chiso (65 xã, phường; phiếu sinh ngẫu nhiên).",
    )
