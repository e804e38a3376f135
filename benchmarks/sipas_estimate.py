"""Reproducible benchmark of ``chiso.sipas.estimate`` against its peers, measured in one run.

    .venv/bin/python benchmarks/sipas_estimate.py                 # full run, ~6 min + data once
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
the queries into an empty ``CHISO_CACHE``); warm = the best of the next three calls, each with a
fresh DuckDB connection. benchmarks/README.md says what every printed column and row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import resource
import shutil
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
QUIET = 0.10  # a measurement during which other processes used more CPU than this is retried

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


def run_stages(path: Path) -> dict[str, dict[str, float]]:
    """chiso's passes timed one by one through the module's own queries (best of 3).

    Uses private helpers of chiso.sipas.estimate (the same calls ``estimate`` makes, in order);
    if they change, the breakdown fails alone and the rest of the benchmark still reports.
    """
    from chiso.sipas import estimate as E

    q = _questionnaire()
    plan = E.plan_for(q, indicator_set(q))
    cold: dict[str, float] = {}
    start = time.perf_counter()
    import ibis  # noqa: F401  (what the first call pays once per process)

    cold["import ibis"] = time.perf_counter() - start
    con = E.connect(threads=2)
    source = str(path).replace("'", "''")
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{source}')").fetchone()[0]
    every = next((k for k in E.SAMPLE_STEPS if rows / k <= E.DEFF_SAMPLE), E.SAMPLE_STEPS[-1])
    start = time.perf_counter()
    E.compile_queries(plan, "unit", every)
    cold["compile the queries (Ibis → SQL)"] = time.perf_counter() - start
    start = time.perf_counter()
    E.estimate(path, q, indicators=indicator_set(q), con=con)
    cold["first estimate() after that"] = time.perf_counter() - start
    con.close()
    best: dict[str, float] = {}
    for _ in range(WARM_RUNS):
        for name, seconds in _stage_times(E, path, q).items():
            best[name] = min(best.get(name, math.inf), seconds)
    return {"warm": best, "cold": cold}


def _stage_times(E: Any, path: Path, q: Any) -> dict[str, float]:
    con = E.connect(threads=2)
    plan = E.plan_for(q, indicator_set(q))
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    source = str(path).replace("'", "''")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {E.RESPONSES} AS SELECT * FROM read_parquet('{source}')"
    )
    con.execute(f"DESCRIBE {E.RESPONSES}").fetchall()
    rows = con.execute(f"SELECT count(*) FROM {E.RESPONSES}").fetchone()[0]
    every = next((k for k in E.SAMPLE_STEPS if rows / k <= E.DEFF_SAMPLE), E.SAMPLE_STEPS[-1])
    queries = E.compile_queries(plan, "unit", every)
    lap("open file, count rows, cached queries")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {E.PSU} AS {queries.psu}")
    lap("PSU pass: scan → sums per (unit, PSU)")
    strata = dict(con.execute(queries.strata).fetchall())
    lap("PSUs per stratum")
    scores = E._fetch(con, queries.scores)
    lap(f"scores pass: 2nd scan, 1-in-{every} rows (deff)")
    E._estimate_domains(con, plan, queries, strata, scores, "logit", 0.95, q.min_n)
    lap("units: Σz, Σz² query + variance, CI (Python)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {E.PSU} AS {queries.psu_overall}")
    total = {k: np.array([np.nansum(v.astype(float))]) for k, v in scores.items() if k != "g"}
    total["g"] = np.array([E.OVERALL])
    E._estimate_domains(con, plan, queries, strata, total, "logit", 0.95, q.min_n)
    lap("whole sample: merge PSUs + the same")
    con.close()
    return times


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
    "chiso-main-cached": ("chiso", "main"),  # a 2nd process: compiled SQL already on disk
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


def proc_status_gib(field: str) -> float | None:
    """``VmHWM`` (peak) or ``VmRSS`` (now) of this process from /proc, where there is one."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024 / GIB
    except OSError:
        return None
    return None


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
    peak, hwm = peak_rss_gib(), proc_status_gib("VmHWM")
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
        "vm_hwm_gib": hwm,
    }


