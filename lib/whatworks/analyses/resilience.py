"""Resilience: indicators in a long layout, composite indices with their uncertainty, and risk-adjusted comparisons.

The functions work on any country-year indicators in the ``indicators`` layout
(``data/schemas.yaml``: one row per ``country``, ``year`` and ``indicator``, with
``value``, ``higher_is`` in {better, worse} and ``source``). :func:`vdem_indicators`
puts the book's six V-Dem indices in that layout; a practitioner's file is read with
``whatworks.data.validate(path, "indicators")``. Either way the same index and
sensitivity functions run on it.

The composite index follows the steps of the OECD/JRC *Handbook on Constructing
Composite Indicators* (Nardo et al. 2008): selection, normalisation, weighting and
aggregation, then an uncertainty analysis in which every choice is drawn at random
and each country's rank recomputed (:func:`uncertainty_analysis`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from whatworks.analyses import risk
from whatworks.errors import DataError, require_columns

# The six V-Dem indices of the Democratic Spaces data: readable label and direction. In that extract the
# public-corruption index is reversed (higher = less corrupt: Denmark 0.995, Chad 0.03 in 2023), whatever
# its column name suggests, so it counts as higher-is-better here.
VDEM_INDICATORS: dict[str, tuple[str, str]] = {
    "vertical_accountability": ("vertical accountability", "better"),
    "horizontal_accountability": ("horizontal accountability", "better"),
    "civil_society": ("core civil society", "better"),
    "rule_of_law": ("rule of law", "better"),
    "freedom_of_expression": ("freedom of expression", "better"),
    "public_corruption": ("absence of public-sector corruption", "better"),
}
VDEM_SOURCE = "V-Dem indices via the Democratic Spaces Barometer (vdem_demspaces_1968_2023)"
INDICATOR_COLUMNS = ("country", "year", "indicator", "value", "higher_is", "source")
NORMALISATIONS = ("minmax", "zscore", "rank")
WEIGHTINGS = ("equal", "pca", "random")
AGGREGATIONS = ("arithmetic", "geometric")


# Indicators in the long layout ---------------------------------------------------


def vdem_indicators(vdem: pd.DataFrame) -> pd.DataFrame:
    """The V-Dem indices of :func:`whatworks.data.load_vdem` in the long ``indicators`` layout.

    Keeps the harmonised country columns (``ewp_name``, ``iso3``...) and drops
    rows without a value.
    """
    require_columns(vdem, [*VDEM_INDICATORS, "country", "year"], "vdem_indicators", "V-Dem frame", "Load it with whatworks.data.load_vdem().")
    ids = [c for c in ("country", "year", "ewp_name", "iso3", "cow", "gw") if c in vdem.columns]
    long = vdem.melt(id_vars=ids, value_vars=list(VDEM_INDICATORS), var_name="indicator", value_name="value")
    long["higher_is"] = long["indicator"].map({k: v[1] for k, v in VDEM_INDICATORS.items()})
    long["source"] = VDEM_SOURCE
    long = long.dropna(subset=["value"])
    return long[[*INDICATOR_COLUMNS, *[c for c in ids if c not in INDICATOR_COLUMNS]]].sort_values(
        ["country", "year", "indicator"], ignore_index=True
    )


def check_indicators(long: pd.DataFrame, what: str = "indicators") -> pd.DataFrame:
    """Check a long indicator frame; a DataError names the column and example rows.

    Each indicator must have one direction (``higher_is``) and each country, year
    and indicator one value. Returns the frame unchanged.
    """
    require_columns(long, INDICATOR_COLUMNS[:5], what, "indicator frame", f"The layout is {list(INDICATOR_COLUMNS)} (schema 'indicators').")
    if long.empty:
        raise DataError(f"{what}: no rows")
    directions = long.groupby("indicator")["higher_is"].nunique()
    mixed = directions[directions > 1].index.tolist()
    if mixed:
        rows = long[long["indicator"] == mixed[0]].drop_duplicates("higher_is").head(2)
        examples = "; ".join(f"row {i}: {r['country']} {r['year']} higher_is={r['higher_is']!r}" for i, r in rows.iterrows())
        raise DataError(f"{what}: column 'higher_is' differs within indicator(s) {mixed} (e.g. {examples}); give each indicator one direction")
    bad = ~long["higher_is"].isin(["better", "worse"])
    if bad.any():
        i = long.index[bad][0]
        raise DataError(f"{what}: column 'higher_is' must be 'better' or 'worse' (row {i}: {long.loc[i, 'higher_is']!r})")
    dup = long.duplicated(["country", "year", "indicator"], keep=False)
    if dup.any():
        ex = long[dup].head(2)
        raise DataError(
            f"{what}: columns country + year + indicator repeat (e.g. rows {', '.join(map(str, ex.index))}: "
            f"{ex.iloc[0]['country']} {ex.iloc[0]['year']} {ex.iloc[0]['indicator']!r})"
        )
    return long


def directions(long: pd.DataFrame) -> pd.Series:
    """``higher_is`` of each indicator (index: indicator)."""
    return check_indicators(long).groupby("indicator")["higher_is"].first()


def wide(long: pd.DataFrame, year: int | None = None, key: str = "country", oriented: bool = False) -> pd.DataFrame:
    """Indicators side by side: one row per ``key`` (and ``year`` when ``year`` is None), one column per indicator.

    With ``oriented=True`` the indicators whose ``higher_is`` is ``worse`` change
    sign, so that a higher value always means more resilience.
    """
    check_indicators(long)
    if year is not None:
        long = long[long["year"] == year]
        if long.empty:
            raise DataError(f"indicators: no rows for year {year}")
    rows = long.dropna(subset=[key])
    index = [key] if year is not None else [key, "year"]
    out = rows.pivot_table(index=index, columns="indicator", values="value", aggfunc="first")
    out.columns.name = None
    if oriented:
        worse = [c for c, d in directions(long).items() if d == "worse" and c in out.columns]
        out[worse] = -out[worse]
    return out.sort_index()


def latest_complete_year(long: pd.DataFrame) -> int:
    """The last year in which at least half of the countries have every indicator."""
    n_ind = long["indicator"].nunique()
    per = long.groupby(["year", "country"])["indicator"].nunique()
    complete = (per == n_ind).groupby("year").sum()
    countries = long.groupby("year")["country"].nunique()
    ok = complete[complete >= 0.5 * countries.reindex(complete.index)]
    if ok.empty:
        raise DataError("indicators: no year in which at least half of the countries have every indicator")
    return int(ok.index.max())


# Composite index (OECD/JRC Handbook steps) ----------------------------------------


def normalise(table: pd.DataFrame, method: str = "minmax") -> pd.DataFrame:
    """Put indicators on a common scale: ``minmax`` (0-1), ``zscore`` (mean 0, sd 1) or ``rank`` (percentile 0-1)."""
    x = table.astype(float)
    if method == "minmax":
        span = (x.max() - x.min()).replace(0, np.nan)
        return (x - x.min()) / span
    if method == "zscore":
        return (x - x.mean()) / x.std(ddof=0).replace(0, np.nan)
    if method == "rank":
        return x.rank(pct=True, method="average")
    raise ValueError(f"normalisation must be one of {NORMALISATIONS}, not {method!r}")


def pca_weights(table: pd.DataFrame) -> pd.Series:
    """Weights from the first principal component of the indicators' correlation matrix.

    Each weight is the squared loading of its indicator, so that the weights sum
    to one (the Handbook's factor-analysis weights, with a single component).
    """
    corr = np.corrcoef(table.astype(float).to_numpy(), rowvar=False)
    values, vectors = np.linalg.eigh(corr)
    loading = vectors[:, np.argmax(values)]
    return pd.Series(loading**2 / (loading**2).sum(), index=table.columns, name="weight")


def first_component_share(table: pd.DataFrame) -> float:
    """Share of the indicators' total variance (standardised) carried by the first principal component."""
    values = np.linalg.eigvalsh(np.corrcoef(table.astype(float).to_numpy(), rowvar=False))
    return float(values.max() / values.sum())


def aggregate(normalised: pd.DataFrame, weights: pd.Series, method: str = "arithmetic") -> pd.Series:
    """Weighted ``arithmetic`` mean, or ``geometric`` mean of the scores rescaled to 1-100 (it needs positive values).

    The geometric mean lets a strong indicator compensate less for a weak one.
    """
    w = weights.reindex(normalised.columns).fillna(0.0).to_numpy(dtype=float)
    w = w / w.sum()
    x = normalised.to_numpy(dtype=float)
    if method == "arithmetic":
        score = x @ w
    elif method == "geometric":
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        scaled = 1 + 99 * (x - lo) / span
        score = np.exp(np.log(scaled) @ w)
    else:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, not {method!r}")
    return pd.Series(score, index=normalised.index, name="score")


def composite_index(
    table: pd.DataFrame, normalisation: str = "minmax", weights: str | pd.Series = "equal", aggregation: str = "arithmetic"
) -> pd.Series:
    """A composite score per row of ``table`` (oriented indicators, complete rows): higher = more resilient."""
    if table.isna().any().any():
        raise DataError("composite_index: the indicator table has gaps; drop incomplete rows first (see complete_rows)")
    if isinstance(weights, str):
        if weights == "equal":
            weights = pd.Series(1.0 / table.shape[1], index=table.columns)
        elif weights == "pca":
            weights = pca_weights(table)
        else:
            raise ValueError(f"weights must be 'equal', 'pca' or a Series, not {weights!r}")
    return aggregate(normalise(table, normalisation), weights, aggregation)


def complete_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows with every indicator, and the labels of those left out."""
    keep = table.notna().all(axis=1)
    return table[keep], [str(i) for i in table.index[~keep]]


def ranks(score: pd.Series) -> pd.Series:
    """Rank 1 = highest score (ties share the best rank)."""
    return score.rank(ascending=False, method="min").astype(int)


@dataclass
class Uncertainty:
    """Ranks of every country under randomly drawn construction choices."""

    choices: pd.DataFrame  # one row per draw: normalisation, weighting, aggregation, left_out
    ranks: pd.DataFrame  # draws x countries
    baseline: pd.Series  # rank under the baseline choices

    def intervals(self, level: float = 0.9) -> pd.DataFrame:
        """Per country: baseline rank, median rank and the central ``level`` interval of ranks, sorted by median."""
        a = (1 - level) / 2
        out = pd.DataFrame(
            {
                "baseline_rank": self.baseline,
                "median_rank": self.ranks.median(),
                "low": self.ranks.quantile(a, interpolation="lower"),
                "high": self.ranks.quantile(1 - a, interpolation="higher"),
            }
        )
        out["width"] = out["high"] - out["low"]
        return out.sort_values(["median_rank", "baseline_rank"]).rename_axis("country").reset_index()

    def shift(self) -> pd.Series:
        """Mean absolute change of rank from the baseline, per draw (the output whose variance is apportioned)."""
        return (self.ranks - self.baseline).abs().mean(axis=1)

    def first_order(self) -> pd.DataFrame:
        """First-order sensitivity of the mean rank shift to each choice: Var(E[shift | choice]) / Var(shift)."""
        y = self.shift()
        total = y.var(ddof=0)
        rows = []
        for factor in self.choices.columns:
            means = y.groupby(self.choices[factor]).mean()
            counts = self.choices[factor].value_counts().reindex(means.index)
            between = float((counts * (means - y.mean()) ** 2).sum() / counts.sum())
            rows.append({"choice": factor, "first_order": between / total if total > 0 else 0.0})
        return pd.DataFrame(rows).sort_values("first_order", ascending=False, ignore_index=True)

    def by_choice(self) -> pd.DataFrame:
        """Mean rank shift from the baseline for each option of each choice."""
        y = self.shift()
        return pd.concat(
            [
                y.groupby(self.choices[f]).mean().rename("mean_shift").rename_axis("option").reset_index().assign(choice=f)
                for f in self.choices.columns
            ],
            ignore_index=True,
        )[["choice", "option", "mean_shift"]]


def uncertainty_analysis(
    table: pd.DataFrame,
    n_draws: int = 1000,
    seed: int = 0,
    concentration: float = 4.0,
    leave_one_out: bool = True,
    baseline: tuple[str, str, str] = ("minmax", "equal", "arithmetic"),
) -> Uncertainty:
    """Recompute the index ``n_draws`` times with randomly drawn choices, as in the Handbook's uncertainty analysis.

    Each draw picks, uniformly, a normalisation (:data:`NORMALISATIONS`), a
    weighting (equal, PCA, or random weights from a Dirichlet distribution with
    ``concentration`` per indicator: larger values stay closer to equal weights),
    an aggregation (:data:`AGGREGATIONS`) and, if ``leave_one_out``, either no
    indicator or one of them to leave out. ``table`` holds oriented indicators,
    complete rows, one row per country.
    """
    if table.isna().any().any():
        raise DataError("uncertainty_analysis: the indicator table has gaps; drop incomplete rows first (see complete_rows)")
    if table.shape[1] < 2 or table.shape[0] < 3:
        raise DataError(f"uncertainty_analysis: needs at least 2 indicators and 3 countries, got {table.shape[1]} and {table.shape[0]}")
    rng = np.random.default_rng(seed)
    cols = list(table.columns)
    options_out = ["none", *cols] if leave_one_out and len(cols) > 2 else ["none"]
    base = ranks(composite_index(table, baseline[0], baseline[1], baseline[2]))
    choices, rows = [], []
    for _ in range(n_draws):
        norm = NORMALISATIONS[rng.integers(len(NORMALISATIONS))]
        weighting = WEIGHTINGS[rng.integers(len(WEIGHTINGS))]
        agg = AGGREGATIONS[rng.integers(len(AGGREGATIONS))]
        left_out = options_out[rng.integers(len(options_out))]
        sub = table if left_out == "none" else table.drop(columns=left_out)
        if weighting == "random":
            weights: str | pd.Series = pd.Series(rng.dirichlet(np.full(sub.shape[1], concentration)), index=sub.columns)
        else:
            weights = weighting
        choices.append({"normalisation": norm, "weighting": weighting, "aggregation": agg, "left_out": left_out})
        rows.append(ranks(composite_index(sub, norm, weights, agg)))
    choices_df = pd.DataFrame(choices)
    if not leave_one_out or len(options_out) == 1:
        choices_df = choices_df.drop(columns="left_out")
    return Uncertainty(choices_df, pd.DataFrame(rows).reset_index(drop=True), base)


# Same risk, different outcomes --------------------------------------------------


def high_risk_rows(view: pd.DataFrame, share: float = 0.2) -> pd.DataFrame:
    """The country-years in the top ``share`` of risk within each data year of a two-year view."""
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}")
    n = view.groupby("data_year")["risk"].transform("size")
    pos = view.groupby("data_year")["risk"].rank(ascending=False, method="first")
    return view[pos <= np.ceil(share * n)].reset_index(drop=True)


def group_differences(
    frame: pd.DataFrame,
    columns: Sequence[str],
    group: str = "onset",
    cluster: str = "ewp_name",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.9,
) -> pd.DataFrame:
    """Mean of each column with and without the outcome, and the difference with a bootstrap interval resampling clusters.

    Country-years of the same country are not independent, so whole clusters
    (countries) are resampled. Returns ``indicator``, ``mean_onset``,
    ``mean_none``, ``difference``, ``low``, ``high``, ``n_onset``, ``n_none``.
    """
    rng = np.random.default_rng(seed)
    codes, inv = np.unique(frame[cluster].to_numpy(), return_inverse=True)
    y = frame[group].to_numpy() == 1
    a = (1 - level) / 2
    rows = []
    draws = [np.bincount(rng.integers(0, len(codes), len(codes)), minlength=len(codes))[inv] for _ in range(n_boot)]
    for col in columns:
        x = frame[col].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        est = x[ok & y].mean() - x[ok & ~y].mean()
        reps = []
        for w in draws:
            w1, w0 = (w * (ok & y)).sum(), (w * (ok & ~y)).sum()
            if w1 > 0 and w0 > 0:
                reps.append((w * np.where(ok & y, x, 0)).sum() / w1 - (w * np.where(ok & ~y, x, 0)).sum() / w0)
        rows.append(
            {
                "indicator": col,
                "mean_onset": x[ok & y].mean(),
                "mean_none": x[ok & ~y].mean(),
                "difference": est,
                "low": float(np.quantile(reps, a)),
                "high": float(np.quantile(reps, 1 - a)),
                "n_onset": int((ok & y).sum()),
                "n_none": int((ok & ~y).sum()),
            }
        )
    return pd.DataFrame(rows)


def risk_adjusted_odds(
    frame: pd.DataFrame, columns: Sequence[str], outcome: str = "onset", risk_col: str = "risk", cluster: str = "ewp_name", level: float = 0.9
) -> pd.DataFrame:
    """Odds ratio of the outcome per standard deviation of each column, alone and holding the model's risk constant.

    For each column, two logistic regressions: ``outcome ~ z(column)`` and
    ``outcome ~ z(column) + logit(risk)``, with standard errors clustered by
    ``cluster``. Returns ``indicator``, ``or_raw``, ``low_raw``, ``high_raw``,
    ``or_adjusted``, ``low``, ``high`` and ``n``.
    """
    import statsmodels.api as sm
    from scipy.stats import norm

    zcrit = norm.ppf(1 - (1 - level) / 2)
    rows = []
    for col in columns:
        d = frame.dropna(subset=[col, risk_col, outcome])
        sd = d[col].std()
        if not sd > 0:
            continue
        z = ((d[col] - d[col].mean()) / sd).to_numpy()
        p = d[risk_col].clip(1e-6, 1 - 1e-6).to_numpy()
        y = d[outcome].to_numpy(dtype=float)
        groups = pd.factorize(d[cluster])[0]
        out = {"indicator": col, "n": len(d)}
        for label, X in (("raw", np.column_stack([np.ones(len(d)), z])), ("adjusted", np.column_stack([np.ones(len(d)), z, np.log(p / (1 - p))]))):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups})
            b, se = float(fit.params[1]), float(fit.bse[1])
            suffix = "" if label == "adjusted" else "_raw"
            out[f"or_{label}"] = np.exp(b)
            out[f"low{suffix}"] = np.exp(b - zcrit * se)
            out[f"high{suffix}"] = np.exp(b + zcrit * se)
        rows.append(out)
    return pd.DataFrame(rows)[["indicator", "or_raw", "low_raw", "high_raw", "or_adjusted", "low", "high", "n"]]


# Countries that beat their risk --------------------------------------------------


def one_year_risk(two_year: pd.Series | np.ndarray) -> np.ndarray:
    """The constant one-year risk that gives ``two_year`` over two years: 1 - sqrt(1 - p)."""
    p = np.clip(np.asarray(two_year, dtype=float), 0, 1)
    return 1 - np.sqrt(1 - p)


def expected_observed(forecasts: pd.DataFrame, panel: pd.DataFrame, top: int = 30) -> pd.DataFrame:
    """Expected and observed onsets per country-year: each forecast set against the onset of the following year.

    ``forecasts`` are backtest forecasts (``ewp_name``, ``data_year``, ``risk``
    = risk of an onset in either of the next two years, ``rank``). Each target
    year is counted once: the forecast made from the year before, turned into a
    one-year risk (:func:`one_year_risk`). Returns ``ewp_name``, ``year``
    (target year), ``expected``, ``onset`` and ``top`` (rank <= ``top``).
    """
    require_columns(panel, ["ewp_name", "year", risk.ONSET], "expected_observed", "panel", risk.LOAD_PANEL)
    nxt = panel[["ewp_name", "year", risk.ONSET]].assign(data_year=lambda d: d["year"] - 1)
    m = forecasts.merge(nxt, on=["ewp_name", "data_year"], how="inner")
    out = pd.DataFrame(
        {
            "ewp_name": m["ewp_name"],
            "year": m["year"].astype(int),
            "expected": one_year_risk(m["risk"]),
            "onset": m[risk.ONSET].astype(int),
            "top": m["rank"] <= top,
        }
    )
    return out.sort_values(["ewp_name", "year"], ignore_index=True)


def beat_table(eo: pd.DataFrame, periods: Sequence[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Per country: expected and observed onsets, years in the top ranks, and the model's chance of no onset at all.

    ``p_none`` is the product over years of (1 - one-year risk): how likely the
    model found a record with no onset. ``periods`` (first, last year) add
    expected and observed counts per period (columns ``E first-last``, ``O first-last``).
    """
    g = eo.groupby("ewp_name")
    out = pd.DataFrame(
        {
            "years": g.size(),
            "expected": g["expected"].sum(),
            "observed": g["onset"].sum().astype(int),
            "years_top": g["top"].sum().astype(int),
            "p_none": g["expected"].apply(lambda e: float(np.prod(1 - e))),
        }
    )
    for first, last in periods or []:
        sub = eo[eo["year"].between(first, last)].groupby("ewp_name")
        out[f"E {first}-{last}"] = sub["expected"].sum().reindex(out.index).fillna(0.0)
        out[f"O {first}-{last}"] = sub["onset"].sum().reindex(out.index).fillna(0).astype(int)
    out["excess"] = out["observed"] - out["expected"]
    return out.rename_axis("ewp_name").reset_index().sort_values("expected", ascending=False, ignore_index=True)


# Does resilience add information? --------------------------------------------------


def add_indicators(panel: pd.DataFrame, table: pd.DataFrame, prefix: str = "res_") -> tuple[pd.DataFrame, list[str]]:
    """The panel with indicator columns (from a wide table indexed by ``ewp_name`` and ``year``) merged in, and their names."""
    if list(table.index.names) != ["ewp_name", "year"]:
        raise DataError("add_indicators: the indicator table must be indexed by ewp_name and year (wide(long, key='ewp_name'))")
    named = table.add_prefix(prefix)
    merged = panel.merge(named, left_on=["ewp_name", "year"], right_index=True, how="left")
    return merged, list(named.columns)


def comparable_panel(panel: pd.DataFrame, columns: Sequence[str], last_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of ``panel`` that every model can use: those with all ``columns`` present, and all rows after ``last_year``.

    Rows after ``last_year`` (the last year of the indicators) are kept for
    their outcomes only. Returns the kept rows and the rows left out.
    """
    has = panel[list(columns)].notna().all(axis=1) | (panel["year"] > last_year)
    return panel[has].reset_index(drop=True), panel[~has].reset_index(drop=True)


def elastic_net_model(name: str, predictors: Sequence[str], description: str) -> risk.Model:
    """A :class:`whatworks.analyses.risk.Model`: the EWP elastic net (same settings) on the given predictors."""
    return risk.Model(name, description, partial(risk.fit_elastic_net, predictors=tuple(predictors)), tuple(predictors))


# Charts ---------------------------------------------------------------------------
