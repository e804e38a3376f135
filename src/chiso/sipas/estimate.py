"""Design-based estimates of satisfaction indicators: Ibis expressions, executed by DuckDB.

Every item index is a weighted ratio ``p_k = Σ w·[answer positive] / Σ w·[answered]``; every
composite (element, group, policy, service, SIPAS) is a fixed linear combination of item indices
taken from the questionnaire's recipe. Variances use Taylor linearisation with strata, PSUs and
weights under the with-replacement PSU approximation:

    z_i = Σ_k c_k · w_i · (y_ik − p_k · r_ik) / Σ_i w_i r_ik      (c_k: the item's coefficient)
    V   = Σ_h m_h/(m_h − 1) · Σ_j (z_hj − z̄_h)²                   (z_hj: PSU totals of z_i)

A composite's linearised score is the same combination of its items' scores for each respondent,
so the correlation between one respondent's answers is in the variance: items are never treated
as independent. Because z is linear in per-PSU sums of ``w·y`` and ``w·r``, one scan of the
responses grouped by (domain, stratum, PSU) carries all the information; the rest runs on that
small table inside DuckDB. PSUs of a stratum with no member of a domain count as zeros (domain
estimation, as ``survey::svyby`` does).

The queries are Ibis expressions over named tables, compiled once per questionnaire and cached:
the same code compiles to Spark SQL when a ministry-scale dataset outgrows one machine.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from chiso.errors import ChisoError
from chiso.sipas.questionnaire import Questionnaire

OVERALL = "*"
CI_METHODS = ("logit", "korn-graubard")
COLUMNS = (
    "unit",
    "indicator",
    "n",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "deff",
    "flags",
    "level",
    "df",
)
RESPONSES, PSU, CONSTS = "chiso_responses", "chiso_psu", "chiso_consts"
# Design effects need each respondent's composite score; above this many respondents the element
# variance is estimated on a fixed 1-in-k subsample (estimates and SEs always use everyone).
DEFF_SAMPLE = 200_000
SAMPLE_STEPS = (1, 2, 5, 10, 20, 50, 100)


@dataclass(frozen=True)
class Estimate:
    unit: str
    indicator: str
    n: int
    estimate: float  # percent
    se: float  # percentage points
    ci_low: float
    ci_high: float
    deff: float | None
    flags: tuple[str, ...]
    level: str = "item"
    df: int = 0


@dataclass(frozen=True)
class Plan:
    """What to compute: items (with their positive answers) and composites (with coefficients)."""

    items: tuple[str, ...]
    positive: tuple[tuple[int, ...], ...]
    composites: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]  # items × composites
    children: tuple[tuple[tuple[str, float], ...], ...]  # per composite: (child, weight)
    levels: tuple[str, ...]  # per item then per composite

    @property
    def codes(self) -> tuple[str, ...]:
        return (*self.items, *self.composites)


def plan_for(questionnaire: Questionnaire, indicators: Sequence[str] | None = None) -> Plan:
    composites = tuple(n.code for n in questionnaire.walk())
    items = tuple(questionnaire.items)
    if indicators is not None:
        wanted = set(indicators)
        unknown = wanted - set(items) - set(composites)
        if unknown:
            raise ChisoError(
                f"Không có chỉ số {', '.join(sorted(unknown))} trong bảng hỏi.",
                code="unknown_indicator",
            )
        composites = tuple(c for c in composites if c in wanted)
        needed = wanted & set(items)
        for c in composites:
            needed |= set(questionnaire.item_coefficients(c))
        items = tuple(i for i in items if i in needed)
    index = {code: k for k, code in enumerate(items)}
    coef = np.zeros((len(items), len(composites)))
    for j, comp in enumerate(composites):
        for item, c in questionnaire.item_coefficients(comp).items():
            coef[index[item], j] = c
    levels = tuple(
        "item" if questionnaire.items[i].kind == "satisfaction" else questionnaire.items[i].kind
        for i in items
    ) + tuple(questionnaire.indicators[c].level for c in composites)
    return Plan(
        items=items,
        positive=tuple(questionnaire.positive_answers(i) for i in items),
        composites=composites,
        coef=tuple(map(tuple, coef)),
        children=tuple(
            tuple(
                zip(
                    questionnaire.indicators[c].children,
                    questionnaire.indicators[c].weights,
                    strict=True,
                )
            )
            for c in composites
        ),
        levels=levels,
    )


# --- the queries (Ibis) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Queries:
    psu: str  # responses → one row per (domain, stratum, PSU)
    psu_overall: str  # PSU rows merged across domains, for the whole-sample estimate
    domain: str  # PSU rows → one row per domain
    strata: str  # PSUs per stratum in the whole design
    spread: str  # PSU rows + constants → Σz, Σz² per (domain, stratum)
    scores: str | None  # respondents → Σ score, Σ score² per domain (design effects)


@lru_cache(maxsize=32)
def compile_queries(plan: Plan, by: str, sample_every: int = 1, dialect: str = "duckdb") -> Queries:
    """Compiled queries, from memory, then from the on-disk cache, else compiled now.

    Compiling the Ibis expressions costs a second or two; a command-line user would pay it on
    every run. The SQL only depends on the plan and the library versions, so it is kept on disk.
    """
    import hashlib
    import json

    import ibis

    from chiso import __version__

    key = hashlib.sha256(
        repr((plan, by, sample_every, dialect, ibis.__version__, __version__)).encode()
    ).hexdigest()[:32]
    path = _cache_dir() / f"{key}.json"
    try:
        return Queries(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    queries = _compile_queries(plan, by, sample_every, dialect)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(queries.__dict__), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only cache only costs time
    return queries


def _cache_dir() -> Path:
    root = os.environ.get("CHISO_CACHE") or os.path.join(tempfile.gettempdir(), "chiso-cache")
    return Path(root) / "sql"


def _compile_queries(
    plan: Plan, by: str, sample_every: int = 1, dialect: str = "duckdb"
) -> Queries:
    """Compile the estimator's queries once per plan; executing them is then pure engine time."""
    import ibis

    K, J = len(plan.items), len(plan.composites)
    schema = {
        "respondent_id": "string",
        "weight": "float64",
        "stratum": "string",
        "psu": "string",
        by: "string",
    }
    schema |= {item: "int8" for item in plan.items}
    t = ibis.table(schema, name=RESPONSES)
    w = t.weight
    sat = {
        item: t[item].isin(list(pos)).cast("float64")
        for item, pos in zip(plan.items, plan.positive, strict=True)
    }
    aggs: dict[str, Any] = {}
    for k, item in enumerate(plan.items):
        aggs[f"s{k}"] = (sat[item] * w).sum()
        aggs[f"v{k}"] = (t[item].notnull().cast("float64") * w).sum()
        aggs[f"c{k}"] = t[item].count()
    for j in range(len(plan.composites)):
        members = [t[plan.items[k]] for k, c in enumerate(plan.coef) if c[j]]
        aggs[f"n{j}"] = ibis.coalesce(*members).count() if len(members) > 1 else members[0].count()
    psu_expr = t.group_by(g=t[by].cast("string"), stratum=t.stratum, psu=t.psu).aggregate(**aggs)
    # Respondent-level composite scores, only for the design effect's element variance.
    sampled = t.filter(_sample_filter(t, sample_every)) if sample_every > 1 else t
    # Positive-answer indicators as columns first (null where unanswered), then the scores.
    sampled = sampled.select(
        by_=sampled[by],
        **{
            f"y{k}": sampled[item].isin(list(pos)).cast("float64")
            for k, (item, pos) in enumerate(zip(plan.items, plan.positive, strict=True))
        },
    )
    scored = _respondent_scores(plan, sampled)
    score_aggs = {}
    for j in range(len(plan.composites)):
        score = scored[f"x{j}"]
        score_aggs[f"m{j}"] = score.count()
        score_aggs[f"a{j}"] = score.sum()
        score_aggs[f"b{j}"] = (score * score).sum()
    scores_expr = scored.group_by("g").aggregate(**score_aggs) if plan.composites else None

    sums = [f"s{k}" for k in range(K)] + [f"v{k}" for k in range(K)] + [f"c{k}" for k in range(K)]
    sums += [f"n{j}" for j in range(J)]
    p_schema = {"g": "string", "stratum": "string", "psu": "string"} | dict.fromkeys(
        sums, "float64"
    )
    p = ibis.table(p_schema, name=PSU)
    overall = (
        p.group_by(stratum=p.stratum, psu=p.psu)
        .aggregate(**{c: p[c].sum() for c in sums})
        .mutate(g=ibis.literal(OVERALL))
    )
    domain = p.group_by("g").aggregate(psus=p.count(), **{c: p[c].sum() for c in sums})
    strata = p.group_by("stratum").aggregate(m=p.psu.nunique())

    consts = ibis.table(
        {"g": "string"}
        | {f"p{k}": "float64" for k in range(K)}
        | {f"iw{k}": "float64" for k in range(K)},
        name=CONSTS,
    )
    joined = p.join(consts, "g")
    z = [
        ((joined[f"s{k}"] - joined[f"p{k}"] * joined[f"v{k}"]) * joined[f"iw{k}"]).fill_null(0)
        for k in range(K)
    ]
    z += [_sum([z[k] * c[j] for k, c in enumerate(plan.coef) if c[j]]) for j in range(J)]
    spread_aggs = {"k": joined.count()}
    for col, zc in enumerate(z):
        spread_aggs[f"z{col}"] = zc.sum()
        spread_aggs[f"zz{col}"] = (zc * zc).sum()
    spread = joined.group_by(["g", "stratum"]).aggregate(**spread_aggs)

    def sql(expr: Any) -> str:
        return ibis.to_sql(expr, dialect=dialect)

    return Queries(
        sql(psu_expr),
        sql(overall),
        sql(domain),
        sql(strata),
        sql(spread),
        sql(scores_expr) if scores_expr is not None else None,
    )


