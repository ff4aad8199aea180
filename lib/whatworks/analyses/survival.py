"""How long mass-killing episodes last: Kaplan-Meier estimates from an episode list.

Works on any frame laid out like :func:`whatworks.data.load_mk_episodes` returns
(the ``episodes`` schema of ``data/sources.yaml``): one row per episode with
``start_year``, ``end_year`` (empty while the episode is ongoing) and
``perpetrator_type``; ``n_groups_code`` is needed only to group by target.
Load a local episode file with ``data.load_mk_episodes(path)``: it is validated
against that schema before anything here sees it.

Conventions
-----------
* **Duration** is counted in calendar years, both ends included:
  ``duration = end_year - start_year + 1``. An episode that starts and ends in
  the same year lasts 1 year; one dated 1992-1995 lasts 4. Years are the only
  precision the list gives, so a 1-year episode may have lasted weeks or most
  of a year.
* **Ongoing** episodes (no end year) are *right-censored* at ``last_year``,
  the last year the data cover: we know they lasted at least
  ``last_year - start_year + 1`` years, not how long they will last.
* Intervals are pointwise 95% intervals of the Kaplan-Meier curve (lifelines'
  exponential Greenwood formula); the interval of a median is read off those
  bands (the first year each band falls to one half). When a band never falls
  that low within the data, the bound is *not reached* and reported as missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test, multivariate_logrank_test
from lifelines.utils import median_survival_times

from whatworks.analyses.episodes import LOAD_EPISODES
from whatworks.errors import DataError, require_columns

REQUIRED = ("start_year", "end_year", "perpetrator_type")
SEVERAL_GROUPS = "Several groups"
ONE_OR_NONE = "One ethnic group, or political targets only"


def _examples(episodes: pd.DataFrame, mask: pd.Series) -> str:
    cols = [c for c in ("code", "name", "start_year", "end_year") if c in episodes.columns]
    rows = episodes.loc[mask, cols].head(5)
    return "; ".join(f"row {i}: " + ", ".join(f"{c}={row[c]!r}" for c in cols) for i, row in rows.iterrows())


def episode_durations(episodes: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Duration of every episode in years, with ongoing ones censored at ``last_year``.

    Returns a copy of ``episodes`` with three more columns:

    * ``observed_end``: the end year, or ``last_year`` for an ongoing episode;
    * ``duration``: ``observed_end - start_year + 1`` (a same-year start and end is 1 year);
    * ``ended``: True if the episode has an end year (an observed ending), False if censored.

    Raises DataError, naming example rows, if an episode ends before it starts,
    or starts or ends after ``last_year``.
    """
    require_columns(episodes, ("start_year", "end_year"), "episode_durations", "episode frame", LOAD_EPISODES)
    out = episodes.copy()
    start = pd.to_numeric(out["start_year"], errors="coerce")
    end = pd.to_numeric(out["end_year"], errors="coerce")
    if start.isna().any():
        raise DataError(f"episode_durations: column 'start_year' is empty or not a year in {_examples(out, start.isna())}")
    problems = {
        "end_year before start_year": end.notna() & (end < start),
        f"start_year after the last year of the data ({last_year})": start > last_year,
        f"end_year after the last year of the data ({last_year})": end.notna() & (end > last_year),
    }
    for what, mask in problems.items():
        if mask.any():
            raise DataError(f"episode_durations: {int(mask.sum())} episode(s) with {what}: {_examples(out, mask)}")
    out["ended"] = end.notna()
    out["observed_end"] = end.fillna(last_year).astype("int64")
    out["duration"] = (out["observed_end"] - start.astype("int64") + 1).astype("int64")
    return out


