"""Reproducible benchmark of ``chiso.sipas.estimate`` against its peers, measured in one run.

    .venv/bin/python benchmarks/sipas_estimate.py                 # full run, ~10–20 minutes
    .venv/bin/python benchmarks/sipas_estimate.py --quick         # smoke run on small files
    .venv/bin/python benchmarks/sipas_estimate.py --skip-10m      # without the 10 M rows case
    .venv/bin/python benchmarks/sipas_estimate.py --one chiso-main --data /tmp/chiso-bench

Every measurement runs in its own subprocess (``--one NAME``), so peak memory is that of one
engine alone; the child prints one JSON line and the parent prints the table, the ratios, the
agreement checks and a PASS/FAIL line per target. A FAIL is reported, not hidden, and the exit
code is 0 all the same: this is a report, not a test.

What is measured, end to end from the Parquet file (the file itself is in the page cache):

* ``chiso``  — ``estimate(path, q, indicators=…, con=connect(threads=2))``: 33 satisfaction items
  and 12 composites per unit and for the whole sample, with n, SE, 95 % logit interval, design
  df and Kish design effect.
* ``floor``  — the raw scan: the same per-unit weighted sums chiso's first query makes, without
  any variance (DuckDB, 2 threads).
* ``pandas`` — a vectorised pandas + numpy implementation of the same estimator (below).
* ``svy``    — the svy package (successor of samplics), per unit and overall, on the first
  200,000 rows; compared per respondent.

Cold = the first call in a fresh process (for chiso this includes importing Ibis and compiling
the queries); warm = the best of the next three calls, each with a fresh DuckDB connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QUESTIONNAIRE = "sipas-2024"
SEED = 2025
WARM_RUNS = 3
GIB = 2**30

# --- datasets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    key: str
    respondents: int
    units: int
    villages: int
    first: int = 0  # > 0: the first rows of another dataset, written as its own file

    def path(self, folder: Path) -> Path:
        name = f"{QUESTIONNAIRE}_n{self.respondents}_u{self.units}_v{self.villages}_s{SEED}"
        if self.first:
            name += f"_first{self.first}"
        return folder / f"{name}.parquet"

    @property
    def label(self) -> str:
        rows = self.first or self.respondents
        return f"{_count(rows)} × {self.units:,} units"


def datasets(quick: bool, svy_rows: int | None = None) -> dict[str, Dataset]:
    """The four files: sizes are divided by 10 for ``--quick``."""
    scale = 10 if quick else 1
    main = Dataset("main", 1_000_000 // scale, 65, 20)
    return {
        "main": main,
        "many": Dataset("many", 1_000_000 // scale, 3321, 3),
        "big": Dataset("big", 10_000_000 // scale, 65, 20),
        "sub": Dataset("sub", main.respondents, 65, 20, first=svy_rows or 200_000 // scale),
    }


def _count(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return f"{n:,}"


def ensure(ds: Dataset, folder: Path, all_sets: dict[str, Dataset]) -> Path:
    """Write the dataset once; the parameters are in the file name, so a match is a cache hit."""
    path = ds.path(folder)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if ds.first:
        import pyarrow.parquet as pq

        parent = Dataset(ds.key, ds.respondents, ds.units, ds.villages)
        source = ensure(parent, folder, all_sets)
        tmp = path.with_name(path.name + ".tmp")
        reader = pq.ParquetFile(source)
        with pq.ParquetWriter(tmp, reader.schema_arrow, compression="zstd") as writer:
            left = ds.first
            for batch in reader.iter_batches(batch_size=min(left, 100_000)):
                batch = batch.slice(0, left)
                writer.write_batch(batch)
                left -= batch.num_rows
                if left <= 0:
                    break
        tmp.replace(path)
    else:
        from chiso.sipas import synth

        q = _questionnaire()
        spec = synth.SynthSpec(
            respondents=ds.respondents,
            seed=SEED,
            units=synth.default_units(q, ds.units),
            villages_per_unit=ds.villages,
        )
        synth.write(q, spec, path)
    size = path.stat().st_size / 2**20
    print(f"  wrote {path.name} ({size:,.0f} MiB) in {time.perf_counter() - start:.1f} s")
    return path


# --- the questionnaire and the benchmark's item set ---------------------------------------------


def _questionnaire() -> Any:
    from chiso.sipas.questionnaire import embedded

    return embedded(QUESTIONNAIRE)


def indicator_set(q: Any) -> list[str]:
    """The full item set: the 33 satisfaction items plus the 12 composites."""
    return [c for c, i in q.items.items() if i.kind == "satisfaction"] + [n.code for n in q.walk()]


def _plan() -> Any:
    from chiso.sipas.estimate import plan_for

    q = _questionnaire()
    return plan_for(q, indicator_set(q))


# --- the measured engines -----------------------------------------------------------------------
# Each returns a pandas DataFrame of results (or None) *after* the timed part is over: only
# ``run`` is timed, ``frame`` turns what it returned into a table for the agreement checks.


def run_chiso(path: Path) -> Any:
    from chiso.sipas.estimate import connect, estimate

    q = _questionnaire()
    return estimate(path, q, indicators=indicator_set(q), con=connect(threads=2))


def frame_chiso(results: Any) -> Any:
    import pandas as pd

    cols = ["unit", "indicator", "n", "estimate", "se", "ci_low", "ci_high", "deff", "df"]
    return pd.DataFrame([[getattr(r, c) for c in cols] for r in results], columns=cols)


def floor_sql(path: Path, items: tuple[str, ...], positive: tuple[tuple[int, ...], ...]) -> str:
    sums = []
    for k, (item, pos) in enumerate(zip(items, positive, strict=True)):
        answers = ", ".join(map(str, pos))
        sums.append(f'SUM(CAST("{item}" IN ({answers}) AS DOUBLE) * weight) AS s{k}')
        sums.append(f'SUM(CAST("{item}" IS NOT NULL AS DOUBLE) * weight) AS v{k}')
    source = str(path).replace("'", "''")
    return f"SELECT unit, {', '.join(sums)} FROM read_parquet('{source}') GROUP BY unit"


def run_floor(path: Path) -> Any:
    import duckdb

    plan = _plan()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    result = con.execute(floor_sql(path, plan.items, plan.positive)).fetchnumpy()
    con.close()
    return result


# --- pandas: the same estimator, vectorised -----------------------------------------------------


def run_pandas(path: Path, by: str = "unit", level: float = 0.95) -> Any:
    """chiso's estimator in pandas + numpy: the same algebra, one PSU table, no SQL.

    Computes n, estimate, SE, logit CI, design df and the Kish design effect (items on every
    respondent; composites on a fixed 1-in-k subsample of rows, the same k as chiso but chosen by
    row position, so composite design effects are not compared). Flags are not computed.
    """
    import pandas as pd

    from chiso.sipas.estimate import DEFF_SAMPLE, OVERALL, SAMPLE_STEPS

    plan = _plan()
    items = list(plan.items)
    K, J = len(items), len(plan.composites)
    coef = np.array(plan.coef, dtype=float).reshape(K, J)
    frame = pd.read_parquet(path, columns=[by, "stratum", "psu", "weight", *items])
    rows = len(frame)
    w = frame["weight"].to_numpy(dtype=float)
    answered = frame[items].notna().to_numpy()
    positive = np.column_stack(
        [frame[i].isin(list(p)).to_numpy() for i, p in zip(items, plan.positive, strict=True)]
    )
    contrib = {f"s{k}": positive[:, k] * w for k in range(K)}
    contrib |= {f"v{k}": answered[:, k] * w for k in range(K)}
    contrib |= {f"c{k}": answered[:, k] for k in range(K)}
    contrib |= {f"n{j}": answered[:, coef[:, j] != 0].any(axis=1) for j in range(J)}
    sums = list(contrib)
    keys = [frame[by].astype(str).rename("g"), frame["stratum"], frame["psu"]]
    psu = pd.DataFrame(contrib).groupby(keys, sort=False, observed=True).sum().reset_index()
    psus_per_stratum = psu.groupby("stratum")["psu"].nunique()

    # Composite scores per respondent, for the design effect only (a 1-in-k row subsample).
    every = next((k for k in SAMPLE_STEPS if rows / k <= DEFF_SAMPLE), SAMPLE_STEPS[-1])
    sampled = slice(None, None, every)
    with np.errstate(invalid="ignore", divide="ignore"):
        num = positive[sampled].astype(float) @ coef
        den = answered[sampled].astype(float) @ coef
        x = np.where(den > 0, num / den, np.nan)
    score = pd.DataFrame(
        np.hstack([~np.isnan(x), np.nan_to_num(x), np.nan_to_num(x) ** 2]),
        index=frame[by].astype(str).to_numpy()[sampled],
    )
    score = score.groupby(level=0).sum()
    del frame, answered, positive, contrib, num, den, x

    parts = [_pandas_domains(psu, sums, K, J, coef, psus_per_stratum, score, level)]
    overall = psu.groupby(["stratum", "psu"], sort=False, observed=True)[sums].sum().reset_index()
    overall["g"] = OVERALL
    total = score.sum().to_frame(OVERALL).T
    parts.append(_pandas_domains(overall, sums, K, J, coef, psus_per_stratum, total, level))
    return pd.concat(parts, ignore_index=True)


def _pandas_domains(
    psu: Any,
    sums: list[str],
    K: int,
    J: int,
    coef: np.ndarray,
    psus_per_stratum: Any,
    score: Any,
    level: float,
) -> Any:
    import pandas as pd
    from scipy import stats

    from chiso.sipas.estimate import interval

    plan = _plan()
    dom = psu.groupby("g", sort=True)[sums].sum()
    D = len(dom)
    S = dom[[f"s{k}" for k in range(K)]].to_numpy(dtype=float)
    V = dom[[f"v{k}" for k in range(K)]].to_numpy(dtype=float)
    C = dom[[f"c{k}" for k in range(K)]].to_numpy(dtype=float)
    N = dom[[f"n{j}" for j in range(J)]].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        P = S / V
        iW = 1 / V
    est = np.hstack([P, P @ coef])

    # Linearised scores per PSU row, then Σz and Σz² per (domain, stratum).
    d_of_row = dom.index.get_indexer(psu["g"])
    p_row = np.nan_to_num(P)[d_of_row]
    iw_row = np.where(np.isfinite(iW), iW, 0.0)[d_of_row]
    s_row = psu[[f"s{k}" for k in range(K)]].to_numpy(dtype=float)
    v_row = psu[[f"v{k}" for k in range(K)]].to_numpy(dtype=float)
    z = (s_row - p_row * v_row) * iw_row
    z = np.hstack([z, z @ coef])
    spread = pd.DataFrame(np.hstack([z, z * z]))
    grouped = spread.groupby([d_of_row, psu["stratum"].to_numpy()], sort=False)
    zsum = grouped.sum()
    present = grouped.size().reindex(zsum.index).to_numpy()
    d_of = zsum.index.get_level_values(0).to_numpy()
    m = psus_per_stratum.reindex(zsum.index.get_level_values(1)).to_numpy(dtype=float)
    zs, zz = zsum.to_numpy()[:, : K + J], zsum.to_numpy()[:, K + J :]
    usable = m >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        piece = np.where(usable[:, None], (m / (m - 1))[:, None] * (zz - zs**2 / m[:, None]), 0)
    var = np.zeros((D, K + J))
    np.add.at(var, d_of, piece)
    df = np.bincount(d_of, weights=present - 1, minlength=D)
    se = np.sqrt(np.maximum(var, 0))

    # 95 % logit interval with the domain's design df (Korn–Graubard where p is 0 or 1).
    t = np.where(df >= 1, stats.t.ppf(1 - (1 - level) / 2, np.maximum(df, 1)), np.inf)[:, None]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        centre = np.log(est / (1 - est))
        half = t * se / (est * (1 - est))
        low = 1 / (1 + np.exp(-(centre - half)))
        high = 1 / (1 + np.exp(-(centre + half)))
    n_all = np.hstack([C, N])
    edge = ~((est > 0) & (est < 1)) & ~np.isnan(est)
    for d, col in zip(*np.nonzero(edge), strict=True):
        low[d, col], high[d, col] = interval(
            est[d, col], se[d, col], df[d], int(n_all[d, col]), level=level, t=t[d, 0]
        )
    zero = (se == 0) & ~edge
    low[zero], high[zero] = est[zero], est[zero]

    # Kish design effect.
    sc = score.reindex(dom.index).to_numpy(dtype=float)
    M, A, B = sc[:, :J], sc[:, J : 2 * J], sc[:, 2 * J :]
    with np.errstate(invalid="ignore", divide="ignore"):
        srs = np.hstack([P * (1 - P) / C, (B - A**2 / M) / (M - 1) / N])
        deff = np.where(srs > 0, var / srs, np.nan)

    codes = plan.codes
    return pd.DataFrame(
        {
            "unit": np.repeat(dom.index.to_numpy(dtype=object), K + J),
            "indicator": np.tile(np.array(codes, dtype=object), D),
            "n": n_all.astype(np.int64).ravel(),
            "estimate": (est * 100).ravel(),
            "se": (se * 100).ravel(),
            "ci_low": (low * 100).ravel(),
            "ci_high": (high * 100).ravel(),
            "deff": deff.ravel(),
            "df": np.repeat(df.astype(np.int64), K + J),
        }
    )


# --- svy ----------------------------------------------------------------------------------------


def run_svy(path: Path) -> Any:
    """svy per unit and overall: items as 0/1 with nulls, composites as respondent scores."""
    import polars as pl
    import svy

    plan = _plan()
    items = list(plan.items)
    K, J = len(items), len(plan.composites)
    coef = np.array(plan.coef, dtype=float).reshape(K, J)
    frame = pl.read_parquet(path, columns=["unit", "stratum", "psu", "weight", *items])
    ys = [
        pl.when(pl.col(item).is_null())
        .then(None)
        .otherwise(pl.col(item).is_in(list(pos)).cast(pl.Float64))
        .alias(f"y{k}")
        for k, (item, pos) in enumerate(zip(items, plan.positive, strict=True))
    ]
    frame = frame.with_columns(ys)
    scores = []
    for j in range(J):
        members = [k for k in range(K) if coef[k, j]]
        num = pl.sum_horizontal([pl.col(f"y{k}").fill_null(0) * coef[k, j] for k in members])
        den = pl.sum_horizontal(
            [pl.col(f"y{k}").is_not_null().cast(pl.Float64) * coef[k, j] for k in members]
        )
        scores.append(pl.when(den > 0).then(num / den).otherwise(None).alias(f"x{j}"))
    frame = frame.with_columns(scores)
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    columns = [f"y{k}" for k in range(K)] + [f"x{j}" for j in range(J)]
    out = []
    for code, col in zip(plan.codes, columns, strict=True):
        per_unit = sample.estimation.mean(col, by="unit", drop_nulls=True).to_polars()
        whole = sample.estimation.mean(col, drop_nulls=True).to_polars()
        out.append((code, per_unit, whole))
    return out


def frame_svy(out: Any) -> Any:
    import pandas as pd
    import polars as pl

    from chiso.sipas.estimate import OVERALL

    parts = []
    for code, per_unit, whole in out:
        whole = whole.with_columns(pl.lit(OVERALL).alias("unit"))
        for table in (per_unit, whole):
            part = table.select("unit", "est", "se", "lci", "uci", "df", "n").to_pandas()
            part["indicator"] = code
            parts.append(part)
    result = pd.concat(parts, ignore_index=True)
    result["unit"] = result["unit"].astype(str)
    for c in ("est", "se", "lci", "uci"):
        result[c] = result[c] * 100
    return result.rename(
        columns={"est": "estimate", "lci": "ci_low", "uci": "ci_high"}
    )  # percent, like chiso


# --- where chiso's time goes --------------------------------------------------------------------


def run_stages(path: Path) -> dict[str, float]:
    """chiso's passes timed one by one through the module's own queries (best of 3).

    Uses private helpers of chiso.sipas.estimate; if they change, this breakdown says so instead
    of failing the benchmark.
    """
    from chiso.sipas import estimate as E

    q = _questionnaire()
    plan = E.plan_for(q, indicator_set(q))
    E.estimate(path, q, indicators=indicator_set(q), con=E.connect(threads=2))  # compile once
    best: dict[str, float] = {}
    for _ in range(WARM_RUNS):
        con = E.connect(threads=2)
        times: dict[str, float] = {}

        def tick(name: str, f: Callable[[], Any], con: Any = con, times: Any = times) -> Any:
            start = time.perf_counter()
            result = f()
            times[name] = time.perf_counter() - start
            return result

        source = str(path).replace("'", "''")
        rows = tick(
            "open + count",
            lambda: (
                con.execute(
                    f"CREATE OR REPLACE TEMP VIEW {E.RESPONSES} AS "
                    f"SELECT * FROM read_parquet('{source}')"
                ),
                con.execute(f"DESCRIBE {E.RESPONSES}").fetchall(),
                con.execute(f"SELECT count(*) FROM {E.RESPONSES}").fetchone()[0],
            )[-1],
        )
        every = next((k for k in E.SAMPLE_STEPS if rows / k <= E.DEFF_SAMPLE), E.SAMPLE_STEPS[-1])
        queries = E.compile_queries(plan, "unit", every)
        tick("PSU pass (scan → PSU sums)", lambda: con.execute(f"CREATE TEMP TABLE {E.PSU} AS {queries.psu}"))
        strata = tick("strata", lambda: dict(con.execute(queries.strata).fetchall()))
        scores = tick(f"scores pass (1-in-{every} rows, deff)", lambda: E._fetch(con, queries.scores))
        tick(
            "per-unit variance + CI (Python)",
            lambda: E._estimate_domains(con, plan, queries, strata, scores, "logit", 0.95, 30),
        )
        tick(
            "whole sample (merge PSUs + variance)",
            lambda: (
                con.execute(f"CREATE OR REPLACE TEMP TABLE {E.PSU} AS {queries.psu_overall}"),
                E._estimate_domains(
                    con,
                    plan,
                    queries,
                    strata,
                    {k: np.array([np.nansum(v.astype(float))]) for k, v in scores.items() if k != "g"}
                    | {"g": np.array([E.OVERALL])},
                    "logit",
                    0.95,
                    30,
                ),
            ),
        )
        con.close()
        for name, seconds in times.items():
            best[name] = min(best.get(name, math.inf), seconds)
    return best


# --- one measurement per subprocess -------------------------------------------------------------

ENGINES: dict[str, tuple[Callable[[Path], Any], Callable[[Any], Any] | None]] = {
    "chiso": (run_chiso, frame_chiso),
    "floor": (run_floor, None),
    "pandas": (run_pandas, lambda table: table),
    "svy": (run_svy, frame_svy),
}
# name → (engine, dataset); the parent runs them in this order, one at a time.
MEASUREMENTS: dict[str, tuple[str, str]] = {
    "floor-main": ("floor", "main"),
    "chiso-main": ("chiso", "main"),
    "pandas-main": ("pandas", "main"),
    "chiso-sub": ("chiso", "sub"),
    "svy-sub": ("svy", "sub"),
    "floor-many": ("floor", "many"),
    "chiso-many": ("chiso", "many"),
    "pandas-many": ("pandas", "many"),
    "floor-big": ("floor", "big"),
    "chiso-big": ("chiso", "big"),
    "stages-main": ("stages", "main"),
    "stages-many": ("stages", "many"),
    "stages-big": ("stages", "big"),
}


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB  # KiB on Linux


def results_dir(folder: Path, quick: bool) -> Path:
    return folder / ("results-quick" if quick else "results")


def measure(name: str, folder: Path, quick: bool, svy_rows: int | None) -> dict[str, Any]:
    engine, key = MEASUREMENTS[name]
    sets = datasets(quick, svy_rows)
    ds = sets[key]
    path = ensure(ds, folder, sets)
    rows = ds.first or ds.respondents
    base = peak_rss_gib()
    if engine == "stages":
        stages = run_stages(path)
        return {"name": name, "rows": rows, "stages": stages, "peak_rss_gib": peak_rss_gib()}
    run, to_frame = ENGINES[engine]
    start = time.perf_counter()
    out = run(path)
    cold = time.perf_counter() - start
    warm = math.inf
    for _ in range(WARM_RUNS):
        out = None  # let the previous result go before the next run
        start = time.perf_counter()
        out = run(path)
        warm = min(warm, time.perf_counter() - start)
    peak = peak_rss_gib()
    if to_frame is not None:
        table = to_frame(out)
        outputs = len(table)
        target = results_dir(folder, quick) / f"{name}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(target)
    else:
        outputs = len(next(iter(out.values())))
    return {
        "name": name,
        "seconds_cold": cold,
        "seconds_warm": warm,
        "peak_rss_gib": peak,
        "rows": rows,
        "outputs": outputs,
        "base_rss_gib": base,
    }