def _sample_filter(t: Any, every: int) -> Any:
    """A fixed 1-in-k subsample by respondent id: the same respondents on every run."""
    return (t.respondent_id.hash() % every) == 0


def _respondent_scores(plan: Plan, table: Any) -> Any:
    """Each respondent's own composite scores (columns ``g``, ``x0``…): the recipe-weighted
    share of positive answers among the items they answered, null if none.

    Only the design effect's element variance uses them. Numerators and denominators are built
    level by level (elements from items, then aspects from elements …), each level a projection,
    so a parent reuses its children's sums instead of repeating every item.
    """
    composites = set(plan.composites)
    index = {item: k for k, item in enumerate(plan.items)}
    depth: dict[str, int] = {}

    def level(code: str) -> int:
        if code not in depth:
            kids = dict(plan.children[plan.composites.index(code)])
            nested = [level(c) for c in kids if c in composites]
            layered = all(c in composites or c in index for c in kids)
            depth[code] = (max(nested, default=0) + 1) if layered else 1
        return depth[code]

    for code in plan.composites:
        level(code)
    current = table
    carried = ["by_", *(f"y{k}" for k in range(len(plan.items)))]
    for d in range(1, max(depth.values(), default=0) + 1):
        added = {}
        for j, code in enumerate(plan.composites):
            if depth[code] != d:
                continue
            kids = plan.children[j]
            if all(c in composites or c in index for c, _ in kids):
                nums = [
                    (
                        current[f"num{plan.composites.index(c)}"]
                        if c in composites
                        else current[f"y{index[c]}"].fill_null(0)
                    )
                    * w
                    for c, w in kids
                ]
                dens = [
                    (
                        current[f"den{plan.composites.index(c)}"]
                        if c in composites
                        else current[f"y{index[c]}"].notnull().cast("float64")
                    )
                    * w
                    for c, w in kids
                ]
            else:  # a child composite left out of the plan: sum its items directly
                parts = [(current[f"y{k}"], c[j]) for k, c in enumerate(plan.coef) if c[j]]
                nums = [y.fill_null(0) * w for y, w in parts]
                dens = [y.notnull().cast("float64") * w for y, w in parts]
            added[f"num{j}"] = _sum(nums)
            added[f"den{j}"] = _sum(dens)
        current = current.select(*carried, **added)
        carried += list(added)
    return current.select(
        g=current.by_.cast("string"),
        **{
            f"x{j}": current[f"num{j}"] / current[f"den{j}"].nullif(0)
            for j in range(len(plan.composites))
        },
    )


