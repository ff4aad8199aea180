"""Scores of a backtest (recall in the top k, ROC and PR AUC, Brier), calibration bins and lines, and the paired bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from whatworks.analyses.risk.panel import PROB_MIN
from whatworks.errors import require_columns
from whatworks.stats import clopper_pearson

# Metrics -----------------------------------------------------------------------


def _weights(n: int, w: np.ndarray | None) -> np.ndarray:
    return np.ones(n) if w is None else np.asarray(w, dtype=float)


def recall_at(rank: np.ndarray | pd.Series, onset: np.ndarray | pd.Series, k: int, weights: np.ndarray | None = None) -> float:
    """Share of onsets whose rank is ``k`` or better (an onset without a forecast counts as missed)."""
    r, y = np.asarray(rank, dtype=float), np.asarray(onset) == 1
    w = _weights(len(r), weights)[y]
    if w.sum() == 0:
        return float("nan")
    return float((w * (r[y] <= k)).sum() / w.sum())


def missed_onsets(view: pd.DataFrame, k: int = 30) -> pd.DataFrame:
    """The onsets a top-``k`` list missed: the book's one definition of a "missed onset".

    ``view`` is a target-year view (:func:`~whatworks.analyses.risk.backtesting.combine_forecasts`:
    ``ewp_name``, ``year``, ``onset``, ``rank``, the better of the two ranks the
    forecasts made before year ``year`` gave the country). An onset is missed
    when its country's rank for the onset year is worse than ``k``, or it has no
    rank (no forecast): the onsets :func:`recall_at` counts as not caught, and
    those with a warning time of 0 (:func:`whatworks.analyses.windows.warning_times`).
    Returns those rows of ``view``, sorted by year and ``ewp_name``.
    """
    require_columns(view, ["ewp_name", "year", "onset", "rank"], "missed_onsets", "view")
    onsets = view[view["onset"] == 1]
    return onsets[~(onsets["rank"] <= k)].sort_values(["year", "ewp_name"]).reset_index(drop=True)


def roc_auc(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Area under the ROC curve: the chance that an onset outranks a non-onset (ties count one half)."""
    y, s = np.asarray(onset) == 1, np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    levels, inv = np.unique(s, return_inverse=True)
    pos = np.bincount(inv, weights=w * y, minlength=len(levels))
    neg = np.bincount(inv, weights=w * ~y, minlength=len(levels))
    if pos.sum() == 0 or neg.sum() == 0:
        return float("nan")
    below = np.cumsum(neg) - neg  # weight of negatives strictly below each level
    return float((pos * (below + 0.5 * neg)).sum() / (pos.sum() * neg.sum()))