def decade_of_onset(start_year: pd.Series) -> pd.Series:
    """Label of the decade an episode began in, e.g. ``'1990s'`` (an ordered categorical)."""
    decades = (pd.to_numeric(start_year) // 10 * 10).astype("int64")
    labels = [f"{d}s" for d in sorted(decades.unique())]
    return pd.Series(pd.Categorical(decades.map(lambda d: f"{d}s"), categories=labels, ordered=True), index=start_year.index, name="decade")


def target_scope(n_groups_code: pd.Series) -> pd.Series:
    """Whether an episode targeted several groups, from the EWP code ``mk_number_eth_groups``.

    Code 2 (two or more groups named as targets) becomes ``SEVERAL_GROUPS``;
    codes 0 (targets defined politically, no ethnic group named) and 1 (one
    ethnic or communal group) become ``ONE_OR_NONE``; a missing code stays
    missing. Any other value raises DataError.
    """
    codes = pd.to_numeric(n_groups_code, errors="coerce")
    bad = n_groups_code.notna() & ~codes.isin([0, 1, 2])
    if bad.any():
        raise DataError(f"target_scope: column 'n_groups_code' must be 0, 1 or 2; found {sorted(n_groups_code[bad].unique().tolist())[:5]}")
    return codes.map({0: ONE_OR_NONE, 1: ONE_OR_NONE, 2: SEVERAL_GROUPS})


def _groups(durations: pd.DataFrame, by: str | None) -> list[tuple[str, pd.DataFrame]]:
    require_columns(durations, ("duration", "ended"), "survival (run episode_durations first)", "episode frame", LOAD_EPISODES)
    if by is None:
        return [("All episodes", durations)]
    require_columns(durations, (by,), "survival", "episode frame", LOAD_EPISODES)
    kept = durations[durations[by].notna()]
    keys = kept[by].cat.categories if isinstance(kept[by].dtype, pd.CategoricalDtype) else sorted(kept[by].unique())
    return [(str(k), kept[kept[by] == k]) for k in keys if (kept[by] == k).any()]


def _fit(d: pd.DataFrame, alpha: float) -> KaplanMeierFitter:
    kmf = KaplanMeierFitter(alpha=alpha)
    kmf.fit(d["duration"], event_observed=d["ended"].astype(bool))
    return kmf


def km_curves(durations: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan-Meier curves: share of episodes still under way after each number of years.

    ``durations`` comes from :func:`episode_durations`. One curve per value of
    column ``by`` (missing values left out), or one for all episodes. Returns
    columns ``group``, ``years`` (0 first), ``still_ongoing`` (the estimate),
    ``lower``, ``upper`` (pointwise ``1 - alpha`` interval), ``at_risk``
    (episodes still under observation at that point), ``ended`` and ``censored``
    (endings and censorings in that year).
    """
    frames = []
    for label, d in _groups(durations, by):
        kmf = _fit(d, alpha)
        ci = kmf.confidence_interval_survival_function_
        table = kmf.event_table
        curve = pd.DataFrame(
            {
                "group": label,
                "years": kmf.survival_function_.index.astype("int64"),
                "still_ongoing": kmf.survival_function_.iloc[:, 0].to_numpy(),
                "lower": ci.iloc[:, 0].to_numpy(),
                "upper": ci.iloc[:, 1].to_numpy(),
                "at_risk": table["at_risk"].reindex(kmf.survival_function_.index).to_numpy().astype("int64"),
                "ended": table["observed"].reindex(kmf.survival_function_.index).to_numpy().astype("int64"),
                "censored": table["censored"].reindex(kmf.survival_function_.index).to_numpy().astype("int64"),
            }
        )
        frames.append(curve)
    return pd.concat(frames, ignore_index=True)


def _finite(x: float) -> float:
    return float(x) if np.isfinite(x) else np.nan


def median_durations(durations: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Median duration in years, with its ``1 - alpha`` interval, per group.

    Returns columns ``group``, ``episodes``, ``ended``, ``censored``, ``median``,
    ``lower``, ``upper``. A median or bound that the data do not reach (the
    curve or its band never falls to one half) is missing (NaN): the honest
    reading is "longer than the longest follow-up", not a number.
    """
    rows = []
    for label, d in _groups(durations, by):
        kmf = _fit(d, alpha)
        ci = median_survival_times(kmf.confidence_interval_survival_function_)
        rows.append(
            {
                "group": label,
                "episodes": len(d),
                "ended": int(d["ended"].sum()),
                "censored": int((~d["ended"].astype(bool)).sum()),
                "median": _finite(kmf.median_survival_time_),
                "lower": _finite(ci.iloc[0, 0]),
                "upper": _finite(ci.iloc[0, 1]),
            }
        )
    return pd.DataFrame(rows)


def logrank(durations: pd.DataFrame, by: str) -> dict[str, Any]:
    """Log-rank test that the groups of column ``by`` share one survival curve.

    Returns ``groups`` (number compared), ``statistic`` (chi-squared), ``df`` and
    ``p_value``. The test assumes censoring unrelated to duration and is most
    sensitive to curves that differ in the same direction throughout; read it
    as a rough check, not as proof of a cause.
    """
    groups = _groups(durations, by)
    if len(groups) < 2:
        raise DataError(f"logrank: column '{by}' has fewer than two groups with episodes")
    kept = pd.concat([d for _, d in groups])
    if len(groups) == 2:
        (_, a), (_, b) = groups
        res = logrank_test(a["duration"], b["duration"], event_observed_A=a["ended"], event_observed_B=b["ended"])
        dof = 1
    else:
        res = multivariate_logrank_test(kept["duration"], kept[by].astype(str), kept["ended"])
        dof = len(groups) - 1
    return {"groups": len(groups), "statistic": float(res.test_statistic), "df": dof, "p_value": float(res.p_value)}


def _fmt_years(x: float) -> str:
    return "not reached" if pd.isna(x) else f"{x:g}"


def median_label(row: pd.Series) -> str:
    """'6 years (95% CI 4 to 9)' for a row of :func:`median_durations`."""
    if pd.isna(row["median"]):
        return f"more than half still ongoing (interval from {_fmt_years(row['lower'])} years)"
    return f"{row['median']:g} years (95% CI {_fmt_years(row['lower'])} to {_fmt_years(row['upper'])})"
