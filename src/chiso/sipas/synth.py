"""Synthetic survey responses, seeded and clustered like the real fieldwork.

Respondents are sampled in villages (PSUs) inside units (strata): a unit's satisfaction level is
drawn between 70 % and 95 %, villages and respondents add their own effects on the log-odds
scale, so answers of one village — and items of one respondent — are correlated as in real data
and design effects are above 1. The same generator feeds the demo (labelled illustrative), the
tests and the benchmark. Large samples are written in chunks, so 10 million rows fit in memory.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chiso import units
from chiso.sipas.questionnaire import Questionnaire

CHUNK = 500_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SynthSpec:
    respondents: int
    seed: int = 2025
    units: tuple[tuple[str, str], ...] = ()  # (code, name); default: the questionnaire's units
    villages_per_unit: int = 3  # 0: no clustering, every respondent its own PSU
    missing_rate: float = 0.03
    low: float = 0.70
    high: float = 0.95
    # Answers drawn with their own seed when set: two "years" share units, villages and their
    # levels (same ``seed``) but not respondents, so year-on-year changes look like real ones.
    answer_seed: int | None = None


def default_units(
    questionnaire: Questionnaire, count: int | None = None
) -> tuple[tuple[str, str], ...]:
    """The registry's units of the questionnaire's kind, or ``count`` numbered ones."""
    if count is not None:
        return tuple((f"U{i:05d}", f"Đơn vị {i}") for i in range(1, count + 1))
    if questionnaire.unit_kind == "commune":
        return tuple((c.code, c.name) for c in units.communes())
    if questionnaire.unit_kind == "department":
        return tuple((a.code, a.name) for a in units.agencies() if a.kind != "commune")
    return tuple((p.name, p.name) for p in units.provinces(2024))


def generate(questionnaire: Questionnaire, spec: SynthSpec) -> Iterator[dict[str, np.ndarray]]:
    """Yield column chunks (``respondent_id, unit, unit_name, stratum, psu, weight``, items…)."""
    rng = np.random.default_rng(spec.seed)  # the population: unit sizes, levels, villages
    unit_list = spec.units or default_units(questionnaire)
    n_units = len(unit_list)
    villages = spec.villages_per_unit
    # Unit sizes vary (a few big communes, many small); villages share their unit's sample.
    size = rng.gamma(4.0, 1.0, n_units)
    share = np.repeat(size / size.sum() / max(villages, 1), max(villages, 1))
    base = rng.uniform(spec.low, spec.high, n_units)
    unit_logit = np.log(base / (1 - base))
    village_effect = rng.normal(0.0, 0.35, n_units * max(villages, 1))
    village_weight = rng.lognormal(0.0, 0.3, n_units * max(villages, 1))
    items = list(questionnaire.items.values())
    item_effect = rng.normal(0.0, 0.3, len(items))
    if spec.answer_seed is not None:
        rng = np.random.default_rng(spec.answer_seed)  # the sample drawn from it
    positives = [questionnaire.positive_answers(i.code) for i in items]
    scales = [sorted(questionnaire.scales[i.scale].labels) for i in items]
    codes = np.array([u[0] for u in unit_list], dtype=object)
    names = np.array([u[1] for u in unit_list], dtype=object)
    clustered = villages > 0
    per_unit = max(villages, 1)
    village_codes = np.array(
        [f"{code}-T{v + 1}" for code in codes for v in range(per_unit)], dtype=object
    )
    done = 0
    while done < spec.respondents:
        n = min(CHUNK, spec.respondents - done)
        village = rng.choice(n_units * per_unit, size=n, p=share)
        unit = village // per_unit
        latent = unit_logit[unit] + rng.normal(0.0, 0.9, n)
        if clustered:
            latent += village_effect[village]
        ids = np.arange(done + 1, done + n + 1)
        chunk: dict[str, np.ndarray] = {
            "respondent_id": ids,
            "unit": codes[unit],
            "unit_name": names[unit],
            "stratum": codes[unit],
            # Unclustered designs (people served at the commune office): each respondent a PSU.
            "psu": village_codes[village] if clustered else ids,
            "weight": village_weight[village] * rng.uniform(0.9, 1.1, n),
        }
        for k, item in enumerate(items):
            prob = 1 / (1 + np.exp(-(latent + item_effect[k])))
            chunk[item.code] = _answers(rng, prob, positives[k], scales[k], spec.missing_rate)
        for field in questionnaire.profile:
            values = np.array(sorted(field.choices), dtype=np.int8)
            weights = rng.dirichlet(np.ones(len(values)) * 3)
            chunk[field.code] = rng.choice(values, size=n, p=weights)
        done += n
        yield chunk


def _answers(
    rng: np.random.Generator,
    prob: np.ndarray,
    positive: tuple[int, ...],
    scale: list[int],
    missing: float,
) -> np.ndarray:
    """Positive answers with probability ``prob``; the rest spread over the other values."""
    n = len(prob)
    pos = np.array(positive, dtype=np.int8)
    neg = np.array([v for v in scale if v not in positive], dtype=np.int8)
    yes = rng.random(n) < prob
    out = np.where(yes, rng.choice(pos, size=n), rng.choice(neg, size=n) if len(neg) else pos[0])
    out = out.astype(float)
    out[rng.random(n) < missing] = np.nan
    return out


def write(
    questionnaire: Questionnaire,
    spec: SynthSpec,
    path: str | Path,
    progress: Progress | None = None,
) -> Path:
    """Write the documented wide format: ``.parquet`` (streamed) or ``.csv``/``.xlsx``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary name of its own: web workers may generate the same demo file at the same moment.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        _write(questionnaire, spec, path, tmp, progress)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return path


