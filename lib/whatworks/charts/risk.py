"""Charts of the Risks chapter: replication, odds ratios, calibration, ranks of onsets, the ranking, trajectories."""

from __future__ import annotations

import altair as alt
import pandas as pd

from whatworks.analyses.risk import MODEL_LABELS, PREDICTOR_LABELS
from whatworks.charts.dates import carries_date, dated, year_to
from whatworks.charts.theme import GREY, PALETTE, finding

# One colour per model in every risk chart (here, in Windows and in the scenario): the replication of the
# Early Warning Project's model is always blue, the average of both ("best") always orange.
MODEL_COLOURS = {
    MODEL_LABELS["ewp"]: PALETTE[0],
    "Our replication": PALETTE[0],
    MODEL_LABELS["best"]: PALETTE[1],
    MODEL_LABELS["trees"]: PALETTE[2],
    "Published": PALETTE[7],
    MODEL_LABELS["ewp_calibrated"]: PALETTE[4],
    MODEL_LABELS["best_calibrated"]: PALETTE[6],
    MODEL_LABELS["trees_calibrated"]: PALETTE[3],
}


def model_colour(model: str) -> str:
    """The one colour of a model (a label of :data:`MODEL_LABELS`, 'Published' or 'Our replication'), or of a key."""
    return MODEL_COLOURS[MODEL_LABELS.get(model, model)]


def model_scale(models: object) -> alt.Scale:
    """A colour scale for the models present, in the order given, each in its one colour."""
    present = list(dict.fromkeys(models))  # type: ignore[call-overload]
    return alt.Scale(domain=present, range=[model_colour(m) for m in present])


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


@carries_date
def replication_chart(cmp: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Scatter of published against replicated risks (columns ``country``, ``published``, ``ours``), with the diagonal.

    ``data_to``: the year of the data the forecasts are made from (the frame has no year).
    """
    top = float(max(cmp["published"].max(), cmp["ours"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Published risk, 2025-26", "Our replication"
    diagonal = _diagonal(top, scale, xt, yt)
    points = (
        alt.Chart(cmp)
        .mark_circle(size=45, opacity=0.75, color=model_colour("Our replication"))
        .encode(
            x=alt.X("published:Q", title=xt, axis=alt.Axis(format="%"), scale=scale),
            y=alt.Y("ours:Q", title=yt, axis=alt.Axis(format="%"), scale=scale),
            tooltip=["country:N", alt.Tooltip("published:Q", format=".2%"), alt.Tooltip("ours:Q", format=".2%")],
        )
    )
    far = cmp.assign(gap=(cmp["ours"] - cmp["published"]).abs()).nlargest(1, "gap").iloc[0]
    return (diagonal + points).properties(
        title=finding(title, dated(subtitle, data_to)),
        width=420,
        height=420,
        description=(
            f"Scatter plot of the risk of a new mass killing in 2025-26 for {len(cmp)} countries: the Early Warning "
            f"Project's published figure across, our replication up, with the diagonal of perfect agreement. The points "
            f"lie on the diagonal; the largest gap is for {far['country']} ({far['published']:.2%} published, "
            f"{far['ours']:.2%} ours)."
        ),
    )


def _log_ticks(lo: float, hi: float) -> list[float]:
    """Tick values 1, 2 and 5 times a power of ten between ``lo`` and ``hi``, thinned so that labels do not collide."""
    for multiples in ((1, 2, 5), (1,)):
        ticks = [round(m * 10.0**e, 6) for e in range(-4, 5) for m in multiples if lo <= m * 10.0**e <= hi]
        if len(ticks) <= 7:
            break
    return ticks


@carries_date
def odds_ratio_chart(ors: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Dot plot of odds ratios by predictor (columns ``predictor``, ``source``, ``odds_ratio``), log scale.

    Rows are labelled with :data:`PREDICTOR_LABELS` and sorted by the odds ratio of the first source; each
    source has its own offset, colour and shape in the row, so equal values do not hide each other.
    ``data_to``: the last year of the data the model was fitted on.
    """
    ors = ors.assign(label=ors["predictor"].map(PREDICTOR_LABELS).fillna(ors["predictor"]))
    order = ors[ors["source"] == ors["source"].iloc[0]].sort_values("odds_ratio", ascending=False)["label"].tolist()
    sources = list(dict.fromkeys(ors["source"]))
    lo, hi = min(float(ors["odds_ratio"].min()), 1.0) * 0.9, max(float(ors["odds_ratio"].max()), 1.0) * 1.1
    base = alt.Chart(ors).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        yOffset=alt.YOffset("source:N", sort=sources),
        x=alt.X(
            "odds_ratio:Q",
            title="Odds ratio per unit of the predictor (log scale)",
            scale=alt.Scale(type="log", domain=[lo, hi], nice=False),
            axis=alt.Axis(values=_log_ticks(lo, hi), format="~g", labelOverlap=True),
        ),
        color=alt.Color("source:N", title=None, sort=sources, scale=model_scale(sources), legend=alt.Legend(**LEGEND)),
        shape=alt.Shape("source:N", title=None, sort=sources, scale=alt.Scale(domain=sources, range=["circle", "diamond", "square"][: len(sources)])),
        tooltip=["label:N", "predictor:N", "source:N", alt.Tooltip("odds_ratio:Q", format=".3f")],
    )
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color=GREY).encode(x="x:Q")
    top = ors.loc[ors["odds_ratio"].idxmax()]
    low = ors.loc[ors["odds_ratio"].idxmin()]
    return (one + base.mark_point(filled=True, size=60, opacity=0.9)).properties(
        title=finding(title, dated(subtitle, data_to)),
        width=300,
        height=alt.Step(11),
        description=(
            f"Dot plot of the odds ratios of {len(order)} predictors that the elastic net keeps (the year terms, whose unit is a "
            "calendar year, left out), one row per predictor, "
            f"the published coefficients and ours side by side on a log scale with a line at 1 (no effect). The highest "
            f"is {top['odds_ratio']:.2f} for {top['label']}, the lowest {low['odds_ratio']:.2f} for {low['label']}."
        ),
    )


