"""Charts of the Risks chapter: replication, odds ratios, calibration, ranks of onsets, the ranking, trajectories."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.analyses.risk import PREDICTOR_LABELS
from whatworks.charts.theme import GREY, PALETTE, finding

# Charts ------------------------------------------------------------------------------
#
# Each function takes tidy frames and a title that states the finding (computed by the caller),
# and writes the chart's description (its text alternative) from the data it draws.

LEGEND = {"labelLimit": 320}


def _diagonal(top: float, scale: alt.Scale, x_title: str, y_title: str) -> alt.Chart:
    """The dashed line where the two axes agree, from 0 to ``top``."""
    return (
        alt.Chart(pd.DataFrame({"x": [0, top], "y": [0, top]}))
        .mark_line(color=GREY, strokeDash=[4, 4], strokeWidth=1)
        .encode(x=alt.X("x:Q", title=x_title, scale=scale), y=alt.Y("y:Q", title=y_title, scale=scale))
    )


def replication_chart(cmp: pd.DataFrame, title: str, subtitle: str) -> object:
    """Scatter of published against replicated risks (columns ``country``, ``published``, ``ours``), with the diagonal."""
    top = float(max(cmp["published"].max(), cmp["ours"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Published risk, 2025-26", "Our replication"
    diagonal = _diagonal(top, scale, xt, yt)
    points = (
        alt.Chart(cmp)
        .mark_circle(size=45, opacity=0.75, color=PALETTE[0])
        .encode(
            x=alt.X("published:Q", title=xt, axis=alt.Axis(format="%"), scale=scale),
            y=alt.Y("ours:Q", title=yt, axis=alt.Axis(format="%"), scale=scale),
            tooltip=["country:N", alt.Tooltip("published:Q", format=".2%"), alt.Tooltip("ours:Q", format=".2%")],
        )
    )
    far = cmp.assign(gap=(cmp["ours"] - cmp["published"]).abs()).nlargest(1, "gap").iloc[0]
    return (diagonal + points).properties(
        title=finding(title, subtitle),
        width=420,
        height=420,
        description=(
            f"Scatter plot of the risk of a new mass killing in 2025-26 for {len(cmp)} countries: the Early Warning "
            f"Project's published figure across, our replication up, with the diagonal of perfect agreement. The points "
            f"lie on the diagonal; the largest gap is for {far['country']} ({far['published']:.2%} published, "
            f"{far['ours']:.2%} ours)."
        ),
    )


def odds_ratio_chart(ors: pd.DataFrame, title: str, subtitle: str) -> object:
    """Dot plot of odds ratios by predictor (columns ``predictor``, ``source``, ``odds_ratio``), log scale.

    Rows are labelled with :data:`PREDICTOR_LABELS` and sorted by the odds ratio of the first source.
    """
    ors = ors.assign(label=ors["predictor"].map(PREDICTOR_LABELS).fillna(ors["predictor"]))
    order = ors[ors["source"] == ors["source"].iloc[0]].sort_values("odds_ratio", ascending=False)["label"].tolist()
    lo, hi = float(ors["odds_ratio"].min()), float(ors["odds_ratio"].max())
    base = alt.Chart(ors).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X(
            "odds_ratio:Q",
            title="Odds ratio per unit of the predictor (log scale)",
            scale=alt.Scale(type="log", domain=[lo * 0.9, hi * 1.1], nice=False),
        ),
        color=alt.Color("source:N", title=None, scale=alt.Scale(range=PALETTE[:2]), legend=alt.Legend(**LEGEND)),
        tooltip=["label:N", "predictor:N", "source:N", alt.Tooltip("odds_ratio:Q", format=".3f")],
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=GREY).encode(x="x:Q")
    top = ors.loc[ors["odds_ratio"].idxmax()]
    low = ors.loc[ors["odds_ratio"].idxmin()]
    return (one + base.mark_point(filled=True, size=70, opacity=0.85)).properties(
        title=finding(title, subtitle),
        width=300,
        height=max(200, 18 * len(order)),
        description=(
            f"Dot plot of the odds ratios of the {len(order)} predictors that the elastic net keeps, one row per predictor, "
            f"the published coefficients and ours side by side on a log scale with a line at 1 (no effect). The highest "
            f"is {top['odds_ratio']:.2f} for {top['label']}, the lowest {low['odds_ratio']:.2f} for {low['label']}."
        ),
    )


def calibration_chart(cal: pd.DataFrame, title: str, subtitle: str) -> object:
    """Observed share of onsets against mean forecast risk by bin, with intervals, per model (column ``model``)."""
    top = float(max(cal["high"].max(), cal["mean_risk"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Mean forecast risk in the bin", "Share followed by an onset"
    diagonal = _diagonal(top, scale, xt, yt)
    colour = alt.Color("model:N", title=None, scale=alt.Scale(range=PALETTE[:3]), legend=alt.Legend(**LEGEND))
    enc = {
        "x": alt.X("mean_risk:Q", title=xt, axis=alt.Axis(format="%"), scale=scale),
        "color": colour,
        "tooltip": [
            "model:N",
            "bin:N",
            "country_years:Q",
            "onsets:Q",
            alt.Tooltip("mean_risk:Q", format=".1%"),
            alt.Tooltip("observed:Q", format=".1%"),
        ],
    }
    bars = alt.Chart(cal).mark_rule(strokeWidth=2, opacity=0.6).encode(y=alt.Y("low:Q", title=yt, scale=scale), y2="high:Q", **enc)
    points = alt.Chart(cal).mark_point(filled=True, size=70).encode(y=alt.Y("observed:Q", title=yt, axis=alt.Axis(format="%"), scale=scale), **enc)
    return (diagonal + bars + points).properties(
        title=finding(title, subtitle),
        width=440,
        height=400,
        description=(
            f"Calibration chart: for each model and each bin of forecast risk, the share of country-years followed by a "
            f"new mass killing within two years (up) against the mean forecast (across), with exact intervals and the "
            f"diagonal where the two agree. {len(cal)} points from {int(cal['country_years'].sum() / cal['model'].nunique())} "
            f"forecasts per model."
        ),
    )


def onset_rank_chart(ranks: pd.DataFrame, k: int, title: str, subtitle: str) -> object:
    """Rank given to each onset by each model (columns ``onset_label``, ``year``, ``model``, ``rank``), line at ``k``."""
    order = ranks.sort_values(["year", "onset_label"])["onset_label"].unique().tolist()
    n = len(order)
    top = float(ranks["rank"].max())
    points = (
        alt.Chart(ranks)
        .mark_point(filled=True, size=55, opacity=0.85)
        .encode(
            y=alt.Y("onset_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
            x=alt.X(
                "rank:Q",
                title="Better of the two ranks before the onset (log scale)",
                scale=alt.Scale(type="log", domain=[1, max(top, 100)], nice=False),
            ),
            color=alt.Color("model:N", title=None, scale=alt.Scale(range=PALETTE[:3]), legend=alt.Legend(**LEGEND)),
            shape=alt.Shape("model:N", title=None),
            tooltip=["onset_label:N", "model:N", "rank:Q"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [k]})).mark_rule(color=PALETTE[5], strokeDash=[4, 3]).encode(x="x:Q")
    caught = ranks.assign(hit=ranks["rank"] <= k).groupby("model")["hit"].sum()
    said = "; ".join(f"{m}: {int(c)} of {n}" for m, c in caught.items())
    return (rule + points).properties(
        title=finding(title, subtitle),
        width=460,
        height=14 * n,
        description=(
            f"Dot plot of the {n} onsets of mass killing in the backtest, one row per country and year, showing the rank "
            f"each model had given the country (1 = highest risk, log scale) with a dashed line at rank {k}. Onsets ranked "
            f"{k} or better: {said}."
        ),
    )


def ranking_chart(top: pd.DataFrame, title: str, subtitle: str) -> object:
    """Top of a ranking: risk by country (columns ``country``, ``risk``, ``rank``, ``change``), with the change in rank as text."""
    order = top.sort_values("rank")["country"].tolist()
    base = alt.Chart(top).encode(y=alt.Y("country:N", sort=order, title=None))
    bars = base.mark_bar(color=PALETTE[0], height=12).encode(
        x=alt.X("risk:Q", title="Risk of a new mass killing in the two years", axis=alt.Axis(format="%")),
        tooltip=["rank:Q", "country:N", alt.Tooltip("risk:Q", format=".1%"), "change:N"],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=GREY).encode(x="risk:Q", text="change:N")
    return (bars + text).properties(
        title=finding(title, subtitle),
        width=460,
        height=16 * len(top),
        description=(
            f"Bar chart of the {len(top)} countries with the highest forecast risk, from {order[0]} "
            f"({top['risk'].max():.1%}) down to {order[-1]} ({top['risk'].min():.1%}); the label beside each bar gives its "
            f"change in rank since the forecast made a year earlier."
        ),
    )


def trajectory_chart(traj: pd.DataFrame, title: str, subtitle: str) -> object:
    """Backtest risk by year for a few countries (columns ``country``, ``year``, ``model``, ``risk``, ``onset``), onsets marked."""
    lines = (
        alt.Chart()
        .mark_line(point=False)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d")),
            y=alt.Y("risk:Q", title="Risk", axis=alt.Axis(format="%")),
            color=alt.Color("model:N", title=None, scale=alt.Scale(range=PALETTE[:3]), legend=alt.Legend(**LEGEND)),
            tooltip=["country:N", alt.Tooltip("year:Q", format="d"), "model:N", alt.Tooltip("risk:Q", format=".1%")],
        )
    )
    onsets = alt.Chart().mark_rule(color=PALETTE[5], strokeDash=[4, 3]).encode(x="year:Q").transform_filter("datum.onset == 1")
    countries = traj["country"].unique().tolist()
    years = traj.loc[traj["onset"] == 1, ["country", "year"]].drop_duplicates()
    said = "; ".join(
        f"{c}: {', '.join(str(y) for y in years.loc[years['country'] == c, 'year'])}" for c in countries if (years["country"] == c).any()
    )
    return (
        alt.layer(lines, onsets, data=traj)
        .properties(width=460, height=110)
        .facet(row=alt.Row("country:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=12)))
        .properties(
            title=finding(title, subtitle),
            description=(
                f"Line charts, one per country ({', '.join(countries)}), of the risk each model gave in the backtest to a new "
                f"mass killing in each year from {int(traj['year'].min())} to {int(traj['year'].max())}, with dashed lines in "
                f"the years an onset began" + (f" ({said})." if said else " (none in these countries).")
            ),
        )
    )