def _write(
    questionnaire: Questionnaire,
    spec: SynthSpec,
    path: Path,
    tmp: Path,
    progress: Progress | None,
) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    writer = None
    done = 0
    chunks = []
    manifest = {
        "schema": "chiso.responses/1",
        "questionnaire": questionnaire.identity(),
        "source": {"file": "chiso survey synth", "seed": spec.seed},
        "illustrative": True,
        "counts": {"respondents": spec.respondents},
    }
    for chunk in generate(questionnaire, spec):
        table = _arrow(chunk, questionnaire).replace_schema_metadata(
            {"chiso": json.dumps(manifest, ensure_ascii=False)}
        )
        if path.suffix == ".parquet":
            writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
        elif path.suffix == ".csv":
            if writer is None:
                writer = pacsv.CSVWriter(tmp, table.drop(["unit_name"]).schema)
            writer.write_table(table.drop(["unit_name"]))
        else:
            chunks.append(table)
        done += table.num_rows
        if progress:
            progress(done, spec.respondents)
    if writer is not None:
        writer.close()
    if path.suffix == ".xlsx":
        _write_xlsx(pa.concat_tables(chunks).drop(["unit_name"]), tmp)


def _arrow(chunk: dict[str, np.ndarray], questionnaire: Questionnaire) -> object:
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pa.array(chunk["respondent_id"]).cast(pa.string())
    psu = chunk["psu"]
    arrays = {
        "respondent_id": pc.binary_join_element_wise("S", ids, ""),
        "unit": pa.array(chunk["unit"], pa.string()),
        "unit_name": pa.array(chunk["unit_name"], pa.string()),
        "stratum": pa.array(chunk["stratum"], pa.string()),
        "psu": (
            pc.binary_join_element_wise("S", ids, "")
            if psu.dtype.kind in "iu"
            else pa.array(psu, pa.string())
        ),
        "weight": pa.array(np.round(chunk["weight"], 6), pa.float64()),
    }
    for code in questionnaire.answer_columns:
        values = chunk[code]
        mask = np.isnan(values) if values.dtype.kind == "f" else None
        arrays[code] = pa.array(np.nan_to_num(values).astype(np.int8), pa.int8(), mask=mask)
    return pa.table(arrays)


def _write_xlsx(table: object, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Phiếu")
    ws.append(table.column_names)
    for row in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
        ws.append(list(row))
    wb.save(path)