def _sum(terms: list[Any]) -> Any:
    """Balanced addition keeps the SQL expression tree shallow for long item lists."""
    while len(terms) > 1:
        terms = [
            terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
            for i in range(0, len(terms), 2)
        ]
    return terms[0]


# --- execution (DuckDB) -------------------------------------------------------------------------


def connect(threads: int | None = None, memory_limit: str | None = None) -> Any:
    """A DuckDB connection; settings bound the machine share estimation may use."""
    import duckdb

    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def estimate(
    source: str | Path,
    questionnaire: Questionnaire,
    *,
    by: str = "unit",
    ci: str = "logit",
    level: float = 0.95,
    min_n: int | None = None,
    indicators: Sequence[str] | None = None,
    overall: bool = True,
    con: Any = None,
) -> list[Estimate]:
    """Estimate every indicator for every value of ``by`` from a stored Parquet dataset."""
    if ci not in CI_METHODS:
        raise ChisoError(f"Khoảng tin cậy chỉ có: {', '.join(CI_METHODS)}.", code="bad_ci")
    con = con or connect()
    path = str(Path(source)).replace("'", "''")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {RESPONSES} AS SELECT * FROM read_parquet('{path}')")
    columns = {row[0] for row in con.execute(f"DESCRIBE {RESPONSES}").fetchall()}
    if by not in columns:
        raise ChisoError(f"Không có cột {by!r} để tách kết quả.", code="unknown_column")
    plan = plan_for(questionnaire, indicators)
    missing = [i for i in plan.items if i not in columns]
    if missing:
        raise ChisoError(
            f"Tệp dữ liệu thiếu cột câu hỏi: {', '.join(missing[:10])}.", code="missing_items"
        )
    rows = con.execute(f"SELECT count(*) FROM {RESPONSES}").fetchone()[0]
    every = next((k for k in SAMPLE_STEPS if rows / k <= DEFF_SAMPLE), SAMPLE_STEPS[-1])
    queries = compile_queries(plan, by, every)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PSU} AS {queries.psu}")
    threshold = min_n if min_n is not None else questionnaire.min_n
    strata = dict(con.execute(queries.strata).fetchall())
    scores = _fetch(con, queries.scores) if queries.scores else {}
    results = _estimate_domains(con, plan, queries, strata, scores, ci, level, threshold)
    if overall:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {PSU} AS {queries.psu_overall}")
        total = {k: np.array([np.nansum(v.astype(float))]) for k, v in scores.items() if k != "g"}
        total["g"] = np.array([OVERALL])
        results += _estimate_domains(con, plan, queries, strata, total, ci, level, threshold)
    return results