def pr_auc(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Area under the precision-recall curve as average precision: sum over thresholds of precision x gain in recall."""
    y, s = np.asarray(onset) == 1, np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    levels, inv = np.unique(-s, return_inverse=True)  # highest risk first
    pos = np.bincount(inv, weights=w * y, minlength=len(levels))
    neg = np.bincount(inv, weights=w * ~y, minlength=len(levels))
    drawn = (pos + neg) > 0  # levels with no weight (not drawn in a bootstrap) are not thresholds
    tp, fp = np.cumsum(pos[drawn]), np.cumsum(neg[drawn])
    if len(tp) == 0 or tp[-1] == 0:
        return float("nan")
    precision = tp / (tp + fp)
    gain = np.diff(np.concatenate([[0.0], tp])) / tp[-1]
    return float((precision * gain).sum())


def brier(onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None) -> float:
    """Mean squared difference between the risk and what happened (0 or 1)."""
    y, s = np.asarray(onset, dtype=float), np.asarray(risk, dtype=float)
    w = _weights(len(s), weights)
    return float((w * (s - y) ** 2).sum() / w.sum())


RECALL_KS = (10, 20, 30)


def metrics(bt: pd.DataFrame, weights: np.ndarray | None = None) -> pd.Series:
    """Headline scores of a backtest: onsets, recall in the top 10/20/30, ROC AUC, PR AUC and Brier score.

    Country-years without a forecast are left out, except that an onset
    without one counts as missed in the recall.
    """
    w = _weights(len(bt), weights)
    has = bt["risk"].notna().to_numpy()
    out = {"country_years": float(w[has].sum()), "onsets": float((w * (bt["onset"].to_numpy() == 1)).sum())}
    for k in RECALL_KS:
        out[f"recall_{k}"] = recall_at(bt["rank"].fillna(np.inf), bt["onset"], k, w)
    y, s = bt["onset"].to_numpy()[has], bt["risk"].to_numpy()[has]
    out["roc_auc"] = roc_auc(y, s, w[has])
    out["pr_auc"] = pr_auc(y, s, w[has])
    out["brier"] = brier(y, s, w[has])
    return pd.Series(out)


def per_year_recall(bt: pd.DataFrame, k: int = 30) -> pd.DataFrame:
    """For each target year with an onset: onsets, onsets in the top ``k``, and their share."""
    on = bt[bt["onset"] == 1]
    out = on.groupby("year").agg(onsets=("onset", "size"), caught=("rank", lambda r: int((r <= k).sum())))
    out["recall"] = out["caught"] / out["onsets"]
    return out.reset_index()


def calibration(bt: pd.DataFrame, edges: Sequence[float] = (0, 0.01, 0.02, 0.04, 0.08, 1), level: float = 0.9) -> pd.DataFrame:
    """Forecast risk against the observed share of onsets, by bins of risk, with exact intervals.

    Returns one row per non-empty bin: ``bin``, ``country_years``, ``onsets``,
    ``mean_risk``, ``observed`` and the interval ``low``-``high``.
    """
    has = bt.dropna(subset=["risk"])
    labels = [f"{a:.0%}-{b:.0%}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    cut = pd.cut(has["risk"], list(edges), labels=labels, include_lowest=True)
    g = has.groupby(cut, observed=True).agg(country_years=("onset", "size"), onsets=("onset", "sum"), mean_risk=("risk", "mean"))
    g["observed"] = g["onsets"] / g["country_years"]
    ci = [clopper_pearson(int(o), int(n), level) for o, n in zip(g["onsets"], g["country_years"], strict=True)]
    g["low"], g["high"] = [c[0] for c in ci], [c[1] for c in ci]
    return g.reset_index(names="bin")


def logit(risk: np.ndarray | pd.Series) -> np.ndarray:
    """Log-odds of probabilities, kept within [PROB_MIN, 1 - PROB_MIN] so that a risk of 0 or 1 stays finite."""
    p = np.clip(np.asarray(risk, dtype=float), PROB_MIN, 1 - PROB_MIN)
    return np.log(p / (1 - p))


def calibration_line(
    onset: np.ndarray | pd.Series, risk: np.ndarray | pd.Series, weights: np.ndarray | None = None, slope_fixed: bool = False
) -> tuple[float, float]:
    """Intercept and slope of the logistic regression of the outcome on ``logit(risk)`` (statsmodels GLM).

    With ``slope_fixed`` the slope is held at 1 (``logit(risk)`` is an offset)
    and the intercept alone is fitted: the calibration intercept, or
    calibration-in-the-large (0 when as many events happen as the risks
    expect, below 0 when the risks are too high). Otherwise both are fitted:
    a slope below 1 means risks too extreme, above 1 too timid. Rows with
    weight 0 are left out; ``weights`` are frequency weights (bootstrap draws).
    """
    import statsmodels.api as sm

    y, x = np.asarray(onset, dtype=float), logit(risk)
    w = _weights(len(y), weights)
    keep = w > 0
    y, x, w = y[keep], x[keep], w[keep]
    if len(y) == 0 or y.min() == y.max():
        return float("nan"), float("nan")
    if slope_fixed:
        fit = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=x, freq_weights=w).fit()
        return float(fit.params[0]), 1.0
    fit = sm.GLM(y, np.column_stack([np.ones(len(y)), x]), family=sm.families.Binomial(), freq_weights=w).fit()
    return float(fit.params[0]), float(fit.params[1])


def calibration_scores(view: pd.DataFrame, weights: np.ndarray | None = None) -> pd.Series:
    """How far a view's risks are right as probabilities: expected against observed events, calibration line, Brier skill.

    ``view`` has ``onset``, ``risk`` and ``base_rate`` (the reference forecast
    of each row, e.g. the base rate of its training window). Returns
    ``country_years``, ``observed`` (events), ``expected`` (sum of risks),
    ``exp_obs`` (their ratio), ``intercept`` (slope fixed at 1) and ``slope``
    (see :func:`calibration_line`), ``brier``, ``bss_train`` (Brier skill
    against ``base_rate``) and ``bss_test`` (against the view's own base rate,
    the share of its rows with an event: a reference that knows the answer's
    mean). Rows without a risk are left out.
    """
    has = view["risk"].notna().to_numpy()
    w = _weights(len(view), weights)[has]
    y, s = view["onset"].to_numpy(dtype=float)[has], view["risk"].to_numpy(dtype=float)[has]
    ref = view["base_rate"].to_numpy(dtype=float)[has]
    observed, expected = float((w * y).sum()), float((w * s).sum())
    rate = observed / w.sum()
    b = brier(y, s, w)
    b_train, b_test = brier(y, ref, w), rate * (1 - rate)
    intercept, _ = calibration_line(y, s, w, slope_fixed=True)
    _, slope = calibration_line(y, s, w)
    out = {
        "country_years": float(w.sum()),
        "observed": observed,
        "expected": expected,
        "exp_obs": expected / observed if observed > 0 else float("nan"),
        "intercept": intercept,
        "slope": slope,
        "brier": b,
        "bss_train": 1 - b / b_train if b_train > 0 else float("nan"),
        "bss_test": 1 - b / b_test if b_test > 0 else float("nan"),
    }
    return pd.Series(out)


# Bootstrap ---------------------------------------------------------------------


@dataclass
class Bootstrap:
    """Bootstrap replicates of backtest metrics for one or more models scored on the same country-years."""

    replicates: pd.DataFrame  # columns: rep, model, and one per metric
    estimates: pd.DataFrame  # model x metric, on the original data
    n_boot: int
    level: float
    scheme: str = field(default="stratified")

    def intervals(self) -> pd.DataFrame:
        """Percentile intervals per model and metric: ``estimate``, ``low``, ``high``."""
        a = (1 - self.level) / 2
        q = self.replicates.drop(columns="rep").groupby("model").quantile([a, 1 - a])
        rows = []
        for model, est in self.estimates.iterrows():
            for metric, value in est.items():
                low, high = q.loc[(model, a), metric], q.loc[(model, 1 - a), metric]
                rows.append({"model": model, "metric": metric, "estimate": value, "low": low, "high": high})
        return pd.DataFrame(rows)

    def difference(self, model: str, baseline: str) -> pd.DataFrame:
        """Paired differences ``model - baseline`` per metric, with their interval and share of replicates above zero."""
        a = (1 - self.level) / 2
        r = self.replicates.set_index(["rep", "model"])
        d = r.xs(model, level="model") - r.xs(baseline, level="model")
        est = self.estimates.loc[model] - self.estimates.loc[baseline]
        return pd.DataFrame({"estimate": est, "low": d.quantile(a), "high": d.quantile(1 - a), "share_above_zero": (d > 0).mean()})


def bootstrap(
    backtests: Mapping[str, pd.DataFrame],
    n_boot: int = 1000,
    level: float = 0.9,
    seed: int = 0,
    scheme: str = "stratified",
    statistic: Callable[[pd.DataFrame, np.ndarray | None], pd.Series] = metrics,
) -> Bootstrap:
    """Bootstrap the backtest metrics of several models on the same country-years (paired).

    ``scheme="stratified"`` resamples, with replacement, the onsets among
    themselves and the other country-years among themselves, so each replicate
    has as many onsets as the data; ``scheme="country"`` resamples whole
    countries with all their years (onsets in the same country are not
    independent), so the number of onsets varies. The same draws are used for
    every model, so differences between models are paired. Draws are applied
    as weights (how many times each row is drawn). ``statistic(frame, weights)``
    computes the figures of one model (default :func:`metrics`; e.g.
    :func:`calibration_scores`).
    """
    names = list(backtests)
    first = backtests[names[0]]
    keys = [c for c in ("ewp_name", "year", "data_year") if c in first.columns]
    for name in names[1:]:
        other = backtests[name]
        if len(other) != len(first) or not (other[keys].to_numpy() == first[keys].to_numpy()).all():
            raise ValueError(f"bootstrap: backtest {name!r} is not on the same country-years as {names[0]!r}")
    keep = np.ones(len(first), dtype=bool)
    for bt in backtests.values():
        keep &= bt["risk"].notna().to_numpy() | (bt["onset"].to_numpy() == 1)
    frames = {k: v[keep].reset_index(drop=True) for k, v in backtests.items()}
    onset = frames[names[0]]["onset"].to_numpy() == 1
    rng = np.random.default_rng(seed)
    if scheme == "stratified":
        pos, neg = np.flatnonzero(onset), np.flatnonzero(~onset)

        def draw() -> np.ndarray:
            w = np.zeros(len(onset))
            np.add.at(w, rng.choice(pos, len(pos)), 1)
            np.add.at(w, rng.choice(neg, len(neg)), 1)
            return w
    elif scheme == "country":
        codes, groups = np.unique(frames[names[0]]["ewp_name"].to_numpy(), return_inverse=True)

        def draw() -> np.ndarray:
            counts = np.bincount(rng.integers(0, len(codes), len(codes)), minlength=len(codes))
            return counts[groups].astype(float)
    else:
        raise ValueError(f"bootstrap: scheme must be 'stratified' or 'country', not {scheme!r}")
    rows = []
    for rep in range(n_boot):
        w = draw()
        for name in names:
            rows.append({"rep": rep, "model": name, **statistic(frames[name], w).to_dict()})
    estimates = pd.DataFrame({name: statistic(frames[name], None) for name in names}).T
    return Bootstrap(pd.DataFrame(rows), estimates, n_boot, level, scheme)


# Comparison with published forecasts ----------------------------------------------


def overlap_top(a: pd.Series, b: pd.Series, k: int) -> int:
    """How many of the ``k`` highest of ``a`` are also among the ``k`` highest of ``b`` (both indexed by country)."""
    return len(set(a.nlargest(k).index) & set(b.nlargest(k).index))