# --- the parent: data, subprocesses, table, checks, ratios, targets -----------------------------


def cpu_ticks() -> tuple[int, int]:
    """(all, busy) clock ticks of every CPU since boot, from /proc/stat; (0, 0) without it."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0, 0
    return sum(fields), sum(fields) - fields[3] - fields[4]  # less idle and iowait


def busy_elsewhere(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over ``seconds`` while this parent sleeps: other work, not ours."""
    total0, busy0 = cpu_ticks()
    time.sleep(seconds)
    total1, busy1 = cpu_ticks()
    return (busy1 - busy0) / max(total1 - total0, 1)


def quiet(wait: float) -> float:
    """Wait up to ``wait`` seconds for the machine to be idle; return the busy share seen last."""
    deadline = time.monotonic() + wait
    busy = busy_elsewhere()
    while busy > 0.10 and time.monotonic() < deadline:
        busy = busy_elsewhere(2.0)
    return busy


def command_for(args: argparse.Namespace, *extra: str) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), *extra, "--data", args.data]
    if args.quick:
        command.append("--quick")
    if args.svy_rows:
        command += ["--svy-rows", str(args.svy_rows)]
    return command


def child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one measurement; again (up to ``--retries``) if other processes took the CPU."""
    best: dict[str, Any] | None = None
    for attempt in range(1 + args.retries):
        record = attempt_once(name, args, retry=attempt < args.retries)
        record["attempts"] = attempt + 1
        if "error" in record:
            return record
        if best is None or record["during"] < best["during"]:
            best = record
        if record["during"] <= QUIET:
            break
    assert best is not None
    return best


def sql_cache(name: str, folder: Path) -> Path:
    """chiso keeps compiled SQL on disk (``CHISO_CACHE``): every measurement starts with an
    empty cache, so cold includes compiling, except ``chiso-main-cached``, which reuses the one
    ``chiso-main`` filled — what a user's second command pays."""
    if name == "chiso-main-cached":
        return folder / "sql-cache" / "chiso-main"
    path = folder / "sql-cache" / name
    shutil.rmtree(path, ignore_errors=True)
    return path


def attempt_once(name: str, args: argparse.Namespace, retry: bool) -> dict[str, Any]:
    busy = quiet(args.wait_quiet)
    ref = reference_loop()
    print(f"  {name:<17} … ", end="", flush=True)
    start = time.perf_counter()
    env = os.environ | {"CHISO_CACHE": str(sql_cache(name, Path(args.data)))}
    ticks0, own0 = cpu_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        command_for(args, "--one", name),
        capture_output=True,
        text=True,
        timeout=args.timeout,
        env=env,
    )
    ticks1, own1 = cpu_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU used by other processes while it ran, as a share of the machine's capacity.
    hz = os.sysconf("SC_CLK_TCK")
    own = (own1.ru_utime + own1.ru_stime) - (own0.ru_utime + own0.ru_stime)
    capacity = (ticks1[0] - ticks0[0]) / hz
    during = max((ticks1[1] - ticks0[1]) / hz - own, 0.0) / capacity if capacity else math.nan
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(f"FAILED (exit {done.returncode})")
        print("    " + "\n    ".join(done.stderr.strip().splitlines()[-15:]))
        return {"name": name, "error": f"exit {done.returncode}", "busy": busy, "during": during}
    record = json.loads(lines[-1]) | {"busy": busy, "during": during, "ref": ref}
    noisy = " — busy machine" + (", measuring again" if retry else ", kept the quietest try")
    print(
        f"done in {time.perf_counter() - start:.0f} s "
        f"(other processes: {busy:.0%} before, {during:.0%} during)"
        + (noisy if during > QUIET else "")
    )
    return record


