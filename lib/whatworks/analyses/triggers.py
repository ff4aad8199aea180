"""Triggers: dated events (coups, elections, electoral violence, battle-death jumps) and what follows them.

Every analysis here works on an *events frame*: one row per event with the
columns of the ``events`` schema (``data/schemas.yaml``): ``country``,
``date``, ``event_type``, ``deaths``, ``description``, ``source``, plus the
harmonised country columns (``ewp_name``, ``cow``, ``gw``, ``iso3``).
The book converts its own data to this layout (:func:`coup_events`,
:func:`deco_events`, :func:`battle_death_jump_events`) and a practitioner's
file is read with :func:`load_events`, so the same functions run on both.

Country-year outcomes come from the Early Warning Project panel
(``data.load_ewp_predictors()``: ``ewp_name``, ``year``, ``mk_onset``).
Event years are matched to panel years through ``ewp_name``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from whatworks import data
from whatworks.data.countries import harmonise
from whatworks.data.schemas import EVENT_TYPES
from whatworks.errors import DataError, require_columns
from whatworks.stats import clopper_pearson_arrays

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_TYPES",
    "battle_death_jump_events",
    "battle_death_jumps",
    "coup_events",
    "coup_record",
    "deco_events",
    "align_to_elections",
    "deco_polling_days",
    "monthly_profile",
    "months_between",
    "select_types",
    "stale_elections",
    "study_table",
    "trigger_watch",
    "upcoming_elections",
    "violence_episodes",
    "event_study",
    "event_years",
    "event_leads",
    "load_events",
    "onsets_after",
    "rate_table",
    "risk_groups",
    "within_rate",
]

#: Allowed values of ``event_type`` (as in the ``events`` schema).
#: Columns of an events frame, in order.
EVENT_COLUMNS: list[str] = ["country", "date", "event_type", "deaths", "description", "source", "ewp_name", "cow", "gw", "iso3"]

_COUP_SOURCE = "Powell and Thyne, Global instances of coups, version 2022-11-29"
_COUP_YEARS_SOURCE = "Early Warning Project list of country-years with a coup attempt (from Powell and Thyne), 1950-2024"
_DECO_SOURCE = "UCDP Deadly Electoral Conflict dataset (DECO) v1.0"
_BD_SOURCE = "UCDP Battle-Related Deaths dataset, dyadic, v25.1"


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    """Order columns and rows of an events frame."""
    for c in EVENT_COLUMNS:
        if c not in out.columns:
            out[c] = None
    out = out[EVENT_COLUMNS].copy()
    out["date"] = pd.to_datetime(out["date"])
    out["deaths"] = pd.to_numeric(out["deaths"], errors="coerce").astype(float)
    return out.sort_values(["date", "country", "event_type"], ignore_index=True, kind="mergesort")


# Converting the book's data to the events layout -------------------------------


def coup_events(coups: pd.DataFrame) -> pd.DataFrame:
    """Powell-Thyne coups (``data.load_coups()``) as an events frame.

    A successful coup (``coup == 2``) becomes ``event_type`` ``coup``, a
    failed attempt (``coup == 1``) ``coup_attempt``. ``deaths`` is missing
    (the data do not record it).
    """
    need = ["year", "month", "day", "coup", "country", "ewp_name", "cow", "gw", "iso3"]
    require_columns(coups, need, "coup_events", "coups frame", "Load it with whatworks.data.load_coups().")
    out = coups[["country", "ewp_name", "cow", "gw", "iso3"]].copy()
    out["date"] = pd.to_datetime(dict(year=coups["year"], month=coups["month"], day=coups["day"]))
    out["event_type"] = np.where(coups["coup"].eq(2), "coup", "coup_attempt")
    out["deaths"] = np.nan
    out["description"] = np.where(coups["coup"].eq(2), "Successful coup", "Failed coup attempt")
    out["source"] = _COUP_SOURCE
    return _finish(out)


def deco_events(deco: pd.DataFrame) -> pd.DataFrame:
    """UCDP DECO deadly events coded as electoral violence (``data.load_deco()``) as an events frame.

    One row per DECO event with ``electoral_vio == 1``; ``event_type`` is
    ``electoral_violence``, ``date`` the event's first day, ``deaths`` UCDP's
    best estimate, ``description`` DECO's timing code (``electoral_timing``).
    """
    need = ["id", "date_start", "best", "electoral_vio", "electoral_timing", "country", "ewp_name", "cow", "gw", "iso3"]
    require_columns(deco, need, "deco_events", "DECO frame", "Load it with whatworks.data.load_deco().")
    d = deco[deco["electoral_vio"].eq(1)]
    out = d[["country", "ewp_name", "cow", "gw", "iso3"]].copy()
    out["date"] = d["date_start"]
    out["event_type"] = "electoral_violence"
    out["deaths"] = d["best"].astype(float)
    out["description"] = "DECO event " + d["id"].astype(str) + ", timing code " + d["electoral_timing"].fillna("NA").astype(str)
    out["source"] = _DECO_SOURCE
    return _finish(out)


def _bd_country_years(battle: pd.DataFrame, conflict_types: Sequence[int] | None = (3, 4)) -> pd.DataFrame:
    """Battle deaths by location country and year (a dyad located in several countries counts in each)."""
    need = ["gwno_loc", "year", "bd_best"] + (["type_of_conflict"] if conflict_types is not None else [])
    require_columns(battle, need, "battle_death_jumps", "battle-deaths frame", "Load it with whatworks.data.load_battle_deaths().")
    b = battle[need].copy()
    if conflict_types is not None:
        b = b[b["type_of_conflict"].isin(list(conflict_types))]
    b["gw"] = b["gwno_loc"].astype(str).str.split(",")
    b = b.explode("gw")
    b["gw"] = pd.to_numeric(b["gw"].str.strip(), errors="coerce")
    b = b.dropna(subset=["gw"])
    b["gw"] = b["gw"].astype(int)
    return b.groupby(["gw", "year"], as_index=False)["bd_best"].sum().rename(columns={"bd_best": "battle_deaths"})


def battle_death_jumps(
    battle: pd.DataFrame,
    panel: pd.DataFrame,
    min_deaths: int = 1000,
    factor: float = 2.0,
    conflict_types: Sequence[int] | None = (3, 4),
) -> pd.DataFrame:
    """Country-years of the panel with battle deaths and a ``jump`` flag.

    ``battle`` is ``data.load_battle_deaths()`` (UCDP dyadic, yearly, from
    1989); deaths of conflicts of ``conflict_types`` (default: intrastate and
    internationalised intrastate, whose location is the country at war with
    itself; ``None`` keeps all) are summed by location country
    (Gleditsch-Ward code) and year. A *jump* is a year with at least ``min_deaths`` battle deaths and at
    least ``factor`` times the previous year's deaths (a country with no deaths
    recorded the year before has 0). Returns the panel's ``ewp_name``,
    ``year``, ``gw`` with ``battle_deaths``, ``previous`` and ``jump``, for
    panel years from the first year of ``battle`` + 1 on.
    """
    bd = _bd_country_years(battle, conflict_types)
    first = int(bd["year"].min())
    if "gw" not in panel.columns:
        raise DataError("battle_death_jumps: the panel needs the harmonised 'gw' column (load it with whatworks.data)")
    p = panel.loc[panel["year"] >= first, ["ewp_name", "year", "gw"]].dropna(subset=["gw"]).copy()
    p["gw"] = p["gw"].astype(int)
    out = p.merge(bd, on=["gw", "year"], how="left")
    out["battle_deaths"] = out["battle_deaths"].fillna(0).astype(int)
    prev = bd.assign(year=bd["year"] + 1).rename(columns={"battle_deaths": "previous"})
    out = out.merge(prev, on=["gw", "year"], how="left")
    out["previous"] = out["previous"].fillna(0).astype(int)
    out["jump"] = (out["battle_deaths"] >= min_deaths) & (out["battle_deaths"] >= factor * out["previous"])
    out = out[out["year"] > first]
    return out.sort_values(["ewp_name", "year"], ignore_index=True)


def battle_death_jump_events(jumps: pd.DataFrame) -> pd.DataFrame:
    """Jump years of :func:`battle_death_jumps` as an events frame (``battle_deaths_jump``).

    The data are yearly, so each event is dated 1 July of its year by
    convention; the event study only uses the year.
    """
    j = jumps[jumps["jump"]]
    out = pd.DataFrame(
        {
            "country": j["ewp_name"].to_numpy(),
            "ewp_name": j["ewp_name"].to_numpy(),
            "gw": j["gw"].to_numpy(),
            "date": pd.to_datetime(j["year"].astype(str) + "-07-01").to_numpy(),
            "event_type": "battle_deaths_jump",
            "deaths": j["battle_deaths"].astype(float).to_numpy(),
            "description": [f"Battle deaths {b:,} after {p:,} the year before" for b, p in zip(j["battle_deaths"], j["previous"], strict=True)],
            "source": _BD_SOURCE,
        }
    )
    return _finish(out)


def load_events(path: str | Path | None = None, event_types: Iterable[str] | None = None) -> pd.DataFrame:
    """An events frame: a practitioner's file, or (``path=None``) the published coup data.

    A file is read and checked against the ``events`` schema
    (``whatworks.data.validate(path, "events")``: a bad date, an unknown event
    type or an unknown country raises an error naming the column and rows).
    Without a file, the Powell-Thyne coups are converted with
    :func:`coup_events`. ``event_types`` keeps only those types (each must be
    one of :data:`EVENT_TYPES`).
    """

    ev = coup_events(data.load_coups()) if path is None else _finish(data.validate(path, "events"))
    if event_types is not None:
        ev = select_types(ev, event_types)
    return ev


def select_types(events: pd.DataFrame, event_types: Iterable[str] | None) -> pd.DataFrame:
    """The events of the given types (all if ``None``); unknown types raise a DataError."""
    if event_types is None:
        return events
    types = [event_types] if isinstance(event_types, str) else list(event_types)
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise DataError(f"event types {bad} are not known; allowed: {list(EVENT_TYPES)}")
    return events[events["event_type"].isin(types)].reset_index(drop=True)


def event_years(events: pd.DataFrame, event_types: Iterable[str] | None = None) -> pd.DataFrame:
    """Country-years with at least one event: ``ewp_name``, ``year``, ``n_events``.

    Events whose country has no EWP name (not in the panel) are dropped.
    """
    ev = select_types(events, event_types).dropna(subset=["ewp_name"])
    yrs = ev.assign(year=pd.to_datetime(ev["date"]).dt.year)
    out = yrs.groupby(["ewp_name", "year"]).size().rename("n_events").reset_index()
    out["ewp_name"] = out["ewp_name"].astype(str)
    return out.sort_values(["ewp_name", "year"], ignore_index=True)


# Risk strata -------------------------------------------------------------------


def risk_groups(view: pd.DataFrame, top: int | None = None, quantiles: int = 3) -> pd.DataFrame:
    """Risk stratum of each country-year from out-of-sample forecasts.

    ``view`` is the target-year view ``risk.combine_forecasts(...)``
    (``ewp_name``, ``year``, ``risk``, ``rank``): the risk of year ``Y`` was
    forecast from data of ``Y-1`` and ``Y-2``, before anything that happened
    in ``Y``. With ``top`` the groups are ``top {top}`` (rank at most ``top``)
    and ``rest``; otherwise ``quantiles`` groups of risk within each year
    (``low``, ``middle``, ``high`` for three). Returns ``ewp_name``, ``year``,
    ``risk_group``; country-years without a forecast are left out.
    """
    v = view.dropna(subset=["risk"])[["ewp_name", "year", "risk", "rank"]].copy()
    if top is not None:
        v["risk_group"] = np.where(v["rank"] <= top, f"top {top}", "rest")
    else:
        labels = {2: ["lower", "higher"], 3: ["low", "middle", "high"]}.get(quantiles, [f"q{i + 1}" for i in range(quantiles)])
        v["risk_group"] = v.groupby("year")["risk"].transform(lambda r: pd.qcut(r.rank(method="first"), quantiles, labels=labels).astype(str))
    return v[["ewp_name", "year", "risk_group"]].reset_index(drop=True)


# Event study -------------------------------------------------------------------


def event_study(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    event_types: Iterable[str] | None = None,
    window: tuple[int, int] = (-3, 5),
    outcome: str = "mk_onset",
    strata: str | None = None,
    years: tuple[int, int] | None = None,
    clean: int | None = None,
    level: float = 0.9,
    n_boot: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Onset rate in the years around events, against similar country-years without one.

    An *event year* is a country-year with at least one event of
    ``event_types`` (several events in a year count once). For each relative
    year ``k`` in ``window`` (inclusive), the event rate is the share of event
    years ``t0`` whose country had ``outcome == 1`` in ``t0 + k``. The
    comparison takes every *clean* country-year ``t`` (no event in the country
    in ``t - clean .. t + clean``; ``clean`` defaults to the window's largest
    reach) as a pseudo-event and measures the same thing. If ``strata`` names a
    column of ``panel`` (e.g. a risk group of the reference year), comparison
    rates are computed within each stratum and weighted by the event years'
    mix of strata (exact matching on the stratum); reference years with a
    missing stratum are dropped. ``years`` limits the reference years (both
    kinds) to ``first..last``.

    Returns one row per ``stratum`` (``all``, then each stratum) and ``k``:
    ``events`` (event years whose outcome in ``t0 + k`` is in the panel),
    ``onsets``, ``rate`` with its exact interval ``rate_low``-``rate_high`` at
    ``level``, ``controls`` (comparison country-years), ``expected`` (the
    matched comparison rate) and ``difference`` = rate - expected. With
    ``n_boot > 0``, ``diff_low``-``diff_high`` is a percentile interval from
    resampling countries with replacement (seeded).
    """
    need = ["ewp_name", "year", outcome] + ([strata] if strata else [])
    require_columns(panel, need, "event_study", "panel")
    pre, post = window
    if pre > post:
        raise ValueError(f"event_study: window {window} must be (first, last) with first <= last")
    clean = max(abs(pre), abs(post)) if clean is None else clean
    ks = np.arange(pre, post + 1)

    p = panel[need].copy()
    p["ewp_name"] = p["ewp_name"].astype(str)
    p["stratum"] = p[strata].astype("string") if strata else "all"
    y = p.set_index(["ewp_name", "year"])[outcome]
    ev = event_years(events, event_types)
    ev = ev[ev["ewp_name"].isin(set(p["ewp_name"]))]

    ref = p[["ewp_name", "year", "stratum"]].dropna(subset=["stratum"])
    if years is not None:
        ref = ref[ref["year"].between(*years)]
    is_event = ref.set_index(["ewp_name", "year"]).index.isin(ev.set_index(["ewp_name", "year"]).index)
    near = np.zeros(len(ref), dtype=bool)
    ev_idx = ev.set_index(["ewp_name", "year"]).index
    for d in range(-clean, clean + 1):
        shifted = pd.MultiIndex.from_arrays([ref["ewp_name"], ref["year"] + d])
        near |= shifted.isin(ev_idx)
    ref = ref.assign(group=np.where(is_event, "event", np.where(near, "none", "control")))
    ref = ref[ref["group"] != "none"]

    rows = []
    for k in ks:
        idx = pd.MultiIndex.from_arrays([ref["ewp_name"], ref["year"] + k])
        val = y.reindex(idx).to_numpy(dtype=float)
        rows.append(ref.assign(k=int(k), y=val))
    long = pd.concat(rows, ignore_index=True).dropna(subset=["y"])
    cells = long.groupby(["ewp_name", "stratum", "k", "group"])["y"].agg(["size", "sum"]).reset_index()

    countries = np.array(sorted(cells["ewp_name"].unique()))
    strata_vals = sorted(cells["stratum"].unique())
    ci = pd.Index(countries).get_indexer(cells["ewp_name"])
    si = pd.Index(strata_vals).get_indexer(cells["stratum"])
    ki = cells["k"].to_numpy() - pre
    gi = (cells["group"] == "event").to_numpy().astype(int)
    shape = (len(countries), len(strata_vals), len(ks), 2)
    n_arr = np.zeros(shape)
    s_arr = np.zeros(shape)
    np.add.at(n_arr, (ci, si, ki, gi), cells["size"].to_numpy())
    np.add.at(s_arr, (ci, si, ki, gi), cells["sum"].to_numpy())

    def summarise(n: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per stratum (first 'all') and k: events, onsets, controls, expected; n, s summed over countries."""
        ne, se = n[..., 1], s[..., 1]
        nc, sc = n[..., 0], s[..., 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            crate = sc / nc
            exp_s = np.where(ne > 0, crate, np.nan)
            exp_all = np.nansum(np.where(ne > 0, ne * crate, 0), axis=-2) / ne.sum(axis=-2)
        return (
            np.concatenate([ne.sum(axis=-2, keepdims=True), ne], axis=-2),
            np.concatenate([se.sum(axis=-2, keepdims=True), se], axis=-2),
            np.concatenate([nc.sum(axis=-2, keepdims=True), nc], axis=-2),
            np.concatenate([exp_all[..., None, :], exp_s], axis=-2),
        )

    ne, se, nc, expected = summarise(n_arr.sum(axis=0), s_arr.sum(axis=0))
    labels = ["all"] + list(strata_vals) if strata else ["all"]
    ne, se, nc, expected = ne[: len(labels)], se[: len(labels)], nc[: len(labels)], expected[: len(labels)]
    out = pd.DataFrame(
        {
            "stratum": np.repeat(labels, len(ks)),
            "k": np.tile(ks, len(labels)),
            "events": ne.ravel().astype(int),
            "onsets": se.ravel().astype(int),
            "controls": nc.ravel().astype(int),
            "expected": expected.ravel(),
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = out["onsets"] / out["events"].where(out["events"] > 0)
    out["rate_low"], out["rate_high"] = clopper_pearson_arrays(out["onsets"].to_numpy(), out["events"].to_numpy(), level)
    out["difference"] = out["rate"] - out["expected"]
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        diffs = np.empty((n_boot, len(out)))
        for b in range(n_boot):
            w = rng.multinomial(len(countries), np.full(len(countries), 1 / len(countries)))
            nb = np.tensordot(w, n_arr, axes=1)
            sb = np.tensordot(w, s_arr, axes=1)
            e_n, e_s, _, e_x = summarise(nb, sb)
            with np.errstate(invalid="ignore", divide="ignore"):
                diffs[b] = (e_s[: len(labels)] / e_n[: len(labels)] - e_x[: len(labels)]).ravel()
        a = (1 - level) / 2
        with np.errstate(invalid="ignore"):
            out["diff_low"] = np.nanquantile(diffs, a, axis=0)
            out["diff_high"] = np.nanquantile(diffs, 1 - a, axis=0)
    cols = ["stratum", "k", "events", "onsets", "rate", "rate_low", "rate_high", "controls", "expected", "difference"]
    return out[cols + (["diff_low", "diff_high"] if n_boot > 0 else [])]


def within_rate(
    flags: pd.DataFrame,
    panel: pd.DataFrame,
    flag: str,
    horizon: int = 2,
    outcome: str = "mk_onset",
    level: float = 0.9,
    by: str | None = None,
) -> pd.DataFrame:
    """P(an onset in the next ``horizon`` years | flag) against P(... | no flag), with exact intervals.

    ``flags`` has ``ewp_name``, ``year`` and the boolean column ``flag`` (and
    ``by`` if given). The outcome of a country-year ``t`` is whether
    ``outcome`` is 1 in any of ``t+1 .. t+horizon`` (country-years whose
    ``horizon`` years are not all in the panel are dropped). Returns one row
    per ``flag`` value (and ``by`` group): ``country_years``, ``onsets``,
    ``rate``, ``rate_low``, ``rate_high``.
    """
    y = panel[["ewp_name", "year", outcome]].copy()
    y["ewp_name"] = y["ewp_name"].astype(str)
    y = y.set_index(["ewp_name", "year"])[outcome]
    f = flags.copy()
    f["ewp_name"] = f["ewp_name"].astype(str)
    ahead = []
    for h in range(1, horizon + 1):
        ahead.append(y.reindex(pd.MultiIndex.from_arrays([f["ewp_name"], f["year"] + h])).to_numpy(dtype=float))
    mat = np.column_stack(ahead)
    known = ~np.isnan(mat).any(axis=1)
    f = f[known].assign(onset_ahead=(np.nan_to_num(mat[known]) > 0).any(axis=1).astype(int))
    keys = [by, flag] if by else [flag]
    g = f.groupby(keys).agg(country_years=("onset_ahead", "size"), onsets=("onset_ahead", "sum")).reset_index()
    g["rate"] = g["onsets"] / g["country_years"]
    g["rate_low"], g["rate_high"] = clopper_pearson_arrays(g["onsets"].to_numpy(), g["country_years"].to_numpy(), level)
    return g


# Onsets that follow events, and lead times -------------------------------------


def onsets_after(events: pd.DataFrame, panel: pd.DataFrame, horizon: int = 2, event_types: Iterable[str] | None = None) -> pd.DataFrame:
    """Onsets (``mk_onset == 1`` in the panel) in the year of an event or the ``horizon`` years after.

    Returns one row per onset and preceding event: ``ewp_name``,
    ``onset_year``, ``event_date``, ``event_type``, ``years_after`` (onset year
    minus event year; 0 means the same calendar year, when the order is not
    known from yearly data). Sorted by onset year and country.
    """
    ev = select_types(events, event_types).dropna(subset=["ewp_name"]).copy()
    ev["ewp_name"] = ev["ewp_name"].astype(str)
    ev["event_year"] = pd.to_datetime(ev["date"]).dt.year
    on = panel.loc[panel["mk_onset"].eq(1), ["ewp_name", "year"]].rename(columns={"year": "onset_year"})
    on["ewp_name"] = on["ewp_name"].astype(str)
    m = on.merge(ev[["ewp_name", "date", "event_type", "event_year"]], on="ewp_name")
    m["years_after"] = m["onset_year"] - m["event_year"]
    m = m[m["years_after"].between(0, horizon)]
    m = m.rename(columns={"date": "event_date"})[["ewp_name", "onset_year", "event_date", "event_type", "years_after"]]
    return m.sort_values(["onset_year", "ewp_name", "event_date"], ignore_index=True)


def event_leads(
    events: pd.DataFrame,
    panel: pd.DataFrame,
    max_lead: int = 2,
    event_types: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """For each onset, the latest event of ``event_types`` in the same country before it, and the lead in years.

    Only events in ``onset_year - max_lead .. onset_year`` count (a same-year
    event may have come after the onset: yearly onsets give no order).
    ``years`` limits the onsets to ``first..last`` (use the years the event
    data cover). Returns ``ewp_name``, ``onset_year``, ``preceded`` (bool),
    ``last_event`` (date or NaT) and its ``last_type``, ``lead_years`` and ``events_before``
    (events in the window), sorted by onset year and country.
    """
    on = panel.loc[panel["mk_onset"].eq(1), ["ewp_name", "year"]].rename(columns={"year": "onset_year"}).copy()
    on["ewp_name"] = on["ewp_name"].astype(str)
    if years is not None:
        on = on[on["onset_year"].between(*years)]
    ev = select_types(events, event_types).dropna(subset=["ewp_name"]).copy()
    ev["ewp_name"] = ev["ewp_name"].astype(str)
    ev["event_year"] = pd.to_datetime(ev["date"]).dt.year
    m = on.merge(ev[["ewp_name", "date", "event_type", "event_year"]], on="ewp_name", how="left")
    m["lead_years"] = m["onset_year"] - m["event_year"]
    m = m[m["lead_years"].between(0, max_lead)].sort_values(["ewp_name", "onset_year", "date", "event_type"])
    g = (
        m.groupby(["ewp_name", "onset_year"])
        .agg(last_event=("date", "last"), last_type=("event_type", "last"), events_before=("date", "size"))
        .reset_index()
    )
    out = on.merge(g, on=["ewp_name", "onset_year"], how="left")
    out["events_before"] = out["events_before"].fillna(0).astype(int)
    out["preceded"] = out["events_before"] > 0
    out["lead_years"] = out["onset_year"] - pd.to_datetime(out["last_event"]).dt.year
    cols = ["ewp_name", "onset_year", "preceded", "last_event", "last_type", "lead_years", "events_before"]
    return out[cols].sort_values(["onset_year", "ewp_name"], ignore_index=True)


# Electoral violence around polling days ------------------------------------------


def deco_polling_days(deco: pd.DataFrame, gap_days: int = 30) -> pd.DataFrame:
    """Polling days inferred from DECO as an events frame (``event_type`` ``election``).

    DECO has no election dates. Its timing code ``2`` marks events on polling
    day (the events line up with known polling days, such as Afghanistan's
    20 August 2009). The dates of events coded ``2`` alone are grouped by
    country; dates less than ``gap_days`` apart are one election, dated by its
    first polling day. Only elections with at least one deadly polling-day
    event are found this way.
    """
    need = ["electoral_timing", "date_start", "ewp_name", "cow", "gw", "iso3"]
    require_columns(deco, need, "deco_polling_days", "DECO frame", "Load it with whatworks.data.load_deco().")
    d = deco[deco["electoral_timing"].astype(str).eq("2")].dropna(subset=["ewp_name"])
    d = d.assign(ewp_name=d["ewp_name"].astype(str), date=pd.to_datetime(d["date_start"]))
    rows = []
    for name, g in d.groupby("ewp_name", sort=True):
        dates = np.sort(g["date"].unique())
        starts = np.r_[True, np.diff(dates) >= np.timedelta64(gap_days, "D")]
        cluster = np.cumsum(starts)
        for c in np.unique(cluster):
            rows.append((name, dates[cluster == c][0], int((cluster == c).sum())))
    out = pd.DataFrame(rows, columns=["ewp_name", "date", "n_days"])
    codes = d.drop_duplicates("ewp_name").set_index("ewp_name")
    out["country"] = out["ewp_name"]
    for c in ("cow", "gw", "iso3"):
        out[c] = out["ewp_name"].map(codes[c])
    out["event_type"] = "election"
    out["deaths"] = np.nan
    out["description"] = "Polling day inferred from DECO events on polling day (" + out["n_days"].astype(str) + " dates)"
    out["source"] = _DECO_SOURCE
    return _finish(out)


def months_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole calendar months from ``earlier`` to ``later`` (same month = 0)."""
    a, b = pd.to_datetime(later), pd.to_datetime(earlier)
    return (a.dt.year - b.dt.year) * 12 + (a.dt.month - b.dt.month)


def align_to_elections(violence: pd.DataFrame, elections: pd.DataFrame, span: int = 12) -> pd.DataFrame:
    """Each violent event beside the nearest election in its country, within ``span`` months.

    ``violence`` and ``elections`` are events frames (e.g. ``electoral_violence``
    and ``election`` rows). Returns the violent events that have an election
    in the same country within ``span`` calendar months, with ``election_date``,
    ``month`` (calendar months from the election month, negative before) and
    ``phase``: ``before``, ``polling day`` or ``after`` (by date).
    """
    v = violence.dropna(subset=["ewp_name"]).assign(ewp_name=lambda x: x["ewp_name"].astype(str))
    e = elections.dropna(subset=["ewp_name"]).assign(ewp_name=lambda x: x["ewp_name"].astype(str))
    v = v.reset_index(drop=True).assign(_row=lambda x: np.arange(len(x)))
    m = v.merge(e[["ewp_name", "date"]].rename(columns={"date": "election_date"}), on="ewp_name")
    m["gap"] = (m["date"] - m["election_date"]).dt.days.abs()
    m = m.sort_values(["_row", "gap", "election_date"]).drop_duplicates("_row")
    m["month"] = months_between(m["date"], m["election_date"])
    m = m[m["month"].abs() <= span]
    m["phase"] = np.select([m["date"] < m["election_date"], m["date"] == m["election_date"]], ["before", "polling day"], "after")
    return m.drop(columns=["_row", "gap"]).sort_values(["ewp_name", "date"], ignore_index=True)


def monthly_profile(aligned: pd.DataFrame) -> pd.DataFrame:
    """Deaths and events by month relative to the election and by phase (from :func:`align_to_elections`).

    Returns ``month``, ``phase``, ``deaths``, ``events`` and ``elections`` (how
    many elections contributed events to that month and phase).
    """
    g = aligned.assign(election=aligned["ewp_name"] + aligned["election_date"].astype(str))
    out = g.groupby(["month", "phase"]).agg(deaths=("deaths", "sum"), events=("deaths", "size"), elections=("election", "nunique")).reset_index()
    out["deaths"] = out["deaths"].astype(float)
    return out.sort_values(["month", "phase"], ignore_index=True)


def violence_episodes(violence: pd.DataFrame, gap_months: int = 6) -> pd.DataFrame:
    """Group violent events into episodes: in one country, events less than ``gap_months`` apart.

    Returns one row per episode: ``ewp_name``, ``country``, ``first``, ``last`` (dates),
    ``events``, ``deaths`` and ``share`` of all deaths in ``violence``,
    sorted by deaths (largest first).
    """
    v = violence.dropna(subset=["ewp_name"]).assign(ewp_name=lambda x: x["ewp_name"].astype(str)).sort_values(["ewp_name", "date"])
    mi = v["date"].dt.year * 12 + v["date"].dt.month
    new = (v["ewp_name"] != v["ewp_name"].shift()) | (mi - mi.shift() >= gap_months)
    v = v.assign(episode=new.cumsum())
    if "country" not in v.columns:
        v = v.assign(country=v["ewp_name"])
    out = v.groupby("episode").agg(
        ewp_name=("ewp_name", "first"),
        country=("country", "first"),
        first=("date", "min"),
        last=("date", "max"),
        events=("date", "size"),
        deaths=("deaths", "sum"),
    )
    out["share"] = out["deaths"] / float(v["deaths"].sum())
    return out.sort_values(["deaths", "ewp_name", "first"], ascending=[False, True, True], ignore_index=True)


# Trigger watch -------------------------------------------------------------------------


def coup_record(events: pd.DataFrame, coup_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """The latest coup or attempt in each country, from dated events and, after them, a list of coup years.

    ``events`` is an events frame (its ``coup`` and ``coup_attempt`` rows count: the Powell and
    Thyne file, dated to the day, ends in November 2022); ``coup_years`` is
    ``data.load_coup_years()`` (the Early Warning Project's country-years with an attempt, to
    2024, years only). Where a country's latest coup year is later than its latest dated event,
    the year is shown alone and its source is the year list. Returns ``ewp_name``, ``last_year``,
    ``last_date`` (the dated event, or NaT), ``label`` (``Jul 2021``, or ``2023`` for a year
    only) and ``source``.
    """
    ev = events[events["event_type"].isin(["coup", "coup_attempt"])].dropna(subset=["ewp_name"])
    ev = ev.assign(ewp_name=ev["ewp_name"].astype(str))
    dated = ev.groupby("ewp_name")["date"].max().rename("last_date").to_frame()
    dated["event_year"] = dated["last_date"].dt.year
    if coup_years is not None:
        require_columns(coup_years, ["ewp_name", "year"], "coup_record", "coup-years frame", "Load it with whatworks.data.load_coup_years().")
        cy = coup_years.dropna(subset=["ewp_name"]).assign(ewp_name=lambda x: x["ewp_name"].astype(str))
        dated = dated.join(cy.groupby("ewp_name")["year"].max().rename("list_year"), how="outer")
    else:
        dated["list_year"] = np.nan
    later = dated["list_year"].gt(dated["event_year"].fillna(-1))
    out = pd.DataFrame(index=dated.index)
    out["last_year"] = np.where(later, dated["list_year"], dated["event_year"]).astype(int)
    out["last_date"] = dated["last_date"].where(~later)
    out["label"] = np.where(later, out["last_year"].astype(str), out["last_date"].dt.strftime("%b %Y"))
    out["source"] = np.where(later, _COUP_YEARS_SOURCE, _COUP_SOURCE)
    return out.reset_index().rename(columns={"index": "ewp_name"}).sort_values("ewp_name", ignore_index=True)


def stale_elections(elections: pd.DataFrame, today: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Rows of an elections table whose status can no longer be true: ``scheduled`` with a date that has passed.

    A date is passed when the election's last possible day (``2026-12`` counts to 31 December)
    is before the row's ``status_as_of`` or before ``today`` (default: the current date). Returns
    those rows with ``reason`` (which of the two dates it is past).
    """
    require_columns(elections, ["expected_date", "status", "status_as_of"], "stale_elections", "elections table")
    today = pd.Timestamp.today().normalize() if today is None else pd.Timestamp(today)
    last_day = elections["expected_date"].astype(str).map(_last_day)
    as_of = pd.to_datetime(elections["status_as_of"])
    scheduled = elections["status"].astype(str).str.strip().eq("scheduled")
    past_as_of = scheduled & (last_day < as_of)
    past_today = scheduled & (last_day < today)
    out = elections[past_as_of | past_today].copy()
    out["reason"] = np.where(past_as_of[out.index], "date before its own status_as_of", f"date before {today:%Y-%m-%d}")
    return out


def _last_day(date: str) -> pd.Timestamp:
    """The last day an election dated ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` can fall on."""
    parts = date.strip().split("-")
    if len(parts) == 1:
        return pd.Timestamp(int(parts[0]), 12, 31)
    if len(parts) == 2:
        return pd.Timestamp(int(parts[0]), int(parts[1]), 1) + pd.offsets.MonthEnd(0)
    return pd.Timestamp(date)


def upcoming_elections(elections: pd.DataFrame, today: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The rows of an elections table still ahead: status ``scheduled`` and not stale (:func:`stale_elections`)."""
    stale = stale_elections(elections, today)
    keep = elections["status"].astype(str).str.strip().eq("scheduled") & ~elections.index.isin(stale.index)
    return elections[keep]


def trigger_watch(
    ranking: pd.DataFrame,
    panel: pd.DataFrame,
    events: pd.DataFrame,
    battle_years: pd.DataFrame,
    elections: pd.DataFrame,
    year: int,
    top: int = 30,
    coup_years: pd.DataFrame | None = None,
    today: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Which known trigger types apply now to the ``top`` countries of a risk ranking.

    ``ranking`` is ``risk.forecast(...)`` (``ewp_name``, ``country``, ``risk``,
    ``rank``); ``panel`` gives ``coup.try.5yr`` for ``year`` (a coup attempt in
    the five years ``year - 4 .. year``, EWP coding); ``events`` the coup events and
    ``coup_years`` the coup years after them (:func:`coup_record`: the latest one is shown,
    with its source); where the panel's flag and the coup record disagree (a panel newer or
    older than the record), ``coup_clash`` is true and ``last_coup_label`` says so.
    ``battle_years`` is :func:`battle_death_jumps` (battle deaths and jump in ``year``);
    ``elections`` a fact table with ``country``, ``election``, ``expected_date``, ``status``
    and ``status_as_of`` (rows whose country is not in the crosswalk raise an error): only
    elections still ahead on ``today`` count (:func:`upcoming_elections`); held ones and ones
    whose date has passed are listed apart (a ``scheduled`` row whose date has passed reads
    "date passed"). Returns one row per country with ``coup_5yr``,
    ``last_coup`` (date, or NaT for a year only), ``last_coup_year``, ``last_coup_label``,
    ``last_coup_source``, ``coup_clash``, ``battle_deaths``, ``jump``, ``elections`` (those ahead, text),
    ``elections_past`` (text) and ``triggers`` (how many of the three apply).
    """

    top_rows = ranking.nsmallest(top, "rank", keep="all")[["rank", "ewp_name", "country", "risk"]].copy()
    top_rows["ewp_name"] = top_rows["ewp_name"].astype(str)
    p = panel.loc[panel["year"] == year, ["ewp_name", "coup.try.5yr"]].assign(ewp_name=lambda x: x["ewp_name"].astype(str))
    out = top_rows.merge(p.rename(columns={"coup.try.5yr": "coup_5yr"}), on="ewp_name", how="left")
    rec = coup_record(events, coup_years).set_index("ewp_name")
    out["last_coup"] = out["ewp_name"].map(rec["last_date"])
    out["last_coup_year"] = out["ewp_name"].map(rec["last_year"]).astype("Int64")
    out["last_coup_label"] = out["ewp_name"].map(rec["label"]).fillna("")
    out["last_coup_source"] = out["ewp_name"].map(rec["source"]).fillna("")
    b = battle_years.loc[battle_years["year"] == year, ["ewp_name", "battle_deaths", "jump"]].assign(ewp_name=lambda x: x["ewp_name"].astype(str))
    out = out.merge(b, on="ewp_name", how="left")
    out["battle_deaths"] = out["battle_deaths"].fillna(0).astype(int)
    out["jump"] = out["jump"].astype("boolean").fillna(False).astype(bool)
    out["coup_5yr"] = out["coup_5yr"].fillna(0).astype(int).astype(bool)
    recent = out["last_coup_year"].ge(year - 4).fillna(False).astype(bool)
    # A panel newer or older than the coup record (a practitioner's own) can disagree with it: say so on the row.
    out["coup_clash"] = (out["coup_5yr"] != recent) if len(rec) else False
    out.loc[out["coup_clash"] & out["coup_5yr"], "last_coup_label"] = (
        out["last_coup_label"].replace("", "none recorded") + f" (the panel records an attempt in {year - 4}-{year}; the coup record does not)"
    )
    out.loc[out["coup_clash"] & ~out["coup_5yr"], "last_coup_label"] = (
        out["last_coup_label"] + f" (the panel records no attempt in {year - 4}-{year})"
    )
    el = harmonise(elections.copy(), "country", "name")
    el["ewp_name"] = el["ewp_name"].astype(str)
    stale = el.index.isin(stale_elections(el, today).index)
    status = el["status"].astype(str).where(~stale, "date passed; the last source, of " + el["status_as_of"].astype(str) + ", said scheduled")
    el["text"] = el["expected_date"].astype(str) + ": " + el["election"] + " (" + status + ", as of " + el["status_as_of"].astype(str) + ")"
    el.loc[stale, "text"] = el["expected_date"].astype(str) + ": " + el["election"] + " (" + status + ")"
    ahead = upcoming_elections(el, today)
    out["elections"] = out["ewp_name"].map(ahead.groupby("ewp_name")["text"].agg("; ".join)).fillna("")
    past = el[~el.index.isin(ahead.index)]
    out["elections_past"] = out["ewp_name"].map(past.groupby("ewp_name")["text"].agg("; ".join)).fillna("")
    out["triggers"] = out["coup_5yr"].astype(int) + (out["battle_deaths"] >= 25).astype(int) + out["elections"].ne("").astype(int)
    return out.sort_values(["rank", "ewp_name"], ignore_index=True)


# Charts ----------------------------------------------------------------------------------


# Tables for the text ---------------------------------------------------------------------


def study_table(study: pd.DataFrame, ks: Iterable[int] = range(0, 3)) -> pd.DataFrame:
    """Rows of :func:`event_study` for the years ``ks`` as a readable table (rates and intervals as text)."""
    s = study[study["k"].isin(list(ks))]
    out = pd.DataFrame(
        {
            "years since": s["k"],
            "event years": s["events"],
            "onsets": s["onsets"],
            "onset rate (90% interval)": [f"{r:.1%} ({lo:.1%}-{hi:.1%})" for r, lo, hi in zip(s["rate"], s["rate_low"], s["rate_high"], strict=True)],
            "comparison": s["expected"].map("{:.1%}".format),
        }
    )
    if "diff_low" in s.columns:
        out["difference, points (90% interval)"] = [
            f"{100 * d:+.1f} ({100 * lo:+.1f} to {100 * hi:+.1f})" for d, lo, hi in zip(s["difference"], s["diff_low"], s["diff_high"], strict=True)
        ]
    else:
        out["difference, points"] = [f"{100 * d:+.1f}" for d in s["difference"]]
    return out.set_index("years since")


def rate_table(rates: pd.DataFrame, flag: str, labels: dict[bool, str], horizon: int = 2, by: str | None = None) -> pd.DataFrame:
    """Rows of :func:`within_rate` as a readable table, the flag's values named by ``labels``."""
    out = pd.DataFrame(
        {
            "": rates[flag].map(labels),
            "country-years": rates["country_years"],
            "onsets": rates["onsets"],
            f"onset within {horizon} years (90% interval)": [
                f"{r:.1%} ({lo:.1%}-{hi:.1%})" for r, lo, hi in zip(rates["rate"], rates["rate_low"], rates["rate_high"], strict=True)
            ],
        }
    )
    if by is not None:
        out.insert(0, by, rates[by].to_numpy())
        return out.set_index([by, ""])
    return out.set_index("")
