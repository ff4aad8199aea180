"""Windows of opportunity: how long before an onset a risk ranking flagged the country, and a one-page country view.

The functions work on two kinds of frame, so that the same analysis runs on the
book's data and on a practitioner's records:

* a **target-year view** of a backtest (see :func:`whatworks.analyses.risk.combine_forecasts`):
  one row per country (``ewp_name``) and year, with ``onset`` (1 if a new mass
  killing began that year), ``rank`` (1 = highest risk; missing where the
  country had no forecast) and, for charts, ``risk``;
* an **events frame** in the ``events`` layout of ``data/schemas.yaml``
  (``country``, ``date``, ``event_type`` ...), as returned by
  ``whatworks.data.validate(path, "events")`` or by the converters of
  :mod:`whatworks.analyses.triggers` (``coup_events``, ``deco_events``), with the
  harmonised ``ewp_name`` column.

Warning time (:func:`warning_times`). For an onset in year ``Y``, the warning time
is the length of the unbroken run of years ending in ``Y`` in which the country
stood in the top ``k`` of the target-year view: 0 if it was not in the top ``k``
in ``Y`` itself (no warning), 1 if it was in ``Y`` but not in ``Y-1``, and so on.
A year without a rank ends the run. A run that reaches back to the first year in
which the country has a rank is *censored*: the country may have been flagged
earlier than the data can show, so the warning time is a lower bound.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from whatworks.data.countries import harmonise
from whatworks.data.schemas import EVENT_TYPES
from whatworks.errors import DataError, require_columns
from whatworks.stats import clopper_pearson

EVENT_LABELS: dict[str, str] = {
    "coup_attempt": "coup attempt (failed)",
    "coup": "coup (successful)",
    "election": "election",
    "electoral_violence": "electoral violence",
    "assassination": "assassination",
    "battle_deaths_jump": "jump in battle deaths",
    "other": "other",
}


# Warning time --------------------------------------------------------------------------


def warning_times(view: pd.DataFrame, k: int = 30) -> pd.DataFrame:
    """Warning time of each onset: years in an unbroken run in the top ``k`` ending in the onset year.

    ``view`` has one row per ``ewp_name`` and ``year`` with ``onset`` (0/1) and
    ``rank`` (missing = no forecast). Returns one row per onset, sorted by year
    and country: ``ewp_name`` (and ``country`` if present), ``year``, ``rank``
    (in the onset year), ``lead`` (0 = not in the top ``k`` in the onset year),
    ``run_start`` (first year of the run; missing when ``lead`` is 0),
    ``first_ranked`` (the country's first year with a rank) and ``censored``
    (the run reaches ``first_ranked``, so the true warning may be longer).
    """
    require_columns(view, ["ewp_name", "year", "onset", "rank"], "warning_times")
    if k < 1:
        raise ValueError(f"warning_times: k must be at least 1, not {k}")
    dup = view.duplicated(["ewp_name", "year"], keep=False)
    if dup.any():
        rows = view.loc[dup, ["ewp_name", "year"]].drop_duplicates().head(5).to_dict("records")
        raise DataError(f"warning_times: the view must have one row per ewp_name and year; repeated: {rows}")
    bad = ~view["onset"].isin([0, 1])
    if bad.any():
        raise DataError(
            f"warning_times: column 'onset' must be 0 or 1; rows {view.index[bad][:5].tolist()} hold {view.loc[bad, 'onset'].unique()[:5].tolist()}"
        )
    ranked = view[view["rank"].notna()]
    first_ranked = ranked.groupby("ewp_name")["year"].min()
    flagged = {(n, int(y)) for n, y in ranked.loc[ranked["rank"] <= k, ["ewp_name", "year"]].itertuples(index=False)}
    rows = []
    for _, r in view[view["onset"] == 1].iterrows():
        name, year = r["ewp_name"], int(r["year"])
        lead = 0
        while (name, year - lead) in flagged:
            lead += 1
        first = first_ranked.get(name, np.nan)
        start = year - lead + 1 if lead else np.nan
        row = {"ewp_name": name, "year": year, "rank": r["rank"], "lead": lead, "run_start": start, "first_ranked": first}
        row["censored"] = bool(lead > 0 and start == first)
        if "country" in view.columns:
            row["country"] = r["country"] if pd.notna(r["country"]) else name
        rows.append(row)
    cols = ["ewp_name", *(["country"] if "country" in view.columns else []), "year", "rank", "lead", "run_start", "first_ranked", "censored"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("run_start", "first_ranked"):
        out[c] = out[c].astype("Int64")
    out["lead"] = out["lead"].astype(int)
    out["censored"] = out["censored"].astype(bool)
    return out.sort_values(["year", "ewp_name"], ignore_index=True)


def run_lengths(view: pd.DataFrame, k: int = 30, horizon: int = 2) -> pd.DataFrame:
    """Every country-year in the top ``k``, with how long the country had been there and what followed.

    Returns the rows of ``view`` with ``rank <= k`` and: ``run`` (years in the
    unbroken run in the top ``k`` up to and including this year; 1 = the
    country has just entered), ``censored`` (the run reaches the country's
    first year with a rank, so it may be longer), ``onset_within`` (an onset
    in this year or the ``horizon - 1`` years after) and ``known`` (those
    years are all in the view, so ``onset_within`` is observed).
    """
    require_columns(view, ["ewp_name", "year", "onset", "rank"], "run_lengths")
    v = view.sort_values(["ewp_name", "year"], ignore_index=True)
    first_ranked = v[v["rank"].notna()].groupby("ewp_name")["year"].min()
    last_year = v.groupby("ewp_name")["year"].max()
    onsets = {(n, int(y)) for n, y in v.loc[v["onset"] == 1, ["ewp_name", "year"]].itertuples(index=False)}
    flagged = {(n, int(y)) for n, y in v.loc[v["rank"] <= k, ["ewp_name", "year"]].itertuples(index=False)}
    rows = []
    for name, year in sorted(flagged):
        run = 0
        while (name, year - run) in flagged:
            run += 1
        rows.append(
            {
                "ewp_name": name,
                "year": year,
                "run": run,
                "censored": year - run + 1 == first_ranked[name],
                "onset_within": any((name, year + h) in onsets for h in range(horizon)),
                "known": year + horizon - 1 <= last_year[name],
            }
        )
    out = pd.DataFrame(rows, columns=["ewp_name", "year", "run", "censored", "onset_within", "known"])
    return v.merge(out, on=["ewp_name", "year"], how="inner").sort_values(["year", "ewp_name"], ignore_index=True)


def warning_shares(leads: pd.DataFrame, thresholds: Sequence[int] = (1, 2, 3), level: float = 0.9) -> pd.DataFrame:
    """Share of onsets with at least ``m`` years of warning, for each ``m``, with exact intervals.

    An onset whose run is censored below ``m`` years (it could have had ``m``
    years, the data cannot tell) is left out of that threshold's count.
    Returns ``years``, ``onsets`` (known), ``with_warning``, ``share``, ``low``,
    ``high`` and ``left_out`` (censored runs set aside).
    """

    require_columns(leads, ["lead", "censored"], "warning_shares")
    rows = []
    for m in thresholds:
        unknown = leads["censored"] & (leads["lead"] < m)
        known = leads[~unknown]
        hits = int((known["lead"] >= m).sum())
        n = len(known)
        lo, hi = clopper_pearson(hits, n, level) if n else (np.nan, np.nan)
        rows.append(
            {"years": m, "onsets": n, "with_warning": hits, "share": hits / n if n else np.nan, "low": lo, "high": hi, "left_out": int(unknown.sum())}
        )
    return pd.DataFrame(rows)


def lead_distribution(leads: pd.DataFrame, cap: int | None = None) -> pd.DataFrame:
    """Number of onsets by warning time (``lead``), split by censoring; leads above ``cap`` are pooled as ``cap``.

    Returns ``lead`` (int), ``label`` (text, e.g. ``"5+"`` for the pooled class),
    ``censored`` (text: ``"complete"`` or ``"censored (at least)"``) and ``onsets``,
    with every lead from 0 to the largest present (zero counts kept for the chart).
    """
    require_columns(leads, ["lead", "censored"], "lead_distribution")
    lead = leads["lead"].clip(upper=cap) if cap is not None else leads["lead"]
    top = int(lead.max()) if len(lead) else 0
    status = np.where(leads["censored"], "censored (at least)", "complete")
    counts = pd.crosstab(lead, status).reindex(index=range(top + 1), columns=["complete", "censored (at least)"], fill_value=0)
    out = counts.stack().rename("onsets").reset_index()
    out.columns = ["lead", "censored", "onsets"]
    out["label"] = [f"{v}+" if cap is not None and v == cap else str(v) for v in out["lead"]]
    return out[["lead", "label", "censored", "onsets"]]


# Events ------------------------------------------------------------------------------


def events_in(events: pd.DataFrame, ewp_name: str, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Events of one country (matched on ``ewp_name``), one row per event type and calendar month, for a chart.

    Events of the same type in the same month are pooled (DECO, for example,
    records each deadly incident): ``n_events`` counts them, ``deaths`` adds up
    the known deaths, ``when`` is the first date and ``x`` the date as a
    fractional year. ``years`` keeps the events from the first to the last year
    inclusive. Checks the columns and the event types.
    """
    require_columns(events, ["ewp_name", "date", "event_type"], "events")
    unknown = ~events["event_type"].isin(EVENT_TYPES)
    if unknown.any():
        bad = sorted(events.loc[unknown, "event_type"].astype(str).unique())[:5]
        raise DataError(f"events: column 'event_type' has values outside {list(EVENT_TYPES)}: {bad}")
    ev = events[events["ewp_name"] == ewp_name].copy()
    ev["date"] = pd.to_datetime(ev["date"])
    if years is not None:
        ev = ev[ev["date"].dt.year.between(*years)]
    if "deaths" not in ev.columns:
        ev["deaths"] = np.nan
    if "description" not in ev.columns:
        ev["description"] = None
    ev["month"] = ev["date"].dt.to_period("M")
    ev = ev.sort_values(["date", "event_type"], kind="mergesort")
    g = ev.groupby(["event_type", "month"], sort=True)
    out = g.agg(
        date=("date", "min"),
        n_events=("date", "size"),
        deaths=("deaths", lambda d: d.sum() if d.notna().any() else np.nan),
        description=("description", "first"),
    ).reset_index()
    out["year"] = out["date"].dt.year
    out["x"] = out["year"] + (out["date"].dt.dayofyear - 0.5) / 365.25
    out["label"] = out["event_type"].map(EVENT_LABELS)
    out["when"] = out["date"].dt.strftime("%Y-%m-%d")
    pooled = out["n_events"] > 1
    out.loc[pooled, "description"] = [
        f"{n} events this month, from {w}" for n, w in zip(out.loc[pooled, "n_events"], out.loc[pooled, "when"], strict=True)
    ]
    out["description"] = out["description"].fillna("")
    cols = ["when", "year", "x", "event_type", "label", "n_events", "deaths", "description"]
    return out[cols].sort_values(["x", "event_type"], ignore_index=True)


def battle_deaths_by_country(deaths: pd.DataFrame) -> pd.DataFrame:
    """UCDP dyad-year battle deaths (``whatworks.data.load_battle_deaths``) summed by country and year.

    A conflict located in several countries (``gwno_loc`` "500, 501") counts in
    each of them. Returns ``ewp_name``, ``year`` and ``battle_deaths`` (best
    estimate), sorted.
    """

    require_columns(deaths, ["gwno_loc", "year", "bd_best"], "battle_deaths_by_country")
    long = deaths[["gwno_loc", "year", "bd_best"]].assign(gw=deaths["gwno_loc"].astype(str).str.split(",")).explode("gw")
    long["gw"] = pd.to_numeric(long["gw"].str.strip(), errors="coerce")
    if long["gw"].isna().any():
        bad = long.loc[long["gw"].isna(), "gwno_loc"].unique()[:5].tolist()
        raise DataError(f"battle deaths: column 'gwno_loc' has values that are not Gleditsch-Ward codes: {bad}")
    long["gw"] = long["gw"].astype(int)
    long = harmonise(long.reset_index(drop=True), "gw", "gw", "year")
    out = long.groupby(["ewp_name", "year"], as_index=False)["bd_best"].sum().rename(columns={"bd_best": "battle_deaths"})
    return out.sort_values(["ewp_name", "year"], ignore_index=True)


# One page for one country --------------------------------------------------------------------


def country_frames(
    ewp_name: str,
    view: pd.DataFrame,
    events: pd.DataFrame,
    deaths: pd.DataFrame,
    years: tuple[int, int],
    k: int = 30,
) -> dict[str, pd.DataFrame]:
    """The small frames behind :func:`country_chart` for one country.

    ``view``: target-year view (``ewp_name``, ``year``, ``risk``, ``rank``,
    ``onset``); ``events``: events frame with ``ewp_name``; ``deaths``: per
    country-year ``battle_deaths`` (:func:`battle_deaths_by_country`). Returns
    ``risk`` (year, risk, rank, top), ``onsets`` (year), ``events`` (see
    :func:`events_in`) and ``deaths`` (year, battle_deaths), all within ``years``.
    """
    require_columns(view, ["ewp_name", "year", "risk", "rank", "onset"], "country view")
    require_columns(deaths, ["ewp_name", "year", "battle_deaths"], "battle deaths")
    if ewp_name not in set(view["ewp_name"]):
        known = sorted(view["ewp_name"].dropna().unique())
        close = [n for n in known if ewp_name.lower()[:4] in n.lower()][:5]
        raise DataError(
            f"country {ewp_name!r} is not in the backtest (names as the EWP panel spells them){'; did you mean ' + ', '.join(close) if close else ''}"
        )
    lo, hi = years
    v = view[(view["ewp_name"] == ewp_name) & view["year"].between(lo, hi)].sort_values("year")
    risk = v.loc[v["risk"].notna(), ["year", "risk", "rank"]].copy()
    risk["top"] = risk["rank"] <= k
    onsets = v.loc[v["onset"] == 1, ["year"]].reset_index(drop=True)
    d = deaths[(deaths["ewp_name"] == ewp_name) & deaths["year"].between(lo, hi)][["year", "battle_deaths"]]
    return {
        "risk": risk.reset_index(drop=True),
        "onsets": onsets,
        "events": events_in(events, ewp_name, years),
        "deaths": d.reset_index(drop=True),
    }


def case_ranks(cases: pd.DataFrame, view: pd.DataFrame, panel: pd.DataFrame) -> pd.DataFrame:
    """For each case of the fact table: the backtest rank of the country in the trigger year and the year before,
    and whether the EWP data record an onset from the year before the trigger year to the year after.

    ``cases`` needs ``case``, ``ewp_name`` and ``trigger_year``.
    """
    require_columns(cases, ["case", "ewp_name", "trigger_year"], "case_ranks")
    ranks = view.set_index(["ewp_name", "year"])["rank"]
    onset_years = panel.loc[panel["mk_onset"] == 1].groupby("ewp_name")["year"].apply(list)
    rows = []
    for c in cases.itertuples(index=False):
        y = int(c.trigger_year)
        on = [int(o) for o in onset_years.get(c.ewp_name, []) if y - 1 <= o <= y + 1]
        rows.append(
            {
                "case": c.case,
                "trigger_year": y,
                "rank_year_before": ranks.get((c.ewp_name, y - 1), np.nan),
                "rank_trigger_year": ranks.get((c.ewp_name, y), np.nan),
                "ewp_onset": ", ".join(map(str, on)) if on else "none",
            }
        )
    out = pd.DataFrame(rows)
    for col in ("rank_year_before", "rank_trigger_year"):
        out[col] = out[col].astype("Int64")
    return out