def source_state() -> str:
    """The commit under test and a digest of the estimator's sources (they may be edited)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted((root / "src" / "chiso" / "sipas").glob("*.py")):
        digest.update(path.read_bytes())
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", ""
    return f"commit {commit}{' + uncommitted changes in src/' if dirty else ''}, " + (
        f"chiso/sipas sources {digest.hexdigest()[:12]}"
    )


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine's cores are right now."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def machine() -> str:
    from importlib.metadata import version

    mem = 0.0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 2**20
    cpus = os.cpu_count()
    packages = ("chiso", "duckdb", "ibis-framework", "pandas", "numpy", "pyarrow", "polars", "svy")
    versions = ", ".join(
        [f"python {platform.python_version()}"] + [f"{p} {version(p)}" for p in packages]
    )
    return f"{platform.machine()}, {cpus} CPUs, {mem:.0f} GiB RAM; {versions}"


def fmt(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def print_table(records: dict[str, dict[str, Any]], sets: dict[str, Dataset]) -> None:
    header = (
        f"{'measurement':<17} {'dataset':<18} {'cold s':>8} {'warm s':>8} {'peak GiB':>9} "
        f"{'VmHWM':>6} {'µs/resp':>8} {'outputs':>8} {'other':>6} {'ref s':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, (_, key) in MEASUREMENTS.items():
        r = records.get(name)
        if r is None or "stages" in r:
            continue
        label = sets[key].label
        if "error" in r:
            print(f"{name:<17} {label:<18} {'failed: ' + r['error']}")
            continue
        per = r["seconds_warm"] / r["rows"] * 1e6
        print(
            f"{name:<17} {label:<18} {fmt(r['seconds_cold']):>8} {fmt(r['seconds_warm']):>8} "
            f"{fmt(r['peak_rss_gib']):>9} {fmt(r.get('vm_hwm_gib')):>6} {fmt(per, 3):>8} "
            f"{r['outputs']:>8,} {r['during']:>6.0%} {r['ref']:>5.2f}"
        )


def compare(a: Any, b: Any, columns: list[str], scale: float = 1.0) -> dict[str, float]:
    """Max absolute difference per column over the (unit, indicator) rows both have."""
    merged = a.merge(b, on=["unit", "indicator"], suffixes=("_a", "_b"))
    diffs = {"rows": float(len(merged))}
    for c in columns:
        x = merged[f"{c}_a"].astype(float).to_numpy() / scale
        y = merged[f"{c}_b"].astype(float).to_numpy() / scale
        both = ~(np.isnan(x) & np.isnan(y))
        diffs[c] = float(np.nanmax(np.abs(x[both] - y[both]), initial=0.0))
        diffs[c] = math.inf if (np.isnan(x[both]) != np.isnan(y[both])).any() else diffs[c]
    return diffs


def checks(
    folder: Path, quick: bool, plan: Any, ran: set[str]
) -> list[tuple[str, bool | None, str]]:
    """Agreement of the engines' results, from the files the measurements of this run wrote."""
    import pandas as pd

    from chiso.sipas.estimate import OVERALL

    out = []
    res = results_dir(folder, quick)

    def load(name: str) -> Any:
        path = res / f"{name}.parquet"
        return pd.read_parquet(path) if name in ran and path.exists() else None

    items = set(plan.items)
    for size in ("main", "many"):
        ours, theirs = load(f"chiso-{size}"), load(f"pandas-{size}")
        if ours is None or theirs is None:
            continue
        cols = ["estimate", "se", "ci_low", "ci_high", "n", "df"]
        whole = compare(ours[ours.unit == OVERALL], theirs[theirs.unit == OVERALL], cols)
        units = compare(ours[ours.unit != OVERALL], theirs[theirs.unit != OVERALL], cols)
        item_deff = compare(
            ours[ours.indicator.isin(items)], theirs[theirs.indicator.isin(items)], ["deff"]
        )
        worst = max(whole["estimate"], whole["se"], units["estimate"], units["se"])
        ok = worst < 1e-9 and whole["rows"] + units["rows"] == len(ours)
        detail = (
            f"{int(whole['rows'] + units['rows']):,} estimates (whole sample + "
            f"{int(units['rows']) // len(plan.codes):,} units); max |Δ| in percentage points: "
            f"estimate {whole['estimate']:.1e} / {units['estimate']:.1e} (whole / units), "
            f"SE {whole['se']:.1e} / {units['se']:.1e}, CI "
            f"{max(whole['ci_low'], whole['ci_high'], units['ci_low'], units['ci_high']):.1e}, "
            f"n {max(whole['n'], units['n']):.0f}, df {max(whole['df'], units['df']):.0f}, "
            f"item deff {item_deff['deff']:.1e}"
        )
        out.append((f"pandas = chiso on {size} (estimates and SEs < 1e-9)", ok, detail))
    ours, theirs = load("chiso-sub"), load("svy-sub")
    if ours is not None and theirs is not None:
        on_items = compare(
            ours[ours.indicator.isin(items)],
            theirs[theirs.indicator.isin(items)],
            ["estimate", "se", "n"],
            scale=1.0,
        )
        est, se = on_items["estimate"] / 100, on_items["se"] / 100
        detail = (
            f"{int(on_items['rows']):,} item estimates (per unit + whole sample); max |Δ| as "
            f"proportions: estimate {est:.1e}, SE {se:.1e}; n {on_items['n']:.0f}"
        )
        out.append(
            ("svy = chiso on the 33 items of the subsample (< 1e-6)", max(est, se) < 1e-6, detail)
        )
        comp = compare(
            ours[~ours.indicator.isin(items)], theirs[~theirs.indicator.isin(items)], ["estimate"]
        )
        out.append(
            (
                "svy composites (mean of respondent scores) vs chiso's (recipe of item indices)",
                None,
                f"max |Δ| {comp['estimate'] / 100:.1e} as a proportion: not the same estimator "
                "when answers are missing, shown for information only",
            )
        )
    return out