@carries_date
def calibration_chart(cal: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int) -> object:
    """Observed share of onsets against mean forecast risk by bin, with intervals, per model (column ``model``).

    ``data_to``: the last year whose outcomes are known (the bins have no year).
    """
    top = float(max(cal["high"].max(), cal["mean_risk"].max())) * 1.05
    scale = alt.Scale(domain=[0, top], nice=False)
    xt, yt = "Mean forecast risk in the bin", "Share followed by an onset"
    diagonal = _diagonal(top, scale, xt, yt)
    colour = alt.Color("model:N", title=None, scale=model_scale(cal["model"]), legend=alt.Legend(**LEGEND))
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
        title=finding(title, dated(subtitle, data_to)),
        width=440,
        height=400,
        description=(
            f"Calibration chart: for each model and each bin of forecast risk, the share of country-years followed by a "
            f"new mass killing within two years (up) against the mean forecast (across), with exact intervals and the "
            f"diagonal where the two agree. {len(cal)} points from {int(cal['country_years'].sum() / cal['model'].nunique())} "
            f"forecasts per model."
        ),
    )


@carries_date
def onset_rank_chart(ranks: pd.DataFrame, k: int, title: str, subtitle: str, *, data_to: str | int | None = None) -> object:
    """Rank given to each onset by each model (columns ``onset_label``, ``year``, ``model``, ``rank``), line at ``k``.

    ``data_to``: the last year of the backtest (default: the year of the last onset).
    """
    order = ranks.sort_values(["year", "onset_label"])["onset_label"].unique().tolist()
    models = list(dict.fromkeys(ranks["model"]))
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
                axis=alt.Axis(values=sorted({*_log_ticks(1, max(top, 100)), k})),
            ),
            yOffset=alt.YOffset("model:N", sort=models),
            color=alt.Color("model:N", title=None, sort=models, scale=model_scale(models), legend=alt.Legend(**LEGEND)),
            shape=alt.Shape("model:N", title=None, sort=models, scale=alt.Scale(domain=models)),
            tooltip=["onset_label:N", "model:N", "rank:Q"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"x": [k]})).mark_rule(color=PALETTE[5], strokeDash=[4, 3]).encode(x="x:Q")
    caught = ranks.assign(hit=ranks["rank"] <= k).groupby("model")["hit"].sum()
    said = "; ".join(f"{m}: {int(c)} of {n}" for m, c in caught.items())
    return (rule + points).properties(
        title=finding(title, dated(subtitle, data_to if data_to is not None else year_to(ranks["year"]))),
        width=460,
        height=14 * n,
        description=(
            f"Dot plot of the {n} onsets of mass killing in the backtest, one row per country and year, showing the rank "
            f"each model had given the country (1 = highest risk, log scale) with a dashed line at rank {k}. Onsets ranked "
            f"{k} or better: {said}."
        ),
    )


@carries_date
def ranking_chart(top: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int, model: str = "best") -> object:
    """Top of a ranking: risk by country (columns ``country``, ``risk``, ``rank``, ``change``), with the change in rank as text.

    ``data_to``: the year of the data the forecast is made from; ``model``: whose risks they are (its colour).
    """
    order = top.sort_values("rank")["country"].tolist()
    base = alt.Chart(top).encode(y=alt.Y("country:N", sort=order, title=None))
    bars = base.mark_bar(color=model_colour(model), height=12).encode(
        x=alt.X("risk:Q", title="Risk of a new mass killing in the two years", axis=alt.Axis(format="%")),
        tooltip=["rank:Q", "country:N", alt.Tooltip("risk:Q", format=".1%"), "change:N"],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=GREY).encode(x="risk:Q", text="change:N")
    return (bars + text).properties(
        title=finding(title, dated(subtitle, data_to)),
        width=460,
        height=16 * len(top),
        description=(
            f"Bar chart of the {len(top)} countries with the highest forecast risk, from {order[0]} "
            f"({top['risk'].max():.1%}) down to {order[-1]} ({top['risk'].min():.1%}); the label beside each bar gives its "
            f"change in rank since the forecast made a year earlier."
        ),
    )


@carries_date
def trajectory_chart(traj: pd.DataFrame, title: str, subtitle: str, *, data_to: str | int | None = None) -> object:
    """Backtest risk by year for a few countries (columns ``country``, ``year``, ``model``, ``risk``, ``onset``), onsets marked."""
    lines = (
        alt.Chart()
        .mark_line(point=False)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d")),
            y=alt.Y("risk:Q", title="Risk", axis=alt.Axis(format="%")),
            color=alt.Color("model:N", title=None, scale=model_scale(traj["model"]), legend=alt.Legend(**LEGEND)),
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
            title=finding(title, dated(subtitle, data_to if data_to is not None else year_to(traj["year"]))),
            description=(
                f"Line charts, one per country ({', '.join(countries)}), of the risk each model gave in the backtest to a new "
                f"mass killing in each year from {int(traj['year'].min())} to {int(traj['year'].max())}, with dashed lines in "
                f"the years an onset began" + (f" ({said})." if said else " (none in these countries).")
            ),
        )
    )
