"""Mass-killing episodes: counts over time from the EWP episode list."""

from __future__ import annotations

import altair as alt
import pandas as pd


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
    return wide.reset_index().melt("year", var_name="perpetrator_type", value_name="episodes").sort_values(
        ["year", "perpetrator_type"], ignore_index=True
    )


# Starts, endings and timelines ------------------------------------------------
#
# The functions below take any frame laid out like whatworks.data.load_mk_episodes()
# returns (schema ``episodes`` in data/sources.yaml), so they work on a local
# episode file loaded with ``data.load_mk_episodes(path)`` as on the published list.

PERPETRATOR_TYPES = ("State-Led", "Non-State-Led")


def _require(episodes: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    from whatworks.errors import DataError

    missing = [c for c in columns if c not in episodes.columns]
    if missing:
        raise DataError(
            f"{what}: the episode frame lacks column(s) {missing}. "
            "Load the episode file with whatworks.data.load_mk_episodes(path), which checks and renames its columns."
        )


def flows_by_year(episodes: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Episodes that started, ended and were under way in each year, by perpetrator type.

    An episode *starts* in its start year and *ends* in its end year (the last
    year of killing the list records); ongoing episodes have no ending. Returns
    columns ``year``, ``perpetrator_type``, ``starts``, ``endings``, ``ongoing``
    with every year-type pair present (zeros included), sorted. ``ongoing``
    is :func:`ongoing_by_year`'s count.
    """
    _require(episodes, ("start_year", "end_year", "perpetrator_type"), "flows_by_year")
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
    out["ongoing_at_end"] = df[df["year"].eq(last_in)].set_index(["period_start", "perpetrator_type"])["ongoing"].reindex(
        pd.MultiIndex.from_frame(out[["period_start", "perpetrator_type"]])
    ).to_numpy()
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
    from whatworks.errors import DataError

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
    _require(case_episodes, ("case", "start_year", "end_year", "perpetrator_type"), "timeline_data")
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


def flows_chart(periods: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Starts (above zero) and endings (below zero) per period, by perpetrator type.

    ``periods`` comes from :func:`flows_by_period`.
    """
    from whatworks.charts import PALETTE, finding

    long = periods.melt(
        id_vars=["period", "period_start", "perpetrator_type", "ongoing_at_end"],
        value_vars=["starts", "endings"],
        var_name="flow",
        value_name="episodes",
    )
    long["signed"] = long["episodes"].where(long["flow"].eq("starts"), -long["episodes"])
    long["led_by"] = long["perpetrator_type"].map({"State-Led": "State-led", "Non-State-Led": "Non-state-led"})
    total_starts, total_end = int(periods["starts"].sum()), int(periods["endings"].sum())
    busiest = periods.groupby("period")["starts"].sum().idxmax()
    return (
        alt.Chart(long, title=finding(title, subtitle))
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=None, sort=alt.SortField("period_start"), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("signed:Q", title="Episodes started (up) and ended (down)", stack=True),
            color=alt.Color("led_by:N", title=None, scale=alt.Scale(domain=["State-led", "Non-state-led"], range=PALETTE[:2])),
            opacity=alt.Opacity("flow:N", scale=alt.Scale(domain=["starts", "endings"], range=[1.0, 0.55]), legend=None),
            tooltip=[
                alt.Tooltip("period:N"),
                alt.Tooltip("led_by:N", title="led by"),
                alt.Tooltip("flow:N", title="count of"),
                alt.Tooltip("episodes:Q"),
                alt.Tooltip("ongoing_at_end:Q", title="under way in the period's last year"),
            ],
        )
        .properties(
            width=620,
            height=320,
            description=(
                f"Bar chart by period ({periods['period'].iloc[0]} to {periods['period'].iloc[-1]}): "
                f"episodes that began (bars above zero) and ended (bars below zero), split into state-led and non-state-led; "
                f"{total_starts} starts and {total_end} endings in all, the most starts in {busiest}."
            ),
        )
    )


def timeline_chart(bars: pd.DataFrame, title: str, subtitle: str, first_year: int, last_year: int) -> alt.Chart:
    """One row per case, one bar per episode (overlapping episodes in separate lanes), coloured by perpetrator type.

    ``bars`` comes from :func:`timeline_data`. Ongoing episodes are drawn with a dark outline.
    """
    from whatworks.charts import PALETTE, finding

    df = bars.copy()
    df["led_by"] = df["perpetrator_type"].map({"State-Led": "State-led", "Non-State-Led": "Non-state-led"})
    cases = list(dict.fromkeys(df["case"]))
    n_lanes = int(df["lane"].max()) + 1
    name_col = "name" if "name" in df.columns else "case"
    return (
        alt.Chart(df, title=finding(title, subtitle))
        .mark_bar(height={"band": 0.9}, cornerRadius=2)
        .encode(
            y=alt.Y("case:N", title=None, sort=cases, axis=alt.Axis(labelFontSize=13, labelFontWeight=600)),
            yOffset=alt.YOffset("lane:O", scale=alt.Scale(domain=list(range(n_lanes)))),
            x=alt.X(
                "start_year:Q",
                title=None,
                axis=alt.Axis(format="d", tickCount=10),
                scale=alt.Scale(domain=[first_year, last_year + 1], nice=False),
            ),
            x2="bar_end:Q",
            color=alt.Color("led_by:N", title=None, scale=alt.Scale(domain=["State-led", "Non-state-led"], range=PALETTE[:2])),
            stroke=alt.condition("datum.ongoing", alt.value("#000000"), alt.value(None)),
            strokeWidth=alt.condition("datum.ongoing", alt.value(1.5), alt.value(0)),
            tooltip=[
                alt.Tooltip("case:N"),
                alt.Tooltip(f"{name_col}:N", title="episode"),
                alt.Tooltip("start_year:Q", title="began", format="d"),
                alt.Tooltip("end_label:N", title="ended"),
                alt.Tooltip("led_by:N", title="led by"),
            ],
        )
        .properties(
            width=520,
            height=alt.Step(16),
            description=(
                f"Timeline with one row per case ({', '.join(cases)}): each bar is one mass-killing episode in the Early Warning Project list, "
                f"from its first to its last year, coloured by whether the state or a non-state group led it; "
                f"{int(df['ongoing'].sum())} of the {len(df)} episodes shown were still ongoing in {last_year} (outlined)."
            ),
        )
    )


def death_ranges(case_facts: pd.DataFrame) -> pd.DataFrame:
    """Range of the death estimates gathered for each case, from a fact table like ``data/endings_cases.csv``.

    Uses the rows whose ``topic`` is ``deaths``; each has a ``low`` and/or a
    ``high`` figure. Returns, per case, ``estimates`` (rows), ``lowest`` and
    ``highest`` figure over all of them, ``ratio`` (highest / lowest) and
    ``sources_disagree`` (True if any row is flagged ``yes``). Figures count
    different things (civilians or all war dead, different periods): the
    range shows how far published numbers spread, not an interval.
    """
    _require(case_facts, ("case", "topic", "low", "high", "sources_disagree"), "death_ranges")
    d = case_facts[case_facts["topic"].eq("deaths")].copy()
    d["low"] = pd.to_numeric(d["low"], errors="coerce")
    d["high"] = pd.to_numeric(d["high"], errors="coerce")
    d["flag"] = d["sources_disagree"].astype("string").str.strip().str.lower().eq("yes").fillna(False)
    out = d.groupby("case", sort=False).agg(estimates=("topic", "size"), sources_disagree=("flag", "any"))
    both = pd.concat([d[["case", "low"]].rename(columns={"low": "v"}), d[["case", "high"]].rename(columns={"high": "v"})])
    out["lowest"] = both.groupby("case")["v"].min()
    out["highest"] = both.groupby("case")["v"].max()
    out["ratio"] = out["highest"] / out["lowest"]
    return out.reset_index()[["case", "estimates", "lowest", "highest", "ratio", "sources_disagree"]]


def typology_chart(facts: pd.DataFrame, title: str, subtitle: str) -> alt.Chart:
    """Bar chart of the published shares of ending types (rows ``measure == 'ending_type'`` of ``data/wpf_endings.csv``).

    The chart shows another dataset's published figures; nothing is computed here but the layout.
    """
    from whatworks.charts import PALETTE, finding

    d = facts[facts["measure"].eq("ending_type")].copy()
    d["value"] = pd.to_numeric(d["value"])
    d["text"] = d["value"].map(lambda v: f"{v:g}%")
    d["long_label"] = d["label"]
    if "short_label" in d.columns:
        d["label"] = d["short_label"].fillna(d["label"])
    order = list(d["label"])
    base = alt.Chart(d, title=finding(title, subtitle))
    bars = base.mark_bar(color=PALETTE[2]).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
        x=alt.X("value:Q", title="Share of the 43 cases (published, rounded)", scale=alt.Scale(domain=[0, 50])),
        tooltip=[
            alt.Tooltip("label:N", title="ending"),
            alt.Tooltip("long_label:N", title="as defined"),
            alt.Tooltip("text:N", title="published share"),
            alt.Tooltip("cases_in_set:Q", title="cases in the set"),
            alt.Tooltip("note:N", title="note"),
        ],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(y=alt.Y("label:N", sort=order), x="value:Q", text="text:N")
    shares = ", ".join(f"{lab} {v:g}%" for lab, v in zip(d["label"], d["value"], strict=True))
    return alt.layer(bars, labels).properties(
        width=300,
        height=alt.Step(44),
        description=(
            f"Bar chart of published figures from another dataset (Conley and Hazlett 2021, World Peace Foundation), "
            f"not computed in this book: of {int(d['cases_in_set'].iloc[0])} very large atrocities since 1945, {shares}."
        ),
    )