def report(records: dict[str, dict[str, Any]], args: argparse.Namespace, plan: Any) -> None:
    sets = datasets(args.quick, args.svy_rows)
    folder = Path(args.data)
    print()
    print_table(records, sets)
    print()
    print("cold = first call in a fresh process (chiso: imports Ibis and compiles the queries into")
    print("an empty CHISO_CACHE; chiso-main-cached: a second process finds them on disk); warm =")
    print("best of the next 3 calls; peak = the subprocess's ru_maxrss, VmHWM =")
    print("the kernel's high-water mark of its own address space (a cross-check); µs/resp uses")
    print("warm time; other = share of the machine's CPU used by other processes while it ran")
    print("(0 % on a quiet machine; more means the times above are pessimistic); ref s = the")
    print("10M-step Python loop just before it: the same code, so a larger value = slower cores")
    print("at that moment (a virtual machine's neighbours are not visible otherwise).")
    worst = max((r.get("during", 0.0) for r in records.values()), default=0.0)
    if worst > 0.05:
        print(
            f"WARNING: other processes used up to {worst:.0%} of the CPU during a measurement; "
            "rerun on a quiet machine before trusting absolute times."
        )

    def get(name: str, field: str) -> float | None:
        r = records.get(name)
        return None if r is None or "error" in r or field not in r else float(r[field])

    def per_resp(name: str, field: str = "seconds_warm") -> float | None:
        t, n = get(name, field), get(name, "rows")
        return None if t is None or n is None else t / n

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None or b == 0 else a / b

    stage_sets = [(n, r) for n, r in records.items() if "stages" in r]
    for name, r in stage_sets:
        label = sets[MEASUREMENTS[name][1]].label
        warm, cold = r["stages"]["warm"], r["stages"]["cold"]
        total = sum(warm.values())
        print()
        print(f"Where chiso's warm time goes, {label} (best of 3 per stage, sum {total:.2f} s):")
        for stage, seconds in warm.items():
            print(f"  {stage:<46} {seconds:7.3f} s  {seconds / total:5.1%}")
        print(
            "  paid once per process (cold): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in cold.items())
        )

    print()
    print("Ratios (warm unless said otherwise):")
    svy_x = ratio(per_resp("svy-sub"), per_resp("chiso-main"))
    svy_cold = ratio(per_resp("svy-sub", "seconds_cold"), per_resp("chiso-main", "seconds_cold"))
    svy_same = ratio(get("svy-sub", "seconds_warm"), get("chiso-sub", "seconds_warm"))
    pd_t = ratio(get("pandas-main", "seconds_warm"), get("chiso-main", "seconds_warm"))
    pd_t_cold = ratio(get("pandas-main", "seconds_cold"), get("chiso-main", "seconds_cold"))
    pd_m = ratio(get("chiso-main", "peak_rss_gib"), get("pandas-main", "peak_rss_gib"))
    fl = {
        s: ratio(get(f"chiso-{s}", "seconds_warm"), get(f"floor-{s}", "seconds_warm")) for s in sets
    }
    sub = sets["sub"].label
    print(
        f"  svy / chiso, time per respondent (svy {sub}, chiso {sets['main'].label}): "
        f"{fmt(svy_x, 1)}× (cold: {fmt(svy_cold, 1)}×)"
    )
    print(f"  svy / chiso on the same {sub} file: {fmt(svy_same, 1)}×")
    print(f"  pandas / chiso time, {sets['main'].label}: {fmt(pd_t)}× (cold: {fmt(pd_t_cold)}×)")
    print(f"  chiso / pandas peak memory, {sets['main'].label}: {fmt(pd_m)}")
    pd_many = ratio(get("pandas-many", "seconds_warm"), get("chiso-many", "seconds_warm"))
    pd_many_m = ratio(get("chiso-many", "peak_rss_gib"), get("pandas-many", "peak_rss_gib"))
    print(
        f"  pandas / chiso time, {sets['many'].label}: {fmt(pd_many)}×; "
        f"chiso / pandas memory: {fmt(pd_many_m)}"
    )
    for s in ("main", "many", "big"):
        if fl.get(s) is not None:
            print(f"  chiso / floor time, {sets[s].label}: {fmt(fl[s])}×")
    big_label = sets["big"].label
    pandas_main = get("pandas-main", "peak_rss_gib")
    scale = sets["big"].respondents / sets["main"].respondents
    if not args.skip_10m:
        estimate_gib = fmt(pandas_main * scale if pandas_main else None, 1)
        print(
            f"  pandas on {big_label}: skipped — its peak memory grows with the rows "
            f"(all columns in memory); estimated from the {sets['main'].label} run × "
            f"{scale:.0f} ≈ {estimate_gib} GiB"
        )

    print()
    print("Agreement checks:")
    ran = {n for n, r in records.items() if "error" not in r}
    for title, ok, detail in checks(folder, args.quick, plan, ran):
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {verdict}  {title}")
        print(f"        {detail}")

    print()
    if args.quick:
        print(
            "Targets (QUICK RUN: files are 1/10 of the sizes the targets are for; for information):"
        )
    else:
        print("Targets (issue text; this machine):")
    main_l = sets["main"].label
    targets = [
        (f"chiso {main_l} in ≤ 1.2 s (warm)", get("chiso-main", "seconds_warm"), 1.2, "s"),
        (
            f"chiso {main_l} in ≤ 1.2 s (cold: new process, compiles the queries)",
            get("chiso-main", "seconds_cold"),
            1.2,
            "s",
        ),
        (
            f"chiso {main_l} in ≤ 1.2 s (cold: new process, SQL cached on disk)",
            get("chiso-main-cached", "seconds_cold"),
            1.2,
            "s",
        ),
        (f"chiso {main_l} peak memory ≤ 0.6 GiB", get("chiso-main", "peak_rss_gib"), 0.6, "GiB"),
        ("≥ 50× faster than svy per respondent", svy_x, -50, "×"),
        ("no slower than vectorised pandas (pandas/chiso ≥ 1)", pd_t, -1, "×"),
        ("at half pandas' memory or less (chiso/pandas ≤ 0.5)", pd_m, 0.5, ""),
        ("within 3× of the raw scan floor (chiso/floor ≤ 3)", fl.get("main"), 3, "×"),
    ]
    if not args.skip_10m:
        targets += [
            (f"chiso {big_label} in ≤ 15 s (warm)", get("chiso-big", "seconds_warm"), 15, "s"),
            (f"chiso {big_label} in ≤ 15 s (cold)", get("chiso-big", "seconds_cold"), 15, "s"),
            (f"chiso {big_label} under 2 GiB", get("chiso-big", "peak_rss_gib"), 2, "GiB"),
        ]
    for title, value, limit, unit in targets:
        if value is None:
            print(f"  n/a   {title}: not measured")
            continue
        ok = value >= -limit if limit < 0 else value <= limit
        print(f"  {'PASS' if ok else 'FAIL'}  {title}: {value:.2f}{' ' + unit if unit else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/chiso-bench", help="cache folder for the files")
    parser.add_argument("--quick", action="store_true", help="1/10 sizes (100k rows): smoke run")
    parser.add_argument("--skip-10m", action="store_true", help="leave out the 10 M rows case")
    parser.add_argument("--svy-rows", type=int, default=None, help="svy subsample (200,000)")
    parser.add_argument("--timeout", type=float, default=3600, help="per measurement, seconds")
    parser.add_argument(
        "--retries", type=int, default=2, help="repeats of a measurement disturbed by other work"
    )
    parser.add_argument("--only", nargs="*", choices=list(MEASUREMENTS), help="a subset")
    parser.add_argument(
        "--wait-quiet", type=float, default=120, help="seconds to wait for an idle machine"
    )
    parser.add_argument("--one", choices=list(MEASUREMENTS), help=argparse.SUPPRESS)
    parser.add_argument(
        "--generate", choices=["main", "many", "big", "sub"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    folder = Path(args.data)

    if args.one:
        record = measure(args.one, folder, args.quick, args.svy_rows)
        print(json.dumps(record))
        return 0
    if args.generate:
        sets = datasets(args.quick, args.svy_rows)
        ensure(sets[args.generate], folder, sets)
        return 0

    sets = datasets(args.quick, args.svy_rows)
    names = [n for n in MEASUREMENTS if not (args.skip_10m and MEASUREMENTS[n][1] == "big")]
    if args.only:
        names = [n for n in names if n in args.only]
    print(f"chiso SIPAS estimation benchmark — {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    q = _questionnaire()
    plan = _plan()
    print(
        f"questionnaire {QUESTIONNAIRE}: {len(plan.items)} items + {len(plan.composites)} "
        f"composites = {len(plan.codes)} indicators per unit and for the whole sample "
        f"({len(q.items)} answer columns in the file)"
    )
    print(f"data: {folder} (seed {SEED})")
    state = source_state()
    print(f"code: {state}")
    # The parent stays small (no engine imported before the children ran): on Linux a child's
    # ru_maxrss starts at its parent's RSS at fork, so a big parent would inflate every peak.
    needed = {MEASUREMENTS[n][1] for n in names}
    for key, ds in sets.items():
        if key in needed and not ds.path(folder).exists():
            subprocess.run(command_for(args, "--generate", key), check=True)
    print(f"parent RSS before the measurements: {proc_status_gib('VmRSS') or math.nan:.3f} GiB")
    quiet(args.wait_quiet)
    print(f"CPU reference (10M-step Python loop) before: {reference_loop():.2f} s")
    print("measuring, one subprocess at a time:")
    records = {name: child(name, args) for name in names}
    quiet(args.wait_quiet)
    print(f"CPU reference (10M-step Python loop) after: {reference_loop():.2f} s")
    if source_state() != state:
        print("WARNING: chiso's sources changed during the run; the rows mix two versions.")
    report(records, args, plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
