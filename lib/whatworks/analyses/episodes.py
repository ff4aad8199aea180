"""Mass-killing episodes: counts over time from the EWP episode list."""

from __future__ import annotations

import pandas as pd

from whatworks.errors import DataError, require_columns


def ongoing_by_year(episodes: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Number of episodes under way in each year, by perpetrator type.

    An episode counts in every year from its start to its end year inclusive;
    an ongoing episode (no end year) counts up to ``last_year``. Returns
    columns ``year``, ``perpetrator_type``, ``episodes`` with every
    year-type pair present (zeros included), sorted.
    """
    end = episodes["end_year"].fillna(last_year).astype(int).clip(upper=last_year)
    start = episodes["start_year"].astype(int)
    years = pd.RangeIndex(first_year, last_year + 1, name="year")
    rows = {
        kind: [int(((start <= y) & (end >= y) & episodes["perpetrator_type"].eq(kind)).sum()) for y in years]
        for kind in ("State-Led", "Non-State-Led")
    }
    wide = pd.DataFrame(rows, index=years)
    return (
        wide.reset_index()
        .melt("year", var_name="perpetrator_type", value_name="episodes")
        .sort_values(["year", "perpetrator_type"], ignore_index=True)
    )


# Starts, endings and timelines ------------------------------------------------
#
# The functions below take any frame laid out like whatworks.data.load_mk_episodes()
# returns (schema ``episodes`` in data/sources.yaml), so they work on a local
# episode file loaded with ``data.load_mk_episodes(path)`` as on the published list.

LOAD_EPISODES = "Load the episode file with whatworks.data.load_mk_episodes(path), which checks and renames its columns."
PERPETRATOR_TYPES = ("State-Led", "Non-State-Led")


def flows_by_year(episodes: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Episodes that started, ended and were under way in each year, by perpetrator type.

    An episode *starts* in its start year and *ends* in its end year (the last
    year of killing the list records); ongoing episodes have no ending. Returns
    columns ``year``, ``perpetrator_type``, ``starts``, ``endings``, ``ongoing``
    with every year-type pair present (zeros included), sorted. ``ongoing``
    is :func:`ongoing_by_year`'s count.
    """
    require_columns(episodes, ("start_year", "end_year", "perpetrator_type"), "flows_by_year", "episode frame", LOAD_EPISODES)
    grid = ongoing_by_year(episodes, first_year, last_year).rename(columns={"episodes": "ongoing"})
    start = episodes["start_year"].astype(int)
    end = episodes["end_year"]
    starts = episodes.assign(year=start).groupby(["year", "perpetrator_type"]).size().rename("starts")
    ended = episodes[end.notna()]
    endings = ended.assign(year=ended["end_year"].astype(int)).groupby(["year", "perpetrator_type"]).size().rename("endings")
    out = grid.join(starts, on=["year", "perpetrator_type"]).join(endings, on=["year", "perpetrator_type"])
    out[["starts", "endings"]] = out[["starts", "endings"]].fillna(0).astype("int64")
    return out[["year", "perpetrator_type", "starts", "endings", "ongoing"]].sort_values(["year", "perpetrator_type"], ignore_index=True)


def flows_by_period(flows: pd.DataFrame, years: int = 5) -> pd.DataFrame:
    """Starts and endings summed over periods of ``years`` years (e.g. 1945-1949).

    ``flows`` comes from :func:`flows_by_year`. Returns ``period`` (label),
    ``period_start``, ``perpetrator_type``, ``starts``, ``endings`` and
    ``ongoing_at_end`` (episodes under way in the period's last year).
    """
    df = flows.copy()
    first = int(df["year"].min())
    df["period_start"] = first + (df["year"] - first) // years * years
    last_in = df.groupby("period_start")["year"].transform("max")
    grouped = df.groupby(["period_start", "perpetrator_type"], sort=True)
    out = grouped[["starts", "endings"]].sum().reset_index()
    out["ongoing_at_end"] = (
        df[df["year"].eq(last_in)]
        .set_index(["period_start", "perpetrator_type"])["ongoing"]
        .reindex(pd.MultiIndex.from_frame(out[["period_start", "perpetrator_type"]]))
        .to_numpy()
    )
    period_end = df.groupby("period_start")["year"].max()
    out["period"] = [f"{s}-{period_end[s]}" for s in out["period_start"]]
    return out[["period", "period_start", "perpetrator_type", "starts", "endings", "ongoing_at_end"]]


def select_cases(episodes: pd.DataFrame, cases: dict[str, list[str]]) -> pd.DataFrame:
    """The episodes of each named case, with a ``case`` column.

    ``cases`` maps a case label to selectors; an episode belongs to the case if
    any selector equals its ``iso3``, ``country``, ``country_name`` or episode
    ``code`` (case-insensitive). For example ``{"Iraq": ["IRQ"],
    "Bosnia-Herzegovina": ["yug1192s1"]}``: the EWP list files the Bosnian
    episode under Yugoslavia, so it is picked by its code. Raises DataError if
    a case matches no episode.
    """

    keys = [c for c in ("iso3", "country", "country_name", "code") if c in episodes.columns]
    if not keys:
        raise DataError("select_cases: the episode frame has none of the columns iso3, country, country_name, code")
    frames = []
    for label, selectors in cases.items():
        wanted = {s.casefold() for s in selectors}
        mask = pd.Series(False, index=episodes.index)
        for k in keys:
            mask |= episodes[k].astype("string").str.casefold().isin(wanted).fillna(False)
        if not mask.any():
            raise DataError(f"select_cases: case {label!r} matches no episode (selectors {selectors} looked up in columns {keys})")
        frames.append(episodes[mask].assign(case=label))
    return pd.concat(frames, ignore_index=True)


def timeline_data(case_episodes: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """Bars for a timeline: one per episode, laid in lanes so that overlapping episodes of a case do not hide each other.

    ``case_episodes`` comes from :func:`select_cases`. Each bar spans whole
    years: from ``start_year`` to ``bar_end = end_year + 1`` (so a one-year
    episode has a visible width); an ongoing episode runs to ``last_year + 1``
    and is flagged ``ongoing``. ``lane`` is 0 for the first lane of a case, 1
    for the next, and so on (greedy, in order of start year).
    """
    require_columns(case_episodes, ("case", "start_year", "end_year", "perpetrator_type"), "timeline_data", "episode frame", LOAD_EPISODES)
    df = case_episodes.copy()
    df["ongoing"] = df["end_year"].isna()
    df["shown_end"] = df["end_year"].fillna(last_year).astype("int64")
    df["bar_end"] = df["shown_end"] + 1
    df = df.sort_values(["case", "start_year", "shown_end"], kind="stable", ignore_index=True)
    lanes: list[int] = []
    for _, g in df.groupby("case", sort=False):
        ends: list[int] = []  # bar_end of the last bar in each lane
        for start, bar_end in zip(g["start_year"], g["bar_end"], strict=True):
            lane = next((i for i, e in enumerate(ends) if e <= start), len(ends))
            if lane == len(ends):
                ends.append(bar_end)
            else:
                ends[lane] = bar_end
            lanes.append(lane)
    df["lane"] = lanes
    df["end_label"] = [("ongoing in " + str(last_year)) if o else str(int(e)) for o, e in zip(df["ongoing"], df["shown_end"], strict=True)]
    return df


def death_figures(case_facts: pd.DataFrame) -> pd.DataFrame:
    """The published death figures of a fact table like ``data/endings_cases.csv``, one row per figure.

    Rows whose ``topic`` is ``deaths`` give a ``low`` and/or a ``high`` figure. Where ``bounds``
    says ``95% interval``, low and high are the bounds of a statistical interval, not published
    figures: the row's ``point`` estimate is used instead. Returns ``case``, ``counted`` (what the
    figure counts) and ``figure``.
    """
    require_columns(case_facts, ("case", "topic", "low", "high"), "death_figures", "case-facts frame")
    d = case_facts[case_facts["topic"].eq("deaths")].copy()
    for c in ("low", "high", "point"):
        d[c] = pd.to_numeric(d[c], errors="coerce") if c in d.columns else float("nan")
    counted = d["counted"].astype("string").fillna("") if "counted" in d.columns else pd.Series("", index=d.index, dtype="string")
    d["counted"] = counted
    interval = d["bounds"].astype("string").str.strip().eq("95% interval").fillna(False) if "bounds" in d.columns else pd.Series(False, index=d.index)
    if (interval & d["point"].isna()).any():
        raise ValueError("death_figures: a row with a 95% interval needs its point estimate in 'point'")
    points = d.loc[interval, ["case", "counted", "point"]].rename(columns={"point": "figure"})
    ends = d.loc[~interval, ["case", "counted", "low", "high"]].melt(["case", "counted"], value_name="figure").drop(columns="variable")
    out = pd.concat([points, ends]).dropna(subset=["figure"])
    return out.reset_index(drop=True)


def death_ranges(case_facts: pd.DataFrame, tolerance: float = 1.5) -> pd.DataFrame:
    """Range of the published death figures gathered for each case (see :func:`death_figures`).

    Returns, per case, ``estimates`` (rows), ``lowest`` and ``highest`` published figure (bounds
    of a statistical interval are not figures: its point estimate counts), ``ratio`` (highest /
    lowest), ``sources_disagree`` (True when ``ratio`` exceeds ``tolerance``: the figures shown are
    more than that many times apart) and ``same_count_ratio``, the widest highest / lowest among
    figures that count the same thing (same ``counted``; missing if no count has two figures), the
    one to quote when comparing like with like. Figures count different things (civilians or all
    war dead, different periods): the range shows how far published numbers spread, not an interval.
    """
    d = case_facts[case_facts["topic"].eq("deaths")]
    fig = death_figures(case_facts)
    out = d.groupby("case", sort=False).agg(estimates=("topic", "size"))
    out["lowest"] = fig.groupby("case")["figure"].min()
    out["highest"] = fig.groupby("case")["figure"].max()
    out["ratio"] = out["highest"] / out["lowest"]
    out["sources_disagree"] = out["ratio"].gt(tolerance)
    by_count = fig.groupby(["case", "counted"])["figure"].agg(["min", "max", "size"])
    by_count = by_count[by_count["size"] >= 2]
    out["same_count_ratio"] = (by_count["max"] / by_count["min"]).groupby(level="case").max()
    return out.reset_index()[["case", "estimates", "lowest", "highest", "ratio", "sources_disagree", "same_count_ratio"]]