def _fetch(con: Any, sql: str) -> dict[str, np.ndarray]:
    result = con.execute(sql).fetchnumpy()
    return {k: np.asarray(v) for k, v in result.items()}


def _estimate_domains(
    con: Any,
    plan: Plan,
    queries: Queries,
    strata: dict[str, int],
    scores: dict[str, np.ndarray],
    ci: str,
    level: float,
    min_n: int,
) -> list[Estimate]:
    import pyarrow as pa

    K, J = len(plan.items), len(plan.composites)
    dom = _fetch(con, queries.domain)
    domains = [str(g) for g in dom["g"]]
    D = len(domains)
    if D == 0:
        return []

    def stack(prefix: str, count: int) -> np.ndarray:
        if count == 0:
            return np.zeros((D, 0))
        return np.column_stack(
            [np.nan_to_num(dom[f"{prefix}{i}"].astype(float)) for i in range(count)]
        )

    S, V, C, N = stack("s", K), stack("v", K), stack("c", K), stack("n", J)
    # Element variance of each composite's respondent scores (possibly on the subsample).
    M, A, B = (np.full((D, J), np.nan) for _ in range(3))
    if J and len(scores.get("g", [])):
        row_of = {str(g): i for i, g in enumerate(scores["g"])}
        rows = np.array([row_of.get(g, -1) for g in domains])
        have = rows >= 0
        for j in range(J):
            for arr, x in ((M, "m"), (A, "a"), (B, "b")):
                arr[have, j] = scores[f"{x}{j}"][rows[have]].astype(float)
    coef = np.array(plan.coef).reshape(K, J)
    with np.errstate(invalid="ignore", divide="ignore"):
        P = S / V
        iW = 1 / V
        est = np.hstack([P, P @ coef])
        # Kish design effect: the same n drawn by simple random sampling.
        var_srs = np.hstack([P * (1 - P) / C, (B - A**2 / M) / (M - 1) / N])
    n_all = np.hstack([C, N]).astype(np.int64)
    consts = {"g": pa.array(domains, pa.string())}
    for k in range(K):
        consts[f"p{k}"] = pa.array(np.nan_to_num(P[:, k]), pa.float64())
        consts[f"iw{k}"] = pa.array(np.where(np.isfinite(iW[:, k]), iW[:, k], 0.0), pa.float64())
    con.register(CONSTS, pa.table(consts))
    spread = _fetch(con, queries.spread)
    con.unregister(CONSTS)
    # Σ over the strata of each domain, as arrays: no Python loop over (domain, stratum) rows.
    g_index = {g: i for i, g in enumerate(domains)}
    d_of = np.array([g_index[str(g)] for g in spread["g"]], dtype=np.int64)
    m = np.array([strata[h] for h in spread["stratum"]], dtype=float)
    df = np.bincount(d_of, weights=spread["k"].astype(float) - 1, minlength=D)
    singleton = np.bincount(d_of, weights=(m < 2).astype(float), minlength=D) > 0
    zs = np.column_stack([spread[f"z{c}"].astype(float) for c in range(K + J)])
    zz = np.column_stack([spread[f"zz{c}"].astype(float) for c in range(K + J)])
    usable = m >= 2
    var = np.zeros((D, K + J))
    with np.errstate(invalid="ignore", divide="ignore"):
        piece = (m / (m - 1))[:, None] * (zz - zs**2 / m[:, None])
    np.add.at(var, d_of[usable], piece[usable])
    var = np.maximum(var, 0.0)
    # Intervals as arrays; interval() only where the logit scale has no room (p = 0 or 1).
    t = _t_quantiles(df, level)[:, None]
    missing = np.isnan(est)
    se = np.where(missing, np.nan, np.sqrt(var))
    low, high = np.full_like(est, np.nan), np.full_like(est, np.nan)
    rest = ~missing
    if ci == "logit":
        inside = rest & (est > 0) & (est < 1)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            centre = np.log(est / (1 - est))
            half = t * se / (est * (1 - est))
            lo, hi = _expit_array(centre - half), _expit_array(centre + half)
        flat = inside & (se == 0)
        lo[flat], hi[flat] = est[flat], est[flat]
        low[inside], high[inside] = lo[inside], hi[inside]
        rest &= ~inside
    for d, col in zip(*np.nonzero(rest), strict=True):
        low[d, col], high[d, col] = interval(
            float(est[d, col]),
            float(se[d, col]),
            df[d],
            int(n_all[d, col]),
            method=ci,
            level=level,
            t=float(t[d, 0]),
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(var_srs > 0, var / var_srs, np.nan)
    est_l, se_l = (est * 100).tolist(), (se * 100).tolist()
    low_l, high_l = (low * 100).tolist(), (high * 100).tolist()
    deff_l, n_l, df_l = deff.tolist(), n_all.tolist(), df.astype(int).tolist()
    out = []
    for d, unit in enumerate(domains):
        tail = (("no_df",) if df[d] < 1 else ()) + (("singleton_stratum",) if singleton[d] else ())
        for col, code in enumerate(plan.codes):
            p, n, ratio = est_l[d][col], n_l[d][col], deff_l[d][col]
            if n == 0 or math.isnan(p):
                flags = ("no_data", *tail)
            elif n < min_n:
                flags = ("small_n", *tail)
            else:
                flags = tail
            out.append(
                Estimate(
                    unit=unit,
                    indicator=code,
                    n=n,
                    estimate=p,
                    se=se_l[d][col],
                    ci_low=low_l[d][col],
                    ci_high=high_l[d][col],
                    deff=None if math.isnan(ratio) else ratio,
                    flags=flags,
                    level=plan.levels[col],
                    df=df_l[d],
                )
            )
    return out


def _expit_array(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def _pct(x: float) -> float:
    return float(x) * 100 if not math.isnan(x) else math.nan


def _t_quantiles(df: np.ndarray, level: float) -> np.ndarray:
    from scipy import special  # scipy.stats alone takes ~1 s to import

    with np.errstate(invalid="ignore"):
        q = special.stdtrit(np.maximum(df, 1), 1 - (1 - level) / 2)
    return np.where(df >= 1, q, np.inf)


def interval(
    p: float,
    se: float,
    df: float,
    n: int,
    *,
    method: str = "logit",
    level: float = 0.95,
    t: float | None = None,
) -> tuple[float, float]:
    """A confidence interval for a proportion-like index in [0, 1].

    ``logit`` (default, as ``survey::svyciprop``): symmetric on the log-odds scale, so it stays
    inside [0, 1] and is honest near 80–95 %. ``korn-graubard``: Clopper–Pearson on the
    effective sample size with the degrees-of-freedom adjustment. Both use Student's t with the
    domain's design degrees of freedom (PSUs minus strata).
    """
    from scipy import special  # scipy.stats alone takes ~1 s to import

    if math.isnan(p) or math.isnan(se):
        return math.nan, math.nan
    alpha = 1 - level
    if t is None:
        t = float(special.stdtrit(df, 1 - alpha / 2)) if df >= 1 else math.inf
    if method == "logit" and 0 < p < 1:
        if se == 0:
            return p, p
        centre = math.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        return _expit(centre - half), _expit(centre + half)
    # Korn–Graubard, also where the logit scale has no room (p = 0 or 1).
    if n < 1:
        return math.nan, math.nan
    n_eff = p * (1 - p) / se**2 if se > 0 and 0 < p < 1 else float(n)
    n_eff = min(n_eff, float(n))
    if math.isfinite(t) and n > 1:
        n_eff *= (float(special.stdtrit(n - 1, 1 - alpha / 2)) / t) ** 2
    x = p * n_eff
    low = float(special.betaincinv(x, n_eff - x + 1, alpha / 2)) if x > 0 else 0.0
    high = float(special.betaincinv(x + 1, n_eff - x, 1 - alpha / 2)) if x < n_eff else 1.0
    return low, high


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))
